"""Shared fixtures: a real Elasticsearch node, demo roles, and one browser for the live server."""

import os
import uuid

import pytest
from django.conf import settings

from search.indices import elasticsearch_health, get_client

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Tests that run minutes each (a real worker issuing 200 notices with PDFs, the browser
# journeys): started first, one per pytest worker, so the others fill the time around them.
LONGEST_FIRST = (
    "tests/tasks/test_batch_worker.py",
    "tests/journeys/",
    "tests/tasks/",
    "tests/robustness/test_fuzz.py",
)


def _expected_length(item):
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


def _uses_redis(item):
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("backend") == "rq"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Longest tests first; the tests on Redis share one queue, so one pytest worker
    runs them all; and transactional tests flush the database afterwards, which would
    also remove Wagtail's root page and default Site created by migrations:
    serialized rollback puts them back for every later test."""
    items.sort(key=_expected_length)
    for item in items:
        if _uses_redis(item):
            item.add_marker(pytest.mark.xdist_group("redis"))
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or "transactional_db" in item.fixturenames
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    """Tasks run inline in tests, Wagtail's own (reference index, page search index) among
    them; tests/tasks start real workers on each backend and override this."""
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every staff account a test makes has a password; the production hasher takes a
    third of a second a password, the weak one a millisecond, and the tests only log in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def demo_credentials_file(tmp_path, monkeypatch):
    """Demo users made by tests keep their passwords out of var/demo-credentials.txt,
    which scripts/run.sh prints for the real demo users."""
    from cms import demo

    path = tmp_path / "demo-credentials.txt"
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", path)
    return path


@pytest.fixture(scope="session", autouse=True)
def test_index_prefix():
    """Every run writes to indices of its own and removes them afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    yield prefix
    if elasticsearch_health()["ok"]:
        # The cluster refuses wildcard deletes, so name each index.
        names = list(get_client().indices.get(index=f"{prefix}-*", expand_wildcards="all"))
        if names:
            get_client().indices.delete(index=",".join(names))


@pytest.fixture(scope="session")
def elasticsearch_node():
    """The real node. A missing node fails the test: search is never mocked or skipped."""
    health = elasticsearch_health()
    if not health["ok"]:
        pytest.fail(
            f"Elasticsearch is not available ({health['detail']}); "
            "start it with scripts/elasticsearch.sh start",
            pytrace=False,
        )
    return get_client()


@pytest.fixture
def role_groups(db):
    from core.roles import sync_roles

    return sync_roles()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session", autouse=True)
def database_connections_stay_thread_local():
    """Playwright's sync API keeps an asyncio loop running in the test thread, and Django's
    thread-critical connection storage (asgiref Local) switches to per-context storage while
    a loop runs. After the first browser test the test thread therefore got a second
    connection wrapper without the serialized test data, and every later
    ``serialized_rollback`` test silently started from an empty database. Keep the storage
    per thread, as it is without Playwright."""
    from django.db import connections

    storage = connections._connections
    object.__setattr__(storage, "_get_storage", lambda: storage._storage)


@pytest.fixture(scope="session", autouse=True)
def archive_triggers_lifted_only_to_empty_test_databases():
    """The archive triggers refuse every delete of an archive, also the test runner's.
    Emptying a test database after a transactional test goes through the one explicit
    switch (``cms.archives.triggers.test_teardown_switch``, refused on any database the
    test runner did not create); a test's own rollback forgets the refusals it saw
    instead of writing them into the next test."""
    from django.db import connections
    from django.test import TestCase, TransactionTestCase

    from cms.archives.guards import forget_pending
    from cms.archives.triggers import test_teardown_switch

    flush = TransactionTestCase._fixture_teardown
    rollback = TestCase._rollback_atomics.__func__

    def teardown_with_switch(self):
        with test_teardown_switch():
            flush(self)

    def rollback_forgetting_refusals(cls, atomics):
        for connection in connections.all(initialized_only=True):
            forget_pending(connection)
        rollback(cls, atomics)

    TransactionTestCase._fixture_teardown = teardown_with_switch
    TestCase._rollback_atomics = classmethod(rollback_forgetting_refusals)
    yield
    TransactionTestCase._fixture_teardown = flush
    TestCase._rollback_atomics = classmethod(rollback)
