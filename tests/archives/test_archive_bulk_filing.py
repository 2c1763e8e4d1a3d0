"""A household filed by the Excel import is the same archive as one filed and published
by hand: same page fields, tree, revision, audit log and admin search entry, and the
database still refuses to delete it."""

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, VALID_ID_2, import_sheet
from django.db import connection, transaction
from staff_accounts import role_account
from wagtail.models import Page, PageLogEntry
from wagtail.search.models import IndexEntry

from cms.archives.actions import save_imported_revision
from cms.archives.importer import Importer, ImportFailed
from cms.archives.models import ArchiveDeletionRefused, HouseholdArchive, Owner
from core.roles import ARCHIVIST

pytestmark = pytest.mark.django_db

HEADERS = [*ADDRESS_HEADERS, "面积", "收楼时间", "业主姓名", "证件号码"]
# Fields that differ between any two rooms, whoever files them.
PER_ROOM = {
    "id",
    "page_ptr_id",
    "path",
    "title",
    "draft_title",
    "slug",
    "url_path",
    "room",
    "room_order",
    "translation_key",
    "latest_revision_id",
    "live_revision_id",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
}


archivist = role_account(ARCHIVIST, "dangan-bulk")


def sheet(path, rows):
    return import_sheet(path, HEADERS, rows)


def filed_by_hand(building, archivist):
    household = building.add_child(
        instance=HouseholdArchive(
            title="1单元 801室", unit="1", floor=8, room="801", floor_area="88.00"
        )
    )
    Owner.objects.create(household=household, name="孙丽", id_number=VALID_ID)
    household = HouseholdArchive.objects.get(pk=household.pk)
    save_imported_revision(household, archivist)
    return HouseholdArchive.objects.get(pk=household.pk)


def page_values(household):
    return {
        field.attname: getattr(household, field.attname)
        for field in HouseholdArchive._meta.concrete_fields
        if field.attname not in PER_ROOM
    }


def test_imported_household_matches_one_filed_and_published_by_hand(
    tmp_path, archive_tree, archivist
):
    building = archive_tree["building_a"]
    by_hand = filed_by_hand(building, archivist)

    Importer(by=archivist).run(
        sheet(
            tmp_path / "rooms.xlsx",
            [["翠湖花园", "3栋", "1", 8, "802", 88, "", "周强", VALID_ID_2]],
        )
    )

    imported = HouseholdArchive.objects.get(room="802")
    assert page_values(imported) == page_values(by_hand)
    assert imported.live and imported.url_path == f"{building.url_path}1-802/"
    assert imported.live_revision_id == imported.latest_revision_id
    assert Page.objects.get(pk=by_hand.pk).get_next_sibling().pk == imported.pk
    assert Page.objects.get(pk=building.pk).numchild == 3
    assert all(not problems for problems in Page.find_problems())

    revision = imported.revisions.get()
    hand_revision = by_hand.revisions.get()
    assert revision.user == archivist and revision.object_str == "1单元 802室"
    assert sorted(revision.content) == sorted(hand_revision.content)
    assert [o["name"] for o in revision.content["owners"]] == ["周强"]
    assert revision.as_object().owners.get().id_number == VALID_ID_2

    def actions(household):
        return list(
            PageLogEntry.objects.filter(page=household)
            .order_by("pk")
            .values_list("action", "user", "revision")
        )

    assert [a[0] for a in actions(imported)] == [a[0] for a in actions(by_hand)]
    assert {a[1] for a in actions(imported)} == {archivist.pk}
    assert [a[2] for a in actions(imported)] == [None, revision.pk, revision.pk]
    assert IndexEntry.objects.filter(object_id=str(imported.pk)).exists()


def test_imported_household_opens_in_the_admin_editor(tmp_path, client, archive_tree, archivist):
    Importer(by=archivist).run(
        sheet(tmp_path / "rooms.xlsx", [["翠湖花园", "5栋", "2", 9, "902", "", "", "王芳", ""]])
    )
    imported = HouseholdArchive.objects.get(room="902")
    client.force_login(archivist)

    page = client.get(f"/admin/pages/{imported.pk}/edit/")

    assert page.status_code == 200
    assert "王芳" in page.content.decode()


def test_database_refuses_to_delete_an_imported_household(tmp_path, archive_tree, archivist):
    Importer(by=archivist).run(
        sheet(tmp_path / "rooms.xlsx", [["翠湖花园", "3栋", "1", 8, "803", "", "", "", ""]])
    )
    imported = HouseholdArchive.objects.get(room="803")

    with (
        pytest.raises(ArchiveDeletionRefused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "DELETE FROM archives_householdarchive WHERE page_ptr_id = %s", [imported.pk]
        )

    assert HouseholdArchive.objects.filter(pk=imported.pk).exists()


def test_rooms_that_would_share_a_page_address_import_nothing(tmp_path, archive_tree, archivist):
    rows = [
        ["翠湖花园", "3栋", "1", 1, "101", "", "", "", ""],
        ["翠湖花园", "3栋", "", 1, "1-101", "", "", "", ""],
    ]

    with pytest.raises(ImportFailed) as failure:
        Importer(by=archivist).run(sheet(tmp_path / "rooms.xlsx", rows))

    assert [str(error) for error in failure.value.errors] == [
        "第 3 行［房号］：与本楼栋已有房号的页面地址相同，请核对单元和房号"
    ]
    assert not HouseholdArchive.objects.filter(room__in=["101", "1-101"]).exists()


def test_admin_search_entries_are_the_ones_wagtail_writes(tmp_path, archive_tree, archivist):
    from wagtail.search.backends import get_search_backends

    Importer(by=archivist).run(
        sheet(
            tmp_path / "rooms.xlsx",
            [
                ["翠湖花园", "5栋", "2", 9, "902", "", "", "王芳", ""],
                ["翠湖花园", "5栋", "", 9, "商铺 A-3", "", "", "", ""],
            ],
        )
    )
    # Every column the database's entry has, but the title norm (recomputed over all entries).
    columns = [
        field.attname
        for field in IndexEntry._meta.concrete_fields
        if field.name not in ("id", "object_id", "title_norm")
    ]
    imported = HouseholdArchive.objects.filter(room__in=["902", "商铺 A-3"]).order_by("pk")
    ids = [str(pk) for pk in imported.values_list("pk", flat=True)]

    def entries():
        found = IndexEntry.objects.filter(object_id__in=ids).order_by("object_id")
        return list(found.values_list("object_id", *columns))

    filed = entries()
    assert len(filed) == 2
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(HouseholdArchive, list(imported))
    assert entries() == filed
