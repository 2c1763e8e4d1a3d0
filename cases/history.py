"""History of case models: read-only for everyone, and readable as field-level diffs.

django-simple-history writes a row per save; nobody may change or delete one
afterwards. The only exception is the disposal of an expired violation file,
which removes the file with its history and leaves a tombstone (actions.dispose_case).
"""

import datetime as dt
import threading
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalChanges, HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from core.append_only import AppendOnlyRecord

_state = threading.local()


@contextmanager
def disposal():
    """Lets dispose_case() remove a disposed file's history rows."""
    _state.disposing = True
    try:
        yield
    finally:
        _state.disposing = False


def _disposing():
    return getattr(_state, "disposing", False)


class ReadOnlyHistory(AppendOnlyRecord):
    """Base of every historical case model; only dispose_case() removes a disposed file's
    rows. (The queryset keeps simple-history's own manager.)"""

    refused_change = "修订历史为只读，任何人都不能修改。"
    refused_delete = "修订历史为只读，任何人都不能删除。"
    refusal = PermissionDenied

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        if not _disposing():
            raise self.refusal(self.refused_delete)
        return models.Model.delete(self, *args, **kwargs)


def _is_history_row(sender):
    return issubclass(sender, HistoricalChanges) and sender._meta.app_label == "cases"


@receiver(pre_save)
def refuse_history_edits(sender, instance, **kwargs):
    if _is_history_row(sender) and not instance._state.adding:
        raise PermissionDenied(ReadOnlyHistory.refused_change)


@receiver(pre_delete)
def refuse_history_deletes(sender, instance, **kwargs):
    if _is_history_row(sender) and not _disposing():
        raise PermissionDenied(ReadOnlyHistory.refused_delete)


_ASK_DATABASE = object()


def field_changes(record, previous=_ASK_DATABASE, names=None, links=None):
    """[(field label, old, new)] of one history row against the row before it.

    A page listing many versions passes each one's ``previous`` (it has them all in
    order), one ``names`` dict, so related objects are looked up once per page, not
    once per version, and the versions' ``links`` (``linked_rows``), so the linked
    cases of each version are not read twice per version."""
    if previous is _ASK_DATABASE:
        previous = record.prev_record
    if previous is None:
        return []
    model = record.instance_type
    linked = [field.name for field in record._history_m2m_fields] if links is not None else []
    delta = record.diff_against(previous, excluded_fields=linked, foreign_keys_are_objs=False)
    differences = [(change.field, change.old, change.new) for change in delta.changes]
    for name in linked:
        old, new = (
            links.get((name, previous.history_id), []),
            links.get((name, record.history_id), []),
        )
        if old != new:
            differences.append((name, old, new))
    names = {} if names is None else names
    changes = []
    for name, old, new in differences:
        field = model._meta.get_field(name)
        changes.append(
            (
                str(field.verbose_name),
                _display(field, old, names),
                _display(field, new, names),
            )
        )
    return changes


def linked_rows(records):
    """{(field name, history id): the version's many-to-many rows} for history rows of
    one model, one query per many-to-many field, in the order and shape
    ``diff_against`` compares them."""
    links = {}
    if not records:
        return links
    model = records[0].instance_type
    for history_field in records[0]._history_m2m_fields:
        field = model._meta.get_field(history_field.name)
        through = HistoricalRecords.m2m_models[field]
        compared = [
            f.name
            for f in through._meta.fields
            if f.editable and f.name not in ("id", "m2m_history_id", "history")
        ]
        rows = through.objects.filter(history__in=[r.history_id for r in records])
        for row in rows.order_by(get_m2m_reverse_field_name(field)).values("history", *compared):
            version = row.pop("history")
            links.setdefault((field.name, version), []).append(row)
    return links


def _display(field, value, names):
    if value in (None, ""):
        return "（空）"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_many:
        # simple-history gives the through rows as dicts; the last key is the far side.
        ids = [list(row.values())[-1] for row in value]
        return "、".join(_related_name(field, pk, names) for pk in ids) or "（空）"
    if field.is_relation:
        return _related_name(field, value, names)
    return str(value)


def _related_name(field, pk, names):
    key = (field.related_model, pk)
    if key not in names:
        related = field.related_model._default_manager.filter(pk=pk).first()
        names[key] = str(related) if related is not None else f"#{pk}"
    return names[key]
