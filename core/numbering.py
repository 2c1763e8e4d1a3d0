"""Gap-free yearly numbers for cases and notices."""

from django.db import IntegrityError, transaction
from django.db.models import F

from core.models import NumberSequence


def next_number(series, year):
    """Take the next number of ``series`` in ``year``; call it inside the transaction
    that saves the numbered record, so a failed save leaves no gap."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside transaction.atomic()")
    _ensure_sequence(series, year)
    sequence = NumberSequence.objects.select_for_update().filter(series=series, year=year)
    sequence.update(last_number=F("last_number") + 1)
    return sequence.values_list("last_number", flat=True).get()


def _ensure_sequence(series, year):
    if NumberSequence.objects.filter(series=series, year=year).exists():
        return
    try:
        with transaction.atomic():
            NumberSequence.objects.create(series=series, year=year)
    except IntegrityError:
        pass  # another intake created it first


def format_number(series, year, number, width=6):
    """投诉-2026-000123"""
    return f"{series}-{year}-{number:0{width}d}"
