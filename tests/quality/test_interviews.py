"""Interview plans: sampling, key customers, the centre head, native places, approval,
completion from the archive's interview records, the analysis due by the 5th."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cms.archives.models import ImportantCustomerClass
from quality import actions, reports
from quality.models import InterviewAssignment, InterviewPlan, StaffProfile


@pytest.fixture
def profiles(staff, supervisor, manager):
    return {
        "staff": StaffProfile.objects.create(user=staff, native_place="广东潮州"),
        "supervisor": StaffProfile.objects.create(user=supervisor, native_place="湖南长沙"),
        "manager": StaffProfile.objects.create(user=manager, native_place="广东梅州",
                                               is_centre_head=True),
    }


def mark(household, code):
    household.important_classes.add(ImportantCustomerClass.objects.get(code=code))
    household.save()


def draft(supervisor, estate, **fields):
    values = dict(estate=estate, kind="monthly", year=2026, month=11, scope="各楼栋",
                  content="了解服务意见", proportion=20)
    values.update(fields)
    return actions.draft_interview_plan(supervisor, **values)


def test_key_customers_always_in_officials_to_the_centre_head(supervisor, estate, households,
                                                             profiles, manager):
    mark(households[0], "government_media")
    mark(households[1], "key_complainant")
    plan = draft(supervisor, estate)
    rows = {a.household_id: a for a in plan.assignments.all()}
    assert rows[households[0].pk].reason == InterviewAssignment.Reason.OFFICIAL
    assert rows[households[0].pk].interviewer == manager
    assert rows[households[1].pk].reason == InterviewAssignment.Reason.IMPORTANT
    assert rows[households[1].pk].interviewer != manager
    sampled = [a for a in rows.values() if a.reason == InterviewAssignment.Reason.SAMPLED]
    # the rest: 8 ordinary in 1栋 → 2, 5 in 2栋 → 1
    assert len(sampled) == 3


def test_do_not_visit_households_are_never_planned(supervisor, estate, households, profiles):
    from cms.archives.models import HouseholdArchive

    for h in households:
        h = HouseholdArchive.objects.get(pk=h.pk)
        h.do_not_visit, h.do_not_visit_reason = True, "不希望被打扰"
        h.save_revision().publish()
    plan = draft(supervisor, estate, proportion=100)
    assert not plan.assignments.exists()


def test_interviewer_from_the_same_native_place_is_suggested(profiles):
    candidates = [profiles["staff"], profiles["supervisor"]]
    assert actions.suggest_interviewer("湖南长沙", candidates).username == "zhuguan-q"
    assert actions.suggest_interviewer("湖南衡阳", candidates).username == "zhuguan-q"
    assert actions.suggest_interviewer("广东汕头", candidates).username == "kefu-q"
    # no match: the one with the fewer interviews already planned
    load = {profiles["staff"].user_id: 3}
    assert actions.suggest_interviewer("四川成都", candidates, load).username == "zhuguan-q"


def test_plan_is_submitted_by_its_author_and_approved_by_the_manager(supervisor, manager, staff,
                                                                    estate, households, profiles):
    plan = draft(supervisor, estate)
    with pytest.raises(ValidationError):
        actions.approve_interview_plan(plan, manager)
    actions.submit_interview_plan(plan, supervisor)
    with pytest.raises(PermissionDenied):
        actions.approve_interview_plan(plan, staff)
    own = draft(manager, estate)
    actions.submit_interview_plan(own, manager)
    with pytest.raises(PermissionDenied, match="本人"):
        actions.approve_interview_plan(own, manager)
    with pytest.raises(ValidationError, match="原因"):
        actions.return_interview_plan(plan, manager, "")
    actions.approve_interview_plan(plan, manager, "同意")
    plan.refresh_from_db()
    assert plan.status == InterviewPlan.Status.APPROVED and plan.decided_by == manager


def test_completion_comes_from_the_archive_interview_records(supervisor, staff, estate,
                                                             households, profiles):
    mark(households[0], "key_complainant")
    plan = draft(supervisor, estate)
    first = plan.assignments.get(household=households[0])
    actions.log_interview(households[0], staff, contacted_on=date(2026, 11, 12),
                          need="希望增加夜间巡逻")
    # an interview outside the plan month does not count
    other = plan.assignments.exclude(pk=first.pk).first()
    actions.log_interview(other.household, staff, contacted_on=date(2026, 12, 1), need="无")
    during = reports.plan_completion(plan, today=date(2026, 11, 20))
    assert during["done"] == 1 and during["unvisited"] == []
    after = reports.plan_completion(plan, today=date(2026, 12, 1))
    assert after["period_over"]
    assert first.pk not in {a.pk for a in after["unvisited"]}
    assert other.pk in {a.pk for a in after["unvisited"]}
    assert len(after["unvisited"]) == after["total"] - 1


def test_monthly_analysis_is_due_by_the_fifth_until_submitted(supervisor, manager, estate,
                                                             households, profiles):
    plan = draft(supervisor, estate)
    actions.submit_interview_plan(plan, supervisor)
    actions.approve_interview_plan(plan, manager)
    due = reports.analyses_due(date(2026, 12, 3))
    assert [(d["estate"].pk, d["month"], d["overdue"]) for d in due] == [(estate.pk, 11, False)]
    assert reports.analyses_due(date(2026, 12, 6))[0]["overdue"]
    actions.submit_interview_analysis(estate, 2026, 11, supervisor, "共访谈13户，主要意见为停车")
    assert reports.analyses_due(date(2026, 12, 6)) == []
