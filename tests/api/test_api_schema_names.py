"""Two schemas of one name overwrite each other in the OpenAPI document, so one
operation would be documented with the other's fields."""

from collections import Counter

from ninja import Schema

import api.main  # noqa: F401  (loads every router and its schemas)


def all_schemas(cls=Schema):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("api."):
            yield sub
        yield from all_schemas(sub)


def test_every_api_schema_has_a_name_of_its_own():
    names = Counter(schema.__name__ for schema in set(all_schemas()))
    assert [name for name, count in names.items() if count > 1] == []


def test_each_search_operation_documents_its_own_answer(client):
    document = client.get("/api/openapi.json").json()
    components = document["components"]["schemas"]
    assert "facets" in components["OverallSearchOut"]["properties"]
    assert "facets" not in components["SearchOut"]["properties"]
