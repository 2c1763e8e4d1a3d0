"""One policy at Wagtail's own seams: the page chooser, the explorer, the admin API,
the public API and the project's request page show only the archive pages a user may
see; every page type that can live under the archive root is covered, found from the
model registry so that a new type cannot leak by default."""

import pytest
from django.urls import reverse
from wagtail.models import get_page_models

from cms.archives import actions, policy
from cms.archives.models import AccessGrant, ArchiveRoot, ArchiveTreePage, HouseholdArchive

pytestmark = pytest.mark.django_db


def archive_page_types():
    """Every page model reachable from the archive root through allowed subpage types."""
    found, todo = set(), [ArchiveRoot]
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        todo.extend(model.allowed_subpage_models())
    return found


def chooser_html(client, parent):
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk]))
    assert response.status_code == 200
    return response.json()["html"]


def test_every_archive_page_type_is_an_archive_tree_page(archive_tree):
    types = archive_page_types()
    assert types == {type(archive_tree[k]) for k in ("root", "estate", "building_a", "household")}
    assert all(issubclass(model, ArchiveTreePage) for model in types)
    assert types <= set(get_page_models())


@pytest.mark.parametrize("key", ["root", "estate", "building_a", "household"])
def test_no_archive_page_type_reaches_the_public_api(client, archive_tree, key):
    page = archive_tree[key]
    label = page.specific_class._meta.label
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    by_type = client.get(f"/api/v2/pages/?type={label}")
    assert by_type.status_code in (200, 400) and by_type.json().get("items", []) == []
    listed = client.get("/api/v2/pages/?limit=20").json()["items"]
    assert page.pk not in {item["id"] for item in listed}


@pytest.mark.parametrize("key", ["root", "estate", "building_a", "household"])
def test_no_archive_page_type_is_chosen_or_explored_without_the_right(
    client, users, archive_tree, key
):
    page = archive_tree[key]
    client.force_login(users["staff"])
    parent = page.get_parent()
    assert page.title not in chooser_html(client, parent)
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": page.title})
    assert page.title not in search.content.decode()
    api = client.get(
        "/admin/api/main/pages/", {"child_of": parent.pk, "for_explorer": 1, "limit": 100}
    )
    if api.status_code == 200:
        assert page.pk not in {item["id"] for item in api.json()["items"]}
    explorer = client.get(reverse("wagtailadmin_explore", args=[parent.pk]))
    assert explorer.status_code != 200 or page.title not in explorer.content.decode()


def test_archivist_still_chooses_everything(client, users, archive_tree):
    client.force_login(users["archivist"])
    html = chooser_html(client, archive_tree["estate"])
    assert "3栋" in html and "5栋" in html


def test_butler_chooses_only_their_buildings(client, butler, archive_tree):
    client.force_login(butler)
    estate_html = chooser_html(client, archive_tree["estate"])
    assert "3栋" in estate_html and "5栋" not in estate_html
    assert "翠湖花园" in chooser_html(client, archive_tree["root"])
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "301"})
    assert "301" not in search.content.decode()


def test_staff_cannot_edit_a_household_through_wagtail(client, users, archive_tree):
    household = archive_tree["household"]
    tester = household.permissions_for_user(users["staff"])
    assert not tester.can_edit() and not tester.can_publish()
    assert household.permissions_for_user(users["archivist"]).can_edit()


class TestRequestPage:
    def test_an_arbitrary_household_id_prints_no_address(self, client, users, archive_tree):
        client.force_login(users["staff"])
        url = reverse("archives_admin:request_access")
        body = client.get(url, {"household": archive_tree["other"].pk}).content.decode()
        assert "301室" not in body and "李娜" not in body

    def test_a_butler_sees_the_address_of_their_own_room(self, client, butler, archive_tree):
        client.force_login(butler)
        url = reverse("archives_admin:request_access")
        own = client.get(url, {"household": archive_tree["household"].pk}).content.decode()
        other = client.get(url, {"household": archive_tree["other"].pk}).content.decode()
        assert "翠湖花园 3栋 2单元 1201室" in own
        assert "301室" not in other


class TestLinkingACase:
    def test_everyone_registering_cases_may_link_any_household(self, users, archive_tree):
        for role in ("staff", "supervisor", "manager"):
            user = users[role]
            assert policy.may_link_household(user, archive_tree["other"]), role
            assert not policy.can_read_household(user, archive_tree["other"]), role

    def test_a_butler_links_only_households_of_their_buildings(self, butler, archive_tree):
        assert policy.may_link_household(butler, archive_tree["household"])
        assert not policy.may_link_household(butler, archive_tree["other"])

    def test_case_form_accepts_the_household_without_a_grant(self, users, archive_tree):
        from wagtail.admin.panels import get_edit_handler

        from cases.models import Case

        form_class = get_edit_handler(Case).get_form_class()
        form = form_class(for_user=users["staff"])
        assert archive_tree["other"] in form.fields["household"].queryset


class TestBreakGlass:
    def test_a_manager_opens_an_archive_for_themselves_flagged(self, client, users, archive_tree):
        manager = users["manager"]
        household = archive_tree["other"]
        client.force_login(manager)
        response = client.post(
            reverse("archives_admin:request_access"),
            {
                "scope": "household",
                "household": household.pk,
                "reason": "业主来电投诉漏水，需核对联系人",
                "duration_days": 1,
                "break_glass": "1",
            },
        )
        assert response.status_code == 302
        grant = AccessGrant.objects.get(requester=manager)
        assert grant.break_glass and grant.decided_by == manager and grant.is_active()
        assert policy.can_read_household(manager, household)
        client.get(reverse("archives_admin:household", args=[household.pk]))
        register = client.get(reverse("archives_admin:register")).content.decode()
        assert "经理紧急自行开启" in register and "需核对联系人" in register

    def test_staff_cannot_break_glass(self, users, archive_tree):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            actions.open_for_myself(users["staff"], "想看看", household=archive_tree["other"])
        assert not HouseholdArchive.objects.filter(access_grants__break_glass=True).exists()

    def test_a_reason_is_required(self, users, archive_tree):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            actions.open_for_myself(users["manager"], " ", household=archive_tree["other"])
