"""A node that hangs (accepts connections, never answers) or is gone: searches fail fast with a
Chinese message, saves never wait for it, and what it missed is replayed by a task."""

import socket
import time

import pytest

from cms.replies.actions import publish_script
from search.analysis import warm_up
from search.models import PendingIndexOperation
from search.query import UNAVAILABLE_MESSAGE, search
from search.tasks import replay_index_operations
from tests.search.test_search_indexing import new_script


@pytest.fixture
def hung_node():
    """A local socket that completes every connection and never sends a byte."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_a_hung_node_fails_searches_fast_with_a_chinese_message(
    db, staff_user, client, settings, search_prefix, hung_node
):
    warm_up()  # the dictionaries load once per process; only the node's answer is timed
    settings.ELASTICSEARCH_URL = hung_node
    started = time.monotonic()
    result = search(staff_user, "电梯困人")
    # Well under the 10 s general client timeout: the search client gives up after about 1 s.
    assert time.monotonic() - started < 5
    assert result.unavailable and result.message == UNAVAILABLE_MESSAGE
    client.force_login(staff_user)
    response = client.get("/search/query.json", {"q": "电梯困人"})
    assert response.status_code == 503
    assert "检索暂不可用" in response.json()["message"]


def test_saving_while_the_node_hangs_queues_the_change_and_a_task_replays_it(
    db,
    role_groups,
    manager,
    staff_user,
    settings,
    search_prefix,
    hung_node,
    django_capture_on_commit_callbacks,
):
    real_node = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = hung_node
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        script = publish_script(new_script("井盖松动有人差点摔倒", "马上围挡并更换井盖"), manager)
    assert time.monotonic() - started < 8
    (waiting,) = PendingIndexOperation.objects.all()
    assert (waiting.kind, waiting.object_id) == ("reply", str(script.pk))

    settings.ELASTICSEARCH_URL = real_node
    result = replay_index_operations.enqueue()
    assert result.return_value == {"replayed": 1, "pending": 0}
    assert search(staff_user, "井盖松动").hits[0]["title"] == "井盖松动有人差点摔倒"


def test_before_any_index_is_built_the_search_page_says_so_and_not_that_nothing_matches(
    db, staff_user, client, search_prefix
):
    """A fresh installation whose index was never built: staff are told to have it built,
    not that 电梯困人 has no script (and the 未命中 report is not filled with such searches)."""
    from search.models import MissedQuery

    client.force_login(staff_user)
    page = client.get("/admin/quick-search/", {"q": "电梯困人"}).content.decode()
    assert "检索索引尚未建立" in page
    assert "search_reindex" in page
    response = client.get("/search/query.json", {"q": "电梯困人"})
    assert response.status_code == 503
    assert "检索索引尚未建立" in response.json()["message"]
    assert not MissedQuery.objects.exists()
