"""Domain queries on cases: open, due today, overdue, quiet enough to close, expired."""

import bisect
import datetime as dt

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from cases import states
from cases.calendar import add_working_days

QUIET_DAYS = 7
RETENTION_YEARS = {"general": 1, "major": 5}


def _today_bounds(now):
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def _clock_due(start, end):
    """A clock that is still running and falls due in [start, end)."""
    response = Q(responded_at__isnull=True, response_due_at__gte=start, response_due_at__lt=end)
    resolve = Q(handled_at__isnull=True, resolve_due_at__gte=start, resolve_due_at__lt=end)
    return response | resolve


# Separates the parts of a counting key; never typed in a name.
_KEY_SEPARATOR = "\x1f"


def counting_key():
    """One value per counted complaint: the customer (the household and reporter, or
    the case itself when anonymous or without contact) with the topic."""

    def text(field):
        return Coalesce(Cast(field, CharField()), Value(""))

    customer = CaseWhen(
        When(
            Q(anonymous=True) | Q(household__isnull=True, reporter_name=""),
            then=Concat(Value("c"), text("pk")),
        ),
        default=Concat(Value("h"), text("household_id"), Value(_KEY_SEPARATOR), "reporter_name"),
        output_field=CharField(),
    )
    return Concat(customer, Value(_KEY_SEPARATOR), text("topic_id"), output_field=CharField())


class WorkQueries:
    """The lists on each role's first screen; mixed into CaseQuerySet."""

    def assigned_to(self, user):
        """Open cases the user handles, or registered and nobody handles yet."""
        return self.open().filter(Q(handler=user) | Q(handler__isnull=True, created_by=user))

    def visits_due(self, now=None):
        """Handled complaints whose follow-up visit falls due by the end of today."""
        _, end = _today_bounds(now or timezone.now())
        return self.filter(
            status__in=states.REPLIED,
            visit_due_at__isnull=False,
            visit_due_at__lt=end,
        )

    def major_open(self):
        return self.open().filter(severity="major")

    def awaiting_signature(self, user=None):
        """Violation decisions made and not yet signed; the one who decided never signs."""
        waiting = self.open().filter(kind="violation", signed_at__isnull=True).exclude(measure="")
        return waiting.exclude(penalty_by=user) if user is not None else waiting

    def signed_rectification_decisions(self):
        """Open violations whose signed decision is 限期整改 (the notices area adds whether the
        整改通知书 went out)."""
        return self.open().filter(kind="violation", measure="rectify", signed_at__isnull=False)

    def caller_phone_not_on_file(self, days=30, now=None):
        """Recent cases of a household whose caller left a phone that no current owner has
        on the card: the archivist checks it and records a 联系方式变更."""
        from cms.archives.models import ArchiveChange, Owner

        since = (now or timezone.now()) - dt.timedelta(days=days)
        on_card = Owner.objects.filter(household=OuterRef("household"), is_current=True).filter(
            Q(phone=OuterRef("reporter_phone")) | Q(phone_alt=OuterRef("reporter_phone"))
        )
        changed_since = ArchiveChange.objects.filter(
            household=OuterRef("household"), kind="contact", changed_at__gte=OuterRef("received_at")
        )
        return (
            self.filter(household__isnull=False, received_at__gte=since)
            .exclude(reporter_phone="")
            .exclude(Exists(on_card))
            .exclude(Exists(changed_since))
        )


class CaseQuerySet(WorkQueries, models.QuerySet):
    def open(self):
        return self.filter(status__in=states.OPEN)

    def complaints(self):
        return self.filter(kind="complaint")

    def counted(self):
        """The number of complaints under the counting rules: merged cases are already
        one; one customer's complaints count once per topic; anonymous ones each once.
        Counted by the database, however many cases the month holds."""
        return self.filter(merged_into__isnull=True).aggregate(
            n=Count(counting_key(), distinct=True)
        )["n"]

    def needs_named_handler(self, now=None):
        """Open complaints received more than one working day ago with nobody named as
        handler: each needs a named handler and a complaint handling record
        (顾客投诉处理记录表). Counted on the working calendar, so a complaint received
        on Friday afternoon is due on Monday afternoon, or on a 调休 Sunday."""
        now = now or timezone.now()
        waiting = self.open().complaints().filter(handler__isnull=True)
        received = sorted(
            set(waiting.filter(received_at__lt=now).values_list("received_at", flat=True))
        )
        # A later receipt never falls due earlier, so one bisection finds the late ones.
        late = bisect.bisect_left(received, True, key=lambda at: add_working_days(at, 1) >= now)
        if not late:
            return waiting.none()
        return waiting.filter(received_at__lte=received[late - 1])

    def due_today(self, now=None):
        """Open cases with a clock falling due later today."""
        now = now or timezone.now()
        _, end = _today_bounds(now)
        return self.open().filter(_clock_due(now, end))

    def overdue(self, now=None):
        now = now or timezone.now()
        response = Q(responded_at__isnull=True, response_due_at__lt=now)
        resolve = Q(handled_at__isnull=True, resolve_due_at__lt=now)
        return self.open().filter(response | resolve)

    def quiet_for_a_week(self, now=None):
        """Handled complaints awaiting closure with no repeat complaint from the same
        customer on the same topic within 7 days of handling."""
        now = now or timezone.now()
        cutoff = now - dt.timedelta(days=QUIET_DAYS)
        repeats = self.model.objects.filter(
            kind="complaint",
            topic=OuterRef("topic"),
            received_at__gt=OuterRef("handled_at"),
            received_at__lte=OuterRef("handled_at") + dt.timedelta(days=QUIET_DAYS),
        ).exclude(pk=OuterRef("pk"))
        same_customer = Q(household=OuterRef("household"), household__isnull=False) | Q(
            reporter_name=OuterRef("reporter_name"), household__isnull=True
        )
        repeats = repeats.filter(same_customer)
        return (
            self.filter(
                kind="complaint",
                status__in=states.REPLIED,
                handled_at__lte=cutoff,
            )
            .exclude(result="")
            .exclude(Exists(repeats))
        )

    def retention_expired(self, today=None):
        """Closed violation files past their retention (general 1 year, major 5 years)."""
        today = today or timezone.localdate()
        expired = Q()
        for severity, years in RETENTION_YEARS.items():
            cutoff = _years_before(today, years)
            expired |= Q(severity=severity, closed_at__date__lte=cutoff)
        expired_files = self.filter(
            kind="violation", status=states.Status.CLOSED, closed_at__isnull=False
        )
        return expired_files.filter(expired).exclude(pk__in=_held_case_ids())


def _held_case_ids():
    """A case under a hold (保全) does not run out of retention until it is lifted."""
    from cms.archives.models import Hold

    held = Hold.objects.active().filter(content_type__app_label="cases", content_type__model="case")
    return held.values("object_id")


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_until(closed_at, severity):
    closed = timezone.localdate(closed_at)
    years = RETENTION_YEARS[severity]
    try:
        return closed.replace(year=closed.year + years)
    except ValueError:
        return closed.replace(year=closed.year + years, day=28)
