"""The relationship plan: monthly progress only in planned months; plan against done."""

import pytest
from django.core.exceptions import ValidationError

from quality import actions, reports
from quality.models import RelationshipAction, RelationshipPlan


@pytest.fixture
def plan(estate):
    plan = RelationshipPlan.objects.create(estate=estate, year=2026)
    action = RelationshipAction(plan=plan, stage="new", strategy="留下好的第一印象",
                                action="入住一周内上门拜访", department="客服部",
                                measure="满意度调查结果", m1=True, m2=True, m12=True)
    action.save()
    return plan


def test_progress_is_recorded_for_planned_months_and_counted(plan, staff):
    action = plan.actions.get()
    actions.record_progress(action, 1, "done", staff)
    actions.record_progress(action, 2, "partly", staff, "只拜访了一半新业主")
    with pytest.raises(ValidationError, match="3月没有安排"):
        actions.record_progress(action, 3, "done", staff)
    actions.record_progress(action, 2, "done", staff, "补齐")
    report = reports.plan_versus_done(plan)
    assert (report["planned"], report["done"]) == (3, 2)
    cells = report["rows"][0]["cells"]
    assert cells[1]["progress"].note == "补齐" and cells[11]["planned"]
    assert not cells[2]["planned"]
