"""The working calendar: weekends, 2026 public holidays and 调休 Saturdays/Sundays."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import calendar
from cases.models import CalendarDay

pytestmark = pytest.mark.django_db


def at(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-02-14", True),  # Saturday worked before the Spring Festival
        ("2026-10-10", True),  # Saturday worked after National Day
        ("2026-09-20", True),  # Sunday worked before National Day
        ("2026-01-04", True),
        ("2026-02-16", False),  # Monday in the Spring Festival
        ("2026-10-05", False),
        ("2026-01-01", False),
        ("2026-03-07", False),  # an ordinary Saturday
        ("2026-03-09", True),  # an ordinary Monday
    ],
)
def test_days_off_and_working_days_of_2026(day, working):
    assert calendar.is_working_day(dt.date.fromisoformat(day)) is working


def test_working_days_skip_the_spring_festival_but_count_its_saturday():
    assert calendar.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert calendar.add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-03-04 10:00", "2026-03-04 14:00"),  # inside one working day
        ("2026-03-06 16:00", "2026-03-09 11:00"),  # Friday afternoon → Monday
        ("2026-03-07 10:00", "2026-03-09 12:30"),  # Saturday → from Monday's start
        ("2026-03-05 20:00", "2026-03-06 12:30"),  # evening → next morning
        ("2026-02-13 16:00", "2026-02-14 11:00"),  # into the 调休 Saturday
        ("2026-02-14 16:00", "2026-02-24 11:00"),  # over the Spring Festival
        ("2026-09-30 17:00", "2026-10-08 12:00"),  # over National Day
        ("2026-10-09 16:30", "2026-10-10 11:30"),  # into the 调休 Saturday
    ],
)
def test_four_working_hours(received, due):
    assert local(calendar.add_working_hours(at(received), 4)) == due


def test_one_working_day_from_a_friday_is_monday_same_time():
    assert local(calendar.add_working_days(at("2026-03-06 10:00"), 1)) == "2026-03-09 10:00"


def test_one_working_day_before_national_day_runs_into_its_sunday_shift():
    # Friday 18 Sep → the next working day is Sunday 20 Sep (调休上班).
    assert local(calendar.add_working_days(at("2026-09-18 15:00"), 1)) == "2026-09-20 15:00"


def test_the_calendar_is_edited_without_code():
    new_year_2027 = dt.date(2027, 1, 1)  # a Friday
    assert calendar.is_working_day(new_year_2027)
    CalendarDay.objects.create(date=new_year_2027, is_working_day=False, name="元旦")
    assert not calendar.is_working_day(new_year_2027)
    assert local(calendar.add_working_hours(at("2026-12-31 17:00"), 1)) == "2027-01-04 09:00"


def test_working_hours_are_configurable(settings):
    settings.CASES_WORKING_HOURS = ("09:00", "18:00")
    assert local(calendar.add_working_hours(at("2026-03-04 17:00"), 4)) == "2026-03-05 12:00"
