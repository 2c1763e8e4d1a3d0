"""An archivist imports owner archives from Excel in the admin (业户档案 › 导入档案): the file is
checked in the request with the importer's own rules, and a good file is filed by a background
job run as the uploading archivist, whose summary only that archivist downloads."""

import io
import uuid
from io import StringIO
from urllib.parse import quote

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, VALID_ID_2, add_household
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from staff_accounts import make_user

from cms.archives.importer import COLUMNS
from cms.archives.models import ArchiveChange, HouseholdArchive
from cms.archives.sheet_import import TEMPLATE_NAME
from core.roles import ARCHIVIST, MANAGER, STAFF
from jobs.models import BackgroundJob
from search.query import search

SCREEN = "/admin/archives/import/"
TEMPLATE = "/admin/archives/import/template/"
HEADERS = [*ADDRESS_HEADERS, "面积", "业主姓名", "证件号码", "联系电话"]
GOOD_ROWS = [
    ["翠湖花园", "3栋", "1", 9, "901", 96.5, "欧阳明月", VALID_ID, "13922334455"],
    ["翠湖花园", "5栋", "2", 4, "402", "", "司马青云", VALID_ID_2, ""],
]


def sheet(rows, headers=HEADERS, name="业户导入.xlsx"):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def own_index(settings, test_index_prefix, elasticsearch_node):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def archivist(archive_tree, role_groups):
    return make_user("dangan-upload", role_groups[ARCHIVIST], last_name="何", first_name="静")


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Posts the form as ``user``; the background job runs once the request commits."""

    def upload(user, file, note=""):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SCREEN, {"file": file, "note": note})

    return upload


def refused(response):
    """Wagtail answers a refused admin view with the dashboard and its message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def households_written():
    return HouseholdArchive.objects.filter(room__in=["901", "402"]).count()


def archive_titles(user, text):
    return [hit["title"] for hit in search(user, text, kinds=["archive"]).hits]


@pytest.mark.django_db
def test_a_good_file_is_filed_in_the_background_as_the_archivist_and_found_by_search(
    client, upload, archivist, own_index
):
    response = upload(archivist, sheet(GOOD_ROWS), note="二期交付台账")

    assert response.status_code == 302 and response.url == reverse("background_jobs:index")
    job = BackgroundJob.objects.get(task_name="archive_import")
    assert job.created_by == archivist and job.status == BackgroundJob.Status.DONE, job.error
    assert (job.done, job.total) == (2, 2)
    assert "新建 2 户，更新 0 户，未变 0 户" in job.summary and "无错误" in job.summary

    household = HouseholdArchive.objects.get(room="901")
    assert household.owner_names == "欧阳明月"
    assert household.revisions.get().user == archivist
    change = household.changes.get(kind=ArchiveChange.Kind.IMPORTED)
    assert change.changed_by == archivist and "业户导入.xlsx" in change.reason
    assert archive_titles(archivist, "司马青云") == ["翠湖花园 5栋 2单元 402室"]

    # The job list shows the outcome, and the summary opens for the one who imported.
    listing = client.get(reverse("background_jobs:index")).content.decode()
    assert "新建 2 户" in listing and reverse("jobs_file", args=[job.pk]) in listing
    result = client.get(reverse("jobs_file", args=[job.pk]))
    assert result.status_code == 200
    assert quote("导入结果", safe="") in result["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(result.streaming_content)))
    cells = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert ["新建", 2] in cells and ["更新", 0] in cells and ["未变", 0] in cells
    assert ["错误", 0] in cells
    assert ["新建", "翠湖花园 3栋 1单元 901室"] in cells


@pytest.mark.django_db
def test_re_importing_the_same_file_reports_the_rooms_unchanged(upload, archivist):
    upload(archivist, sheet(GOOD_ROWS))
    upload(archivist, sheet([[*GOOD_ROWS[0][:5], 88, *GOOD_ROWS[0][6:]], GOOD_ROWS[1]]))
    latest = BackgroundJob.objects.filter(task_name="archive_import").latest("pk")
    assert "新建 0 户，更新 1 户，未变 1 户" in latest.summary


@pytest.mark.django_db
def test_a_bad_file_lists_row_column_and_reason_in_chinese_and_writes_nothing(upload, archivist):
    bad_rows = [
        GOOD_ROWS[0],
        ["翠湖花园", "8栋", "1", 2, "201", "", "", "", ""],
        ["翠湖花园", "5栋", "2", "四楼", "402", "", "司马青云", "123", "1391234"],
    ]
    response = upload(archivist, sheet(bad_rows), note="二期交付台账")

    assert response.status_code == 200
    page = response.content.decode()
    assert "未导入任何数据" in page
    for row, column, reason in [
        ("3", "楼栋", "档案库中没有“翠湖花园 8栋”"),
        ("4", "楼层", "楼层应为整数"),
        ("4", "证件号码", "身份证号码无效"),
        ("4", "联系电话", "电话号码格式不正确"),
    ]:
        assert f"<td>{row}</td><td>{column}</td><td>{reason}" in page.replace("\n", "").replace(
            "  ", ""
        ), (row, column)
    # One reason per cell: not the model field's "不能为 null" after 楼层应为整数.
    assert "null" not in page
    # What was chosen stays: the note, and the name of the file that was checked.
    assert 'value="二期交付台账"' in page and "业户导入.xlsx" in page
    assert households_written() == 0
    assert not BackgroundJob.objects.exists()
    assert not ArchiveChange.objects.filter(kind=ArchiveChange.Kind.IMPORTED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("业户.xlsx", "小区,楼栋\n翠湖花园,3栋\n".encode()), "不是 Excel 表格"),
        (SimpleUploadedFile("业户.xls", b"\xd0\xcf\x11\xe0old excel"), "不是 Excel 表格"),
        (sheet(GOOD_ROWS, headers=["小区", "楼栋", "单元", "层", "房间"]), "缺少此列"),
        (sheet([]), "没有可导入的行"),
    ],
)
def test_files_that_are_no_import_sheet_are_refused_in_chinese(upload, archivist, file, message):
    response = upload(archivist, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BackgroundJob.objects.exists() and households_written() == 0


@pytest.mark.django_db
def test_the_template_has_the_importers_columns_and_one_example_row_that_imports(
    client, upload, archivist
):
    client.force_login(archivist)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.xlsx\"; filename*=UTF-8''"
        + quote("导入模板.xlsx", safe="")
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 2 and all(value not in (None, "") for value in rows[1])
    # The example is written as the importer wants it: in a tree that has its building, it files.
    upload(archivist, SimpleUploadedFile(TEMPLATE_NAME, response.content))
    job = BackgroundJob.objects.get(task_name="archive_import")
    assert "新建 1 户" in job.summary, job.error


@pytest.mark.django_db
def test_the_screen_and_its_menu_entry_are_for_those_the_policy_lets_import(
    client, archivist, role_groups, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    # The sidebar menu is a JSON blob drawn by JavaScript: its entries are found by URL.
    assert f'"{SCREEN}"' in client.get("/admin/").content.decode()
    assert "下载导入模板" in client.get(SCREEN).content.decode()
    for role in (STAFF, MANAGER):
        user = make_user(f"no-import-{role}", role_groups[role])
        client.force_login(user)
        assert f'"{SCREEN}"' not in client.get("/admin/").content.decode()
        assert refused(client.get(SCREEN)) and refused(client.get(TEMPLATE))
        with django_capture_on_commit_callbacks(execute=True):
            assert refused(client.post(SCREEN, {"file": sheet(GOOD_ROWS)}))
    assert households_written() == 0 and not BackgroundJob.objects.exists()


@pytest.mark.django_db
def test_nobody_else_downloads_an_archivists_import_result(client, upload, archivist, role_groups):
    upload(archivist, sheet(GOOD_ROWS))
    job = BackgroundJob.objects.get(task_name="archive_import")
    assert job.result_file
    for other in (
        make_user("dangan-other", role_groups[ARCHIVIST]),
        make_user("jingli-jobs", role_groups[MANAGER]),
    ):
        client.force_login(other)
        assert client.get(reverse("jobs_file", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_the_import_command_asks_the_same_policy(tmp_path, archivist, role_groups):
    staff = make_user("kefu-import", role_groups[STAFF])
    path = tmp_path / "业户.xlsx"
    path.write_bytes(sheet(GOOD_ROWS).read())
    with pytest.raises(CommandError, match="无权导入业户档案"):
        call_command("import_archives", str(path), user=staff.username, stdout=StringIO())
    assert households_written() == 0
    call_command(
        "import_archives", str(path), user=archivist.username, stdout=StringIO(), verbosity=0
    )
    assert households_written() == 2


@pytest.mark.django_db
def test_a_sheet_that_no_longer_passes_when_its_job_runs_fails_whole_with_its_errors(
    client, archivist, archive_tree, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(SCREEN, {"file": sheet(GOOD_ROWS)}).status_code == 302
    # Before the worker takes the job, a colleague files room 901 with a page address
    # the sheet's room would share (unit 空, room 1-901).
    add_household(archive_tree["building_a"], unit="", floor=9, room="1-901")
    for callback in queued:
        callback()

    job = BackgroundJob.objects.get(task_name="archive_import")
    assert job.status == BackgroundJob.Status.FAILED
    assert "未导入任何数据" in job.error and "第 2 行［房号］" in job.error
    assert households_written() == 0 and not job.result_file
