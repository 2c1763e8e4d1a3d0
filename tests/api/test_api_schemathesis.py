"""Schemathesis against the live schema, with a token of each scope: no answer is a 5xx,
and every answer (status, content type, body) matches the documented schema."""

import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from search.indexing import reindex
from search.registry import kinds

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))
SCOPES = ["scripts:read", "cases:register", "cases:read", "archives"]


@pytest.mark.django_db(transaction=True)
def test_fuzzing_the_live_schema_with_every_scope(
    live_server, settings, staff, manager, tree, token_for, elasticsearch_node, test_index_prefix,
    capsys,
):
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    # As on any installation, the search indices exist (an unbuilt one is a documented 503);
    # these are the fuzzing's own, under the run's prefix that is removed at the end.
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{test_index_prefix}-fuzz"
    for kind in kinds():
        reindex(kind)
    keys = [token_for(staff, scope) for scope in SCOPES] + [token_for(manager, *SCOPES)]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    calls = []
    for result in schema.get_all_operations():
        fuzz(result.ok(), keys, calls)
    with capsys.disabled():
        print(f"\nschemathesis: {len(calls)} calls over {len(set(calls))} operations")
    assert len(set(calls)) >= 11


def fuzz(operation, keys, calls):
    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call_with_each_token(case):
        for key in keys:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
            case.call_and_validate(checks=CHECKS)
            calls.append(operation.label)

    call_with_each_token()
