"""States 已受理 → 处理中 → 已回复 → 待回访 → 已关闭, 已转办 and 已升级, and the closing rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cases import actions
from cases.actions import TransitionError
from cases.models import Case

pytestmark = pytest.mark.django_db
S = Case.Status


def test_the_normal_path_ends_with_a_satisfied_visit(new_case, staff):
    case = new_case()
    assert case.status == S.ACCEPTED
    assert case.number.startswith(f"投诉-{timezone.localdate().year}-")
    actions.start_handling(case, staff, "已电话联系业主，今天上门查看")
    actions.reply(case, staff, "已协调楼上住户，夜间不再拖动家具")
    assert case.status == S.AWAITING_VISIT
    actions.record_visit(case, staff, "phone", 5, quality="满意", effect="已解决")
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert "回访满意" in case.close_reason
    assert [step.action for step in case.timeline.all()] == [
        "受理",
        "开始处理",
        "回复客户",
        "回访",
        "结案",
    ]


def test_a_case_cannot_jump_from_accepted_to_replied_or_closed(new_case, staff):
    case = new_case()
    with pytest.raises(TransitionError, match="不能变为「已回复」"):
        actions._set_status(case, S.REPLIED, staff, "跳过处理")
    with pytest.raises(TransitionError, match="须先回复客户"):
        actions.close_case(case, staff, "直接结案")
    assert Case.objects.get(pk=case.pk).status == S.ACCEPTED


def test_no_closing_without_a_result(new_case, staff):
    case = new_case()
    actions.start_handling(case, staff)
    with pytest.raises(ValidationError, match="请填写处理结果"):
        actions.reply(case, staff, "  ")
    assert Case.objects.get(pk=case.pk).status == S.IN_PROGRESS


def test_a_case_needing_a_visit_is_not_closed_by_hand_before_a_week(new_case, staff):
    case = new_case()
    actions.start_handling(case, staff)
    actions.reply(case, staff, "已维修")
    with pytest.raises(TransitionError, match="需要回访"):
        actions.close_case(case, staff, "经理要求结案")


def test_an_exempt_case_closes_after_the_reply(new_case, staff):
    case = new_case()
    actions.exempt_from_visit(case, staff, Case.VisitExemption.SATISFIED_ON_SPOT)
    actions.start_handling(case, staff)
    actions.reply(case, staff, "当场更换灯泡，业主满意")
    assert case.status == S.REPLIED
    actions.close_case(case, staff, "当场解决且满意")
    assert Case.objects.get(pk=case.pk).status == S.CLOSED


def test_dissatisfied_visit_reopens_with_a_next_visit(new_case, staff):
    case = new_case()
    actions.start_handling(case, staff)
    actions.reply(case, staff, "已清理")
    actions.record_visit(case, staff, "visit", 2, shortcomings="仍有异味")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.handled_at is None
    # The failed round's visit date is past and would read as an overdue 下次回访 while the
    # case is handled again; the next visit falls due from the next reply.
    assert case.visit_due_at is None
    actions.reply(case, staff, "更换了垃圾桶并消毒")
    assert case.status == S.AWAITING_VISIT
    assert case.visit_due_at is not None


def test_transfer_and_escalation_come_back_to_handling(new_case, staff, manager):
    case = new_case(complaint_class=Case.ComplaintClass.DEVELOPER)
    actions.transfer(case, staff, "开发商工程部", "外墙渗水")
    assert case.status == S.TRANSFERRED
    assert "书面转交开发商工程部" in case.forward_record
    actions.start_handling(case, staff)
    actions.escalate(case, staff, "涉及多户")
    assert case.status == S.ESCALATED
    actions.reply(case, manager, "开发商已修复外墙")
    assert case.status == S.AWAITING_VISIT


def test_household_do_not_visit_flag_is_honoured(new_case, staff, add_household):
    household = add_household("1502", do_not_visit=True, do_not_visit_reason="业主要求不再上门")
    case = new_case(household=household, reporter_name="")
    actions.start_handling(case, staff)
    actions.reply(case, staff, "已更换楼道灯")
    assert case.status == S.REPLIED
    actions.close_case(case, staff, "业户谢绝回访，处理完毕")
    assert Case.objects.get(pk=case.pk).status == S.CLOSED


class TestSevenDayRule:
    def handled(self, new_case, staff, days_ago, **fields):
        case = new_case(**fields)
        actions.start_handling(case, staff)
        actions.reply(case, staff, "已处理")
        past = timezone.now() - dt.timedelta(days=days_ago)
        Case.objects.filter(pk=case.pk).update(handled_at=past, received_at=past)
        return Case.objects.get(pk=case.pk)

    def test_quiet_cases_close_after_a_week_with_the_reason(self, new_case, staff):
        quiet = self.handled(new_case, staff, 8)
        recent = self.handled(new_case, staff, 3, reporter_name="钱女士")
        call_command("close_quiet_cases", verbosity=0)
        quiet.refresh_from_db()
        recent.refresh_from_db()
        assert quiet.status == S.CLOSED
        assert quiet.close_reason == "处理后一周内无重复投诉，自动结案"
        assert recent.status == S.AWAITING_VISIT

    def test_a_repeat_complaint_on_the_same_topic_keeps_it_open(self, new_case, staff):
        case = self.handled(new_case, staff, 8)
        repeat = new_case(description="又有噪音")
        Case.objects.filter(pk=repeat.pk).update(received_at=case.handled_at + dt.timedelta(days=2))
        other_customer = self.handled(new_case, staff, 8, reporter_name="孙先生")
        call_command("close_quiet_cases", verbosity=0)
        assert Case.objects.get(pk=case.pk).status == S.AWAITING_VISIT
        assert Case.objects.get(pk=other_customer.pk).status == S.CLOSED
