"""Keeping the indices in step with the database.

Every change is sent after commit (signals.py); when Elasticsearch cannot be
reached the change waits in PendingIndexOperation and is replayed by the next
successful operation or by ``manage.py search_replay``. Bulk work (imports,
batch jobs) wraps its loop in ``deferred_sync()``: the changes it saves are
collected and sent after commit in one bulk request instead of one each. ``reindex`` builds a
fresh index and swaps the alias in one atomic step, so searching never stops.
"""

import logging
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from itertools import chain

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from elasticsearch import exceptions as es_exceptions
from elasticsearch.helpers import BulkIndexError, bulk, scan, streaming_bulk
from elasticsearch.serializer import JsonSerializer

from search import analysis
from search.indices import SearchDocument, document_source, get_client, index_client, index_name
from search.models import PendingIndexOperation
from search.registry import get_kind, kinds

logger = logging.getLogger(__name__)

# Any failure to talk to the cluster: the change is queued instead of lost.
ELASTICSEARCH_ERRORS = (es_exceptions.TransportError, es_exceptions.ApiError)

REPLAY_BATCH = 500

# A deferred batch goes out as one bulk request up to these sizes (10,000 households
# are about 15 MB); beyond them the helper splits it, well below the node's 100 MB limit.
DEFERRED_CHUNK_ACTIONS = 20_000
DEFERRED_CHUNK_BYTES = 50 * 2**20
DATABASE_CHUNK = 500

# A rebuild sends one bulk request per database chunk, this many at once.
BULK_SENDERS = 2
BULK_RETRIES = 2
BUILDING_SETTINGS = {"refresh_interval": "-1", "translog.durability": "async"}
SERVING_SETTINGS = {"refresh_interval": "1s", "translog.durability": "request"}

# The batch of the innermost running deferred_sync(), or None for one request per change.
_deferred_batch = ContextVar("deferred_search_batch", default=None)


def alias_name(kind):
    return index_name(kind.index_base)


def building_alias(kind):
    """Points at the index a running reindex fills, so live changes reach it too."""
    return f"{alias_name(kind)}-building"


def new_index_name(kind):
    return f"{alias_name(kind)}-{timezone.now():%Y%m%d%H%M%S%f}"


def create_index(kind, client):
    name = new_index_name(kind)
    SearchDocument.init(index=name, using=client)
    return name


def ensure_index(kind, client=None):
    """Create the first index behind the alias, so a write never auto-creates a bare index."""
    client = client or get_client()
    alias = alias_name(kind)
    if not client.indices.exists_alias(name=alias):
        name = create_index(kind, client)
        client.indices.put_alias(index=name, name=alias)
    return alias


def _target_indices(kind, client):
    ensure_index(kind, client)
    names = [alias_name(kind)]
    if client.indices.exists_alias(name=building_alias(kind)):
        names.append(building_alias(kind))
    return names


def write_object(kind, object_id, client=None):
    """Bring one object's index entry in line with the database (write or remove it).

    Interactive saves refresh at once, so the caller can find the change right away: a
    forced refresh costs a few ms on the node, whereas refresh="wait_for" holds the
    saving request up to the refresh interval (1 s). Bulk work never comes here.
    """
    client = client or index_client()
    obj = next(iter(kind.prepared(kind.indexable().filter(pk=object_id))), None)
    document = document_for(kind, obj) if obj is not None else None
    for target in _target_indices(kind, client):
        if document is not None:
            client.index(index=target, id=str(object_id), document=document, refresh=True)
        else:
            client.options(ignore_status=404).delete(index=target, id=str(object_id), refresh=True)


def document_for(kind, obj):
    """The indexed source of one row, or None when the kind leaves it out."""
    fields = kind.fields(obj)
    return document_source(fields) if fields is not None else None


def queue_operation(kind_name, object_id, action, error):
    PendingIndexOperation.objects.update_or_create(
        kind=kind_name,
        object_id=str(object_id),
        defaults={"action": action, "last_error": str(error)[:1000]},
    )


def sync_object(kind_name, object_id, action=PendingIndexOperation.Action.INDEX):
    """Send one change; queue it if the cluster is away, replay the queue if it is back."""
    kind = get_kind(kind_name)
    if kind is None:
        return False
    try:
        write_object(kind, object_id)
    except ELASTICSEARCH_ERRORS as error:
        logger.warning("索引暂缓（%s#%s）：%s", kind_name, object_id, error)
        queue_operation(kind_name, object_id, action, error)
        return False
    PendingIndexOperation.objects.filter(kind=kind_name, object_id=str(object_id)).delete()
    if PendingIndexOperation.objects.exists():
        replay_pending()
    return True


def schedule_sync(kind_name, object_id, action=PendingIndexOperation.Action.INDEX):
    """Index a saved change after commit, as a background task: the saving request never
    waits for Elasticsearch. Bulk work inside deferred_sync() collects the change instead."""
    batch = _deferred_batch.get()
    if batch is None:
        transaction.on_commit(lambda: _enqueue_sync(kind_name, str(object_id), action))
    else:
        # Collected only when its transaction commits, so rolled-back rows are never sent.
        transaction.on_commit(lambda: batch.update({(kind_name, str(object_id)): action}))


def _enqueue_sync(kind_name, object_id, action):
    from search.tasks import index_change

    try:
        index_change.enqueue(kind_name, object_id, action)
    except Exception as error:
        logger.warning("索引任务未能排队（%s#%s）：%s", kind_name, object_id, error)
        queue_operation(kind_name, object_id, action, error)


@contextmanager
def deferred_sync():
    """Send the index changes saved inside the block after commit in one bulk request.

    Interactive saves keep one request each (searchable at once); imports and batch
    jobs that save thousands of rows wrap their loop in this instead. If the cluster
    is away the whole batch waits in PendingIndexOperation, as single changes do.
    Nested blocks join the outermost one.
    """
    if _deferred_batch.get() is not None:
        yield
        return
    batch = {}
    token = _deferred_batch.set(batch)
    try:
        yield
    finally:
        _deferred_batch.reset(token)
        # Registered after the block's own callbacks, so it runs once they have filled
        # the batch; also after an error, for what was committed before it.
        transaction.on_commit(lambda: sync_objects(batch))


def sync_objects(operations):
    """Send many changes ({(kind, id): action}) in one bulk request; queue them if that fails.

    Returns how many were written.
    """
    if not operations:
        return 0
    try:
        failed = write_objects(operations)
    except ELASTICSEARCH_ERRORS as error:
        logger.warning("索引暂缓（批量 %s 条）：%s", len(operations), error)
        queue_operations(operations, error)
        return 0
    done = {key: action for key, action in operations.items() if key not in failed}
    _forget_pending(done)
    if PendingIndexOperation.objects.exists():
        replay_pending()
    queue_operations({key: operations[key] for key in failed}, "；".join(failed.values()))
    return len(done)


def write_objects(operations, client=None):
    """Write or remove many index entries in one bulk request, then refresh once.

    Returns {(kind, id): error} for the entries the cluster refused one by one.
    """
    client = client or get_client()
    streams, targets = [], set()
    for kind_name, object_ids in _ids_by_kind(operations).items():
        kind = get_kind(kind_name)
        indices = _target_indices(kind, client)
        targets.update(indices)
        streams.append(_bulk_actions(kind, object_ids, indices))
    if not targets:
        return {}
    _written, errors = bulk(
        client,
        chain.from_iterable(streams),
        chunk_size=DEFERRED_CHUNK_ACTIONS,
        max_chunk_bytes=DEFERRED_CHUNK_BYTES,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=2,
    )
    client.indices.refresh(index=",".join(sorted(targets)))
    return _refused(errors)


def _ids_by_kind(operations):
    ids = {}
    for kind_name, object_id in operations:
        if get_kind(kind_name) is not None:
            ids.setdefault(kind_name, []).append(object_id)
    return ids


def _bulk_actions(kind, object_ids, indices):
    """Index actions for the rows still indexable, delete actions for the rest."""
    found = set()
    for start in range(0, len(object_ids), DATABASE_CHUNK):
        chunk = object_ids[start : start + DATABASE_CHUNK]
        for obj in kind.prepared(kind.indexable().filter(pk__in=chunk)):
            document = document_for(kind, obj)
            if document is None:
                continue
            found.add(str(obj.pk))
            for index in indices:
                yield bulk_action(str(obj.pk), document, index)
    for object_id in object_ids:
        if object_id not in found:
            for index in indices:
                yield {"_op_type": "delete", "_index": index, "_id": object_id}


def _refused(errors):
    """Bulk item errors as {(kind, id): message}; a delete of a missing entry is no error."""
    refused = {}
    for error in errors:
        ((op_type, item),) = error.items()
        if op_type == "delete" and item.get("status") == 404:
            continue
        key = (_kind_of_index(item.get("_index", "")), str(item.get("_id")))
        refused[key] = str(item.get("error", item.get("status")))[:1000]
    return refused


def _kind_of_index(index):
    for kind in kinds():
        if index.startswith(alias_name(kind)):
            return kind.name
    return ""


def queue_operations(operations, error):
    """Queue many changes at once (one row per object, the latest wish wins)."""
    if not operations:
        return
    _forget_pending(operations)
    PendingIndexOperation.objects.bulk_create(
        [
            PendingIndexOperation(
                kind=kind_name, object_id=object_id, action=action, last_error=str(error)[:1000]
            )
            for (kind_name, object_id), action in operations.items()
        ],
        batch_size=DATABASE_CHUNK,
    )


def _forget_pending(operations):
    for kind_name, object_ids in _ids_by_kind(operations).items():
        for start in range(0, len(object_ids), DATABASE_CHUNK):
            PendingIndexOperation.objects.filter(
                kind=kind_name, object_id__in=object_ids[start : start + DATABASE_CHUNK]
            ).delete()


def replay_pending(limit=REPLAY_BATCH):
    """Replay queued operations oldest first, in one bulk request per batch.

    Returns (replayed, still pending).
    """
    waiting = list(PendingIndexOperation.objects.all()[:limit])
    operations = {(op.kind, op.object_id): op.action for op in waiting}
    try:
        refused = write_objects(operations) if operations else {}
    except ELASTICSEARCH_ERRORS as error:
        PendingIndexOperation.objects.filter(pk__in=[op.pk for op in waiting]).update(
            attempts=F("attempts") + 1, last_error=str(error)[:1000]
        )
        return 0, PendingIndexOperation.objects.count()
    for op in waiting:
        if (op.kind, op.object_id) in refused:
            PendingIndexOperation.objects.filter(pk=op.pk).update(
                attempts=F("attempts") + 1, last_error=refused[(op.kind, op.object_id)]
            )
    replayed = [op.pk for op in waiting if (op.kind, op.object_id) not in refused]
    PendingIndexOperation.objects.filter(pk__in=replayed).delete()
    return len(replayed), PendingIndexOperation.objects.count()


def bulk_action(object_id, source, index):
    return {"_index": index, "_id": str(object_id), "_source": source}


def _prepared_batches(kind, queryset):
    """The rows one database chunk at a time, each chunk made ready by the kind."""
    batch = []
    for obj in queryset.iterator(chunk_size=DATABASE_CHUNK):
        batch.append(obj)
        if len(batch) == DATABASE_CHUNK:
            yield kind.prepared(batch)
            batch = []
    if batch:
        yield kind.prepared(batch)


def _field_batches(kind, queryset):
    """The rows' original text, one database chunk at a time."""
    for batch in _prepared_batches(kind, queryset):
        yield [fields for fields in map(kind.fields, batch) if fields]


_SERIALIZER = JsonSerializer()


def bulk_lines(index, batch):
    """The bulk-request lines (action and source, as bytes) of a batch of documents' fields:
    made in the analysis workers, so the process reading the database only sends bytes."""
    return [
        _SERIALIZER.dumps({"index": {"_index": index, "_id": fields["object_id"]}})
        + b"\n"
        + _SERIALIZER.dumps(document_source(fields))
        + b"\n"
        for fields in batch
    ]


def analysed_batches(field_batches, analyse, workers=None):
    """``analyse`` applied to each batch on every core: the Python analysis is what limits
    indexing, while this process reads the database and streams to the node."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        yield from map(analyse, field_batches)
        return
    analysis.warm_up()
    # Fork, so workers start with the lexicon, jieba and caches already loaded; they
    # touch neither the database nor the cluster.
    # Batches are read here, in the calling thread (the database connection belongs to it),
    # and a few are kept in flight so the workers never wait for the database.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        in_flight = deque()
        for batch in field_batches:
            in_flight.append(pool.apply_async(analyse, (batch,)))
            if len(in_flight) > 2 * workers:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


def send_bulk(client, lines, retries=BULK_RETRIES):
    """One bulk request of prepared lines. What the node turns away as too busy (429) is sent
    again after a pause; anything else it refuses stops the rebuild. Returns how many were
    written."""
    statuses = _bulk_statuses(client, lines)
    refused = [item for item in statuses if item["status"] >= 300]
    if not refused:
        return len(lines)
    busy = [line for line, item in zip(lines, statuses, strict=True) if item["status"] == 429]
    if len(busy) < len(refused) or not retries:
        raise BulkIndexError(f"{len(refused)} 条未能写入索引", refused[:10])
    time.sleep(2 ** (BULK_RETRIES - retries))
    return len(lines) - len(busy) + send_bulk(client, busy, retries - 1)


def _bulk_statuses(client, lines):
    try:
        response = client.bulk(
            operations=b"".join(lines), filter_path="errors,items.*.status,items.*.error"
        )
    except es_exceptions.ApiError as error:
        if error.status_code != 429:
            raise
        return [{"status": 429, "error": str(error)}] * len(lines)
    if not response.get("errors"):
        return [{"status": 200}] * len(lines)
    return [next(iter(item.values())) for item in response["items"]]


def _send_all(client, batches, progress):
    """Send the batches' bulk requests, a few at a time, so the node indexes one while the
    next is read from the database and analysed."""
    written = 0
    with ThreadPoolExecutor(BULK_SENDERS) as senders:
        in_flight = deque()

        def finish_one():
            count = in_flight.popleft().result()
            if progress is not None:
                progress.update(count)
            return count

        for lines in filter(None, batches):
            in_flight.append(senders.submit(send_bulk, client, lines))
            if len(in_flight) > BULK_SENDERS:
                written += finish_one()
        while in_flight:
            written += finish_one()
    return written


def reindex(kind, client=None, progress=None, workers=None):
    """Build a fresh index from the database, then swap the alias to it atomically.

    ``progress`` (a tqdm bar or None) is advanced as documents are written. Returns the
    new index name and the number of documents written.
    """
    client = client or get_client()
    alias = alias_name(kind)
    new_index = create_index(kind, client)
    client.indices.put_alias(index=new_index, name=building_alias(kind))
    try:
        # A fresh index is rebuilt from the database if anything goes wrong, so while it
        # fills it neither refreshes nor syncs its translog to disk on every request.
        client.indices.put_settings(index=new_index, settings=BUILDING_SETTINGS)
        batches = analysed_batches(
            _field_batches(kind, kind.indexable()), partial(bulk_lines, new_index), workers
        )
        written = _send_all(client, batches, progress)
        client.indices.put_settings(index=new_index, settings=SERVING_SETTINGS)
        client.indices.refresh(index=new_index)
        # On disk before it serves: the translog was not synced while the index filled.
        client.indices.flush(index=new_index)
    except BaseException:
        client.options(ignore_status=404).indices.delete(index=new_index)
        raise
    old_indices = []
    if client.indices.exists_alias(name=alias):
        old_indices = list(client.indices.get_alias(name=alias).keys())
    actions = [{"add": {"index": new_index, "alias": alias}}]
    actions += [{"remove": {"index": name, "alias": alias}} for name in old_indices]
    actions.append({"remove": {"index": new_index, "alias": building_alias(kind)}})
    if client.indices.exists(index=alias) and not client.indices.exists_alias(name=alias):
        # A bare index squatting on the alias name (auto-created by a stray write) goes in the same step.
        actions.append({"remove_index": {"index": alias}})
    client.indices.update_aliases(actions=actions)
    _drop_retired_indices(kind, client, keep={new_index, *old_indices})
    return new_index, written


def _drop_retired_indices(kind, client, keep):
    """Delete indices from earlier rebuilds. The one just retired stays until the next
    rebuild, so a search that resolved the alias a moment ago still finds its index."""
    pattern = f"{alias_name(kind)}-2*"
    for name in client.options(ignore_status=404).indices.get(index=pattern):
        if name not in keep and name.startswith(alias_name(kind) + "-"):
            client.options(ignore_status=404).indices.delete(index=name)


def bulk_index(kind, field_list, client=None, chunk_size=500):
    """Write many documents (their kind.fields() dicts) behind the kind's alias at once;
    returns how many were written."""
    client = client or get_client()
    alias = ensure_index(kind, client)
    actions = (
        bulk_action(fields["object_id"], document_source(fields), alias) for fields in field_list
    )
    written = sum(
        ok for ok, _ in streaming_bulk(client, actions, chunk_size=chunk_size, max_retries=2)
    )
    client.indices.refresh(index=alias)
    return written


def compare(kind, client=None):
    """Differences between database and index: (missing, stale, extra) object ids."""
    client = client or get_client()
    alias = ensure_index(kind, client)
    indexed = {
        hit["_id"]: hit["_source"].get("fingerprint")
        for hit in scan(
            client, index=alias, _source=["fingerprint"], query={"query": {"match_all": {}}}
        )
    }
    missing, stale = [], []
    expected_ids = set()
    for obj in chain.from_iterable(_prepared_batches(kind, kind.indexable())):
        document = document_for(kind, obj)
        if document is None:
            continue
        object_id = str(obj.pk)
        expected_ids.add(object_id)
        if object_id not in indexed:
            missing.append(object_id)
        elif indexed[object_id] != document["fingerprint"]:
            stale.append(object_id)
    extra = sorted(set(indexed) - expected_ids)
    return missing, stale, extra


def repair(kind, object_ids, client=None):
    """Rewrite (or remove) the given entries in one bulk request."""
    operations = {
        (kind.name, str(object_id)): PendingIndexOperation.Action.INDEX for object_id in object_ids
    }
    if operations:
        write_objects(operations, client)
