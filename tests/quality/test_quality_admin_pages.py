"""Every service-quality screen renders in Chinese for the roles that use it, on demo data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quality.models import Audit, CarePlan, InterviewPlan, RelationshipPlan, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=StringIO())


def client_for(username):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def quality_pages():
    audit = Audit.objects.first()
    survey = Survey.objects.first()
    return [
        reverse("wagtailadmin_home"),
        reverse("quality_audits:index"),
        reverse("quality_audits:add"),
        reverse("quality_audits:detail", args=[audit.pk]),
        reverse("quality_audit_report"),
        reverse("quality_checklists:index"),
        reverse("quality_checklists:inspect", args=[audit.checklist_id]),
        reverse("quality_surveys:index"),
        reverse("quality_surveys:add"),
        reverse("quality_surveys:detail", args=[survey.pk]),
        reverse("quality_questionnaires:index"),
        reverse("quality_care_lists") + "?start=2026-12-28&end=2027-01-03",
        reverse("quality_care_plans:index"),
        reverse("quality_outbox:index"),
        reverse("quality_message_templates:index"),
        reverse("quality_relationship_plans:index"),
        reverse("quality_relationship_plans:progress", args=[RelationshipPlan.objects.first().pk]),
        reverse("quality_interview_plans:index"),
        reverse("quality_interview_plans:add"),
        reverse("quality_interview_plans:detail", args=[InterviewPlan.objects.first().pk]),
        reverse("quality_staff_profiles:index"),
    ]


def test_manager_sees_every_quality_screen_in_chinese(demo):
    client = client_for("jingli")
    for url in quality_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans"' in response.content.decode(), url


def test_demo_survey_answer_of_three_opens_a_care_plan(demo):
    plan = CarePlan.objects.get()
    assert plan.score == plan.household.satisfaction or plan.household.satisfaction in (3, 4)
    assert "关怀计划" in plan.household.care_plan


def test_exports_are_real_files(demo):
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    client = client_for("jingli")
    audit = Audit.objects.first()
    docx = client.get(reverse("quality_audits:docx", args=[audit.pk]))
    text = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert "客户服务督导检查报告" in text and "{{" not in text
    tables = Document(BytesIO(docx.content)).tables
    assert any("电话礼仪" in cell.text for row in tables[2].rows for cell in row.cells)
    workbook = load_workbook(BytesIO(client.get(reverse("quality_audit_report") + "?format=xlsx").content))
    assert workbook["得分趋势"]._charts and workbook["常见扣分项"].max_row >= 2
    survey = Survey.objects.first()
    results = load_workbook(BytesIO(
        client.get(reverse("quality_surveys:detail", args=[survey.pk]) + "?format=xlsx").content
    ))
    assert results["概况"]["B3"].value == 2 and results["题目得分"]._charts


def test_staff_cannot_run_audits_or_approve_plans(demo):
    client = client_for("kefu")
    assert client.get(reverse("quality_audits:add")).status_code in (302, 403)
    plan = InterviewPlan.objects.first()
    page = client.get(reverse("quality_interview_plans:detail", args=[plan.pk])).content.decode()
    assert 'value="approve"' not in page


def test_quality_downloads_are_saved_under_their_chinese_names(demo):
    from urllib.parse import quote

    client = client_for("jingli")
    audit = Audit.objects.select_related("estate").first()
    downloads = {
        reverse("quality_audit_report") + "?format=xlsx": "督导检查报表.xlsx",
        reverse("quality_audits:docx", args=[audit.pk]): (
            f"督导检查报告-{audit.estate.title}-{audit.audit_date:%Y%m%d}.docx"
        ),
    }
    for url, filename in downloads.items():
        disposition = client.get(url)["Content-Disposition"]
        assert disposition.isascii(), disposition
        assert disposition.startswith('attachment; filename="'), disposition
        assert disposition.endswith(f"filename*=UTF-8''{quote(filename)}"), disposition
