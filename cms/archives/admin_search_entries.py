"""Wagtail's admin search entries (the page search of the admin) for many new households.

On PostgreSQL Wagtail's search backend builds and compiles a text-search expression
for every page it adds, which for an estate of ten thousand rooms costs more than
filing the rooms. Rooms share the shape of their entry (which fields, which weights),
so the vectors are compiled by the backend's own code once per shape and one statement
writes all rooms of that shape, their texts sent as arrays; the entries are the ones
``add_bulk`` writes. Other databases keep
Wagtail's ``add_bulk``.
"""

from django.db import transaction
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database.postgres.postgres import ObjectIndexer, PostgresIndex
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.utils import get_content_type_pk
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from cms.archives.models import HouseholdArchive, attach_parents

VECTORS = ("title", "autocomplete", "body")


def add_to_admin_search(model, pages):
    for backend in get_search_backends(with_auto_update=True):
        index = backend.get_index_for_model(model)
        if isinstance(index, PostgresIndex) and pages:
            _add_entries(index, model, pages)
        else:
            backend.add_bulk(model, pages)


def entry_texts(indexer, page):
    """{vector: [(text, weight)]} as the backend's title, autocomplete and body vectors
    gather them, in one pass over the search fields instead of one per vector."""
    texts = {name: [] for name in VECTORS}
    for search_field in indexer.search_fields:
        for field, weight, value in indexer.prepare_field(page, search_field):
            if isinstance(field, AutocompleteField):
                texts["autocomplete"].append((value.strip(), weight))
            elif isinstance(field, SearchField):
                name = "title" if field.field_name == "title" else "body"
                texts[name].append((value.strip(), weight))
    return {
        name: [(text, weight) for text, weight in pairs if text] for name, pairs in texts.items()
    }


def _add_entries(index, model, pages):
    connection = index.write_connection
    compiler = InsertQuery(IndexEntry).get_compiler(connection=connection)
    indexer = ObjectIndexer(pages[0], index.backend)
    by_shape = {}
    for page in pages:
        texts = entry_texts(indexer, page)
        shape = tuple(tuple(weight for _, weight in texts[name]) for name in VECTORS)
        by_shape.setdefault(shape, []).append((page, texts))
    for shape, rooms in by_shape.items():
        vectors, params, text_columns = _vectors_sql(indexer, compiler, connection, shape)
        columns = [[str(page.pk) for page, _ in rooms]]
        columns += [
            [texts[name][position][0] for _, texts in rooms] for name, position in text_columns
        ]
        columns.append([" ".join(text for text, _ in texts["title"]) for _, texts in rooms])
        columns.append([" ".join(text for text, _ in texts["body"]) for _, texts in rooms])
        _insert(connection, vectors, [get_content_type_pk(model), *params], columns)
    index._refresh_title_norms()


def _vectors_sql(indexer, compiler, connection, shape):
    """The title, autocomplete and body vectors of one shape, compiled as the backend
    compiles them, with each text read from a column of the rows (rows.t0, rows.t1, …)
    instead of a parameter: (SQL, the remaining parameters, (vector, position) of each
    text column)."""
    parts, params, text_columns = [], [], []
    for name, weights in zip(VECTORS, shape, strict=True):
        markers = [f"\x00{name}{position}\x00" for position in range(len(weights))]
        vector = indexer.as_vector(
            list(zip(markers, weights, strict=True)), for_autocomplete=name == "autocomplete"
        )
        value = compiler.prepare_value(IndexEntry._meta.get_field(name), vector)
        sql, vector_params = value.as_sql(compiler, connection)
        pieces = sql.split("%s")
        compiled = [pieces[0]]
        for param, piece in zip(vector_params, pieces[1:], strict=True):
            if param in markers:
                compiled.append(f"rows.t{len(text_columns)}")
                text_columns.append((name, markers.index(param)))
            else:
                compiled.append("%s")
                params.append(param)
            compiled.append(piece)
        parts.append("".join(compiled))
    return ", ".join(parts), params, text_columns


def _insert(connection, vectors, params, columns):
    """One statement for all rooms of a shape: their values go as arrays (object id,
    texts, plain title and body), so the statement stays short whatever their number."""
    texts = [f"t{position}" for position in range(len(columns) - 3)]
    names = ", ".join(["object_id", *texts, "title_text", "body_text"])
    arrays = ", ".join(["%s::text[]"] * len(columns))
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,
                title_norm, title_text, body_text)
            SELECT %s, rows.object_id, {vectors}, 1.0, rows.title_text, rows.body_text
            FROM unnest({arrays}) AS rows({names})
            ON CONFLICT (content_type_id, object_id)
            DO UPDATE SET title = EXCLUDED.title, title_norm = 1.0,
                autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,
                title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text""",
            [*params, *columns],
        )


def refresh_rooms_under(sender, instance, **kwargs):
    """A building or estate published under a new name: its rooms' entries carry the
    name as callers say it (7栋1201), so they are written again once the name is saved."""
    def refresh():
        rooms = attach_parents(HouseholdArchive.objects.descendant_of(instance))
        if rooms:
            add_to_admin_search(HouseholdArchive, rooms)

    transaction.on_commit(refresh)
