"""History immutability, edit conflicts, counting rules, penalties, disposition."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import actions
from cases.case_actions import BY_NAME
from cases.history import field_changes
from cases.models import Case, CaseTopic, EditConflict, TimelineStep, Tombstone

pytestmark = pytest.mark.django_db


class TestHistory:
    def test_every_change_is_kept_with_who_and_why(self, new_case, staff, supervisor):
        case = new_case()
        actions.start_handling(case, supervisor, handler=supervisor)
        records = list(case.history.order_by("history_id"))
        assert [r.history_change_reason for r in records] == ["受理登记", "开始处理"]
        assert [r.history_user for r in records] == [staff, supervisor]
        assert ("状态", "已受理", "处理中") in field_changes(records[1])
        assert ("处理人", "（空）", "zhuguan1") in field_changes(records[1])

    def test_linking_related_cases_shows_in_the_history(self, new_case):
        case, other = new_case(), new_case()
        case.related_cases.add(other)
        latest = case.history.first()
        assert ("关联案件", "（空）", str(other)) in field_changes(latest)

    def test_history_rows_cannot_be_changed_or_deleted(self, new_case):
        case = new_case()
        record = case.history.first()
        record.description = "改写历史"
        with pytest.raises(PermissionDenied, match="只读"):
            record.save()
        with pytest.raises(PermissionDenied, match="只读"):
            record.delete()
        step_record = TimelineStep.history.first()
        with pytest.raises(PermissionDenied):
            step_record.delete()
        assert case.history.first().description == "楼上夜间拖动家具，影响休息"


class TestEditConflict:
    def test_the_second_save_is_refused_and_the_first_kept(self, new_case, staff, supervisor):
        case = new_case()
        first = Case.objects.get(pk=case.pk)
        second = Case.objects.get(pk=case.pk)
        first.location = "5栋1单元402室"
        actions.update_case(first, staff)
        second.description = "补充：周末白天也有"
        with pytest.raises(EditConflict, match="保存被拒绝"):
            actions.update_case(second, supervisor)
        stored = Case.objects.get(pk=case.pk)
        assert stored.location == "5栋1单元402室"
        assert stored.description == "楼上夜间拖动家具，影响休息"
        assert second.description == "补充：周末白天也有"  # the refused input is still there


class TestCountingRules:
    def test_same_event_from_many_people_is_one_complaint(self, new_case, staff):
        first = new_case(reporter_name="赵先生")
        second = new_case(reporter_name="钱女士")
        third = new_case(reporter_name="赵先生")
        actions.merge_cases(first, [second, third], staff, "整栋楼夜间受噪音影响")
        first.refresh_from_db()
        assert (first.people_count, first.times_count) == (2, 3)
        assert first.impact_note == "整栋楼夜间受噪音影响"
        assert Case.objects.complaints().open().count() == 1
        assert Case.objects.get(pk=second.pk).merged_into == first

    def test_one_customers_complaints_count_once_per_topic(self, new_case, staff):
        new_case(reporter_name="赵先生", description="夜里装修")
        new_case(reporter_name="赵先生", description="早上又装修")
        new_case(reporter_name="赵先生", topic=CaseTopic.objects.get(name="收费"))
        new_case(reporter_name="", anonymous=True)
        new_case(reporter_name="", anonymous=True)
        assert Case.objects.complaints().counted() == 4

    def test_only_cases_of_the_same_kind_merge(self, new_case, staff):
        complaint = new_case()
        dispute = new_case(kind=Case.Kind.DISPUTE)
        with pytest.raises(ValidationError):
            actions.merge_cases(complaint, [dispute], staff)

    def test_numbers_run_per_kind_without_gaps(self, new_case):
        year = timezone.localdate().year
        numbers = [new_case().number, new_case(kind=Case.Kind.DISPUTE).number, new_case().number]
        assert numbers == [f"投诉-{year}-000001", f"纠纷-{year}-000001", f"投诉-{year}-000002"]

    def test_invalid_complaint_needs_an_explanation(self, new_case):
        with pytest.raises(ValidationError) as error:
            new_case(validity=Case.Validity.INVALID)
        assert "无效投诉必须填写" in str(error.value)


@pytest.fixture
def violation(new_case):
    return new_case(
        kind=Case.Kind.VIOLATION,
        violation_kind=Case.ViolationKind.DECORATION,
        topic=CaseTopic.objects.get(name="装修"),
        description="中午施工电钻作业",
    )


class TestPenalties:
    def test_staff_and_supervisors_cannot_impose_penalties(self, violation, staff, supervisor):
        for user in (staff, supervisor):
            for measure, amount in ((Case.Measure.COMPENSATE, 500), (Case.Measure.RECTIFY, 200)):
                with pytest.raises(PermissionDenied, match="只有客服中心经理"):
                    actions.decide_measure(violation, user, measure, amount)
        assert Case.objects.get(pk=violation.pk).measure == ""

    def test_a_supervisor_sets_a_rectification_deadline_and_a_manager_signs(
        self, violation, supervisor, manager
    ):
        deadline = timezone.localdate() + dt.timedelta(days=10)
        actions.decide_measure(violation, supervisor, Case.Measure.RECTIFY, deadline=deadline)
        assert not actions.decision_in_effect(violation)
        actions.sign_decision(violation, manager)
        assert actions.decision_in_effect(violation)
        assert violation.timeline.filter(action="处理决定（待签批）").exists()

    def test_a_penalty_takes_effect_when_a_superior_signs(self, violation, manager, supervisor):
        actions.decide_measure(violation, manager, Case.Measure.COMPENSATE, 500)
        assert not actions.decision_in_effect(violation)
        with pytest.raises(PermissionDenied, match="不能由决定人本人签批"):
            actions.sign_decision(violation, manager)
        other_manager = type(manager).objects.create_user("jingli2")
        other_manager.groups.set(manager.groups.all())
        other_manager = type(manager).objects.get(pk=other_manager.pk)
        assert not BY_NAME["sign"].offered(violation, manager)
        assert BY_NAME["sign"].offered(violation, other_manager)
        actions.sign_decision(violation, other_manager)
        assert actions.decision_in_effect(violation)
        assert violation.signed_by == other_manager


class TestWarmReminders:
    def test_three_reminders_then_removal_with_numbered_inventory(self, violation, staff):
        with pytest.raises(ValidationError, match="三次温馨提示"):
            actions.record_removed_item(violation, staff, "旧沙发", "地下室仓库")
        assert [actions.add_warm_reminder(violation, staff) for _ in range(3)] == [1, 2, 3]
        with pytest.raises(ValidationError):
            actions.add_warm_reminder(violation, staff)
        sofa = actions.record_removed_item(violation, staff, "旧沙发", "地下室仓库")
        bike = actions.record_removed_item(violation, staff, "自行车", "地下室仓库")
        assert (sofa.item_number, bike.item_number) == (1, 2)
        actions.record_reclaim(bike, staff, "李明")
        assert violation.removed_items.get(item_number=2).reclaimed_by == "李明"

    def test_the_owner_signs_for_a_removed_item_on_the_case_page(self, violation, staff, client):
        for _ in range(3):
            actions.add_warm_reminder(violation, staff)
        sofa = actions.record_removed_item(violation, staff, "旧沙发", "地下室仓库")
        actions.record_removed_item(violation, staff, "自行车", "地下室仓库")
        client.force_login(staff)
        page = f"/admin/cases/{violation.pk}/"
        assert "登记物品认领" in client.get(page).content.decode()
        client.post(page, {"action": "reclaim", "reclaim-item": sofa.pk, "reclaim-signature": "李明"})
        sofa.refresh_from_db()
        assert sofa.reclaimed_by == "李明" and sofa.reclaimed_at is not None
        # Signed for once: a second signature for the same item is refused and changes nothing.
        response = client.post(
            page, {"action": "reclaim", "reclaim-item": sofa.pk, "reclaim-signature": "王五"}
        )
        sofa.refresh_from_db()
        assert sofa.reclaimed_by == "李明"
        assert "登记物品认领未完成" in response.content.decode()


class TestDisposition:
    def closed(self, case, user, years_ago):
        actions.start_handling(case, user)
        actions.reply(case, user, "已整改")
        actions.close_case(case, user, "整改完毕")
        past = timezone.now() - dt.timedelta(days=365 * years_ago + 2)
        Case.objects.filter(pk=case.pk).update(closed_at=past)
        return Case.objects.get(pk=case.pk)

    def test_expired_general_violation_leaves_a_tombstone(self, violation, manager):
        case = self.closed(violation, manager, 1)
        assert list(Case.objects.retention_expired()) == [case]
        tombstone = actions.dispose_case(case, manager)
        assert not Case.objects.filter(pk=case.pk).exists()
        assert not Case.history.filter(id=case.pk).exists()
        assert Tombstone.objects.get(number=case.number) == tombstone
        assert tombstone.disposed_by == manager
        assert tombstone.closed_at == case.closed_at

    def test_major_violations_are_kept_five_years(self, violation, manager):
        violation.severity = Case.Severity.MAJOR
        actions.update_case(violation, manager)
        case = self.closed(violation, manager, 2)
        with pytest.raises(ValidationError, match="未到保管期限"):
            actions.dispose_case(case, manager)
        assert Case.objects.filter(pk=case.pk).exists()

    def test_major_violations_are_disposed_after_five_years_with_their_volume(
        self, violation, manager
    ):
        actions.mark_major(violation, manager)
        case = self.closed(violation, manager, 5)
        tombstone = actions.dispose_case(case, manager)
        assert tombstone.severity == Case.Severity.MAJOR
        assert not Case.objects.filter(pk=case.pk).exists()

    def test_only_managers_confirm_and_complaints_are_never_disposed(
        self, violation, new_case, manager, supervisor
    ):
        case = self.closed(violation, manager, 1)
        with pytest.raises(PermissionDenied):
            actions.dispose_case(case, supervisor)
        complaint = new_case()
        actions.exempt_from_visit(complaint, manager, Case.VisitExemption.ANONYMOUS)
        complaint = self.closed(complaint, manager, 6)
        with pytest.raises(ValidationError):
            actions.dispose_case(complaint, manager)
        assert Tombstone.objects.count() == 0


class TestClocks:
    def test_due_today_and_overdue_follow_the_running_clocks(self, new_case, staff):
        received = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0))  # a Wednesday
        web = new_case(channel=Case.Channel.WEB, received_at=received)
        phone = new_case(channel=Case.Channel.PHONE, received_at=received)
        assert timezone.localtime(web.response_due_at).strftime("%d %H:%M") == "04 14:00"
        assert timezone.localtime(phone.response_due_at).strftime("%d %H:%M") == "05 10:00"
        assert timezone.localtime(phone.resolve_due_at).strftime("%d %H:%M") == "06 10:00"
        noon = timezone.make_aware(dt.datetime(2026, 3, 4, 12, 0))
        evening = timezone.make_aware(dt.datetime(2026, 3, 4, 18, 0))
        assert list(Case.objects.due_today(noon)) == [web]
        assert list(Case.objects.overdue(evening)) == [web]
        actions.start_handling(web, staff, handler=staff)  # the response stops the response clock
        assert not Case.objects.overdue(evening).exists()

    def test_invalid_complaints_have_no_resolution_clock(self, new_case):
        case = new_case(
            validity=Case.Validity.INVALID, invalid_explanation="属开发商保修范围，已告知"
        )
        assert case.resolve_due_at is None


class TestComplaintClassification:
    def test_class_two_needs_the_forward_record_before_the_reply(self, new_case, staff):
        case = new_case(complaint_class=Case.ComplaintClass.DEVELOPER)
        actions.start_handling(case, staff)
        with pytest.raises(ValidationError, match="书面转交开发商"):
            actions.reply(case, staff, "已请开发商维修")

    def test_sub_cause_must_belong_to_the_root_cause(self, new_case):
        with pytest.raises(ValidationError, match="原因细分"):
            new_case(root_cause="machine", root_sub_cause="服务态度")
        assert new_case(root_cause="people", root_sub_cause="服务态度").pk


class TestRoles:
    def test_supervisors_handle_general_cases_and_managers_major_ones(
        self, new_case, supervisor, manager
    ):
        from cases.policy import can_handle_case

        general = new_case()
        major = new_case(severity=Case.Severity.MAJOR)
        assert can_handle_case(supervisor, general)
        assert not can_handle_case(supervisor, major)
        assert can_handle_case(manager, major)


def test_the_monthly_trend_counts_each_month(new_case):
    from cases import reports

    for day in (
        dt.datetime(2026, 5, 10, 10),
        dt.datetime(2026, 6, 1, 3),
        dt.datetime(2026, 6, 30, 23),
    ):
        new_case(received_at=timezone.make_aware(day))
    trend = dict(reports.monthly_report(Case.objects.all(), 2026, 6)["trend"])
    assert (trend["2026-04"], trend["2026-05"], trend["2026-06"]) == (0, 1, 2)


def test_area_butlers_see_the_cases_of_their_buildings(
    role_groups, new_case, add_household, building
):
    from django.contrib.auth.models import Group
    from staff_accounts import make_user

    from cases.policy import can_handle_case, visible_cases

    butlers = Group.objects.create(name="5栋片区管家")
    building.butler_groups.add(butlers)
    building.save()
    butler = make_user("guanjia1", role_groups["staff"], butlers)
    in_building = new_case(household=add_household("801"), reporter_name="")
    elsewhere = new_case()
    assert list(visible_cases(butler)) == [in_building]
    assert elsewhere not in visible_cases(butler)
    assert can_handle_case(butler, in_building) and not can_handle_case(butler, elsewhere)


def test_chart_labels_are_escaped():
    from cases import reports

    svg = reports.svg_bar_chart([("<script>alert(1)</script>", 3)], "主题 & 件数")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "主题 &amp; 件数" in svg


def test_the_monthly_report_counts_complaints_by_the_counting_rules(new_case, staff):
    from cases import reports

    june = timezone.make_aware(dt.datetime(2026, 6, 15, 10))
    fees = CaseTopic.objects.get(name="收费")
    new_case(reporter_name="赵先生", received_at=june)
    new_case(reporter_name="赵先生", received_at=june, description="又来了")
    new_case(reporter_name="赵先生", received_at=june, topic=fees)
    new_case(reporter_name="", anonymous=True, received_at=june)
    new_case(reporter_name="", anonymous=True, received_at=june)
    new_case(reporter_name="钱女士", received_at=june, kind=Case.Kind.DISPUTE)
    new_case(reporter_name="孙女士", received_at=timezone.make_aware(dt.datetime(2026, 7, 1, 9)))

    report = reports.monthly_report(Case.objects.all(), 2026, 6)

    assert (report["total"], report["complaints_counted"]) == (6, 4)
    assert (
        report["complaints_counted"]
        == Case.objects.filter(received_at__month=6, kind=Case.Kind.COMPLAINT).counted()
    )


def test_the_monthly_breakdowns_match_counting_each_one_on_its_own(new_case):
    from cases import reports

    june = timezone.make_aware(dt.datetime(2026, 6, 3, 10))
    fees = CaseTopic.objects.get(name="收费")
    new_case(received_at=june, channel=Case.Channel.WEB)
    new_case(received_at=june, topic=fees)
    new_case(received_at=june, topic=fees, department="工程部")
    new_case(received_at=june, kind=Case.Kind.DISPUTE, topic=fees)

    in_month = Case.objects.filter(received_at__month=6)
    report = reports.monthly_report(Case.objects.all(), 2026, 6)

    complaints = in_month.filter(kind=Case.Kind.COMPLAINT)
    assert report["by_kind"] == reports._counts(in_month, "kind", reports.KIND_LABELS)
    assert report["by_topic"] == reports._counts(in_month, "topic__name")
    assert report["by_channel"] == reports._counts(in_month, "channel", reports.CHANNEL_LABELS)
    assert report["by_department"] == reports._counts(complaints, "department")
    assert report["by_topic"][0] == ("收费", 3)
    assert sorted(report["by_department"]) == [("工程部", 1), ("未填写", 2)]
