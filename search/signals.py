"""Index changes after commit, for every registered kind and for the rows its documents show."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from search.indexing import deferred_sync, schedule_sync
from search.models import PendingIndexOperation
from search.registry import kinds


def _on_save(sender, instance, **kwargs):
    for kind in _kinds_of(sender):
        schedule_sync(kind.name, instance.pk)


def _on_delete(sender, instance, **kwargs):
    for kind in _kinds_of(sender):
        schedule_sync(kind.name, instance.pk, PendingIndexOperation.Action.DELETE)


def _kinds_of(sender):
    return [kind for kind in kinds() if issubclass(sender, kind.model())]


def _dependent_handler(kind, ids_of):
    def on_change(sender, instance, **kwargs):
        object_ids = ids_of(instance)
        if len(object_ids) == 1:
            schedule_sync(kind.name, object_ids[0])
            return
        # A renamed building changes the documents of all its rooms: one bulk request.
        with deferred_sync():
            for object_id in object_ids:
                schedule_sync(kind.name, object_id)

    return on_change


def connect():
    for kind in kinds():
        post_save.connect(_on_save, sender=kind.model(), dispatch_uid=f"search-save-{kind.name}")
        post_delete.connect(
            _on_delete, sender=kind.model(), dispatch_uid=f"search-delete-{kind.name}"
        )
        for label, ids_of in kind.dependents.items():
            handler = _dependent_handler(kind, ids_of)
            for signal in (post_save, post_delete):
                signal.connect(
                    handler,
                    sender=apps.get_model(label),
                    weak=False,
                    dispatch_uid=f"search-{kind.name}-{label}-{id(signal)}",
                )
