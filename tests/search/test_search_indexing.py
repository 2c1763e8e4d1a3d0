"""Indexing after commit, approval, the outage queue, alias swaps and the database check."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.replies.actions import (
    approve,
    publish_script,
    save_draft,
    submit_for_approval,
    topic_from_path,
)
from cms.replies.models import ReplyScript
from search.analysis import analyse_query
from search.indexing import alias_name, compare, reindex
from search.indices import get_client
from search.models import PendingIndexOperation
from search.query import UNAVAILABLE_MESSAGE, build_query, search
from search.registry import get_kind

DEAD_NODE = "http://127.0.0.1:9"


@pytest.fixture
def restore_node(settings, search_prefix):
    """The node is unreachable for this test's own indices until the test calls restore_node()."""
    live_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = DEAD_NODE

    def restore():
        settings.ELASTICSEARCH_URL = live_url

    return restore


def new_script(question, answer, **fields):
    return ReplyScript(
        question=question,
        answer=f"<p>{answer}</p>",
        topic=topic_from_path("邻里纠纷/高空抛物"),
        **fields,
    )


def answers(user, text):
    return [hit["answer"] for hit in search(user, text).hits]


def test_staff_see_the_approved_version_until_the_new_draft_is_approved(
    db, role_groups, manager, staff_user, search_prefix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        script = publish_script(new_script("阳台晾晒衣物滴水怎么办", "先与楼上沟通"), manager)
    assert answers(staff_user, "晾晒滴水") == ["先与楼上沟通"]

    with django_capture_on_commit_callbacks(execute=True):
        script.answer = "<p>管家上门协调晾晒时间</p>"
        save_draft(script, manager)
        submit_for_approval(script, manager)
    assert answers(staff_user, "晾晒滴水") == ["先与楼上沟通"]
    assert ReplyScript.objects.approved().get(pk=script.pk).answer_text == "先与楼上沟通"

    with django_capture_on_commit_callbacks(execute=True):
        approve(ReplyScript.objects.get(pk=script.pk), manager)
    assert answers(staff_user, "晾晒滴水") == ["管家上门协调晾晒时间"]
    assert script.revisions.count() == 2


def test_expired_and_unpublished_scripts_leave_the_results(
    db, role_groups, manager, staff_user, search_prefix, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        publish_script(
            new_script(
                "旧的停水通知口径",
                "旧口径",
                expires_on=yesterday,
                effective_from=yesterday - timedelta(days=30),
            ),
            manager,
        )
        current = publish_script(new_script("停水通知怎么答复", "按公告时间恢复供水"), manager)
    assert answers(staff_user, "停水通知") == ["按公告时间恢复供水"]
    with django_capture_on_commit_callbacks(execute=True):
        current.unpublish(user=manager)
    assert answers(staff_user, "停水通知") == []


def test_saving_while_elasticsearch_is_down_queues_and_replays(
    db, role_groups, manager, staff_user, restore_node, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_script(new_script("小区停电了什么时候来电", "已联系供电局抢修"), manager)
    assert ReplyScript.objects.filter(question="小区停电了什么时候来电", live=True).exists()
    assert PendingIndexOperation.objects.count() == 1
    result = search(staff_user, "停电")
    assert result.unavailable and result.message == UNAVAILABLE_MESSAGE

    restore_node()
    out = StringIO()
    call_command("search_replay", stdout=out)
    assert "已重放 1 条，仍待同步 0 条" in out.getvalue()
    assert answers(staff_user, "停电") == ["已联系供电局抢修"]


def test_the_next_successful_save_replays_what_waited(
    db, role_groups, manager, staff_user, restore_node, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_script(new_script("燃气泄漏怎么办", "立即开窗并撤离"), manager)
    restore_node()
    with django_capture_on_commit_callbacks(execute=True):
        publish_script(new_script("垃圾清运时间", "每日早晚各一次"), manager)
    assert PendingIndexOperation.objects.count() == 0
    assert answers(staff_user, "燃气泄漏") == ["立即开窗并撤离"]


def test_the_search_page_says_search_is_unavailable(db, staff_user, client, settings):
    settings.ELASTICSEARCH_URL = DEAD_NODE
    client.force_login(staff_user)
    response = client.get("/search/query.json", {"q": "停电"})
    assert response.status_code == 503
    assert response.json()["message"] == UNAVAILABLE_MESSAGE
    page = client.get("/admin/quick-search/", {"q": "停电"})
    assert "检索暂不可用" in page.content.decode()


def bulk_scripts(count):
    topic = topic_from_path("邻里纠纷/高空抛物")
    now = timezone.now()
    ReplyScript.objects.bulk_create(
        ReplyScript(
            question=f"高空抛物第{n}号口径",
            answer="<p>查看监控并张贴三方温馨提示</p>",
            topic=topic,
            live=True,
            last_published_at=now,
        )
        for n in range(count)
    )


def test_searching_never_stops_while_the_alias_swaps(db, search_prefix):
    bulk_scripts(300)
    kind = get_kind("reply")
    reindex(kind)
    client, alias = get_client(), alias_name(kind)
    query = build_query(analyse_query("高空抛物"))
    counts, errors, done = [], [], threading.Event()

    def keep_searching():
        while not done.is_set():
            try:
                counts.append(client.search(index=alias, query=query)["hits"]["total"]["value"])
            except Exception as error:  # any failure at all is what this test looks for
                errors.append(error)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        for _ in range(3):
            reindex(kind)
    finally:
        done.set()
        searcher.join()
    assert errors == []
    assert counts and min(counts) == 300
    assert len(client.indices.get_alias(name=alias)) == 1


def test_a_rebuilt_index_finds_a_script_by_question_pinyin_spoken_pinyin_and_answer_words(
    db, search_prefix, staff_user
):
    script = new_script(
        "电动车进电梯怎么劝阻",
        "依据消防规定，请业主将车辆停放到小区集中充电棚",
        spoken="您好，电瓶车上楼充电很危险",
        live=True,
    )
    script.save()
    reindex(get_kind("reply"))
    for query in ("diandongchejindianti", "ddcjdt", "shang lou chong dian", "集中充电棚"):
        hits = search(staff_user, query).hits
        assert [hit["title"] for hit in hits] == [script.question], query


def test_search_reindex_command_rebuilds_from_the_database(db, search_prefix):
    bulk_scripts(5)
    err, out = StringIO(), StringIO()
    call_command("search_reindex", "reply", stdout=out, stderr=err)
    assert "回复口径：已写入 5 条" in out.getvalue()
    assert "重建 回复口径" in err.getvalue()


def test_search_check_finds_missing_stale_and_extra_entries_and_repairs_them(db, search_prefix):
    bulk_scripts(3)
    kind = get_kind("reply")
    reindex(kind)
    first, second, _third = ReplyScript.objects.order_by("pk")
    client, alias = get_client(), alias_name(kind)
    client.delete(index=alias, id=str(first.pk), refresh=True)
    ReplyScript.objects.filter(pk=second.pk).update(question="已改过的问题")
    client.index(
        index=alias, id="999999", document={"kind": "reply", "title": "孤儿"}, refresh=True
    )
    assert compare(kind) == ([str(first.pk)], [str(second.pk)], ["999999"])

    out = StringIO()
    call_command("search_check", "--repair", stdout=out)
    assert "回复口径：缺失 1 条，过期 1 条，多余 1 条，已修复" in out.getvalue()
    assert compare(kind) == ([], [], [])


def test_renaming_a_topic_updates_the_hits_below_it(
    db, role_groups, manager, staff_user, search_prefix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        script = publish_script(new_script("楼下烧烤油烟扰民", "劝导停止露天烧烤"), manager)
        parent = script.topic.parent
        parent.name = "邻里关系"
        parent.save()
    assert search(staff_user, "烧烤油烟").hits[0]["topic"] == "邻里关系 / 高空抛物"
