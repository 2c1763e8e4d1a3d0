"""Fixtures for search tests: a fresh index prefix per test and the demo reply scripts."""

import uuid
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from staff_accounts import role_account

from core.roles import MANAGER, STAFF


@pytest.fixture(autouse=True)
def index_tasks_run_at_once(settings):
    """Saves enqueue their index change as a task; here it runs at once instead of waiting
    for a worker, so a test can search right after saving."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def search_prefix(settings, test_index_prefix, elasticsearch_node):
    """Indices of this test alone, under the run's prefix (removed with it at the end)."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    return settings.ELASTICSEARCH_INDEX_PREFIX


manager = role_account(MANAGER, "jingli_t")
staff_user = role_account(STAFF, "kefu_t")


@pytest.fixture
def demo_scripts(role_groups, manager, search_prefix, django_capture_on_commit_callbacks):
    """The 40 demo scripts and synonyms, approved and indexed through the normal after-commit path."""
    from cms.replies import demo
    from cms.replies.models import ReplyScript

    with django_capture_on_commit_callbacks(execute=True):
        demo.load(role_groups, StringIO())
    return ReplyScript.objects.all()


def demo_script_objects():
    """The demo scripts as unsaved, approved objects: enough to build their documents."""
    from cms.replies.demo import demo_script
    from cms.replies.demo_data import SCRIPTS, TOPICS
    from cms.replies.models import ReplyTopic

    parents = {name: ReplyTopic(name=name) for name in TOPICS}
    topics = {
        child: ReplyTopic(name=child, parent=parents[parent])
        for parent, children in TOPICS.items()
        for child in children
    }
    now = timezone.now()
    approved = {"live": True, "last_published_at": now, "effective_from": timezone.localdate()}
    return [
        demo_script(entry, topics[entry[0]], pk=number, **approved)
        for number, entry in enumerate(SCRIPTS, 1)
    ]


@pytest.fixture(scope="module")
def indexed_corpus(test_index_prefix, elasticsearch_node):
    """The demo scripts indexed once per module, for tests that only search."""
    from cms.replies.search_document import script_fields
    from search.indexing import bulk_index
    from search.registry import get_kind

    previous = django_settings.ELASTICSEARCH_INDEX_PREFIX
    django_settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    bulk_index(get_kind("reply"), [script_fields(script) for script in demo_script_objects()])
    yield django_settings.ELASTICSEARCH_INDEX_PREFIX
    django_settings.ELASTICSEARCH_INDEX_PREFIX = previous


@pytest.fixture
def corpus(db, indexed_corpus):
    """The module's indexed demo scripts plus the demo synonyms in the database."""
    from cms.replies.demo_data import SYNONYMS
    from search.models import SynonymGroup

    for terms, note in SYNONYMS:
        SynonymGroup.objects.create(terms=terms, note=note)
    return indexed_corpus


@pytest.fixture
def reader():
    from search.evaluation import SystemReader

    return SystemReader()
