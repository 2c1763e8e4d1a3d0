"""Refusals are recorded whatever the caller's transaction does.

A refused deletion is written to ``DeletionAttempt`` at once when it can be, and
kept in mind on the connection until the transaction that saw it commits. If that
transaction (or the savepoint around the refused statement) is rolled back instead,
the record is written again right after the rollback, so no caller's
``transaction.atomic()`` can erase it. The database triggers' refusals (raw SQL, base
managers, treebeard) come through the same door: every connection carries a small
execute wrapper that recognises the triggers' marker, records the attempt and raises
the application's own Chinese refusal.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from cms.archives import triggers
from cms.archives.models import ArchiveDeletionRefused, DeletionAttempt
from core.append_only import AppendOnlyError

PENDING = "_archive_refusals_pending"


def _pending(connection):
    return connection.__dict__.setdefault(PENDING, [])


def _existing_user_id(user_id):
    """A user created inside the rolled-back transaction is gone with it; the record stays."""
    if user_id and get_user_model().objects.filter(pk=user_id).exists():
        return user_id
    return None


def _write(entry):
    DeletionAttempt.objects.create(
        token=entry["token"],
        user_id=_existing_user_id(entry["user_id"]),
        page_id_attempted=entry["page_id"],
        page_title=entry["title"][:255],
        via=entry["via"],
        attempted_at=entry["at"],
    )


def _write_missing(entries):
    tokens = {entry["token"] for entry in entries}
    present = set(DeletionAttempt.objects.filter(token__in=tokens).values_list("token", flat=True))
    for entry in entries:
        if entry["token"] not in present:
            _write(entry)


def record_refusal(page_id, title, via, user=None, statement_failed=False):
    """Record one refused attempt so that it survives any rollback of the caller."""
    from django.utils import timezone

    connection = connections[DEFAULT_DB_ALIAS]
    entry = {
        "token": uuid.uuid4(),
        "user_id": getattr(user, "pk", None),
        "page_id": page_id or 0,
        "title": title or "",
        "via": via,
        "at": timezone.now(),
    }
    if not connection.in_atomic_block:
        _write(entry)
        return
    _pending(connection).append(entry)
    transaction.on_commit(lambda: _forget(connection, entry), using=DEFAULT_DB_ALIAS)
    # PostgreSQL refuses every statement after a failed one until the rollback.
    usable = not connection.needs_rollback and not (
        statement_failed and connection.vendor == "postgresql"
    )
    if usable:
        with transaction.atomic():
            _write(entry)


def _forget(connection, entry):
    pending = _pending(connection)
    if entry in pending:
        pending.remove(entry)


def forget_pending(connection):
    """Drop what is kept in mind (the test runner's own rollback between tests)."""
    _pending(connection).clear()
    connection.__dict__.pop("_archive_refusals_lost", None)


def _after_savepoint_rollback(connection):
    pending = _pending(connection)
    if pending and not connection.needs_rollback:
        with transaction.atomic():
            _write_missing(pending)


def _after_rollback(connection):
    lost = _pending(connection)
    if lost:
        connection.__dict__["_archive_refusals_lost"] = list(lost)
        lost.clear()


def _after_autocommit_restored(connection):
    lost = connection.__dict__.pop("_archive_refusals_lost", None)
    if lost:
        _write_missing(lost)


def refusal_from_database(execute, sql, params, many, context):
    """Execute wrapper: the triggers' refusals become recorded, explained refusals."""
    try:
        return execute(sql, params, many, context)
    except DatabaseError as error:
        text = str(error)
        if triggers.MARKER not in text:
            raise
        if triggers.APPEND_ONLY in text:
            raise AppendOnlyError() from error
        from cms.archives.permanence import current_user

        record_refusal(
            0, _statement_summary(sql), "database", current_user(), statement_failed=True
        )
        raise ArchiveDeletionRefused() from error


def _statement_summary(sql):
    return " ".join(str(sql).split())[:255]


def _wrap_after(connection, name, after):
    original = getattr(connection, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        after(connection)
        return result

    setattr(connection, name, wrapped)


def watch_connection(sender, connection, **kwargs):
    """``connection_created``: give each database connection its refusal watch, once."""
    if connection.alias != DEFAULT_DB_ALIAS or connection.__dict__.get("_archive_watched"):
        return
    connection.__dict__["_archive_watched"] = True
    connection.execute_wrappers.append(refusal_from_database)
    _wrap_after(connection, "savepoint_rollback", _after_savepoint_rollback)
    _wrap_after(connection, "rollback", _after_rollback)
    _wrap_after(
        connection,
        "set_autocommit",
        lambda conn: conn.get_autocommit() and _after_autocommit_restored(conn),
    )
