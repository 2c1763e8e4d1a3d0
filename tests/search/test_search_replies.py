"""Reply scripts: approval rules, APIs, staff page, import and exports."""

import io
import json
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document
from openpyxl import Workbook, load_workbook
from wagtail.models import Workflow

from cases.models import CaseTopic
from cms.replies.actions import publish_script, save_draft, topic_from_path
from cms.replies.models import ReplyScript


def script(question, **fields):
    return ReplyScript(
        question=question,
        answer="<p>请先登记，再安排管家上门</p>",
        topic=topic_from_path("维修服务/日常报修"),
        **fields,
    )


@pytest.fixture
def three_scripts(db, role_groups, manager):
    live = script("报修后多久上门")
    live.case_topics.set([CaseTopic.objects.get(name="维修")])
    live = publish_script(live, manager)
    draft = script("草稿中的口径")
    save_draft(draft, manager)
    last_week = timezone.localdate() - timedelta(days=7)
    expired = publish_script(
        script("已失效的口径", effective_from=last_week - timedelta(days=30), expires_on=last_week),
        manager,
    )
    return live, draft, expired


def test_only_approved_scripts_in_force_count_as_approved(three_scripts):
    live, _draft, _expired = three_scripts
    assert list(ReplyScript.objects.approved()) == [live]
    assert list(ReplyScript.objects.approved_for_topic(CaseTopic.objects.get(name="维修"))) == [
        live
    ]
    assert list(ReplyScript.objects.approved_for_topic(CaseTopic.objects.get(name="噪音"))) == []
    assert list(ReplyScript.objects.approved_for_topic(topic_from_path("维修服务"))) == [live]


def test_scripts_go_through_the_department_head_workflow(three_scripts):
    _live, draft, _expired = three_scripts
    workflow = draft.get_workflow()
    assert isinstance(workflow, Workflow) and workflow.name == "部门负责人审批"
    assert [task.name for task in workflow.tasks] == ["部门负责人审批"]


def test_wagtail_api_lists_approved_scripts_only(three_scripts, client):
    response = client.get("/api/v2/replies/", {"fields": "answer,spoken"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["question"] for item in items] == ["报修后多久上门"]
    assert items[0]["topic"] == "维修服务 / 日常报修"
    assert client.get(f"/api/v2/replies/{three_scripts[1].pk}/").status_code == 404


def test_staff_page_and_json_endpoints(db, staff_user, corpus, client):
    assert client.get("/search/query.json", {"q": "门禁"}).status_code == 302
    client.force_login(staff_user)
    page = client.get("/admin/quick-search/").content.decode()
    assert 'id="qs-input"' in page
    assert "/admin/quick-search/" in client.get("/admin/").content.decode()
    data = client.get("/search/query.json", {"q": "mjk"}).json()
    assert data["hits"][0]["title"] == "门禁卡丢了怎么补办"
    assert client.get("/search/suggest.json", {"q": "门禁"}).json()["suggestions"] == [
        "门禁卡丢了怎么补办"
    ]


def write_workbook(path, rows):
    workbook = Workbook()
    workbook.active.append(["question", "answer", "topic", "keywords", "case_topics"])
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def test_import_from_excel_publishes_every_row_in_the_managers_name(
    db, role_groups, manager, tmp_path
):
    path = tmp_path / "口径汇编.xlsx"
    write_workbook(
        path,
        [
            ["水压太低怎么办", "先检查户内阀门", "维修服务/供水", "水压 供水", "维修"],
            ["快递丢失怎么办", "协助调取监控", "安全管理/快递", "快递", ""],
        ],
    )
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_reply_scripts", str(path), "--user", manager.username, stdout=out, stderr=err
    )
    assert "新增 2 条" in out.getvalue()
    assert f"已由 {manager.username} 审批发布" in out.getvalue()
    assert "导入口径" in err.getvalue()
    imported = ReplyScript.objects.approved().get(question="水压太低怎么办")
    assert imported.latest_revision.user == manager
    assert imported.topic.path == "维修服务 / 供水"
    assert list(imported.case_topics.values_list("name", flat=True)) == ["维修"]


def test_import_with_bad_rows_saves_nothing_and_names_each_row(db, tmp_path):
    path = tmp_path / "scripts.json"
    rows = [
        {"question": "好的一行", "answer": "答复", "topic": "收费", "keywords": "收费"},
        {"question": "", "answer": "答复", "topic": "收费", "keywords": "收费"},
        {
            "question": "日期错误",
            "answer": "答复",
            "topic": "收费",
            "keywords": "x",
            "effective_from": "明天",
        },
        {"question": "好的一行", "answer": "答复", "topic": "收费", "keywords": "收费"},
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_reply_scripts", str(path))
    message = str(refused.value)
    assert "第2行：缺少“问题”" in message
    assert "第3行：生效日期“明天”不是有效日期" in message
    assert "第4行：问题与第1行重复" in message
    assert ReplyScript.objects.count() == 0


def test_import_from_csv_with_chinese_headers_as_drafts(db, role_groups, tmp_path):
    path = tmp_path / "scripts.csv"
    path.write_text(
        "问题,标准答复,主题,关键词\n绿化带被占用,劝导恢复,环境/绿化,绿化\n", encoding="utf-8"
    )
    call_command(
        "import_reply_scripts", str(path), "--draft", stdout=io.StringIO(), stderr=io.StringIO()
    )
    imported = ReplyScript.objects.get(question="绿化带被占用")
    assert not imported.live and imported.has_unpublished_changes
    assert not ReplyScript.objects.approved().exists()


def test_import_without_a_manager_keeps_every_row_a_draft(db, role_groups, staff_user, tmp_path):
    path = tmp_path / "scripts.csv"
    path.write_text(
        "问题,标准答复,主题,关键词\n井盖松动,马上围挡,维修/公共,井盖\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="不是部门负责人"):
        call_command("import_reply_scripts", str(path), "--user", staff_user.username)
    assert not ReplyScript.objects.exists()

    out = io.StringIO()
    call_command("import_reply_scripts", str(path), stdout=out, stderr=io.StringIO())
    assert "草稿（待部门负责人审批）" in out.getvalue()
    assert not ReplyScript.objects.approved().exists()


def test_managers_approve_many_drafts_at_once_with_each_approval_in_the_history(
    db, role_groups, manager, staff_user, client, tmp_path
):
    path = tmp_path / "scripts.csv"
    path.write_text(
        "问题,标准答复,主题,关键词\n井盖松动,马上围挡,维修/公共,井盖\n路面塌陷,设置警示,维修/公共,路面\n",
        encoding="utf-8",
    )
    call_command("import_reply_scripts", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    ids = list(ReplyScript.objects.values_list("pk", flat=True))
    listing = "/admin/snippets/replies/replyscript/"
    url = f"/admin/bulk/replies/replyscript/approve_drafts/?next={listing}&" + "&".join(
        f"id={pk}" for pk in ids
    )

    client.force_login(manager)
    confirm = client.get(url)
    assert confirm.status_code == 200, confirm.status_code
    assert "审批并发布" in confirm.content.decode()
    done = client.post(url, follow=True)
    assert "已审批发布 2 条口径" in done.content.decode()
    assert ReplyScript.objects.approved().count() == 2
    for script in ReplyScript.objects.all():
        published = script.revisions.filter(pk=script.live_revision_id).get()
        assert published.user is None  # the import's draft, approved as it was
        assert script.latest_revision == published
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="wagtail.publish", user=manager).count() == 2


def test_exports_to_excel_and_word_handbook(three_scripts, tmp_path):
    call_command("export_reply_scripts", str(tmp_path / "out.xlsx"), stdout=io.StringIO())
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert [cell.value for cell in sheet[1]][:4] == ["问题", "标准答复", "主题", "关键词"]
    assert sheet.max_row == 2 and sheet["A2"].value == "报修后多久上门"

    call_command("export_reply_scripts", str(tmp_path / "out.docx"), stdout=io.StringIO())
    text = [p.text for p in Document(tmp_path / "out.docx").paragraphs]
    assert "标准回复口径手册" in text
    assert "维修服务 / 日常报修" in text and "报修后多久上门" in text
    assert "草稿中的口径" not in text


def test_case_page_suggestions_search_with_the_cases_topic_and_description(
    demo_scripts, manager, client
):
    from complaints import register_complaint
    from django.template import Context, Template

    from cms.replies.suggestions import scripts_for_case

    barking = register_complaint(
        manager,
        reporter_name="钱女士",
        description="对门邻居家的狗天天晚上叫个不停，孩子睡不着",
        location="5栋1单元",
    )
    # The barking-dog script comes first: before the square-dance and the upstairs-noise
    # ones, also filed under 噪音, which the topic name alone would find.
    suggested = [script.question for script in scripts_for_case(barking)]
    assert suggested[0] == "邻居家的狗经常叫影响休息怎么办"
    client.force_login(manager)
    page = client.get(f"/admin/cases/{barking.pk}/").content.decode()
    on_page = page[page.index("suggested-reply-scripts") :]
    assert on_page.index("邻居家的狗经常叫影响休息怎么办") < on_page.find("广场舞") or (
        "广场舞" not in on_page
    )
    rendered = Template("{% load reply_suggestions %}{% reply_suggestions case %}").render(
        Context({"case": barking})
    )
    assert rendered.index("邻居家的狗经常叫影响休息怎么办") < rendered.find("广场舞") or (
        "广场舞" not in rendered
    )


def test_editors_work_in_the_snippet_admin_with_workflow_and_revision_comparison(
    three_scripts, manager, client
):
    from django.urls import reverse

    live = three_scripts[0]
    live.answer = "<p>新的答复措辞</p>"
    save_draft(live, manager)
    client.force_login(manager)
    listing = client.get(reverse("wagtailsnippets_replies_replyscript:list"))
    assert listing.status_code == 200 and "报修后多久上门" in listing.content.decode()
    edit = client.get(reverse("wagtailsnippets_replies_replyscript:edit", args=[live.pk]))
    assert "部门负责人审批" in edit.content.decode()
    first, latest = live.revisions.order_by("pk")
    compare = client.get(
        reverse(
            "wagtailsnippets_replies_replyscript:revisions_compare",
            args=[live.pk, first.pk, latest.pk],
        )
    )
    assert compare.status_code == 200 and "新的答复措辞" in compare.content.decode()


def test_opening_a_script_hit_shows_the_approved_version_only(three_scripts, staff_user, client):
    live, draft, expired = three_scripts
    client.force_login(staff_user)
    page = client.get(f"/search/open/reply/{live.pk}/")
    assert page.status_code == 200
    assert "请先登记，再安排管家上门" in page.content.decode()
    assert client.get(f"/search/open/reply/{draft.pk}/").status_code == 404
    assert client.get(f"/search/open/reply/{expired.pk}/").status_code == 404


def test_opening_a_hit_counts_only_when_the_search_page_posts_it(three_scripts, staff_user, client):
    from search.models import OpenedHit

    live = three_scripts[0]
    client.force_login(staff_user)
    assert client.get(f"/search/open/reply/{live.pk}/").status_code == 200
    assert not OpenedHit.objects.exists()
    assert client.get(f"/search/opened/reply/{live.pk}/").status_code == 405
    for _ in range(2):
        counted = client.post(f"/search/opened/reply/{live.pk}/", {"topic": "日常报修"})
        assert counted.status_code == 204
    opened = OpenedHit.objects.get()
    assert (opened.kind, opened.object_id, opened.count) == ("reply", str(live.pk), 2)
    assert client.post("/search/opened/nothing/1/").status_code == 404


def test_staff_never_open_drafts_in_the_snippet_admin_but_download_approved_scripts(
    three_scripts, manager, staff_user, client
):
    from django.urls import reverse

    live = three_scripts[0]
    live.answer = "<p>尚未审批的新措辞</p>"
    save_draft(live, manager)
    client.force_login(staff_user)
    edit = client.get(reverse("wagtailsnippets_replies_replyscript:edit", args=[live.pk]))
    assert edit.status_code == 302 and "尚未审批的新措辞" not in edit.content.decode()
    handbook = client.get("/admin/replies/handbook.docx")
    assert handbook.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(handbook.content)).paragraphs)
    assert "请先登记，再安排管家上门" in text and "尚未审批的新措辞" not in text
    workbook = client.get("/admin/replies/export.xlsx")
    assert load_workbook(io.BytesIO(workbook.content)).active["A2"].value == "报修后多久上门"
    # Saved under a name staff recognise, not an English file name.
    assert unquote(workbook["Content-Disposition"]).endswith("''回复口径.xlsx")
    assert unquote(handbook["Content-Disposition"]).endswith("''回复口径手册.docx")
