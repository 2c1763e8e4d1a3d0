"""What the bulk import must keep while it writes thousands of rooms at once: each room
its own owners, a sound page tree, revisions the admin's history and compare screens
read, a re-import of an unchanged file that writes nothing, and a bad row that imports
nothing with a Chinese message."""

import json

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, VALID_ID_2, import_sheet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from staff_accounts import role_account
from wagtail.models import Page

from cms.archives.importer import Importer, ImportFailed
from cms.archives.models import HouseholdArchive
from core.roles import ARCHIVIST

pytestmark = pytest.mark.django_db

HEADERS = [*ADDRESS_HEADERS, "业主姓名", "证件号码", "共有人姓名"]


archivist = role_account(ARCHIVIST, "dangan-bulk-import")


def sheet(path, rows):
    return import_sheet(path, HEADERS, rows)


def rooms_of_two_buildings_in_turn():
    """3栋 and 5栋 alternating, as a sheet sorted by floor rather than by building reads."""
    return [
        ["翠湖花园", building, "6", floor, f"{floor}01", f"业主{building}{floor}", "", ""]
        for floor in range(1, 6)
        for building in ("3栋", "5栋")
    ]


def test_rooms_of_buildings_in_turn_keep_their_own_owners_in_a_sound_tree(
    tmp_path, archive_tree, archivist
):
    Importer(by=archivist).run(sheet(tmp_path / "rooms.xlsx", rooms_of_two_buildings_in_turn()))

    for building in (archive_tree["building_a"], archive_tree["building_b"]):
        rooms = HouseholdArchive.objects.child_of(building).filter(unit="6")
        assert rooms.count() == 5
        for room in rooms:
            assert room.owner_names == f"业主{building.title}{room.floor}", room.title
            assert [o["name"] for o in room.live_revision.content["owners"]] == [room.owner_names]
        assert Page.objects.get(pk=building.pk).numchild == 6
    assert all(not problems for problems in Page.find_problems())


def test_an_imported_revision_holds_what_wagtail_would_serialise(tmp_path, archive_tree, archivist):
    Importer(by=archivist).run(
        sheet(
            tmp_path / "rooms.xlsx",
            [["翠湖花园", "3栋", "1", 8, "802", "周强", VALID_ID_2, "孙丽"]],
        )
    )

    household = HouseholdArchive.objects.get(room="802")
    stored = json.loads(json.dumps(household.serializable_data(), cls=DjangoJSONEncoder))
    # Like save_revision(), the revision holds the page as it was before pointing at it.
    stored.update(latest_revision=None, live_revision=None)
    assert household.latest_revision.content == stored
    assert [o["name"] for o in stored["owners"]] == ["周强", "孙丽"]


def test_history_and_compare_screens_open_on_an_imported_household(
    tmp_path, client, archive_tree, archivist
):
    first = ["翠湖花园", "3栋", "1", 8, "802", "周强", VALID_ID_2, ""]
    Importer(by=archivist).run(sheet(tmp_path / "first.xlsx", [first]))
    Importer(by=archivist).run(sheet(tmp_path / "second.xlsx", [[*first[:-1], "孙丽"]]))
    household = HouseholdArchive.objects.get(room="802")
    older, newer = household.revisions.order_by("created_at", "pk")
    client.force_login(archivist)

    history = client.get(reverse("wagtailadmin_pages:history", args=[household.pk]))
    compare = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[household.pk, older.pk, newer.pk])
    )

    assert history.status_code == 200
    assert compare.status_code == 200
    assert "孙丽" in compare.content.decode()


def test_reimporting_an_unchanged_file_writes_nothing(tmp_path, archive_tree, archivist):
    path = sheet(tmp_path / "rooms.xlsx", rooms_of_two_buildings_in_turn())
    Importer(by=archivist).run(path)

    with CaptureQueriesContext(connection) as queries:
        result = Importer(by=archivist).run(path)

    assert result.unchanged == 10
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []


def test_a_room_number_too_long_is_a_chinese_error_and_nothing_is_imported(
    tmp_path, archive_tree, archivist
):
    rows = rooms_of_two_buildings_in_turn()
    rows[4][4] = "1" * 25
    before = HouseholdArchive.objects.count()

    with pytest.raises(ImportFailed) as failure:
        Importer(by=archivist).run(sheet(tmp_path / "rooms.xlsx", rows))

    assert [str(error) for error in failure.value.errors] == [
        "第 6 行［房号］：确保该变量包含不超过 20 字符 (目前字符数 25)。"
    ]
    assert HouseholdArchive.objects.count() == before
    assert all(not problems for problems in Page.find_problems())


def test_an_owner_with_a_bad_identity_number_stops_the_whole_file(
    tmp_path, archive_tree, archivist
):
    rows = rooms_of_two_buildings_in_turn()
    rows[7][6] = VALID_ID[:-1] + "9"

    with pytest.raises(ImportFailed) as failure:
        Importer(by=archivist).run(sheet(tmp_path / "rooms.xlsx", rows))

    assert [error.row for error in failure.value.errors] == [9]
    assert failure.value.errors[0].column == "证件号码"
    assert not HouseholdArchive.objects.filter(unit="6").exists()
