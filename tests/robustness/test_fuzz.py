"""Every URL the project serves, as each demo role and anonymously, with junk ids,
junk query strings and junk forms: nothing may answer 5xx.

Bounded by FUZZ_MAX_REQUESTS (default 3000) and FUZZ_MAX_SECONDS (default 300). Ids past
the 64-bit range break only in SQLite's driver (PostgreSQL compares them as numerics), so
CI walks the URLs on both databases.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from fuzz import Fuzzer

from cms.demo import DEMO_USERS

KNOWN_PATH_VALUES = {
    "app_label": ["archives", "cases", "replies", "wagtailcore"],
    "app_name": ["archives", "cases", "replies", "wagtailcore"],
    "content_type_app_name": ["archives", "wagtailcore"],
    "model_name": ["householdarchive", "case", "replyscript", "page", "junk"],
    "content_type_model_name": ["householdarchive", "building", "page"],
    "action": ["publish", "delete-junk", "abc"],
    "action_name": ["approve", "reject", "abc"],
    "kind": ["archive", "case", "reply"],
    "decision": ["approve", "refuse"],
    "filter_spec": ["fill-100x100", "original", "abc"],
    "path": ["abc/", "../../etc/passwd"],
    "_0": ["abc/", "dangan/"],
}


@pytest.fixture
def demo_clients(elasticsearch_node):
    call_command("load_demo_data", stdout=StringIO())
    clients = {None: Client(raise_request_exception=False)}
    User = get_user_model()
    for username, *_ in DEMO_USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        clients[username] = client
    return clients


@pytest.mark.django_db(transaction=True)
def test_no_url_answers_5xx_to_junk(demo_clients, capsys):
    fuzzer = Fuzzer(demo_clients, KNOWN_PATH_VALUES)
    try:
        report = fuzzer.run()
    finally:
        fuzzer.close()
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.requests > 0
    assert not report.failures, report.summary()
