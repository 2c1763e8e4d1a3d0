"""The monthly report's figures stay right although counted months are kept: a case
registered, moved to another month, or merged shows in the next reading; months are
the service centre's own (Asia/Shanghai)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import actions, reports
from cases.models import Case

pytestmark = pytest.mark.django_db


def shanghai(*parts):
    return timezone.make_aware(dt.datetime(*parts))


def report(year, month):
    return reports.monthly_report(Case.objects.all(), year, month)


def trend_of(year, month):
    return dict(report(year, month)["trend"])


def test_a_case_received_late_on_31_october_belongs_to_october(client, manager, new_case):
    new_case(received_at=shanghai(2026, 10, 31, 23, 30))
    new_case(received_at=shanghai(2026, 11, 1, 0, 10))
    client.force_login(manager)

    october = client.get("/admin/case-reports/monthly/?month=2026-10").content.decode()
    assert '<strong id="monthly-total">1</strong>' in october
    november = report(2026, 11)
    assert (november["total"], november["previous_total"]) == (1, 1)
    assert (trend_of(2026, 11)["2026-10"], trend_of(2026, 11)["2026-11"]) == (1, 1)


def test_the_report_read_again_counts_a_case_registered_since(new_case):
    new_case(received_at=shanghai(2026, 10, 5, 9))
    assert report(2026, 10)["total"] == 1
    assert trend_of(2026, 11)["2026-10"] == 1

    new_case(received_at=shanghai(2026, 10, 20, 9), description="电梯停运")

    assert report(2026, 10)["total"] == 2
    assert trend_of(2026, 11)["2026-10"] == 2
    assert report(2026, 10)["by_kind"] == [("投诉", 2)]


def test_a_case_moved_to_another_month_leaves_the_first(new_case, staff):
    case = new_case(received_at=shanghai(2026, 10, 5, 9))
    assert (report(2026, 10)["total"], report(2026, 9)["total"]) == (1, 0)

    case.received_at = shanghai(2026, 9, 30, 23, 50)
    actions.update_case(case, staff, "受理时间登记有误")

    assert (report(2026, 10)["total"], report(2026, 9)["total"]) == (0, 1)
    assert trend_of(2026, 10)["2026-09"] == 1


def test_merged_cases_count_once_after_the_month_was_read(new_case, staff):
    first = new_case(received_at=shanghai(2026, 10, 5, 9), reporter_name="赵先生")
    second = new_case(received_at=shanghai(2026, 10, 5, 10), reporter_name="钱女士")
    before = report(2026, 10)
    assert (before["total"], before["complaints_counted"]) == (2, 2)

    actions.merge_cases(first, [second], staff, "同一晚噪音")

    after = report(2026, 10)
    assert (after["total"], after["complaints_counted"]) == (1, 1)
    assert [case.pk for case in after["typical"]] == [first.pk]


def test_a_kept_month_reads_as_one_counted_afresh(new_case):
    new_case(received_at=shanghai(2026, 10, 5, 9), department="工程部")
    new_case(received_at=shanghai(2026, 10, 6, 9), kind=Case.Kind.DISPUTE)
    fresh = reports.monthly_report(Case.objects.filter(pk__gt=0), 2026, 10)
    report(2026, 10)  # counted and kept
    kept = report(2026, 10)
    assert {key: kept[key] for key in fresh} == fresh


def test_a_case_registered_while_the_report_is_being_counted_shows_in_the_next_reading(
    new_case, monkeypatch
):
    new_case(received_at=shanghai(2026, 10, 5, 9))
    count_the_month = reports.month_details

    def counted_while_a_colleague_registers_a_case(counted, year, month):
        details = count_the_month(counted, year, month)
        new_case(received_at=shanghai(2026, 10, 20, 9), description="电梯停运")
        return details

    monkeypatch.setattr(reports, "month_details", counted_while_a_colleague_registers_a_case)
    assert report(2026, 10)["total"] == 1  # what was there when the counting began
    monkeypatch.undo()

    again = report(2026, 10)
    assert (again["total"], again["by_kind"]) == (2, [("投诉", 2)])
    assert trend_of(2026, 11)["2026-10"] == 2
