"""Wagtail's autosave fires while the user presses 发布 (or a colleague does): two requests
for one new room or one reply script at the same instant. Neither may answer 500; one record
is filed, and the other request is told why in Chinese."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from staff_accounts import make_user
from wagtail.test.utils.form_data import rich_text

from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive
from cms.replies.models import ReplyScript, ReplyTopic
from core.roles import ARCHIVIST, MANAGER

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}
# Long enough for the other request to finish when nothing holds it back.
RACE_WINDOW_SECONDS = 8


def in_thread(post):
    """Run ``post`` on its own database connection, as a second browser request would."""
    answer = {}

    def run():
        try:
            answer["response"] = post()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


def race(first, second, table):
    """``first`` runs until it writes to ``table``; there it waits for ``second`` (sent on
    another connection) to finish, or for the race window to pass if ``second`` is held."""
    started = []

    def let_the_other_request_in(execute, sql, params, many, context):
        if not started and sql.startswith(f'INSERT INTO "{table}"'):
            thread, answer = in_thread(second)
            started.append((thread, answer))
            thread.join(RACE_WINDOW_SECONDS)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(let_the_other_request_in):
        response = first()
    thread, answer = started[0]
    thread.join()
    return response, answer["response"]


def user_client(role_groups, username, role):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(username, role_groups[role]))
    return client


def household_form(**extra):
    data = {"unit": "3", "floor": "8", "room": "808", "property_type": "residence"}
    data |= {"occupancy": "vacant", "relationship": "first_contact"}
    for formset in ("owners", "family_members", "tenants", "papers"):
        data |= {f"{formset}-TOTAL_FORMS": 0, f"{formset}-INITIAL_FORMS": 0}
    return data | extra


def test_autosave_of_a_new_room_while_it_is_published(role_groups):
    root = ArchiveRoot.objects.get()
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building = estate.add_child(instance=Building(title="3栋", slug="b3"))
    client = user_client(role_groups, "dangan-race", ARCHIVIST)
    url = reverse("wagtailadmin_pages:add", args=["archives", "householdarchive", building.pk])

    published, autosaved = race(
        lambda: client.post(url, household_form(**{"action-publish": "1"})),
        lambda: client.post(url, household_form(), **AUTOSAVE),
        "wagtailcore_page",
    )

    assert published.status_code == 302
    assert autosaved.status_code == 400 and autosaved.json()["success"] is False
    household = HouseholdArchive.objects.get(room="808")
    assert household.live
    assert Building.objects.get(pk=building.pk).numchild == 1


def script_form(topic, **extra):
    data = {"question": "装修噪音扰民怎么答复", "topic": topic.pk, "keywords": "装修"}
    data |= {
        "answer": rich_text("<p>我们马上安排人员到场劝导。</p>"),
        "effective_from": "2026-12-01",
    }
    return data | extra


def test_autosave_of_a_new_reply_script_while_it_is_published(role_groups):
    topic = ReplyTopic.objects.create(name="装修管理")
    client = user_client(role_groups, "jingli-race", MANAGER)
    url = reverse("wagtailsnippets_replies_replyscript:add")

    published, autosaved = race(
        lambda: client.post(url, script_form(topic, **{"action-publish": "1"})),
        lambda: client.post(url, script_form(topic), **AUTOSAVE),
        "replies_replyscript",
    )

    answers = {published.status_code, autosaved.status_code}
    assert 500 not in answers, answers
    assert ReplyScript.objects.filter(question="装修噪音扰民怎么答复").count() == 1
    if published.status_code == 200:
        assert "已有同一问题的口径" in published.content.decode()
        assert 'value="装修噪音扰民怎么答复"' in published.content.decode()


def test_autosave_of_a_script_while_a_colleague_publishes_it(role_groups):
    topic = ReplyTopic.objects.create(name="装修管理")
    script = ReplyScript(question="装修噪音扰民怎么答复", answer="<p>旧答复</p>", topic=topic)
    script.save()
    revision = script.save_revision()
    manager = user_client(role_groups, "jingli-race", MANAGER)
    colleague = user_client(role_groups, "jingli-race2", MANAGER)
    url = reverse("wagtailsnippets_replies_replyscript:edit", args=[script.pk])
    loaded = {
        "loaded_revision_id": revision.pk,
        "loaded_revision_created_at": revision.created_at.isoformat(),
    }

    published, autosaved = race(
        lambda: colleague.post(url, script_form(topic, **loaded, **{"action-publish": "1"})),
        lambda: manager.post(
            url, script_form(topic, spoken="自动保存的口语版", **loaded), **AUTOSAVE
        ),
        "wagtailcore_revision",
    )

    assert published.status_code == 302
    assert autosaved.status_code == 400
    assert autosaved.json()["error_code"] == "invalid_revision"
    script.refresh_from_db()
    assert script.live and script.spoken == ""
