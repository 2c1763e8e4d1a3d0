"""Wagtail's own add and edit screens write through the quality actions, so their rules
hold there too: an approved interview plan stays as approved, a care plan added in the
admin gets its default owner, a finished care plan keeps its result."""

from datetime import date

import pytest
from django.test import Client

from quality import actions
from quality.models import CarePlan, InterviewPlan


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def approved_plan(supervisor, manager, estate, households):
    plan = actions.draft_interview_plan(
        supervisor, estate=estate, kind="monthly", year=2026, month=11, scope="各楼栋",
        content="了解服务意见", proportion=20,
    )
    actions.submit_interview_plan(plan, supervisor)
    return actions.approve_interview_plan(plan, manager, "同意")


def plan_form(plan, **changes):
    data = {"estate": plan.estate_id, "kind": plan.kind, "year": plan.year,
            "month": plan.month, "proportion": plan.proportion, "scope": plan.scope,
            "content": plan.content, "preparation": plan.preparation}
    data.update(changes)
    return data


def test_an_approved_interview_plan_cannot_be_rewritten_in_the_edit_screen(
    supervisor, approved_plan
):
    response = signed_in(supervisor).post(
        f"/admin/quality/interview-plans/edit/{approved_plan.pk}/",
        plan_form(approved_plan, scope="只访谈一栋"),
    )
    approved_plan.refresh_from_db()
    assert approved_plan.scope == "各楼栋"
    assert approved_plan.status == InterviewPlan.Status.APPROVED
    assert response.status_code == 200 and "已批准，不能再修改" in response.content.decode()


def test_a_care_plan_added_in_the_admin_is_owned_by_who_added_it(staff, households, buildings):
    from django.contrib.auth.models import Group

    # The butler of the building: care plans are made for households of one's own buildings.
    butlers = Group.objects.create(name="1栋管家组")
    buildings[0].butler_groups.add(butlers)
    buildings[0].save()
    staff.groups.add(butlers)
    response = signed_in(staff).post(
        "/admin/quality/care-plans/new/",
        {"household": households[0].pk, "actions": "电话回访，了解维修满意情况",
         "due_on": "2026-12-20", "owner": ""},
    )
    assert response.status_code == 302
    assert CarePlan.objects.get().owner == staff


def test_a_finished_care_plan_keeps_its_result(staff, manager, households, buildings):
    from cms.archives.actions import approve_access, request_access

    # The edit form shows the plan's actions: only a reader of the archive opens it.
    approve_access(request_access(staff, "核对关怀计划", 1, building=buildings[0]), manager)
    plan = actions.create_care_plan(households[0], staff, "上门回访", date(2026, 12, 20))
    actions.complete_care_plan(plan, staff, "业主表示满意")
    response = signed_in(staff).post(
        f"/admin/quality/care-plans/edit/{plan.pk}/",
        {"household": households[0].pk, "actions": "改为电话回访", "due_on": "2026-12-30",
         "owner": staff.pk},
    )
    plan.refresh_from_db()
    assert response.status_code == 200 and "已完成" in response.content.decode()
    assert plan.actions == "上门回访" and plan.result == "业主表示满意"
