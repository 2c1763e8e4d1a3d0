"""Wagtail's own screens of a household page ask the archive policy and register the reading.

An editor with page permissions on the whole archive tree (a misconfigured group, say) is
refused on each screen until a manager approves a grant; with the grant each screen opens
and leaves one register line naming the way of reading.
"""

import pytest
from django.urls import reverse
from staff_accounts import make_user
from wagtail.models import GroupPagePermission

from cms.archives import actions
from cms.archives.models import AccessRecord, HouseholdArchive

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(role_groups, archive_tree):
    editor = make_user("bianji", role_groups["supervisor"])
    for permission_type in ("change", "publish"):
        GroupPagePermission.objects.create(
            group=role_groups["supervisor"],
            page=archive_tree["root"],
            permission_type=permission_type,
        )
    return editor


@pytest.fixture
def revisions(archive_tree, users):
    household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
    first = household.save_revision(user=users["archivist"])
    household.floor_area = "90.00"
    second = household.save_revision(user=users["archivist"])
    return household, first, second


SCREENS = {
    "edit": (lambda h, a, b: ("wagtailadmin_pages:edit", [h.pk]), "admin"),
    "view_draft": (lambda h, a, b: ("wagtailadmin_pages:view_draft", [h.pk]), "preview"),
    "revisions_view": (
        lambda h, a, b: ("wagtailadmin_pages:revisions_view", [h.pk, a.pk]),
        "revisions",
    ),
    "revisions_compare": (
        lambda h, a, b: ("wagtailadmin_pages:revisions_compare", [h.pk, a.pk, b.pk]),
        "revisions",
    ),
    "revisions_revert": (
        lambda h, a, b: ("wagtailadmin_pages:revisions_revert", [h.pk, a.pk]),
        "revisions",
    ),
    "history": (lambda h, a, b: ("wagtailadmin_pages:history", [h.pk]), "revisions"),
}


def screen_url(name, revisions):
    url_name, args = SCREENS[name][0](*revisions)
    return reverse(url_name, args=args)


@pytest.mark.parametrize("screen", SCREENS)
def test_without_a_grant_the_screen_is_refused(client, editor, revisions, screen):
    client.force_login(editor)
    response = client.get(screen_url(screen, revisions))
    assert response.status_code in (302, 403)
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("screen", SCREENS)
def test_with_a_grant_the_screen_opens_and_is_registered(
    client, editor, users, revisions, screen
):
    household = revisions[0]
    grant = actions.request_access(editor, "核对业主变更", 1, household=household)
    actions.approve_access(grant, users["manager"])
    client.force_login(editor)
    response = client.get(screen_url(screen, revisions))
    assert response.status_code == 200
    record = AccessRecord.objects.get(household=household)
    assert record.user == editor and record.via == SCREENS[screen][1]
    assert record.grant == grant


def test_the_revisions_index_leads_to_the_registered_history(client, users, revisions):
    household = revisions[0]
    client.force_login(users["archivist"])
    index = reverse("wagtailadmin_pages:revisions_index", args=[household.pk])
    response = client.get(index, follow=True)
    assert response.status_code == 200
    assert AccessRecord.objects.get(household=household).via == "revisions"
