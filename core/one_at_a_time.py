"""Two saves of one record at the same instant — Wagtail's autosave racing a publish, or two
colleagues filing the same room — are answered one after the other, so the later one meets
the first in its form checks (a Chinese field error, or autosave's own "newer version" answer)
instead of a database error."""

from django.db import transaction

UNDER_LOCK = "_answered_under_lock"


def answer_under_lock(request, rows):
    """For a Wagtail ``before_create_*`` / ``before_edit_*`` hook: answer this POST by the same
    view again, inside a transaction holding ``rows`` (a queryset), and return its response.
    SQLite ignores row locks, but its write transactions already begin IMMEDIATE."""
    if request.method != "POST" or getattr(request, UNDER_LOCK, False):
        return None
    setattr(request, UNDER_LOCK, True)
    match = request.resolver_match
    with transaction.atomic():
        list(rows.select_for_update().values_list("pk", flat=True))
        return match.func(request, *match.args, **match.kwargs)
