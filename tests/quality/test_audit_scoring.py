"""Deduction rules of the supervision checklist and the versions audits keep."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from quality_helpers import png_upload, small_checklist

from cases.models import Case
from quality import actions
from quality.models import Audit, Checklist, VersionStatus


@pytest.fixture
def checklist(manager):
    return actions.publish_checklist(small_checklist(), manager)


@pytest.fixture
def audit(checklist, estate, supervisor, manager):
    return actions.start_audit(estate, checklist, [supervisor], supervisor, project_manager=manager)


def item(checklist, title):
    return checklist.items.get(title=title)


def test_per_problem_deducts_the_amount_for_each_problem(audit, checklist, supervisor):
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "缺交付验收记录", count=1)
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "缺业主资料卡", count=0 + 1)
    audit.refresh_from_db()
    scores = {s.name: s for s in audit.scores.all()}
    assert scores["客户档案"].deducted == Decimal("1.00")
    assert scores["客户档案"].score == Decimal("0.00")
    assert scores["行为规范"].score == Decimal("2.00")
    assert audit.total_score == Decimal("2.00")


def test_per_person_deducts_for_every_person_and_every_problem(audit, checklist, supervisor):
    finding = actions.record_finding(
        audit, item(checklist, "电话礼仪"), supervisor, "响铃五声才接听且未复述",
        persons="张三、李四", count=2,
    )
    assert finding.deduction == Decimal("1.2")  # 0.3 × 2 people × 2 problems
    audit.refresh_from_db()
    assert {s.name: s.score for s in audit.scores.all()}["行为规范"] == Decimal("0.80")


def test_per_person_rule_needs_the_person_concerned(audit, checklist, supervisor):
    with pytest.raises(ValidationError, match="涉及人员"):
        actions.record_finding(audit, item(checklist, "电话礼仪"), supervisor, "未起身服务")


def test_an_indicator_never_goes_below_zero(audit, checklist, supervisor):
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "多户缺资料", count=7)
    audit.refresh_from_db()
    scores = {s.name: s for s in audit.scores.all()}
    assert scores["客户档案"].deducted == Decimal("3.50")
    assert scores["客户档案"].score == Decimal("0.00")
    # the other indicator is not touched by the overflow
    assert audit.total_score == Decimal("2.00")


def test_an_audit_keeps_the_version_it_used(audit, checklist, supervisor, manager, estate):
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "缺资料", count=1)
    draft = actions.new_checklist_version(checklist, manager)
    draft_item = draft.items.get(title="档案齐全")
    draft_item.amount = Decimal("1.0")
    draft_item.save()
    actions.publish_checklist(draft, manager)
    checklist.refresh_from_db()
    assert checklist.status == VersionStatus.RETIRED and draft.version == 2
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "又缺一份", count=1)
    audit.refresh_from_db()
    assert audit.checklist_id == checklist.pk
    assert {s.name: s.deducted for s in audit.scores.all()}["客户档案"] == Decimal("1.00")
    newer = actions.start_audit(estate, draft, [supervisor], supervisor)
    actions.record_finding(newer, draft.items.get(title="档案齐全"), supervisor, "缺资料")
    newer.refresh_from_db()
    assert {s.name: s.deducted for s in newer.scores.all()}["客户档案"] == Decimal("1.00")
    with pytest.raises(ValidationError, match="不属于"):
        actions.record_finding(newer, item(checklist, "档案齐全"), supervisor, "旧版本项目")


def test_retired_and_draft_versions_cannot_start_an_audit(estate, supervisor, manager):
    draft = small_checklist(name="草稿标准")
    with pytest.raises(ValidationError, match="已发布"):
        actions.start_audit(estate, draft, [supervisor], supervisor)


def test_a_checklist_with_an_item_under_a_missing_indicator_cannot_be_published(manager):
    draft = small_checklist(name="有误的标准")
    draft.items.filter(title="档案齐全").update(indicator_name="档案管理")
    with pytest.raises(ValidationError) as error:
        actions.publish_checklist(draft, manager)
    assert "档案管理" in str(error.value)
    assert Checklist.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_photos_are_checked_by_their_content(audit, checklist, supervisor):
    fake = SimpleUploadedFile("site.jpg", b"not really a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是有效的图片"):
        actions.record_finding(
            audit, item(checklist, "档案齐全"), supervisor, "缺资料", photos=[fake]
        )
    assert not audit.findings.exists()
    finding = actions.record_finding(
        audit, item(checklist, "档案齐全"), supervisor, "缺资料", photos=[png_upload()]
    )
    assert finding.photos.count() == 1


def test_sign_off_closes_the_record_and_the_project_manager_acknowledges(
    audit, checklist, supervisor, manager, staff
):
    actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "缺资料")
    with pytest.raises(PermissionDenied):
        actions.sign_audit(audit, manager)
    with pytest.raises(ValidationError, match="全部签字"):
        actions.acknowledge_audit(audit, manager)
    actions.sign_audit(audit, supervisor)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SIGNED
    with pytest.raises(ValidationError, match="不能再修改"):
        actions.record_finding(audit, item(checklist, "档案齐全"), supervisor, "补一条")
    with pytest.raises(PermissionDenied):
        actions.acknowledge_audit(audit, staff)
    actions.acknowledge_audit(audit, manager, "已安排整改")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.ACKNOWLEDGED and audit.acknowledged_by == manager


def test_a_finding_opens_a_rectification_case_with_a_working_day_deadline(
    audit, checklist, supervisor
):
    from cases import calendar

    finding = actions.record_finding(
        audit, item(checklist, "档案齐全"), supervisor, "3栋两户缺交付验收记录", location="档案室"
    )
    case = actions.open_rectification(finding, supervisor)
    finding.refresh_from_db()
    assert finding.case == case and case.audit_finding == finding
    assert case.kind == Case.Kind.RECTIFICATION and case.number.startswith("督导整改-")
    received_on = timezone.localtime(case.received_at).date()
    assert case.rectify_deadline == calendar.add_working_days(received_on, 5)
    assert f"/admin/quality/audits/{audit.pk}/" in case.timeline.last().note
    assert not finding.is_rectified
    with pytest.raises(ValidationError, match="已开具"):
        actions.open_rectification(finding, supervisor)
    from cases import actions as case_actions

    case_actions.start_handling(case, supervisor)
    case_actions.reply(Case.objects.get(pk=case.pk), supervisor, "已补齐验收记录并归档")
    finding.refresh_from_db()
    assert finding.is_rectified


def test_the_audit_report_says_it_lists_the_latest_audits_only_and_links_to_all(
    checklist, estate, supervisor, manager, client
):
    from datetime import timedelta

    from django.urls import reverse

    today = timezone.localdate()
    for days in range(21):
        actions.start_audit(
            estate, checklist, [supervisor], supervisor, audit_date=today - timedelta(days=days)
        )
    client.force_login(manager)
    page = client.get(reverse("quality_audit_report")).content.decode()
    assert "最近 20 次，共 21 次" in page
    assert f'href="{reverse("quality_audits:index")}"' in page


def test_the_audit_report_of_one_estate_lists_only_that_estates_audits(
    checklist, estate, supervisor, manager, client
):
    from django.urls import reverse

    from tests.quality.quality_helpers import make_estate

    other = make_estate(title="桂语江南", slug="guiyu-q")
    actions.start_audit(estate, checklist, [supervisor], supervisor)
    actions.start_audit(other, checklist, [supervisor], supervisor)
    client.force_login(manager)
    page = client.get(reverse("quality_audit_report"), {"estate": estate.pk}).content.decode()
    recent = page.split("<ul>", 1)[1].split("</ul>", 1)[0]
    assert "翠湖花园" in recent and "桂语江南" not in recent


@pytest.mark.parametrize("days", ["三十", "-5", "99999999999"])
def test_a_report_period_typed_wrong_is_told_in_chinese_not_an_error_page(
    manager, client, estate, days
):
    from django.urls import reverse

    client.force_login(manager)
    response = client.get(reverse("quality_audit_report"), {"days": days})
    assert response.status_code == 200
    assert "报表天数须为" in response.content.decode()
