"""The product's long jobs, each calling its area's actions module."""

from datetime import time

from django.conf import settings
from django.utils import timezone

from jobs.registry import background_job
from jobs.schedule import every_day, every_month


@background_job("notice_batch", "批量三方温馨提示")
def issue_notice_batch(progress, batch_id):
    from doc_templates.actions import run_batch
    from doc_templates.models import NoticeBatch

    batch = NoticeBatch.objects.select_related("scope").get(pk=batch_id)
    batch = run_batch(batch, progress=progress, with_pdf=settings.NOTICE_PDF_ENABLED)
    return f"{batch.scope.title}：已签发 {batch.done} 份三方温馨提示（{batch.topic}）"


@background_job("notice_pdf", "生成签名PDF", urgent=True)
def make_notice_pdf(progress, notice_id):
    from doc_templates.actions import make_signed_pdf
    from doc_templates.models import Notice, NoticePdf

    notice = Notice.objects.get(pk=notice_id)
    progress(0, 1)
    record = NoticePdf.objects.filter(notice=notice).first() or make_signed_pdf(notice)
    progress(1, 1)
    return record.error or f"{notice.number} 的签名PDF已生成"


@background_job("close_quiet_cases", "自动结案（一周无重复投诉）")
def close_quiet_cases(progress):
    from cases.actions import close_quiet_cases as close
    from cases.models import Case

    total = Case.objects.quiet_for_a_week().count()
    counted = []

    def step(amount=1):
        counted.append(amount)
        progress(len(counted), total)

    progress(0, total)
    closed = close(progress=step)
    return f"已自动结案 {len(closed)} 件"


@background_job("monthly_report", "月度案件分析")
def monthly_case_report(progress, year, month):
    """The monthly analysis as an Excel workbook with charts, kept among private files."""
    from cases.models import Case
    from cases.reports import monthly_report, monthly_workbook

    progress(0, 1)
    workbook = monthly_workbook(monthly_report(Case.objects.all(), year, month))
    progress.attach(f"月度案件分析-{year}-{month:02d}.xlsx", workbook)
    progress(1, 1)
    return f"{year}年{month}月月度案件分析已生成，可在任务页下载。"


def _previous_month(now):
    today = timezone.localtime(now).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return {"year": year, "month": month}


every_day("close_quiet_cases", "close_quiet_cases", time(1, 30))
every_month("monthly_report", "monthly_report", 1, time(3, 0), arguments=_previous_month)
