"""Users per role and a registered complaint, for the fault tests."""

import socket
import threading

import pytest
from complaints import register_complaint
from staff_accounts import role_account

from core.roles import STAFF, SUPERVISOR

staff = role_account(STAFF, "kefu-r")
supervisor = role_account(SUPERVISOR, "zhuguan-r")


@pytest.fixture
def complaint(staff):
    return register_complaint(staff, handler=staff)


def case_form(case, **overrides):
    """The edit form as the browser posts it for ``case``."""
    data = {
        "kind": case.kind,
        "channel": case.channel,
        "received_at": case.received_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "reporter_name": case.reporter_name,
        "reporter_phone": "",
        "location": case.location,
        "topic": case.topic_id,
        "description": case.description,
        "department": "工程部",
        "severity": "general",
        "people_count": 1,
        "times_count": 1,
        "version": case.version,
    }
    data.update(overrides)
    return data


@pytest.fixture
def stopped_search_node():
    """The address of a search node that is not running: nothing listens on the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def hung_search_node():
    """A search node that accepts connections and never answers (a hung JVM, a full GC)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept_and_hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    listener.close()
