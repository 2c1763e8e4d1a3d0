"""Background index work (django-tasks): saves enqueue their change and return at once;
what the node could not take waits in PendingIndexOperation and is replayed here."""

from django_tasks import task

from search.indexing import replay_pending, sync_object


@task()
def index_change(kind_name, object_id, action):
    """Send one saved change to the index (queued for replay if the node is away)."""
    return sync_object(kind_name, object_id, action)


@task()
def replay_index_operations():
    """Replay every queued change, batch by batch, while the node accepts them.

    Returns the number replayed and the number still waiting."""
    total = 0
    while True:
        replayed, pending = replay_pending()
        total += replayed
        if not replayed or not pending:
            return {"replayed": total, "pending": pending}
