"""A month already read keeps its figures right as its cases change: the actions count
each change into the kept figures, so the next reading is the stored one, and it equals
a fresh count under the counting rules (merged cases once, one customer's complaints
once per topic)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import actions, reports
from cases.models import Case, CaseTopic

pytestmark = pytest.mark.django_db

MONTHS = [(2026, 9), (2026, 10), (2026, 11)]


def shanghai(*parts):
    return timezone.make_aware(dt.datetime(*parts))


def kept_report(year, month):
    return reports.monthly_report(Case.objects.all(), year, month)


def fresh_report(year, month):
    """Counted from the cases themselves: a filtered queryset reads no summary."""
    return reports.monthly_report(Case.objects.filter(pk__gt=0), year, month)


def assert_kept_equals_fresh():
    for year, month in MONTHS:
        fresh = fresh_report(year, month)
        kept = kept_report(year, month)
        assert {key: kept[key] for key in fresh} == fresh, (year, month)


def refuse_to_count_a_month(monkeypatch):
    def counted_again(*args, **kwargs):
        raise AssertionError("the month was counted again")

    monkeypatch.setattr(reports, "month_details", counted_again)
    monkeypatch.setattr(reports, "_count_months", counted_again)


def test_a_change_to_a_month_read_before_is_counted_in_without_counting_the_month_again(
    new_case, staff, monkeypatch
):
    first = new_case(received_at=shanghai(2026, 10, 5, 9), reporter_name="赵先生")
    second = new_case(received_at=shanghai(2026, 10, 6, 9), reporter_name="钱女士")
    kept_report(2026, 10)
    kept_report(2026, 9)
    refuse_to_count_a_month(monkeypatch)

    new_case(received_at=shanghai(2026, 10, 7, 9), reporter_name="赵先生")
    assert kept_report(2026, 10)["complaints_counted"] == 2  # 赵先生's noise complaints once
    second.severity = Case.Severity.MAJOR
    actions.update_case(second, staff, "定为重大")
    first.refresh_from_db()
    first.received_at = shanghai(2026, 9, 30, 20)
    actions.update_case(first, staff, "受理时间登记有误")

    october, september = kept_report(2026, 10), kept_report(2026, 9)
    assert (october["total"], october["complaints_counted"], october["major"]) == (2, 2, 1)
    assert [case.pk for case in october["typical"]] == [second.pk]
    assert (september["total"], september["complaints_counted"]) == (1, 1)
    assert dict(october["trend"])["2026-09"] == 1


def test_a_renamed_topic_shows_under_its_new_name_in_a_month_read_before(new_case, topic):
    new_case(received_at=shanghai(2026, 10, 5, 9))
    kept_report(2026, 10)

    CaseTopic.objects.filter(pk=topic.pk).update(name="夜间噪音")

    assert kept_report(2026, 10)["by_topic"] == [("夜间噪音", 1)]


def test_a_change_of_no_figure_leaves_a_colleagues_counting_standing(new_case, staff, monkeypatch):
    case = new_case(received_at=shanghai(2026, 10, 5, 9))
    count_the_month = reports.month_details

    def counted_while_a_colleague_names_the_handler(counted, year, month):
        details = count_the_month(counted, year, month)
        actions.assign_handler(Case.objects.get(pk=case.pk), staff, staff)
        return details

    monkeypatch.setattr(reports, "month_details", counted_while_a_colleague_names_the_handler)
    kept_report(2026, 10)
    refuse_to_count_a_month(monkeypatch)

    assert kept_report(2026, 10)["total"] == 1


# One step of a colleague's day: (action, case chosen by position, values).
REPORTERS = ["赵先生", "钱女士"]
registrations = st.tuples(
    st.just("register"),
    st.integers(0, 2),  # month
    st.sampled_from([Case.Kind.COMPLAINT, Case.Kind.COMPLAINT, Case.Kind.DISPUTE]),
    st.sampled_from(REPORTERS),
    st.integers(0, 1),  # topic
    st.booleans(),  # anonymous
    st.booleans(),  # of the household
)
steps = st.one_of(
    registrations,
    registrations,
    registrations,
    st.tuples(st.just("topic"), st.integers(0, 9), st.integers(0, 1)),
    st.tuples(st.just("severity"), st.integers(0, 9), st.sampled_from(Case.Severity.values)),
    st.tuples(st.just("validity"), st.integers(0, 9), st.sampled_from(Case.Validity.values)),
    st.tuples(st.just("kind"), st.integers(0, 9), st.sampled_from(Case.Kind.values)),
    st.tuples(st.just("reporter"), st.integers(0, 9), st.sampled_from(REPORTERS)),
    st.tuples(st.just("anonymous"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("people"), st.integers(0, 9), st.integers(1, 4), st.integers(1, 4)),
    st.tuples(st.just("month"), st.integers(0, 9), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
)


def apply_step(step, staff, topics, household):
    cases = list(Case.objects.filter(merged_into__isnull=True).order_by("pk"))
    name, *values = step
    if name == "register":
        month, kind, reporter, topic, anonymous, of_household = values
        year, number = MONTHS[month]
        actions.create_case(
            staff,
            kind=kind,
            channel=Case.Channel.PHONE,
            received_at=shanghai(year, number, 1 + len(cases), 9),
            reporter_name=reporter,
            anonymous=anonymous,
            household=household if of_household else None,
            topic=topics[topic],
            description="楼上夜间拖动家具",
        )
        return
    if not cases:
        return
    case = cases[values[0] % len(cases)]
    if name == "merge":
        other = cases[values[1] % len(cases)]
        if other.pk != case.pk and other.kind == case.kind:
            actions.merge_cases(case, [other], staff, "同一事件")
        return
    change(case, name, values[1:], topics)
    actions.update_case(case, staff, "修改案件信息")


def change(case, name, values, topics):
    if name == "topic":
        case.topic = topics[values[0]]
    elif name == "severity":
        case.severity = values[0]
    elif name == "validity":
        case.validity = values[0]
        case.invalid_explanation = "非物业服务范围，已向业主解释"
    elif name == "kind":
        case.kind = values[0]
    elif name == "reporter":
        case.reporter_name = values[0]
    elif name == "anonymous":
        case.anonymous = values[0]
    elif name == "people":
        case.people_count, case.times_count = values
    elif name == "month":
        year, month = MONTHS[values[0]]
        # The last evening of a month or the first morning of one, in Shanghai.
        case.received_at = (
            shanghai(year, month, 1, 0, 10) if values[1] else shanghai(year, month, 28, 23, 50)
        )


class Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(day=st.lists(steps, min_size=1, max_size=10))
def test_the_kept_figures_equal_a_fresh_count_after_every_change(day, staff, topic, add_household):
    topics = [topic, CaseTopic.objects.get(name="宠物")]
    try:
        with transaction.atomic():
            household = add_household("302")
            for year, month in MONTHS:
                kept_report(year, month)
            for step in day:
                apply_step(step, staff, topics, household)
                assert_kept_equals_fresh()
            raise Rollback
    except Rollback:
        pass
