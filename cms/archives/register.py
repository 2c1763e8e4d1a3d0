"""The access register (查阅登记簿) as a hash chain: each record carries the hash of
the one before it, so a record changed or removed behind the application's back (by
someone able to lift the database triggers) breaks the chain at that very place.
``verify_chain`` walks it; ``manage.py verify_register`` and the daily task report it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cms.archives.models import AccessRecord, RegisterCheck

# The panel names the first readings outside working hours; the heading counts them all.
AFTER_HOURS_SHOWN = 20

CHAIN_LOCK_KEY = 20261201


def record_digest(record):
    """The SHA-256 of the record's content joined to the previous record's hash."""
    content = [
        record.previous_hash,
        record.user_id,
        record.household_id,
        record.grant_id,
        record.via,
        record.accessed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        record.ip_address or "",
        record.path,
    ]
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _lock_chain():
    """One writer at a time appends to the chain (SQLite's immediate transactions
    already serialise writers; PostgreSQL takes a transaction-level advisory lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def append(**fields):
    """Write one reading at the end of the chain."""
    return append_many([fields])[0]


def append_many(readings):
    """Write readings (dicts of fields) at the end of the chain in one statement, each
    linked to the one before it: a list showing a hundred households is a hundred
    readings, not a hundred round trips."""
    with transaction.atomic():
        _lock_chain()
        previous = AccessRecord.objects.order_by("-id").values_list("record_hash", flat=True)
        previous = previous.first() or ""
        records = []
        for fields in readings:
            record = AccessRecord(previous_hash=previous, **fields)
            record.record_hash = previous = record_digest(record)
            records.append(record)
        AccessRecord.objects.bulk_create(records)
    return records


@dataclass
class ChainReport:
    checked: int
    broken_record_id: int | None = None
    problem: str = ""

    @property
    def ok(self):
        return self.broken_record_id is None

    def message(self):
        if self.ok:
            return f"查阅登记簿校验通过：共 {self.checked} 条登记，链条完整。"
        return f"查阅登记簿校验失败：第一处断点在登记 #{self.broken_record_id}（{self.problem}）。"


def verify_chain():
    """Walk the register in writing order; name the first record whose link is broken."""
    expected_previous = ""
    checked = 0
    for record in AccessRecord.objects.order_by("id").iterator(chunk_size=2000):
        if record.previous_hash != expected_previous:
            return ChainReport(checked, record.pk, "与上一条登记衔接不上：此前的登记被删除或改动")
        if record_digest(record) != record.record_hash:
            return ChainReport(checked, record.pk, "本条登记的内容被改动")
        expected_previous = record.record_hash
        checked += 1
    return ChainReport(checked)


def check_and_keep():
    """Verify the chain and keep the result for the manager's dashboard."""
    report = verify_chain()
    RegisterCheck.objects.create(
        ok=report.ok,
        records_checked=report.checked,
        broken_record_id=report.broken_record_id,
        message=report.message(),
    )
    return report


def daily_reading_limit():
    return int(getattr(settings, "ARCHIVES_DAILY_READING_LIMIT", 20))


def heavy_readers(day):
    """(user id, households read) for everyone who read more distinct households on
    ``day`` than the configured limit (``ARCHIVES_DAILY_READING_LIMIT``)."""
    records = AccessRecord.objects.filter(accessed_at__date=day, user__isnull=False)
    counts = records.values("user").annotate(households=Count("household", distinct=True))
    return [
        (row["user"], row["households"])
        for row in counts.filter(households__gt=daily_reading_limit()).order_by("-households")
    ]


def outside_working_hours(records):
    """Readings made before or after the centre's working hours, or on a weekend, in the
    centre's time; asked of the database, as a day with an export holds thousands."""
    start, end = (time.fromisoformat(t) for t in settings.CASES_WORKING_HOURS)
    weekend = (1, 7)  # Django's week_day: Sunday is 1, Saturday 7.
    return records.filter(
        Q(accessed_at__week_day__in=weekend)
        | Q(accessed_at__time__lt=start)
        | Q(accessed_at__time__gt=end)
    )


def alerts(day=None):
    """What the manager should look at in the register today."""
    from django.contrib.auth import get_user_model

    day = day or timezone.localdate()
    users = get_user_model().objects.in_bulk([user_id for user_id, _ in heavy_readers(day)])
    heavy = [(users[user_id], count) for user_id, count in heavy_readers(day)]
    recent = AccessRecord.objects.filter(accessed_at__date=day).select_related("user")
    after_hours = outside_working_hours(recent).order_by("accessed_at")
    return {
        "day": day,
        "limit": daily_reading_limit(),
        "heavy": heavy,
        "after_hours": list(after_hours[:AFTER_HOURS_SHOWN]),
        "after_hours_count": after_hours.count(),
        "after_hours_shown": AFTER_HOURS_SHOWN,
        "last_check": RegisterCheck.objects.first(),
    }
