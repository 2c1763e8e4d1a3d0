"""The life of a case in one place: its statuses, which status may follow which, and
which are still open. Models, querysets, actions and the buttons on a case page all
read them from here; this module imports nothing of the project, so none of them
depends on another for it."""

from django.db import models


class Status(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    IN_PROGRESS = "in_progress", "处理中"
    REPLIED = "replied", "已回复"
    AWAITING_VISIT = "awaiting_visit", "待回访"
    CLOSED = "closed", "已关闭"
    TRANSFERRED = "transferred", "已转办"
    ESCALATED = "escalated", "已升级"


S = Status

# Which status may follow which. Closing has further checks in actions.close_case().
TRANSITIONS = {
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.TRANSFERRED, S.ESCALATED}),
    S.IN_PROGRESS: frozenset({S.REPLIED, S.TRANSFERRED, S.ESCALATED}),
    S.REPLIED: frozenset({S.AWAITING_VISIT, S.CLOSED, S.IN_PROGRESS}),
    S.AWAITING_VISIT: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.TRANSFERRED: frozenset({S.IN_PROGRESS, S.REPLIED}),
    S.ESCALATED: frozenset({S.IN_PROGRESS, S.REPLIED}),
    S.CLOSED: frozenset(),
}

# Every status but closed: the case still needs someone.
OPEN = frozenset(status for status, following in TRANSITIONS.items() if following)
# Being handled: started, or handed on to another department or up to a manager.
HANDLING = frozenset({S.IN_PROGRESS, S.TRANSFERRED, S.ESCALATED})
# Not yet started by anyone: registered, or just handed on.
TO_START = frozenset({S.ACCEPTED, S.TRANSFERRED, S.ESCALATED})
# Still early: nothing has been replied to the customer.
EARLY = frozenset({S.ACCEPTED, S.IN_PROGRESS})
# The customer has had the reply; the follow-up visit is still to come.
REPLIED = frozenset({S.REPLIED, S.AWAITING_VISIT})
# By then a developer-side complaint must have been forwarded.
FORWARDED_BY_NOW = REPLIED | {S.CLOSED}


def may_follow(current, new):
    return new in TRANSITIONS[current]
