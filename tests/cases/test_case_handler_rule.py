"""A complaint taking over a working day gets a named handler and a complaint handling
record (顾客投诉处理记录表): listed on the working calendar, enforced by the actions,
shown on the case page, the dashboard and the daily stock-take."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import actions
from cases.models import CalendarDay, Case

pytestmark = pytest.mark.django_db


def at(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def needing_handler(now):
    return list(Case.objects.needs_named_handler(at(now)).values_list("number", flat=True))


class TestOnTheWorkingCalendar:
    @pytest.mark.parametrize(
        ("received", "still_in_time", "past_a_working_day"),
        [
            # Friday afternoon; the weekend does not count.
            ("2026-03-06 15:00", "2026-03-08 20:00", "2026-03-09 15:30"),
            # Friday afternoon before National Day; Sunday 09-20 is worked (调休).
            ("2026-09-18 15:00", "2026-09-19 12:00", "2026-09-20 15:30"),
            # The last afternoon before the National Day holiday (10-01 to 10-07).
            ("2026-09-30 16:00", "2026-10-07 20:00", "2026-10-08 16:30"),
        ],
    )
    def test_due_after_one_working_day_only(
        self, new_case, received, still_in_time, past_a_working_day
    ):
        case = new_case(received_at=at(received))
        assert needing_handler(still_in_time) == []
        assert needing_handler(past_a_working_day) == [case.number]

    def test_the_sunday_counts_only_because_the_calendar_says_it_is_worked(self, new_case):
        case = new_case(received_at=at("2026-09-18 15:00"))
        assert needing_handler("2026-09-20 15:30") == [case.number]
        CalendarDay.objects.filter(date=dt.date(2026, 9, 20)).delete()
        assert needing_handler("2026-09-20 15:30") == []
        assert needing_handler("2026-09-21 15:30") == [case.number]

    def test_named_closed_and_other_kinds_are_not_listed(self, new_case, supervisor, topic):
        received = at("2026-09-14 09:00")
        waiting = new_case(received_at=received)
        new_case(received_at=received, handler=supervisor)
        new_case(received_at=received, kind=Case.Kind.DISPUTE)
        closed = new_case(received_at=received)
        Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
        assert needing_handler("2026-09-16 09:00") == [waiting.number]


def late_complaint(new_case):
    return new_case(received_at=timezone.now() - dt.timedelta(days=10))


class TestActions:
    def test_moving_on_without_a_handler_is_refused_in_chinese(self, new_case, staff):
        case = late_complaint(new_case)
        with pytest.raises(actions.TransitionError, match="须先指定处理人"):
            actions.start_handling(case, staff)
        case = Case.objects.get(pk=case.pk)
        with pytest.raises(actions.TransitionError, match="受理已超过一个工作日"):
            actions.transfer(case, staff, "开发商客服部")
        case = Case.objects.get(pk=case.pk)
        assert case.status == Case.Status.ACCEPTED and case.handler is None

    def test_a_named_handler_is_on_the_timeline_and_the_case_moves_on(
        self, new_case, staff, supervisor
    ):
        case = late_complaint(new_case)
        actions.assign_handler(case, staff, supervisor, "主管负责")
        step = case.timeline.get(action="指定处理人")
        assert step.by == staff and supervisor.username in step.note
        assert not Case.objects.needs_named_handler().exists()
        actions.start_handling(case, staff)
        actions.reply(case, staff, "已修复")
        case.refresh_from_db()
        assert case.handler == supervisor and case.status == Case.Status.AWAITING_VISIT

    def test_a_fresh_complaint_is_taken_on_by_whoever_starts_it(self, new_case, staff):
        case = new_case()
        actions.start_handling(case, staff)
        assert Case.objects.get(pk=case.pk).handler == staff


class TestPages:
    def test_case_page_warns_offers_the_record_and_assigns_the_handler(
        self, client, manager, supervisor, new_case
    ):
        case = late_complaint(new_case)
        client.force_login(manager)
        url = f"/admin/cases/{case.pk}/"
        body = client.get(url).content.decode()
        assert 'id="needs-named-handler"' in body
        record = f"/admin/notices/case/{case.pk}/record/"
        assert record in body
        printed = client.get(record)
        assert printed.status_code == 200
        assert printed["Content-Type"].endswith("wordprocessingml.document")

        refused = client.post(url, {"action": "start", "start-note": ""}).content.decode()
        assert "须先指定处理人" in refused
        client.post(url, {"action": "handler", "handler-handler": supervisor.pk})
        case.refresh_from_db()
        assert case.handler == supervisor
        body = client.get(url).content.decode()
        assert 'id="needs-named-handler"' not in body and "<td>指定处理人</td>" in body

    def test_dashboard_and_daily_stocktake_list_it(self, client, manager, new_case):
        late = late_complaint(new_case)
        fresh = new_case()
        client.force_login(manager)
        dashboard = client.get("/admin/").content.decode()
        assert "超过一个工作日未指定处理人（1）" in dashboard and late.number in dashboard
        daily = client.get("/admin/case-reports/").content.decode()
        section = daily.split("超过一个工作日仍未指定处理人的投诉")[1].split("<h3>")[0]
        assert late.number in section and fresh.number not in section
