"""A search node that is stopped, or hung (accepts the connection and never answers): the
search page says search is unavailable, the health check says so, and case intake still
registers the complaint. Kept at the HTTP level; how fast search gives up is the search
client's setting (ELASTICSEARCH_TIMEOUT), measured in bench/, not asserted here."""

import time

import pytest
from conftest import case_form
from django.utils import timezone

from cases.models import Case, CaseTopic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["stopped", "hung"])
def broken_search_node(request, settings):
    settings.ELASTICSEARCH_URL = request.getfixturevalue(f"{request.param}_search_node")
    return request.param


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def intake_form():
    template = Case(
        kind=Case.Kind.COMPLAINT,
        channel=Case.Channel.PHONE,
        reporter_name="李阿姨",
        location="3栋地下车库",
        topic=CaseTopic.objects.get(name="维修"),
        description="车库照明坏了三盏",
        received_at=timezone.now(),
    )
    return {**case_form(template), "version": 1}


def test_search_page_and_api_say_search_is_unavailable(client, staff, broken_search_node, capsys):
    client.force_login(staff)
    page, page_seconds = timed(lambda: client.get("/admin/quick-search/", {"q": "噪音"}))
    assert page.status_code == 200
    assert "检索暂不可用" in page.content.decode()
    api, api_seconds = timed(lambda: client.get("/search/query.json", {"q": "噪音"}))
    assert api.status_code == 503
    assert api.json()["unavailable"] is True and "检索暂不可用" in api.json()["message"]
    with capsys.disabled():
        print(f"\n[{broken_search_node} node] search page {page_seconds:.1f} s, api {api_seconds:.1f} s")


def test_intake_registers_the_complaint_while_search_is_away(client, staff, broken_search_node, capsys):
    client.force_login(staff)
    response, seconds = timed(lambda: client.post("/admin/cases/new/", intake_form()))
    case = Case.objects.get(description="车库照明坏了三盏")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/{case.pk}/"
    assert case.number.startswith("投诉-")
    with capsys.disabled():
        print(f"\n[{broken_search_node} node] intake {seconds:.1f} s")


def test_health_check_reports_search_down_and_the_rest_up(client, broken_search_node, capsys):
    response, seconds = timed(lambda: client.get("/healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["elasticsearch"]["ok"] is False
    assert body["database"]["ok"] is True
    with capsys.disabled():
        print(f"\n[{broken_search_node} node] healthz {seconds:.1f} s")
