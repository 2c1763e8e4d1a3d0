"""Fixtures for search tests: a fresh index prefix per test and the demo reply scripts."""

import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model

from cms.roles import MANAGER, STAFF


@pytest.fixture
def search_prefix(settings, test_index_prefix, elasticsearch_node):
    """Indices of this test alone, under the run's prefix (removed with it at the end)."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    return settings.ELASTICSEARCH_INDEX_PREFIX


@pytest.fixture
def manager(role_groups):
    user = get_user_model().objects.create_user("jingli_t", password="x", is_staff=True)
    user.groups.add(role_groups[MANAGER])
    return user


@pytest.fixture
def staff_user(role_groups):
    user = get_user_model().objects.create_user("kefu_t", password="x", is_staff=True)
    user.groups.add(role_groups[STAFF])
    return user


@pytest.fixture
def demo_scripts(role_groups, manager, search_prefix, django_capture_on_commit_callbacks):
    """The 40 demo scripts and synonyms, approved and indexed through the normal after-commit path."""
    from cms.replies import demo

    with django_capture_on_commit_callbacks(execute=True):
        demo.load(role_groups, StringIO())
    from cms.replies.models import ReplyScript

    return ReplyScript.objects.all()
