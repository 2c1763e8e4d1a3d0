"""Excel import (all or nothing, idempotent) and catalogue export commands."""

import csv
from datetime import date
from io import StringIO

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, import_sheet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cms.archives.importer import Importer, ImportFailed
from cms.archives.models import AccessRecord, ArchiveChange, HouseholdArchive, Owner
from core.roles import ARCHIVIST, sync_roles

pytestmark = pytest.mark.django_db

HEADERS = [*ADDRESS_HEADERS, "面积", "物业类型", "收楼时间", "业主姓名", "证件号码", "联系电话"]
GOOD_ROWS = [
    [
        "翠湖花园",
        "3栋",
        "1",
        3,
        "301",
        76.2,
        "住宅",
        date(2024, 3, 1),
        "孙丽",
        VALID_ID,
        "13712345678",
    ],
    [
        "翠湖花园",
        "3栋",
        "1",
        12,
        "1201",
        "120.50",
        "住宅",
        "2024-03-02",
        "周强",
        "440306198512153012",
        "0755-83001234",
    ],
]


def importer():
    """The import as an archivist does it: every revision names the importing user."""
    user, created = get_user_model().objects.get_or_create(username="dangan-import", is_staff=True)
    if created:
        user.groups.add(sync_roles()[ARCHIVIST])
    return Importer(by=user)


def workbook(path, rows):
    return import_sheet(path, HEADERS, rows)


def snapshot():
    return (
        HouseholdArchive.objects.count(),
        Owner.objects.count(),
        ArchiveChange.objects.count(),
        sorted(
            HouseholdArchive.objects.values_list("title", "latest_revision_created_at"),
            key=str,
        ),
    )


def test_good_file_imports_households_and_owners(tmp_path, archive_tree):
    result = importer().run(workbook(tmp_path / "ok.xlsx", GOOD_ROWS))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    household = HouseholdArchive.objects.get(room="1201", unit="1")
    assert household.address == "翠湖花园 3栋 1单元 1201室"
    assert household.owner_names == "周强"
    assert str(household.floor_area) == "120.50" and household.handover_date == date(2024, 3, 2)


def test_reimporting_the_same_file_changes_nothing(tmp_path, archive_tree):
    path = workbook(tmp_path / "ok.xlsx", GOOD_ROWS)
    importer().run(path)
    before = snapshot()
    result = importer().run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            [
                "翠湖花园",
                "3栋",
                "2",
                5,
                "501",
                80,
                "住宅",
                None,
                "钱多",
                "110105194912310021",
                "13912345678",
            ],
            "第 3 行［证件号码］：身份证号码无效",
        ),
        (
            ["翠湖花园", "3栋", "2", 5, "501", 80, "住宅", None, "钱多", VALID_ID, "1391234"],
            "第 3 行［联系电话］：电话号码格式不正确",
        ),
        (
            ["翠湖花园", "8栋", "2", 5, "501", 80, "住宅", None, "钱多", VALID_ID, "13912345678"],
            "第 3 行［楼栋］：档案库中没有“翠湖花园 8栋”",
        ),
        (
            ["翠湖花园", "3栋", "1", 3, "301", 80, "住宅", None, "钱多", VALID_ID, "13912345678"],
            "第 3 行［房号］：与第 2 行房号重复",
        ),
        (
            [
                "翠湖花园",
                "3栋",
                "2",
                "五",
                "501",
                80,
                "别墅",
                "去年",
                "钱多",
                VALID_ID,
                "13912345678",
            ],
            "第 3 行［楼层］：楼层应为整数",
        ),
    ],
    ids=["bad-id", "bad-phone", "unknown-building", "duplicate-room", "bad-floor"],
)
def test_a_bad_row_imports_nothing(tmp_path, archive_tree, bad_row, expected):
    before = snapshot()
    path = workbook(tmp_path / "bad.xlsx", [GOOD_ROWS[0], bad_row, GOOD_ROWS[1]])
    with pytest.raises(ImportFailed) as failure:
        importer().run(path)
    messages = [str(error) for error in failure.value.errors]
    assert any(message.startswith(expected) for message in messages), messages
    assert snapshot() == before


def test_every_error_is_listed_not_only_the_first(tmp_path, archive_tree):
    rows = [
        ["翠湖花园", "3栋", "2", 5, "501", "八十", "别墅", "去年", "钱多", "123", "1391234"],
    ]
    with pytest.raises(ImportFailed) as failure:
        importer().run(workbook(tmp_path / "bad.xlsx", rows))
    columns = {error.column for error in failure.value.errors}
    assert columns == {"面积", "物业类型", "收楼时间", "证件号码", "联系电话"}


def test_import_command_reports_errors_in_chinese(tmp_path, archive_tree):
    path = workbook(tmp_path / "bad.xlsx", [GOOD_ROWS[0], ["翠湖花园", "8栋", "", 1, "101"]])
    errors = StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_archives",
            str(path),
            user=importer().by.username,
            stdout=StringIO(),
            stderr=errors,
        )
    assert "第 3 行［楼栋］" in errors.getvalue()
    assert (
        not HouseholdArchive.objects.child_of(archive_tree["building_a"])
        .filter(room="301")
        .exists()
    )


def test_import_command_succeeds(tmp_path, archive_tree):
    out = StringIO()
    call_command(
        "import_archives",
        str(workbook(tmp_path / "ok.xlsx", GOOD_ROWS)),
        user=importer().by.username,
        stdout=out,
        stderr=StringIO(),
    )
    assert "新建 2 户" in out.getvalue()


class TestCatalogueCommand:
    def test_excel_per_building_in_room_order(self, tmp_path, users, archive_tree):
        importer().run(workbook(tmp_path / "ok.xlsx", GOOD_ROWS))
        output = tmp_path / "catalogue.xlsx"
        call_command(
            "export_catalogue",
            str(output),
            user="dangan1",
            estate="翠湖花园",
            building="3栋",
            stdout=StringIO(),
            stderr=StringIO(),
        )
        rows = list(load_workbook(output).active.iter_rows(values_only=True))
        assert rows[0][:6] == ("序号", "小区", "楼栋", "单元", "房号", "业主姓名")
        assert [row[6] for row in rows[1:]] == [
            "翠湖花园 3栋 1单元 301室",
            "翠湖花园 3栋 1单元 1201室",
            "翠湖花园 3栋 2单元 1201室",
        ]
        assert AccessRecord.objects.filter(via="export", user=users["archivist"]).count() == 3

    def test_csv_of_the_whole_archive(self, tmp_path, users, archive_tree):
        output = tmp_path / "catalogue.csv"
        call_command(
            "export_catalogue", str(output), user="dangan1", stdout=StringIO(), stderr=StringIO()
        )
        with output.open(encoding="utf-8-sig") as stream:
            rows = list(csv.reader(stream))
        assert len(rows) == 3 and rows[1][5] == "张伟" and rows[1][7] == "2024-03-01"

    def test_staff_may_not_export(self, tmp_path, users, archive_tree):
        with pytest.raises(CommandError, match="无权"):
            call_command(
                "export_catalogue", str(tmp_path / "x.xlsx"), user="kefu1", stdout=StringIO()
            )
