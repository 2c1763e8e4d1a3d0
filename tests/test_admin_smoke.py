"""Smoke test: every demo role crawls the admin from the dashboard and its menu, and no page breaks.

A page that breaks answers 5xx; a page that renders must be in Chinese, with no English left in
its visible text (tests/visible_text.py has the short allow-list). Only GET requests are made,
and links that change anything (delete, unpublish, logout, actions) are never followed.
"""

import json
import re
import traceback
from collections import Counter, deque
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.test import Client
from visible_text import english_pieces

from cms.demo import DEMO_USERS

MAX_URLS_PER_USER = 150
MAX_DEPTH = 2
# Edit pages of twenty calendar days are the same page; two of each kind leave room for the rest.
MAX_PER_SHAPE = 2

HREF = re.compile(r"""href=["']([^"'#]+)""")
SIDEBAR_PROPS = re.compile(r'<script[^>]*id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.DOTALL)
# Path segments of links with side effects or that only make sense with a POST.
UNSAFE = re.compile(
    r"/(logout|delete|unpublish|copy|move|lock|unlock|revert|approve|reject|cancel|restart"
    r"|disable|enable|convert_alias|set_privacy|action|actions|issue|sign|close|publish"
    r"|bulk|workflow|import|reorder|sort|set_default|switch)(?=[/_-]|$)",
    re.IGNORECASE,
)
CHINESE_HTML = '<html lang="zh-hans"'


def sidebar_urls(html):
    """The main menu is drawn by JavaScript from a JSON blob; take every admin URL out of it."""
    match = SIDEBAR_PROPS.search(html)
    if not match:
        return []
    blob = json.loads(match.group(1))
    found = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith("/admin/"):
            found.append(node)

    walk(blob)
    return found


def admin_links(base, html):
    links = [urljoin(base, href.replace("&amp;", "&")) for href in HREF.findall(html)]
    links += sidebar_urls(html)
    result = []
    for link in links:
        parts = urlsplit(link)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/admin/") and not UNSAFE.search(parts.path):
            result.append(path)
    return result


def shape(url):
    return re.sub(r"\d+", "N", url)


def crawl(client, check_english=True):
    """Breadth-first from /admin/ to depth 2; returns {url: status} and the failures,
    including English text left on a page."""
    seen = {"/admin/": 0}
    shapes = Counter()
    queue = deque(["/admin/"])
    statuses, problems = {}, []
    while queue and len(statuses) < MAX_URLS_PER_USER:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code >= 500:
            problems.append(f"{url} → {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        html = response.content.decode("utf-8", errors="replace")
        if "<html" in html and CHINESE_HTML not in html:
            problems.append(f"{url} is not in Chinese")
        english = english_pieces(html) if check_english else []
        if english:
            problems.append(f"{url} shows English: {english[:5]}")
        if seen[url] >= MAX_DEPTH:
            continue
        for link in admin_links(url, html):
            if link not in seen and shapes[shape(link)] < MAX_PER_SHAPE:
                shapes[shape(link)] += 1
                seen[link] = seen[url] + 1
                queue.append(link)
    return statuses, problems


@pytest.fixture
def demo_data(db, elasticsearch_node):
    call_command("load_demo_data", stdout=StringIO())


@pytest.fixture
def server_errors():
    """Tracebacks of exceptions raised inside views, so a 500 says where it came from."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(f"{request.path if request else '?'}\n{traceback.format_exc()}")

    got_request_exception.connect(record)
    yield errors
    got_request_exception.disconnect(record)


def logged_in_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def crawl_users():
    User = get_user_model()
    users = [User.objects.get(username=username) for username, *_ in DEMO_USERS]
    # Like every colleague, the administrator has a name, which pickers show.
    admin, _ = User.objects.get_or_create(
        username="smoke-admin",
        defaults={"is_staff": True, "is_superuser": True, "last_name": "系统", "first_name": "管理员"},
    )
    return [*users, admin]


def test_every_role_crawls_the_admin_without_server_errors_and_with_no_english(
    demo_data, server_errors
):
    report, problems = {}, []
    for user in crawl_users():
        # The four roles read no English; the technical superuser also manages login names
        # and Wagtail's site records, so only server errors count for it.
        statuses, user_problems = crawl(logged_in_client(user), check_english=user.groups.exists())
        report[user.username] = len(statuses)
        problems += [f"{user.username}: {problem}" for problem in user_problems]
        # The crawl reached beyond the dashboard, so it found the menu.
        assert len(statuses) > 10, f"{user.username} only reached {sorted(statuses)}"
    print("crawled per user:", report)
    assert not problems, "\n".join(problems) + "\n\n" + "\n".join(server_errors[:3])


def test_the_login_page_is_in_chinese(db):
    page = Client().get("/admin/login/").content.decode()
    assert 'for="id_password"' in page and "密码" in page
    assert english_pieces(page) == []


def test_english_left_on_a_page_is_found_in_what_is_read_not_in_markup():
    html = """<html><head><title>物业</title><script>gettext("Save")</script></head><body>
        <button title="Save changes" class="button">保存</button>
        <p>There is no site record for this location.</p><input placeholder="Search all pages…">
        <div hidden>None</div><span>导出 Excel</span><kbd>Ctrl</kbd> + <kbd>s</kbd>
        <code>NOTICE_SIGNING_P12</code> c572c81802627cff4ffae4ea624d308d
        <nav aria-label="Actions" class="w-flex"></nav></body></html>"""
    assert english_pieces(html) == [
        "Save changes",
        "There is no site record for this location.",
        "Search all pages…",
        "Actions",
    ]


def test_public_and_staff_endpoints_answer(demo_data, server_errors, settings):
    from search.indexing import reindex
    from search.registry import kinds

    # The demo as the worker leaves it: its search indices built (these under their own prefix).
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-endpoints"
    for kind in kinds():
        reindex(kind)
    staff = get_user_model().objects.get(username="kefu")
    client = logged_in_client(staff)
    health = client.get("/healthz")
    assert health.status_code == 200, health.content
    assert health.json()["elasticsearch"]["ok"]

    search = client.get("/search/query.json", {"q": "投诉"})
    assert search.status_code == 200, server_errors
    assert search["Content-Type"].startswith("application/json")

    anonymous = Client(raise_request_exception=False)
    for url in ("/api/v2/pages/", "/api/v2/replies/"):
        response = anonymous.get(url)
        assert response.status_code == 200, (url, response.status_code, server_errors)
        assert "items" in response.json()


def test_search_before_anything_is_indexed_says_so_instead_of_failing(
    elasticsearch_node, role_groups, django_user_model, settings
):
    """Elasticsearch answers without shards when none of the indices exist yet: the search
    says the index is not built rather than that nothing matches."""
    from core.roles import STAFF
    from search.query import search

    settings.ELASTICSEARCH_INDEX_PREFIX = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-never-indexed"
    staff = django_user_model.objects.create_user("kefu-new", is_staff=True)
    staff.groups.add(role_groups[STAFF])
    result = search(staff, "投诉")
    assert (result.total, result.hits, result.not_indexed) == (0, [], True)
    assert "检索索引尚未建立" in result.message


def test_reply_script_admin_search_finds_part_of_a_chinese_question(demo_data):
    from cms.replies.models import ReplyScript

    script = ReplyScript.objects.order_by("pk").first()
    part = script.question[1:4]
    client = logged_in_client(get_user_model().objects.get(username="jingli"))
    response = client.get("/admin/snippets/replies/replyscript/", {"q": part})
    assert response.status_code == 200
    assert script.question in response.content.decode()


def test_archive_catalogue_of_an_estate_that_is_not_a_number_is_not_found(demo_data):
    client = logged_in_client(get_user_model().objects.get(username="dangan"))
    assert client.get("/admin/archives/catalogue/", {"estate": "翠湖"}).status_code == 404
    assert client.get("/admin/archives/catalogue/", {"building": "x"}).status_code == 404


def test_search_for_punctuation_alone_finds_nothing_and_does_not_say_search_is_down(
    elasticsearch_node, role_groups, django_user_model
):
    from core.roles import STAFF

    staff = django_user_model.objects.create_user("kefu-quote", is_staff=True)
    staff.groups.add(role_groups[STAFF])
    client = logged_in_client(staff)
    for text in ('"', "(((", "*:*", ""):
        response = client.get("/search/query.json", {"q": text})
        assert response.status_code == 200, text
        assert (response.json()["total"], response.json()["unavailable"]) == (0, False)
    assert client.get("/search/open/case/abc/").status_code == 404
    assert client.get("/search/open/reply/x/").status_code == 404
