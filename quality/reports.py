"""Numbers people compare: audit trends and deductions, survey results, interview-plan
completion and the relationship plan against what was done; Excel with native charts
and the audit report as .docx."""

import io
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.html import escape

from cms.archives.models import ContactLog, HouseholdArchive, attach_parents
from core.people import display_name
from quality.build_report_template import AUDIT_TEMPLATE
from quality.models import (
    MONTHS,
    Audit,
    Finding,
    IndicatorScore,
    InterviewAnalysis,
    InterviewPlan,
    Question,
    SurveyAnswer,
    SurveyInvitation,
)

PALETTE = ["#007d7e", "#c2410c", "#4338ca", "#15803d", "#a21caf", "#0369a1", "#b45309"]


# Audits -----------------------------------------------------------------------


def audit_findings(audit):
    return list(
        audit.findings.select_related("item", "case", "recorded_by").prefetch_related("photos")
    )


def audit_report(audit):
    findings = audit_findings(audit)
    return {
        "audit": audit,
        "scores": list(audit.scores.all()),
        "total_points": sum((s.points for s in audit.scores.all()), Decimal(0)),
        "findings": findings,
        "rectified": sum(1 for f in findings if f.is_rectified),
        "with_case": sum(1 for f in findings if f.case_id),
        "signatures": list(audit.signatures.select_related("auditor")),
        "auditors": list(audit.auditors.all()),
    }


def score_trend(estate=None, since=None):
    """{indicator or 总分: [(audit date, score)]} per estate, oldest first."""
    audits = Audit.objects.all()
    if estate is not None:
        audits = audits.filter(estate=estate)
    if since is not None:
        audits = audits.filter(audit_date__gte=since)
    series = defaultdict(list)
    for audit_date, total, estate_title in audits.order_by("audit_date", "id").values_list(
        "audit_date", "total_score", "estate__title"
    ):
        series[f"{estate_title}·总分"].append((audit_date, total or Decimal(0)))
    scores = IndicatorScore.objects.filter(audit__in=audits).order_by("audit__audit_date", "id")
    for audit_date, name, score, estate_title in scores.values_list(
        "audit__audit_date", "name", "score", "audit__estate__title"
    ):
        series[f"{estate_title}·{name}"].append((audit_date, score))
    return dict(series)


def frequent_deductions(audits=None, limit=10):
    findings = Finding.objects.all()
    if audits is not None:
        findings = findings.filter(audit__in=audits)
    return list(
        findings.values("item__indicator_name", "item__title")
        .annotate(times=Count("id"), points=Sum("deduction"))
        .order_by("-times", "-points")[:limit]
    )


def open_rectifications(audits=None):
    findings = Finding.objects.filter(case__isnull=False, case__handled_at__isnull=True)
    if audits is not None:
        findings = findings.filter(audit__in=audits)
    return list(
        findings.select_related("audit__estate", "item", "case").order_by("case__rectify_deadline")
    )


def svg_line_chart(series, title, width=640, height=220):
    """Scores over time as an inline SVG line chart (one line per series)."""
    points = [p for values in series.values() for p in values]
    if not points:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"><text x="0" y="20">{escape(title)}：暂无数据</text></svg>'
    days = sorted({d for d, _ in points})
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    # Scores move within a few points, so the axis spans the values seen, not 0–max.
    values = [float(v) for _, v in points]
    low, peak = min(values), max(values)
    margin = max((peak - low) * 0.15, 1.0)
    low, peak = max(low - margin, 0.0), peak + margin
    left, top, bottom, right = 40, 24, 40, 170
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(day, value):
        x = left + plot_w * (day - first).days / span
        y = top + plot_h * (1 - (float(value) - low) / (peak - low))
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left}" y="{height - 20}" font-size="11">{first:%Y-%m-%d}</text>',
        f'<text x="{left + plot_w - 60}" y="{height - 20}" font-size="11">{last:%Y-%m-%d}</text>',
        f'<text x="0" y="{top + 10}" font-size="11">{peak:.1f}</text>',
        f'<text x="0" y="{top + plot_h}" font-size="11">{low:.1f}</text>',
    ]
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        line = " ".join(xy(d, v) for d, v in values)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>')
        for d, v in values:
            x, y = xy(d, v).split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{d:%Y-%m-%d} {v}</title></circle>')
        parts.append(
            f'<text x="{left + plot_w + 10}" y="{top + 14 * n + 10}" font-size="11" fill="{colour}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def add_bar_chart(sheet, title, *, values, labels, rows, anchor, direction):
    """Bars of column ``values`` (its heading in row 1 names them) against the labels in
    column ``labels``, over the ``rows`` rows under the headings; ``direction`` is "bar"
    (horizontal, for long item names) or "col"."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type, chart.title = direction, title
    chart.add_data(Reference(sheet, min_col=values, min_row=1, max_row=rows + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=labels, min_row=2, max_row=rows + 1))
    sheet.add_chart(chart, anchor)


def audits_workbook(estate, trend, deductions, rectifications):
    """Trend (line chart), frequent deductions (bar chart) and open rectifications."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "得分趋势"
    names = list(trend)
    days = sorted({d for values in trend.values() for d, _ in values})
    sheet.append(["检查日期", *names])
    for day in days:
        row = [day]
        for name in names:
            row.append(next((float(v) for d, v in trend[name] if d == day), None))
        sheet.append(row)
    if days:
        chart = LineChart()
        chart.title = f"{estate.title if estate else '全部小区'} 督导检查得分趋势"
        chart.y_axis.title, chart.x_axis.title = "得分", "检查日期"
        chart.add_data(Reference(sheet, min_col=2, max_col=len(names) + 1, min_row=1,
                                 max_row=len(days) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(days) + 1))
        chart.width, chart.height = 24, 12
        sheet.add_chart(chart, "B" + str(len(days) + 4))
    top = workbook.create_sheet("常见扣分项")
    top.append(["一级指标", "检查项目", "次数", "扣分合计"])
    for row in deductions:
        top.append([row["item__indicator_name"], row["item__title"], row["times"],
                    float(row["points"] or 0)])
    if deductions:
        add_bar_chart(top, "扣分次数最多的检查项目", values=3, labels=2, rows=len(deductions),
                      anchor="F2", direction="bar")
    open_sheet = workbook.create_sheet("未完成整改")
    open_sheet.append(["小区", "检查日期", "检查项目", "问题", "整改案件", "整改期限"])
    for finding in rectifications:
        open_sheet.append([
            finding.audit.estate.title, finding.audit.audit_date, finding.item.title,
            finding.description, finding.case.number, finding.case.rectify_deadline,
        ])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _table_headed(document, heading):
    """The template's table whose first cell reads ``heading`` (survives restyling)."""
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == heading:
            return table
    raise ValueError(f"检查报告模板缺少表头为「{heading}」的表格。")


def audit_docx(audit):
    """The audit report from doc_templates/docx/audit_report.docx, tables filled in."""
    from doc_templates.filling import fill_document, format_date, open_document

    report = audit_report(audit)
    document = open_document(str(AUDIT_TEMPLATE))
    fill_document(document, {
        "小区": audit.estate.title,
        "检查日期": format_date(audit.audit_date),
        "检查标准": str(audit.checklist),
        "检查人员": "、".join(display_name(u) for u in report["auditors"]),
        "总得分": f"{audit.total_score or 0}",
        "满分": f"{report['total_points']}",
        "项目经理": display_name(audit.project_manager) if audit.project_manager else "",
        "项目经理意见": audit.acknowledgement_note or "",
        "整改情况": f"共{len(report['findings'])}个问题，已开整改{report['with_case']}个，"
        f"已整改{report['rectified']}个",
    })
    scores_table = _table_headed(document, "一级指标")
    findings_table = _table_headed(document, "序号")
    for score in report["scores"]:
        cells = scores_table.add_row().cells
        for cell, value in zip(cells, [score.name, score.points, score.deducted, score.score],
                               strict=True):
            cell.text = str(value)
    for n, finding in enumerate(report["findings"], 1):
        cells = findings_table.add_row().cells
        values = [
            n, f"{finding.item.indicator_name}·{finding.item.title}", finding.description,
            finding.location, finding.persons, finding.deduction,
            finding.case.number if finding.case_id else "",
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# Surveys ------------------------------------------------------------------------


def survey_results(survey, text_limit=200):
    """Response rate, average per scored question and per building, option counts, texts."""
    invitations = SurveyInvitation.objects.filter(survey=survey)
    sampled = invitations.count()
    answered = invitations.filter(response__isnull=False).count()
    answers = SurveyAnswer.objects.filter(response__invitation__survey=survey)
    questions = list(survey.questionnaire.questions.all())
    averages = dict(
        answers.filter(score__isnull=False).values_list("question").annotate(a=Avg("score"))
    )
    per_question = []
    # Grouped by the stored JSON in the database, so only distinct answers are decoded.
    choice_rows = (
        answers.filter(question__kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE])
        .values("question_id", "choices")
        .annotate(n=Count("id"))
        .values_list("question_id", "choices", "n")
    )
    counts = defaultdict(Counter)
    for question_id, choices, n in choice_rows:
        for choice in choices:
            counts[question_id][choice] += n
    texts = defaultdict(list)
    for question_id, text in answers.filter(question__kind=Question.Kind.TEXT).exclude(
        text=""
    ).values_list("question_id", "text")[: text_limit or None]:
        texts[question_id].append(text)
    for question in questions:
        per_question.append({
            "question": question,
            "average": averages.get(question.pk),
            "options": [(label, counts[question.pk][label]) for label, _ in question.parsed_options()],
            "texts": texts.get(question.pk, []),
        })
    from cms.archives.models import Building

    building_path = Left("household__path", Length("household__path") - HouseholdArchive.steplen)
    rows = (
        invitations.filter(response__score__isnull=False)
        .annotate(building_path=building_path)
        .values("building_path")
        .annotate(n=Count("id"), average=Avg("response__score"))
        .values_list("building_path", "n", "average")
    )
    rows = list(rows)
    titles = dict(
        Building.objects.filter(path__in=[r[0] for r in rows]).values_list("path", "title")
    )
    buildings = [(titles.get(path, path), n, average) for path, n, average in sorted(rows)]
    overall = invitations.filter(response__score__isnull=False).aggregate(a=Avg("response__score"))
    return {
        "survey": survey,
        "sampled": sampled,
        "answered": answered,
        "rate": (answered / sampled * 100) if sampled else 0,
        "overall": overall["a"],
        "questions": per_question,
        "buildings": buildings,
        "care_plans": invitations.filter(response__care_plan__isnull=False).count(),
    }


def survey_workbook(results):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "概况"
    sheet.append([results["survey"].title])
    sheet.append(["样本户数", results["sampled"]])
    sheet.append(["已答户数", results["answered"]])
    sheet.append(["回收率（%）", round(results["rate"], 1)])
    sheet.append(["综合得分", float(results["overall"] or 0)])
    questions = workbook.create_sheet("题目得分")
    questions.append(["题目", "平均分"])
    scored = [q for q in results["questions"] if q["average"] is not None]
    for row in scored:
        questions.append([row["question"].text, round(float(row["average"]), 2)])
    if scored:
        add_bar_chart(questions, "各题平均分", values=2, labels=1, rows=len(scored),
                      anchor="D2", direction="bar")
    buildings = workbook.create_sheet("楼栋得分")
    buildings.append(["楼栋", "答卷数", "平均分"])
    for title, n, average in results["buildings"]:
        buildings.append([title, n, round(float(average), 2)])
    if results["buildings"]:
        add_bar_chart(buildings, "各楼栋平均分", values=3, labels=1,
                      rows=len(results["buildings"]), anchor="E2", direction="col")
    texts = workbook.create_sheet("意见建议")
    texts.append(["题目", "回答"])
    for row in results["questions"]:
        for text in row["texts"]:
            texts.append([row["question"].text, text])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# Interview plans ------------------------------------------------------------------


def month_bounds(year, month):
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def plan_period(plan):
    if plan.kind == InterviewPlan.Kind.MONTHLY:
        return month_bounds(plan.year, plan.month)
    return date(plan.year, 1, 1), date(plan.year, 12, 31)


def plan_completion(plan, today=None):
    """Each assignment with whether the archive's contact log has an interview of the
    household in the plan's period; unvisited ones are listed once the month is over."""
    today = today or timezone.localdate()
    first, last = plan_period(plan)
    assignments = list(plan.assignments.select_related("household", "interviewer"))
    attach_parents([a.household for a in assignments])
    done = set(
        ContactLog.objects.filter(
            is_interview=True,
            household__in=[a.household_id for a in assignments],
            contacted_on__range=(first, last),
        ).values_list("household_id", flat=True)
    )
    for assignment in assignments:
        assignment.done = assignment.household_id in done
    finished = [a for a in assignments if a.done]
    return {
        "assignments": assignments,
        "done": len(finished),
        "total": len(assignments),
        "rate": len(finished) / len(assignments) * 100 if assignments else 0,
        "period_over": today > last,
        "unvisited": [a for a in assignments if not a.done] if today > last else [],
    }


def analyses_due(today=None):
    """Estates with an approved interview plan last month and no analysis yet: due by
    the 5th, shown until submitted."""
    today = today or timezone.localdate()
    previous = today.replace(day=1) - timedelta(days=1)
    plans = InterviewPlan.objects.filter(
        status=InterviewPlan.Status.APPROVED, year=previous.year
    ).filter(Q(month=previous.month) | Q(kind=InterviewPlan.Kind.ANNUAL))
    submitted = InterviewAnalysis.objects.filter(
        year=previous.year, month=previous.month
    ).values_list("estate_id", flat=True)
    due = date(today.year, today.month, 5)
    estates = {p.estate for p in plans.select_related("estate").exclude(estate_id__in=submitted)}
    return [
        {"estate": e, "year": previous.year, "month": previous.month, "due": due,
         "overdue": today > due}
        for e in sorted(estates, key=lambda e: e.path)
    ]


# Relationship plan -----------------------------------------------------------------


def plan_versus_done(plan):
    """Per action and month: planned? and the recorded state."""
    actions = list(plan.actions.prefetch_related("progress"))
    rows = []
    planned_total = done_total = 0
    for action in actions:
        states = {p.month: p for p in action.progress.all()}
        cells = []
        for month in MONTHS:
            planned = getattr(action, f"m{month}")
            progress = states.get(month)
            planned_total += planned
            done_total += bool(planned and progress and progress.state == "done")
            cells.append({"month": month, "planned": planned, "progress": progress})
        rows.append({"action": action, "cells": cells})
    return {
        "plan": plan,
        "rows": rows,
        "planned": planned_total,
        "done": done_total,
        "rate": done_total / planned_total * 100 if planned_total else 0,
    }
