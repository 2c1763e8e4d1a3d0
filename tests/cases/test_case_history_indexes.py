"""The history a case page reads is indexed: the versions of the case, and those of
every model that hangs off a case, by case and date (any new history model too)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def index_columns(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [tuple(c["columns"]) for c in constraints.values() if c["index"]]


def case_history_models():
    for model in apps.get_app_config("cases").get_models():
        columns = {field.column for field in model._meta.fields}
        if model.__name__.startswith("Historical") and "case_id" in columns:
            yield model


def test_the_versions_of_one_case_are_indexed_by_case_and_date():
    table = apps.get_model("cases", "HistoricalCase")._meta.db_table
    assert ("id", "history_date") in index_columns(table)


def test_every_history_hanging_off_a_case_is_indexed_by_case_and_date():
    models = list(case_history_models())
    assert len(models) >= 8
    for model in models:
        assert ("case_id", "history_date") in index_columns(model._meta.db_table), model
