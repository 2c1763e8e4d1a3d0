"""The Excel import keeps the archive rules: every household it changes gets a revision
by the importing user, the change names that user, and the search index learns the
change after commit (against the real Elasticsearch node)."""

import uuid
from io import StringIO

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, VALID_ID_2, import_sheet
from django.core.management import CommandError, call_command
from django.utils import timezone
from staff_accounts import make_user, role_account

from cms.archives.importer import Importer
from cms.archives.models import ArchiveChange, HouseholdArchive
from core.roles import ARCHIVIST
from search.query import search

HEADERS = [*ADDRESS_HEADERS, "业主姓名", "证件号码", "共有人姓名", "共有人证件号码"]
# A second valid mainland number (check digit computed).
NEW_OWNER_ID = "440305198506151233"
ROOM = ["翠湖花园", "3栋", "1", 7, "701", "孙丽", VALID_ID]


def workbook(path, rows):
    return import_sheet(path, HEADERS, rows)


@pytest.fixture
def own_index(settings, test_index_prefix, elasticsearch_node):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"


archivist = role_account(ARCHIVIST, "dangan-import")


def imported_room():
    return HouseholdArchive.objects.get(room="701", unit="1", floor=7)


def archive_titles(user, text):
    return [hit["title"] for hit in search(user, text, kinds=["archive"]).hits]


@pytest.mark.django_db
def test_a_new_co_owner_on_reimport_is_a_revision_by_the_importer_and_is_found(
    tmp_path, archive_tree, archivist, own_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(workbook(tmp_path / "first.xlsx", [ROOM]))
    household = imported_room()
    revisions_before = household.revisions.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(
            workbook(tmp_path / "second.xlsx", [[*ROOM, "钱多多", VALID_ID_2]])
        )

    assert result.updated == 1
    household = imported_room()
    assert [o.name for o in household.owners.all()] == ["孙丽", "钱多多"]
    assert household.revisions.count() == revisions_before + 1
    latest = household.revisions.order_by("-created_at", "-pk").first()
    assert latest.user == archivist
    assert latest.user == archivist
    assert [o["name"] for o in latest.content["owners"]] == ["孙丽", "钱多多"]
    change = household.changes.filter(kind=ArchiveChange.Kind.IMPORTED).latest("changed_at")
    assert change.changed_by == archivist
    assert archive_titles(archivist, "钱多多") == ["翠湖花园 3栋 1单元 701室"]


@pytest.mark.django_db
def test_new_households_are_filed_with_a_revision_by_the_importer(
    tmp_path, archive_tree, archivist, own_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(workbook(tmp_path / "first.xlsx", [ROOM]))
    household = imported_room()
    assert household.revisions.filter(user=archivist).count() == 1
    assert household.changes.get(kind=ArchiveChange.Kind.IMPORTED).changed_by == archivist
    assert archive_titles(archivist, "孙丽") == ["翠湖花园 3栋 1单元 701室"]


@pytest.mark.django_db
def test_reimporting_an_unchanged_file_saves_no_revision(
    tmp_path, archive_tree, archivist, own_index, django_capture_on_commit_callbacks
):
    path = workbook(tmp_path / "first.xlsx", [ROOM])
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(path)
    revisions = imported_room().revisions.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(path)
    assert result.unchanged == 1
    assert imported_room().revisions.count() == revisions


@pytest.mark.django_db
def test_the_import_command_needs_the_importing_user(tmp_path, archive_tree, archivist):
    path = workbook(tmp_path / "first.xlsx", [ROOM])
    with pytest.raises(CommandError, match="--user"):
        call_command("import_archives", str(path), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="没有用户“nobody”"):
        call_command(
            "import_archives", str(path), user="nobody", stdout=StringIO(), stderr=StringIO()
        )
    assert not HouseholdArchive.objects.filter(room="701", unit="1").exists()
    call_command(
        "import_archives", str(path), user=archivist.username, stdout=StringIO(), verbosity=0
    )
    assert imported_room().revisions.get().user == archivist


def card(household):
    return [
        (owner.name, owner.is_current, owner.owned_until)
        for owner in household.owners.order_by("sort_order", "pk")
    ]


@pytest.mark.django_db
def test_a_different_co_owner_on_reimport_ends_the_old_ownership(
    tmp_path, archive_tree, archivist, own_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(
            workbook(tmp_path / "first.xlsx", [[*ROOM, "钱多多", VALID_ID_2]])
        )
    revisions_before = imported_room().revisions.count()

    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(
            workbook(tmp_path / "second.xlsx", [[*ROOM, "赵春燕", ""]])
        )

    assert result.updated == 1
    household = imported_room()
    today = timezone.localdate()
    assert card(household) == [
        ("孙丽", True, None),
        ("钱多多", False, today),
        ("赵春燕", True, None),
    ]
    assert household.owner_names == "孙丽、赵春燕"
    assert household.revisions.count() == revisions_before + 1
    latest = household.revisions.order_by("-created_at", "-pk").first()
    assert [(o["name"], o["is_current"]) for o in latest.content["owners"]] == [
        ("孙丽", True),
        ("钱多多", False),
        ("赵春燕", True),
    ]
    change = household.changes.get(kind=ArchiveChange.Kind.OWNER)
    assert change.changed_by == archivist
    assert [o["name"] for o in change.before["owners"]] == ["钱多多"]
    assert [o["name"] for o in change.after["owners"]] == ["赵春燕"]
    assert archive_titles(archivist, "赵春燕") == ["翠湖花园 3栋 1单元 701室"]
    assert archive_titles(archivist, "钱多多") == []

    with django_capture_on_commit_callbacks(execute=True):
        again = Importer(by=archivist).run(tmp_path / "second.xlsx")
    assert (again.updated, again.unchanged) == (0, 1)
    assert imported_room().revisions.count() == revisions_before + 1


@pytest.mark.django_db
def test_a_different_main_owner_on_reimport_ends_the_old_ownership(
    tmp_path, archive_tree, archivist, own_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(workbook(tmp_path / "first.xlsx", [ROOM]))

    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(
            workbook(tmp_path / "second.xlsx", [[*ROOM[:5], "周强", NEW_OWNER_ID]])
        )

    assert result.updated == 1
    household = imported_room()
    today = timezone.localdate()
    assert card(household) == [("孙丽", False, today), ("周强", True, None)]
    assert household.owners.get(name="周强").owned_since == today
    assert household.owner_names == "周强"
    latest = household.revisions.order_by("-created_at", "-pk").first()
    assert latest.user == archivist
    assert [(o["name"], o["is_current"]) for o in latest.content["owners"]] == [
        ("孙丽", False),
        ("周强", True),
    ]
    assert archive_titles(archivist, "周强") == ["翠湖花园 3栋 1单元 701室"]
    assert archive_titles(archivist, "孙丽") == []


@pytest.mark.django_db
def test_a_row_without_owner_names_leaves_the_owners_alone(
    tmp_path, archive_tree, archivist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Importer(by=archivist).run(workbook(tmp_path / "first.xlsx", [ROOM]))
    with django_capture_on_commit_callbacks(execute=True):
        result = Importer(by=archivist).run(workbook(tmp_path / "second.xlsx", [ROOM[:5]]))
    assert result.unchanged == 1
    assert card(imported_room()) == [("孙丽", True, None)]


@pytest.mark.django_db
def test_a_held_household_is_not_changed_by_a_reimport(
    tmp_path, archive_tree, archivist, role_groups
):
    """保全 freezes an archive against every path, the importer included: the sheet is
    refused with the room's row and nothing is written; the same room unchanged passes."""
    from cms.archives import holds
    from cms.archives.importer import ImportFailed
    from core.roles import MANAGER

    Importer(by=archivist).run(workbook(tmp_path / "first.xlsx", [[*ROOM, "钱多多", VALID_ID_2]]))
    manager = make_user("jingli-hold", role_groups[MANAGER])
    holds.place_hold(imported_room(), manager, "业主诉讼，法院调取档案")
    before = card(imported_room())

    with pytest.raises(ImportFailed) as refused:
        Importer(by=archivist).run(workbook(tmp_path / "second.xlsx", [[*ROOM, "赵春燕", ""]]))

    assert [(error.row, "保全" in error.message) for error in refused.value.errors] == [(2, True)]
    assert card(imported_room()) == before
    again = Importer(by=archivist).run(tmp_path / "first.xlsx")
    assert (again.updated, again.unchanged) == (0, 1)
