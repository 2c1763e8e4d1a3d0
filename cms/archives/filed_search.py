"""Search documents of many newly filed households, sent after the import commits.

The Chinese analysis of each owner's name is what makes the documents slow, so it runs
in the search app's analysis workers on every core (``analysed_batches``, as a reindex
does), while this process reads the rooms from the database and sends the lines. As
with any deferred change, the rooms wait in PendingIndexOperation when the cluster
cannot take them, and a running reindex gets them through the ordinary bulk sync.
"""

from functools import partial

from django.db import transaction
from elasticsearch.helpers import BulkIndexError

from search.indexing import (
    DATABASE_CHUNK,
    ELASTICSEARCH_ERRORS,
    alias_name,
    analysed_batches,
    building_alias,
    bulk_lines,
    ensure_index,
    queue_operations,
    replay_pending,
    send_bulk,
    sync_objects,
)
from search.indices import get_client
from search.models import PendingIndexOperation
from search.registry import get_kind

KIND = "archive"
# Below this many rooms starting the workers costs more than it saves.
POOL_FROM = 1000


def index_after_commit(household_ids):
    ids = [str(pk) for pk in household_ids]
    if ids:
        transaction.on_commit(lambda: index_households(ids))


def index_households(ids):
    """Write the households' documents behind the archive alias; returns how many."""
    kind = get_kind(KIND)
    operations = {(KIND, object_id): PendingIndexOperation.Action.INDEX for object_id in ids}
    client = get_client()
    try:
        alias = ensure_index(kind, client)
        if client.indices.exists_alias(name=building_alias(kind)):
            return sync_objects(operations)
        written = sum(
            send_bulk(client, lines)
            for lines in analysed_batches(
                _field_batches(kind, ids),
                partial(bulk_lines, alias),
                workers=None if len(ids) >= POOL_FROM else 1,
            )
            if lines
        )
        client.indices.refresh(index=alias_name(kind))
    except (*ELASTICSEARCH_ERRORS, BulkIndexError) as error:
        queue_operations(operations, error)
        return 0
    if PendingIndexOperation.objects.exists():
        replay_pending()
    return written


def _field_batches(kind, ids):
    """Each chunk of households read back as committed, as the kind's original text."""
    for start in range(0, len(ids), DATABASE_CHUNK):
        chunk = kind.prepared(kind.indexable().filter(pk__in=ids[start : start + DATABASE_CHUNK]))
        yield [fields for fields in map(kind.fields, chunk) if fields]
