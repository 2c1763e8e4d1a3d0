"""The owner's own case page: signed expiring link, only their case, rating records the visit."""

import pytest
from django.core import signing

from cases.models import Case, FollowUpVisit
from portal.links import SALT, owner_link


def path_of(link):
    return "/" + link.url.split("/", 3)[3]


@pytest.mark.django_db
def test_the_page_shows_number_status_and_steps_without_staff_names(client, replied):
    link = owner_link(replied)
    assert replied.number in link.sms_text and "请勿转发" in link.sms_text
    html = client.get(path_of(link)).content.decode()
    assert replied.number in html and ("待回访" in html or "已回复" in html)
    assert "已受理您的反映" in html and "开始处理" in html and "已回复处理结果" in html
    assert "加装家具脚垫" in html
    for hidden in ("陈佳怡", "kefu-portal", "139", "赵先生"):
        assert hidden not in html
    assert 'name="satisfaction"' in html


@pytest.mark.django_db
def test_a_changed_another_cases_or_expired_link_is_refused(client, replied, complaint, settings):
    link = path_of(owner_link(replied))
    assert client.get(link[:-3] + "xyz/").status_code == 404
    other = complaint(reporter_phone="13700001111")
    forged = signing.dumps({"case": other.pk, "tel": "5678"}, salt=SALT)
    answer = client.get(f"/track/{forged}/")
    assert answer.status_code == 404 and other.number not in answer.content.decode()
    settings.PORTAL_LINK_DAYS = 0
    expired = client.get(link)
    assert expired.status_code == 404 and "过期" in expired.content.decode()


@pytest.mark.django_db
def test_no_phone_no_link(complaint):
    assert owner_link(complaint(reporter_phone="")) is None


@pytest.mark.django_db
def test_a_satisfied_rating_records_a_web_visit_and_closes(client, replied):
    link = path_of(owner_link(replied))
    response = client.post(link, {"satisfaction": "5", "comment": "处理及时，谢谢"})
    assert response.status_code == 302
    visit = FollowUpVisit.objects.get(case=replied)
    assert (visit.method, visit.satisfaction, visit.by.last_name) == ("web", 5, "业主网上评价")
    assert not visit.by.is_active and not visit.by.has_usable_password()
    assert visit.suggestions == "处理及时，谢谢"
    replied.refresh_from_db()
    assert replied.status == Case.Status.CLOSED
    page = client.get(response.url).content.decode()
    assert "感谢您的评价" in page and "已关闭" in page and 'name="satisfaction"' not in page
    again = client.post(link, {"satisfaction": "1"})
    assert FollowUpVisit.objects.filter(case=replied).count() == 1
    assert again.status_code == 200


@pytest.mark.django_db
def test_a_poor_rating_reopens_the_case(client, replied):
    client.post(path_of(owner_link(replied)), {"satisfaction": "2", "comment": "晚上还是有噪音"})
    replied.refresh_from_db()
    assert replied.status == Case.Status.IN_PROGRESS
    assert FollowUpVisit.objects.get(case=replied).shortcomings == "晚上还是有噪音"


@pytest.mark.django_db
def test_bad_ratings_are_explained_and_change_nothing(client, replied):
    answer = client.post(path_of(owner_link(replied)), {"satisfaction": "9"})
    assert "请选择 1–5 分" in answer.content.decode()
    assert not FollowUpVisit.objects.exists()


@pytest.mark.django_db
def test_a_merged_case_names_the_case_carrying_it(client, complaint, staff):
    from cases import actions

    target = complaint(reporter_phone="13800002222", reporter_name="钱女士")
    mine = complaint()
    actions.merge_cases(target, [mine], staff)
    html = client.get(path_of(owner_link(mine))).content.decode()
    assert target.number in html and "合并办理" in html
    assert "钱女士" not in html and "2222" not in html


@pytest.mark.django_db
def test_staff_copy_the_sms_from_the_admin(client, replied, staff):
    client.force_login(staff)
    page = client.get(f"/admin/cases/{replied.pk}/owner-link/").content.decode()
    assert replied.number in page and "/track/" in page and "请勿转发" in page


@pytest.mark.django_db
def test_staff_reach_the_owners_link_from_the_case_page(client, complaint, staff):
    """While the caller is still on the line, the case page leads to the SMS with the link;
    a case without a phone offers none."""
    client.force_login(staff)
    with_phone = complaint()
    page = client.get(f"/admin/cases/{with_phone.pk}/").content.decode()
    assert f'href="/admin/cases/{with_phone.pk}/owner-link/"' in page
    assert "业主查询链接" in page
    without_phone = complaint(reporter_phone="")
    page = client.get(f"/admin/cases/{without_phone.pk}/").content.decode()
    assert "/owner-link/" not in page


@pytest.mark.django_db
def test_the_link_carries_no_digit_of_the_owners_phone(replied):
    token = owner_link(replied).url.rstrip("/").rsplit("/", 1)[1]
    carried = [str(value) for value in signing.loads(token, salt=SALT).values()]
    phone_digits = "13912345678"
    assert not any(value.isdigit() and len(value) >= 4 and value in phone_digits
                   for value in carried), carried


@pytest.mark.django_db
def test_a_link_sent_before_the_fingerprint_still_opens_until_it_expires(client, replied):
    earlier = signing.dumps({"case": replied.pk, "tel": "5678"}, salt=SALT)
    assert replied.number in client.get(f"/track/{earlier}/").content.decode()


@pytest.mark.django_db
def test_a_link_stops_opening_once_the_cases_phone_is_corrected(client, replied):
    link = path_of(owner_link(replied))
    Case.objects.filter(pk=replied.pk).update(reporter_phone="13700009999")
    assert client.get(link).status_code == 404
