"""Reply scripts through the API: the staff page's engine on the real node, approved wording only."""

import uuid
from io import StringIO

import pytest


@pytest.fixture
def demo_scripts(
    role_groups, settings, test_index_prefix, elasticsearch_node, django_capture_on_commit_callbacks
):
    from cms.replies import demo
    from cms.replies.models import ReplyScript

    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(role_groups, StringIO())
    return ReplyScript.objects.all()


@pytest.mark.django_db
def test_search_finds_scripts_by_pinyin_with_highlighting(demo_scripts, staff, token_for, call):
    key = token_for(staff, "scripts:read")
    response = call("get", "/api/scripts/search?q=gaokongpaowu", key)
    assert response.status_code == 200, response.content
    hits = response.json()["hits"]
    assert hits and "高空抛物" in hits[0]["title"]
    chinese = call("get", "/api/scripts/search?q=高空抛物", key).json()["hits"][0]
    assert "<mark>" in chinese["title_html"]

    script = call("get", f"/api/scripts/{hits[0]['id']}", key)
    assert script.status_code == 200
    assert script.json()["question"] == hits[0]["title"] and script.json()["answer_text"]


@pytest.mark.django_db
def test_drafts_never_show_and_other_scopes_are_refused(
    demo_scripts, staff, manager, token_for, call
):
    from cms.replies import actions as reply_actions

    script = demo_scripts.first()
    approved_answer = str(script.answer)
    if hasattr(reply_actions, "save_draft"):
        script.answer = "<p>尚未审批的新说法</p>"
        reply_actions.save_draft(script, manager)
    key = token_for(staff, "scripts:read")
    body = call("get", f"/api/scripts/{script.pk}", key).json()
    assert body["answer_html"] == approved_answer and "尚未审批" not in body["answer_html"]
    assert (
        call("get", "/api/scripts/search?q=物业费", token_for(staff, "cases:read")).status_code
        == 403
    )
    empty = call("get", "/api/scripts/search?q=", key)
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_input")
