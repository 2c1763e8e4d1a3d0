"""GET /api/search: the staff search page's engine, facets and suggestions through a
token; each kind of hit needs its scope. The old /search/api/ beside it is gone."""

import uuid

import pytest
from test_api_scripts import demo_scripts  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_search_needs_a_token_and_finds_scripts_with_facets(demo_scripts, staff, token_for, call):  # noqa: F811
    assert call("get", "/api/search?q=高空抛物").status_code == 401
    key = token_for(staff, "scripts:read")
    response = call("get", "/api/search?q=gkpw", key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hits"] and "高空抛物" in body["hits"][0]["title"]
    assert {hit["kind"] for hit in body["hits"]} == {"reply"}
    assert [facet["value"] for facet in body["facets"]["kind"]] == ["reply"]
    topic = body["hits"][0]["topic"]
    narrowed = call("get", f"/api/search?q=物业&topic={topic}", key).json()
    assert narrowed["hits"] and {hit["topic"] for hit in narrowed["hits"]} == {topic}


@pytest.mark.django_db
def test_a_search_finding_nothing_suggests_topics(demo_scripts, staff, token_for, call):  # noqa: F811
    key = token_for(staff, "scripts:read")
    body = call("get", "/api/search?q=火星探测器发射成功", key).json()
    assert (body["total"], body["hits"]) == (0, [])
    topics = body["suggestions"]["topics"]
    assert topics and all(topic["scripts"] for topic in topics)


@pytest.mark.django_db
def test_kinds_outside_the_tokens_scopes_are_refused(demo_scripts, staff, token_for, call):  # noqa: F811
    scripts_only = token_for(staff, "scripts:read")
    refused = call("get", "/api/search?q=张伟&kind=archive", scripts_only)
    assert (refused.status_code, refused.json()["code"]) == (403, "scope_missing")
    assert "业户档案" in refused.json()["message"]
    register_only = token_for(staff, "cases:register")
    nothing = call("get", "/api/search?q=物业费", register_only)
    assert (nothing.status_code, nothing.json()["code"]) == (403, "scope_missing")
    unknown = call("get", "/api/search?q=物业费&kind=everything", scripts_only)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid_input")
    empty = call("get", "/api/search?q=", scripts_only)
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_input")


@pytest.mark.django_db
def test_the_old_search_endpoint_is_gone(client):
    assert client.get("/search/api/", {"q": "电梯困人"}).status_code == 404


@pytest.mark.django_db
def test_archive_hits_come_only_under_a_grant_without_phone_or_id_number(
    tree, staff, manager, token_for, call, settings, test_index_prefix, elasticsearch_node
):
    from cms.archives.actions import approve_access, request_access
    from cms.archives.models import AccessRecord
    from search.indexing import reindex
    from search.registry import get_kind

    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-{uuid.uuid4().hex[:6]}"
    reindex(get_kind("archive"))
    key = token_for(staff, "archives")
    before = call("get", "/api/search?q=翠湖花园&kind=archive", key)
    assert before.status_code == 200, before.content
    assert before.json()["hits"] == []

    household = tree["household"]
    approve_access(request_access(staff, "核对装修申报", 3, household=household), manager)
    body = call("get", "/api/search?q=翠湖花园&kind=archive", key).json()
    assert [hit["title"] for hit in body["hits"]] == [household.address]
    # As in the archive list: the owner's name, never the phone or the identity number.
    shown = str(body)
    assert "张伟" in shown
    assert "13812345678" not in shown and "110101199003077777" not in shown
    # A list of hits is not a reading: only opening one is registered.
    assert not AccessRecord.objects.filter(household=household).exists()
