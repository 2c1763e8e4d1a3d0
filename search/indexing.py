"""Keeping the indices in step with the database.

Every change is sent after commit (signals.py); when Elasticsearch cannot be
reached the change waits in PendingIndexOperation and is replayed by the next
successful operation or by ``manage.py search_replay``. ``reindex`` builds a
fresh index and swaps the alias in one atomic step, so searching never stops.
"""

import logging

from django.db import transaction
from django.utils import timezone
from elasticsearch import exceptions as es_exceptions
from elasticsearch.helpers import scan, streaming_bulk

from search.indices import SearchDocument, get_client, index_name
from search.kinds import KINDS
from search.models import PendingIndexOperation

logger = logging.getLogger(__name__)

# Any failure to talk to the cluster: the change is queued instead of lost.
ELASTICSEARCH_ERRORS = (es_exceptions.TransportError, es_exceptions.ApiError)

REPLAY_BATCH = 200


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
    """Bring one object's index entry in line with the database (write or remove it)."""
    client = client or get_client()
    obj = kind.indexable().filter(pk=object_id).first()
    document = kind.document(obj) if obj is not None else None
    for target in _target_indices(kind, client):
        if document is not None:
            document.save(index=target, using=client, refresh=True)
        else:
            client.options(ignore_status=404).delete(index=target, id=str(object_id), refresh=True)


def queue_operation(kind_name, object_id, action, error):
    PendingIndexOperation.objects.update_or_create(
        kind=kind_name,
        object_id=str(object_id),
        defaults={"action": action, "last_error": str(error)[:1000]},
    )


def sync_object(kind_name, object_id, action=PendingIndexOperation.Action.INDEX):
    """Send one change; queue it if the cluster is away, replay the queue if it is back."""
    kind = KINDS[kind_name]
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
    transaction.on_commit(lambda: sync_object(kind_name, object_id, action))


def replay_pending(limit=REPLAY_BATCH):
    """Replay queued operations oldest first; stop at the first sign the cluster is still away.

    Returns (replayed, still pending).
    """
    client = get_client()
    replayed = 0
    for operation in PendingIndexOperation.objects.all()[:limit]:
        kind = KINDS.get(operation.kind)
        try:
            if kind is not None and kind.available:
                write_object(kind, operation.object_id, client)
        except ELASTICSEARCH_ERRORS as error:
            PendingIndexOperation.objects.filter(pk=operation.pk).update(
                attempts=operation.attempts + 1, last_error=str(error)[:1000]
            )
            break
        operation.delete()
        replayed += 1
    return replayed, PendingIndexOperation.objects.count()


def bulk_action(document, index):
    return {"_index": index, "_id": document.meta.id, "_source": document.to_dict()}


def _documents(kind, index, queryset):
    for obj in queryset.iterator(chunk_size=1000):
        document = kind.document(obj)
        if document is not None:
            yield bulk_action(document, index)


def reindex(kind, client=None, progress=None):
    """Build a fresh index from the database, then swap the alias to it atomically.

    ``progress`` (a tqdm bar or None) is advanced per document. Returns the new
    index name and the number of documents written.
    """
    client = client or get_client()
    alias = alias_name(kind)
    new_index = create_index(kind, client)
    client.indices.put_alias(index=new_index, name=building_alias(kind))
    queryset = kind.indexable()
    written = 0
    try:
        documents = _documents(kind, new_index, queryset)
        for ok, _item in streaming_bulk(client, documents, chunk_size=500, max_retries=2):
            written += ok
            if progress is not None:
                progress.update(1)
        client.indices.refresh(index=new_index)
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


def bulk_index(kind, documents, client=None, chunk_size=500):
    """Write many documents behind the kind's alias at once; returns how many were written."""
    client = client or get_client()
    alias = ensure_index(kind, client)
    actions = (bulk_action(document, alias) for document in documents)
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
    for obj in kind.indexable().iterator(chunk_size=1000):
        document = kind.document(obj)
        if document is None:
            continue
        object_id = str(obj.pk)
        expected_ids.add(object_id)
        if object_id not in indexed:
            missing.append(object_id)
        elif indexed[object_id] != document.fingerprint:
            stale.append(object_id)
    extra = sorted(set(indexed) - expected_ids)
    return missing, stale, extra


def repair(kind, object_ids, client=None):
    client = client or get_client()
    for object_id in object_ids:
        write_object(kind, object_id, client)
