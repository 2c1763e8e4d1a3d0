"""永久保存: no path deletes a household archive; each attempt is refused in Chinese and recorded."""

import pytest
from archive_helpers import add_household
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from wagtail.models import Page, Site

from cms.archives import actions
from cms.archives.models import (
    ArchiveDeletionRefused,
    Building,
    DeletionAttempt,
    Estate,
    HouseholdArchive,
)
from cms.archives.permanence import ArchiveMoveRefused

pytestmark = pytest.mark.django_db

REFUSAL = "业户档案永久保存"


def assert_still_there(archive_tree):
    assert HouseholdArchive.objects.filter(pk=archive_tree["household"].pk).exists()
    assert HouseholdArchive.objects.count() == 2


def attempts(via):
    return DeletionAttempt.objects.filter(via=via)


class TestAdmin:
    def test_no_delete_action_is_offered_even_to_superusers(self, client, users, archive_tree):
        household = archive_tree["household"]
        delete_url = reverse("wagtailadmin_pages:delete", args=[household.pk])
        client.force_login(users["superuser"])
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[household.pk]))
        listing = client.get(reverse("wagtailadmin_explore", args=[archive_tree["building_a"].pk]))
        assert delete_url not in edit.content.decode()
        assert delete_url not in listing.content.decode()
        assert not household.permissions_for_user(users["superuser"]).can_delete()

    def test_no_page_of_the_archive_tree_offers_delete(self, users, archive_tree):
        empty = archive_tree["estate"].add_child(instance=Building(title="9栋", slug="b9"))
        for page in (empty, archive_tree["building_a"], archive_tree["root"]):
            assert not page.permissions_for_user(users["superuser"]).can_delete()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_delete_url_is_refused_and_recorded(self, client, users, archive_tree, method):
        household = archive_tree["household"]
        client.force_login(users["superuser"])
        url = reverse("wagtailadmin_pages:delete", args=[household.pk])
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert any(REFUSAL in str(m) for m in get_messages(response.wsgi_request))
        assert_still_there(archive_tree)
        attempt = attempts("admin").get()
        assert attempt.user == users["superuser"] and attempt.page_id_attempted == household.pk
        client.force_login(users["manager"])
        register = client.get(reverse("archives_admin:register")).content.decode()
        assert "root1" in register and "2单元 1201室" in register

    def test_deleting_the_building_in_the_admin_is_refused(self, client, users, archive_tree):
        client.force_login(users["superuser"])
        building = archive_tree["building_a"]
        client.post(reverse("wagtailadmin_pages:delete", args=[building.pk]))
        assert Building.objects.filter(pk=building.pk).exists()
        assert_still_there(archive_tree)
        assert attempts("admin").get().page_title == "3栋"

    def test_bulk_delete_is_refused_and_recorded(self, client, users, archive_tree):
        client.force_login(users["superuser"])
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        ids = [archive_tree["household"].pk, archive_tree["other"].pk]
        response = client.post(f"{url}?id={ids[0]}&id={ids[1]}", {"confirm": "1"})
        assert response.status_code == 302
        assert_still_there(archive_tree)
        assert attempts("bulk").count() == 2


class TestModelAndQuerySet:
    def test_model_delete(self, archive_tree):
        with pytest.raises(ArchiveDeletionRefused, match=REFUSAL):
            archive_tree["household"].delete()
        assert_still_there(archive_tree)
        assert attempts("model").count() == 1

    def test_queryset_delete(self, archive_tree):
        with pytest.raises(ArchiveDeletionRefused):
            HouseholdArchive.objects.filter(floor=12).delete()
        assert_still_there(archive_tree)
        assert attempts("queryset").count() == 1

    def test_ancestor_estate_and_building_delete(self, archive_tree):
        with pytest.raises(ArchiveDeletionRefused):
            archive_tree["estate"].delete()
        with pytest.raises(ArchiveDeletionRefused):
            Building.objects.all().delete()
        assert Estate.objects.count() == 1
        assert_still_there(archive_tree)

    def test_plain_page_instance_delete(self, archive_tree):
        """Page.delete() on the generic page goes through the specific queryset's guard."""
        with pytest.raises(ArchiveDeletionRefused):
            Page.objects.get(pk=archive_tree["household"].pk).delete()
        assert_still_there(archive_tree)

    def test_plain_page_queryset_delete_is_refused_before_the_tree_changes(self, archive_tree):
        building = archive_tree["building_a"]
        estate_children = Page.objects.get(pk=archive_tree["estate"].pk).numchild
        with pytest.raises(ArchiveDeletionRefused, match="永久保存"), transaction.atomic():
            Page.objects.filter(pk=building.pk).delete()
        assert_still_there(archive_tree)
        assert Page.objects.get(pk=archive_tree["estate"].pk).numchild == estate_children
        assert attempts("database").count() == 1


class TestMoveThenDelete:
    def test_household_cannot_leave_the_archive_tree(self, archive_tree):
        home = Site.objects.get(is_default_site=True).root_page
        household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
        with pytest.raises(ArchiveMoveRefused):
            household.move(home, pos="last-child")
        assert HouseholdArchive.objects.get(pk=household.pk).get_parent().pk == (
            archive_tree["building_a"].pk
        )
        assert attempts("move").count() == 1

    def test_moving_between_buildings_is_allowed_and_still_undeletable(self, archive_tree):
        household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
        household.move(archive_tree["building_b"], pos="last-child")
        moved = HouseholdArchive.objects.get(pk=household.pk)
        assert moved.get_parent().pk == archive_tree["building_b"].pk
        with pytest.raises(ArchiveDeletionRefused):
            moved.delete()

    def test_admin_offers_no_destination_outside_buildings(self, client, users, archive_tree):
        client.force_login(users["superuser"])
        home = Site.objects.get(is_default_site=True).root_page
        household = archive_tree["household"]
        url = reverse("wagtailadmin_pages:move_confirm", args=[household.pk, home.pk])
        client.post(url)
        assert HouseholdArchive.objects.get(pk=household.pk).get_parent().pk == (
            archive_tree["building_a"].pk
        )


class TestApi:
    def test_api_has_no_way_to_delete(self, client, archive_tree):
        response = client.delete(f"/api/v2/pages/{archive_tree['household'].pk}/")
        assert response.status_code in (401, 403, 404, 405)
        assert_still_there(archive_tree)


class TestClosing:
    def test_closing_is_allowed_and_reversible(self, users, archive_tree):
        household = archive_tree["household"]
        actions.close_archive(household, users["archivist"], "房屋已拆迁")
        assert HouseholdArchive.objects.get(pk=household.pk).is_closed
        assert HouseholdArchive.objects.open().count() == 1
        actions.reopen_archive(household, users["archivist"], "拆迁取消")
        reopened = HouseholdArchive.objects.get(pk=household.pk)
        assert not reopened.is_closed
        kinds = list(reopened.changes.values_list("kind", flat=True))
        assert kinds == ["reopened", "closed"]
        assert reopened.revisions.count() == 2


def test_a_new_household_in_a_building_is_protected_too(archive_tree):
    extra = add_household(archive_tree["building_b"], unit="1", floor=5, room="502")
    with pytest.raises(ArchiveDeletionRefused):
        extra.delete()


@pytest.mark.parametrize(
    "ids", ["id=all&childOf={building}", "id=+{household}", "id={household}%20"]
)
def test_every_bulk_delete_wagtail_accepts_is_recorded(client, users, archive_tree, ids):
    client.force_login(users["superuser"])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    query = ids.format(
        building=archive_tree["building_a"].pk, household=archive_tree["household"].pk
    )
    response = client.post(f"{url}?{query}", {"confirm": "1"})
    assert response.status_code == 302
    assert_still_there(archive_tree)
    assert [a.page_id_attempted for a in attempts("bulk")] == [archive_tree["household"].pk]


def test_a_user_named_in_the_register_is_not_deleted_and_told_why(client, users, archive_tree):
    from django.contrib.auth import get_user_model

    from cms.archives import policy
    from cms.archives.models import AccessRecord

    reader = users["staff"]
    policy.record_access(reader, archive_tree["household"], "read")
    client.force_login(users["superuser"])
    response = client.post(reverse("wagtailusers_users:delete", args=[reader.pk]), follow=True)
    assert response.status_code == 200
    shown = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "不能删除" in shown and "停用" in shown
    assert get_user_model().objects.filter(pk=reader.pk).exists()
    assert AccessRecord.objects.filter(user=reader).count() == 1
