"""Index changes after commit, for every searchable model."""

from django.db.models.signals import post_delete, post_save

from search.indexing import schedule_sync
from search.kinds import available_kinds
from search.models import PendingIndexOperation


def _on_save(sender, instance, **kwargs):
    kind = _kind_of(sender)
    if kind is not None:
        schedule_sync(kind.name, instance.pk)


def _on_delete(sender, instance, **kwargs):
    kind = _kind_of(sender)
    if kind is not None:
        schedule_sync(kind.name, instance.pk, PendingIndexOperation.Action.DELETE)


def _kind_of(sender):
    for kind in available_kinds():
        if issubclass(sender, kind.model()):
            return kind
    return None


def connect():
    for kind in available_kinds():
        post_save.connect(_on_save, sender=kind.model(), dispatch_uid=f"search-save-{kind.name}")
        post_delete.connect(
            _on_delete, sender=kind.model(), dispatch_uid=f"search-delete-{kind.name}"
        )
