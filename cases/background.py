"""The long case jobs: closing quiet cases every night, the monthly analysis."""

from datetime import time

from django.utils import timezone

from jobs.registry import background_job
from jobs.schedule import every_day, every_month


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
