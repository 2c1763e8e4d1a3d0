"""Index changes after commit, for every searchable model and for the rows their documents show."""

from django.apps import apps
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


def _on_topic_change(sender, instance, **kwargs):
    """A renamed topic changes the topic path shown on every script below it."""
    from cms.replies.models import ReplyScript

    for script_id in ReplyScript.objects.filter(
        live=True, topic_id__in=instance.descendant_ids()
    ).values_list("pk", flat=True):
        schedule_sync("reply", script_id)


def _on_owner_change(sender, instance, **kwargs):
    """Owner names are part of the archive's document."""
    if instance.household_id:
        schedule_sync("archive", instance.household_id)


def connect():
    for kind in available_kinds():
        post_save.connect(_on_save, sender=kind.model(), dispatch_uid=f"search-save-{kind.name}")
        post_delete.connect(
            _on_delete, sender=kind.model(), dispatch_uid=f"search-delete-{kind.name}"
        )
    post_save.connect(_on_topic_change, sender="replies.ReplyTopic", dispatch_uid="search-topic")
    if apps.is_installed("cms.archives"):
        for signal in (post_save, post_delete):
            signal.connect(
                _on_owner_change, sender="archives.Owner", dispatch_uid=f"search-owner-{signal}"
            )
