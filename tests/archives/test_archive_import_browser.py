"""An archivist replaces the Excel cabinet in a real browser: downloads the template, uploads
a sheet with mistakes and reads them in Chinese, uploads the corrected sheet, follows it on
后台任务, downloads the result and finds the new owners in search. Screenshots go to
var/screens/ for people to look at."""

import io
import uuid

import pytest
from archive_helpers import ADDRESS_HEADERS, VALID_ID, VALID_ID_2, import_sheet
from browser_login import assert_chinese, screenshot, sign_in
from openpyxl import load_workbook
from playwright.sync_api import expect
from staff_accounts import PASSWORD, make_user
from wagtail.models import Page

from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive
from core.roles import ARCHIVIST, sync_roles

HEADERS = [*ADDRESS_HEADERS, "面积", "收楼时间", "业主姓名", "证件号码", "联系电话"]
GOOD = [
    ["桂语江南", "1栋", "1", 3, "301", 89.5, "2025-03-08", "欧阳明月", VALID_ID, "13922334455"],
    ["桂语江南", "1栋", "1", 3, "302", 76, "2025-03-08", "司马青云", VALID_ID_2, "0755-83001234"],
]
MISTAKES = [
    GOOD[0],
    ["桂语江南", "9栋", "1", 1, "101", "", "", "", "", ""],
    ["桂语江南", "1栋", "1", "三楼", "302", "七十六", "去年三月", "司马青云", "123", "1391234"],
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def workbook(path, rows):
    return import_sheet(path, HEADERS, rows)


def downloaded_workbook(download):
    # Playwright keeps a download under a name without extension, which openpyxl refuses.
    return load_workbook(io.BytesIO(download.path().read_bytes()))


@pytest.fixture
def archivist(settings, tmp_path, test_index_prefix, elasticsearch_node):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    groups = sync_roles()
    root = ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="业户档案库", slug="archives")
    )
    estate = root.add_child(instance=Estate(title="桂语江南", slug="guiyu"))
    estate.add_child(instance=Building(title="1栋", slug="b1"))
    return make_user("dangan_import", groups[ARCHIVIST], last_name="何", first_name="静")


def test_an_archivist_imports_a_sheet_in_the_admin_and_finds_the_owners(page, archivist, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, archivist.username, PASSWORD)

    # 业户档案 › 导入档案 in the sidebar.
    page.locator("#wagtail-sidebar").get_by_role("button", name="业户档案").click()
    page.locator("#wagtail-sidebar").get_by_role("link", name="导入档案").click()
    page.wait_for_url("**/admin/archives/import/")
    assert "下载导入模板" in page.inner_text("main")
    assert_chinese(page)
    screenshot(page, "dangan-import-1-screen")

    with page.expect_download() as template:
        page.get_by_role("link", name="下载导入模板").click()
    assert template.value.suggested_filename == "导入模板.xlsx"
    header = next(downloaded_workbook(template.value).active.iter_rows(values_only=True))
    assert header[:5] == ("小区", "楼栋", "单元", "楼层", "房号")

    # A sheet with mistakes: every one listed by row and column, nothing filed.
    page.set_input_files("input[name=file]", str(workbook(tmp_path / "一期台账.xlsx", MISTAKES)))
    page.fill("input[name=note]", "一期交付台账")
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_selector("#import-row-errors")
    errors = page.inner_text("#import-row-errors")
    assert "档案库中没有“桂语江南 9栋”" in errors and "楼层应为整数" in errors
    assert "身份证号码无效" in errors and "电话号码格式不正确" in errors
    assert "未导入任何数据" in page.inner_text("main")
    assert page.input_value("input[name=note]") == "一期交付台账"
    assert_chinese(page)
    screenshot(page, "dangan-import-2-errors")
    assert not HouseholdArchive.objects.exists()

    # The corrected sheet goes to the background and ends with its summary.
    page.set_input_files("input[name=file]", str(workbook(tmp_path / "一期台账.xlsx", GOOD)))
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/admin/jobs/**")
    listing = page.inner_text("main")
    assert "导入业户档案：一期台账.xlsx（一期交付台账）" in listing
    assert "已完成" in listing and "新建 2 户，更新 0 户，未变 0 户" in listing
    assert "正在后台导入" in page.inner_text("body")
    assert_chinese(page)
    screenshot(page, "dangan-import-3-result")

    with page.expect_download() as result:
        page.get_by_role("link", name="下载结果").first.click()
    assert result.value.suggested_filename == "导入结果-一期台账.xlsx"
    cells = [
        [value for value in row if value is not None]
        for row in downloaded_workbook(result.value).active.iter_rows(values_only=True)
    ]
    assert ["新建", "桂语江南 1栋 1单元 302室"] in cells

    # The staff search (Elasticsearch) finds the new owner at once.
    page.goto("/admin/quick-search/?q=司马青云")
    expect(page.locator("#qs-results")).to_contain_text("桂语江南 1栋 1单元 302室")
