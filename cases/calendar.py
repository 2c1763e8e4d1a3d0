"""The one working calendar: every deadline in the product is counted here.

Weekends are days off and weekdays working days, except where a ``CalendarDay``
row says otherwise (public holidays, and the weekend days worked in exchange,
调休). The rows are edited in the admin, so next year's schedule needs no code
change. Working hours come from ``settings.CASES_WORKING_HOURS``.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

DEFAULT_WORKING_HOURS = ("08:30", "17:30")


def working_hours():
    """(start, end) of the working day as ``datetime.time``."""
    start, end = getattr(settings, "CASES_WORKING_HOURS", DEFAULT_WORKING_HOURS)
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def hours_per_day():
    start, end = working_hours()
    return _hours_between(start, end)


def _hours_between(start, end):
    day = dt.date(2000, 1, 1)
    return (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).total_seconds() / 3600


def _exceptions(first, last):
    """{date: is_working} for the edited days between ``first`` and ``last``."""
    from cases.models import CalendarDay

    rows = CalendarDay.objects.filter(date__range=(first, last))
    return dict(rows.values_list("date", "is_working_day"))


def _default_is_working(day):
    return day.weekday() < 5


def is_working_day(day):
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return _exceptions(day, day).get(day, _default_is_working(day))


class _Days:
    """Working-day lookups over a range with one query per window of days."""

    WINDOW = 60

    def __init__(self, start):
        self.loaded_until = start - dt.timedelta(days=1)
        self.exceptions = {}

    def is_working(self, day):
        if day > self.loaded_until:
            first = self.loaded_until + dt.timedelta(days=1)
            self.loaded_until = max(day, first + dt.timedelta(days=self.WINDOW))
            self.exceptions.update(_exceptions(first, self.loaded_until))
        return self.exceptions.get(day, _default_is_working(day))


def next_working_day(day, days=None):
    """The first working day after ``day``."""
    days = days or _Days(day)
    day += dt.timedelta(days=1)
    while not days.is_working(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(date_or_dt, n):
    """A date: the n-th working day after it. A datetime: n full working days
    (n × working hours) later, counted in working time only, so a complaint received
    on Friday afternoon is due on Monday afternoon and one received on Saturday is
    due at the end of Monday."""
    if isinstance(date_or_dt, dt.datetime):
        return add_working_hours(date_or_dt, n * hours_per_day())
    days = _Days(date_or_dt)
    day = date_or_dt
    for _ in range(n):
        day = next_working_day(day, days)
    return day


def add_working_hours(moment, hours):
    """The moment ``hours`` of working time after ``moment`` (an aware datetime).
    Time outside working hours, weekends, holidays does not count; 调休 Saturdays do."""
    tz = timezone.get_current_timezone()
    local = timezone.localtime(moment, tz) if timezone.is_aware(moment) else moment
    local = local.replace(tzinfo=None)
    start, end = working_hours()
    days = _Days(local.date())
    remaining = dt.timedelta(hours=hours)
    day = local.date()
    cursor = local
    while True:
        day_start = dt.datetime.combine(day, start)
        day_end = dt.datetime.combine(day, end)
        if days.is_working(day) and cursor < day_end:
            cursor = max(cursor, day_start)
            available = day_end - cursor
            if remaining <= available:
                return timezone.make_aware(cursor + remaining, tz)
            remaining -= available
        day = next_working_day(day, days)
        cursor = dt.datetime.combine(day, start)
