"""Junk ids and junk form values that Wagtail's own views turn into a 500, each first
reproduced against the bare Wagtail view, then shown to end on a 404, 400 or form error
through the project's seams (cms/guards.py)."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import resolve
from wagtail.admin.rich_text import DraftailRichTextArea

from cms.archives.models import HouseholdArchive
from cms.guards import SafeDraftailRichTextArea
from cms.replies import demo as replies_demo
from cms.replies.models import ReplyScript, ReplyTopic
from core.roles import MANAGER

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"


@pytest.fixture
def manager(role_groups):
    user = get_user_model().objects.create_user("jingli-g", password="pw-guard-1", is_staff=True)
    user.groups.add(role_groups[MANAGER])
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def manager_client(manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


def bare_view(path, user):
    """Wagtail's view behind the path, called without the project's middleware."""
    match = resolve(path)
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    request._messages = []
    return lambda: match.func(request, *match.args, **match.kwargs)


def test_snippet_chooser_with_a_non_numeric_id_breaks_wagtail_and_is_404_here(
    manager, manager_client
):
    path = "/admin/snippets/choose/replies/replytopic/chosen/abc/"
    with pytest.raises(ValueError, match="expected a number"):
        bare_view(path, manager)()
    response = manager_client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_household_id_past_the_integer_range_is_404(manager_client):
    if connection.vendor == "sqlite":
        # A household's key is its link to Wagtail's page row, and Django checks the integer
        # range only on plain integer keys: the value reaches SQLite's driver, which overflows.
        with pytest.raises(OverflowError):
            HouseholdArchive.objects.filter(pk=int(TOO_BIG)).first()
    for path in (
        f"/admin/pages/{TOO_BIG}/edit/",
        f"/admin/archives/households/{TOO_BIG}/",
        f"/admin/archives/households/{TOO_BIG}/owner/",
        f"/admin/cases/{TOO_BIG}/",
        f"/admin/pages/{TOO_BIG}/revisions/1/revert/",
    ):
        response = manager_client.get(path)
        assert response.status_code == 404, path


def test_revision_compare_with_junk_ids_is_not_an_error(manager_client, role_groups):
    replies_demo.load(role_groups, StringIO())
    script = ReplyScript.objects.first()
    for a, b in (("abc", "earliest"), ("1", "xyz"), (TOO_BIG, "1")):
        path = f"/admin/snippets/replies/replyscript/history/{script.pk}/revisions/compare/{a}...{b}/"
        assert manager_client.get(path).status_code in (400, 404), path


def test_a_chooser_re_rendered_after_a_junk_value_answers_400_in_chinese(manager_client):
    with pytest.raises(ValueError, match="expected a number"):
        ReplyTopic.objects.filter(pk="\x00").first()  # what Wagtail's chooser widget asks
    response = manager_client.post(
        "/admin/snippets/replies/replytopic/add/", {"name": "新主题", "parent": "\x00", "sort_order": 0}
    )
    assert response.status_code in (200, 400)
    assert "系统出错" not in response.content.decode()
    assert not ReplyTopic.objects.filter(name="新主题").exists()


def test_draftail_given_non_json_keeps_the_words_instead_of_breaking():
    data = {"answer": "先安抚业主情绪\n再登记报修"}
    with pytest.raises(json.JSONDecodeError):
        DraftailRichTextArea().value_from_datadict(data, {}, "answer")
    kept = SafeDraftailRichTextArea().value_from_datadict(data, {}, "answer")
    assert kept == "<p>先安抚业主情绪</p><p>再登记报修</p>"
    assert SafeDraftailRichTextArea().value_from_datadict({"answer": "<b>x</b>"}, {}, "answer") == (
        "<p>&lt;b&gt;x&lt;/b&gt;</p>"
    )


def test_link_chooser_posted_without_its_url_answers_with_the_form(manager_client):
    response = manager_client.post("/admin/choose-external-link/", {})
    assert response.status_code == 200
    assert "必需字段" in response.json()["html"]


def test_chooser_query_with_a_junk_parent_page_is_400(manager_client):
    response = manager_client.get("/admin/choose-external-link/", {"parent_page_id": "{not json"})
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()


def test_moving_the_tree_root_is_404_not_500(manager, manager_client):
    manager.is_superuser = True
    manager.save()
    assert manager_client.post("/admin/pages/1/set_position/?position=0").status_code == 404


@pytest.mark.parametrize("month", ["0-5", "2026-13", "abc", "99999-01", "2026-0", "-1-3"])
def test_reports_with_a_junk_month_show_the_current_month(manager_client, month):
    for report in ("monthly", "public"):
        response = manager_client.get(f"/admin/case-reports/{report}/", {"month": month})
        assert response.status_code == 200, (report, month)


def test_quiz_and_disposition_posts_with_a_junk_id_are_refused_in_chinese(manager_client):
    for path, field in (("/admin/replies/quiz/", "attempt"), ("/admin/case-reports/disposition/", "case")):
        response = manager_client.post(path, {field: "abc"})
        assert response.status_code in (400, 404), path
        assert "系统出错" not in response.content.decode()


def test_page_revision_compare_one_past_the_integer_range_is_404(manager_client):
    path = "/admin/pages/9223372036854775808/revisions/compare/1...2/"
    assert manager_client.get(path).status_code == 404


def test_reverting_to_revision_zero_breaks_wagtail_and_is_404_here(manager, manager_client):
    path = "/admin/pages/1/revisions/0/revert/"
    with pytest.raises(AttributeError, match="as_object"):
        bare_view(path, manager)()
    assert manager_client.get(path).status_code == 404


def test_a_form_with_a_nul_character_is_refused_in_chinese_not_a_server_error(manager_client):
    response = manager_client.post("/admin/cases/new/", {"department": "\x00", "description": "漏水"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_a_search_with_a_nul_character_is_counted_without_it(db):
    from search.misses import record_miss
    from search.models import MissedQuery

    record_miss("火星\x00探测器")
    assert MissedQuery.objects.get().query == "火星探测器"
