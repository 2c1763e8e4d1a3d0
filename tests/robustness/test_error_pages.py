"""Django's own error pages are English (or the debug page); ours are Chinese, hold with
DEBUG=0 and always show the way back to where the user was."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from staff_accounts import role_account

from cms.archives import demo as archive_demo
from cms.archives.models import ArchivePaper, HouseholdArchive, PaperKind
from core.roles import STAFF

pytestmark = pytest.mark.django_db


staff_user = role_account(STAFF, "kefu-e")


@pytest.fixture
def staff_client(staff_user, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    client = Client(raise_request_exception=False, HTTP_REFERER="http://testserver/admin/cases/")
    client.force_login(staff_user)
    return client


def assert_chinese_page_with_a_way_back(response, status, title):
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-hans">' in body and title in body
    assert 'href="http://testserver/admin/cases/">返回上一页' in body
    assert 'href="/admin/">返回管理后台首页' in body
    assert "Traceback" not in body and "Django" not in body


@pytest.mark.parametrize("debug", [False, True])
def test_a_10_mb_post_gets_the_chinese_413_page_never_the_debug_page(staff_client, settings, debug):
    settings.DEBUG = debug
    response = staff_client.post(
        "/admin/cases/new/",
        "description=" + "投" * (10 * 1024 * 1024 // 3),
        content_type="application/x-www-form-urlencoded",
    )
    assert_chinese_page_with_a_way_back(response, 413, "提交的内容过大")
    assert "5.0 MB" in response.content.decode() and "没有保存" in response.content.decode()


def test_a_request_over_the_whole_limit_is_refused_before_it_is_read(staff_client, settings):
    settings.REQUEST_MAX_BYTES = 1024
    response = staff_client.post("/admin/cases/new/", {"description": "x" * 2048})
    assert_chinese_page_with_a_way_back(response, 413, "提交的内容过大")


def test_missing_pages_say_so_in_chinese(staff_client):
    response = staff_client.get("/admin/cases/99999999999999999999/")
    assert_chinese_page_with_a_way_back(response, 404, "页面不存在")
    assert staff_client.get("/no-such-place/").status_code == 404


def test_refusals_say_so_in_chinese(staff_client, role_groups):
    # Inside the admin Wagtail answers a refusal itself (back to the dashboard with a
    # message); outside it, e.g. a confidential archive paper, the 403 page says why.
    archive_demo.load(role_groups, StringIO())
    household = HouseholdArchive.objects.first()
    paper = ArchivePaper.objects.create(
        household=household, kind=PaperKind.values[0], file=ContentFile(b"scan", name="scan.pdf")
    )
    response = staff_client.get(f"/archives/papers/{paper.pk}/")
    assert_chinese_page_with_a_way_back(response, 403, "无权访问")
    assert "该业户档案属绝密" in response.content.decode()


def test_an_expired_form_says_so_in_chinese(staff_client):
    strict = Client(enforce_csrf_checks=True, HTTP_REFERER="http://testserver/admin/cases/")
    strict.cookies = staff_client.cookies
    response = strict.post("/admin/cases/new/", {"description": "x"})
    assert_chinese_page_with_a_way_back(response, 403, "无权访问")
    assert "页面已过期" in response.content.decode()


def test_bad_requests_say_so_in_chinese(staff_client):
    response = staff_client.get("/admin/choose-external-link/", {"parent_page_id": "abc"})
    assert_chinese_page_with_a_way_back(response, 400, "请求无法处理")


def test_an_unexpected_error_gets_the_chinese_500_page(staff_client):
    # Wagtail's own page that raises on purpose, to see the error page.
    response = staff_client.get("/admin/failwhale/")
    assert_chinese_page_with_a_way_back(response, 500, "系统出错了")


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(staff_client):
    response = staff_client.get("/cases/none/", HTTP_REFERER="https://evil.example/phish")
    body = response.content.decode()
    assert "evil.example" not in body and "history.back()" in body


def test_an_owner_on_a_broken_case_link_is_offered_only_the_way_back():
    response = Client(raise_request_exception=False).get("/track/not/a/link/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "返回上一页" in body and "管理后台" not in body
