"""The case page leads to the case's notices (通知文书)."""

import pytest
from staff_accounts import make_user


@pytest.mark.django_db
def test_the_case_page_links_to_its_notices_for_those_who_see_the_case(
    client, violation_case, staff
):
    client.force_login(staff)
    page = client.get(f"/admin/cases/{violation_case.pk}/").content.decode()
    link = f'href="/admin/notices/case/{violation_case.pk}/"'
    assert link in page
    assert "通知文书" in page
    assert client.get(f"/admin/notices/case/{violation_case.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_user_who_sees_the_case_but_not_notices_gets_no_link(client, violation_case):
    from django.contrib.auth.models import Permission

    reader = make_user("anjian-zhidu")
    reader.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="view_case", content_type__app_label="cases"),
        Permission.objects.get(codename="view_all_cases", content_type__app_label="cases"),
    )
    client.force_login(reader)
    response = client.get(f"/admin/cases/{violation_case.pk}/")
    assert response.status_code == 200
    assert f"/admin/notices/case/{violation_case.pk}/" not in response.content.decode()
