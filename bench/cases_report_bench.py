"""Monthly report trend: month truncation per row (Django's TruncMonth, which SQLite
runs as a Python function) versus this project's one-pass filtered counts between
local month bounds, on the same cases in one run.

    .venv/bin/python bench/cases_report_bench.py [--cases 100000] [--runs 5]

Cases (without history rows, which the report does not read) go into
var/bench-report.sqlite3 unless DATABASE_URL is set; generated once and reused.
Also times the whole monthly_report(): every month counted afresh; as the admin reads it
just after a case of the month changed, the month counted again (the way before, and still
for writes outside the actions) and the change counted in by the action (now); and read again.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-report.sqlite3'}")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from cases import actions, reports  # noqa: E402
from cases.models import Case, CaseTopic  # noqa: E402

YEAR = 2025


def generate(total, batch=5000):
    existing = Case.objects.count()
    topics = list(CaseTopic.objects.all())
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1, 9, 0))
    span = 365 * 24 * 3600
    for offset in tqdm(range(existing, total, batch), desc="生成案件", unit="批"):
        Case.objects.bulk_create(
            Case(
                number=f"投诉-{YEAR}-{i + 1:07d}",
                kind="complaint",
                channel="phone",
                received_at=start + dt.timedelta(seconds=(i * 7919) % span),
                reporter_name=f"业主{i % 5000}",
                topic=topics[i % len(topics)],
                description="基准测试生成的案件",
            )
            for i in range(offset, min(offset + batch, total))
        )


def trend_truncating_each_row(cases, year):
    """What the report did before, for the twelve months of ``year``: TruncMonth per
    row, the months read back in Python."""
    start, _ = reports.month_bounds(year, 1)
    _, end = reports.month_bounds(year, 12)
    rows = (
        cases.filter(received_at__gte=start, received_at__lt=end)
        .annotate(m=TruncMonth("received_at"))
        .values("m")
        .annotate(n=Count("pk"))
    )
    return {timezone.localtime(row["m"]).strftime("%Y-%m"): row["n"] for row in rows}


def a_december_case_changed():
    """A colleague corrects the topic of one December case through the actions, back and
    forth (a case of the middle of the month, not one of its typical cases)."""
    start, end = reports.month_bounds(YEAR, 12)
    december = Case.objects.filter(received_at__gte=start, received_at__lt=end)
    pk = december.order_by("pk").values_list("pk", flat=True)[december.count() // 2]
    first, second = CaseTopic.objects.order_by("pk")[:2]

    def change():
        case = Case.objects.get(pk=pk)
        case.topic = second if case.topic_id == first.pk else first
        actions.update_case(case, None, "更正主题")

    return change


def median_ms(function, runs, before=lambda: None):
    timings = []
    for _ in range(runs):
        before()
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    generate(args.cases)
    cases = Case.objects.filter(merged_into__isnull=True)
    before = trend_truncating_each_row(cases, YEAR)
    after = dict(reports.trend(cases, YEAR, 12))
    assert all(before.get(month, 0) == count for month, count in after.items()), (before, after)
    december, _ = reports.month_bounds(YEAR, 12)
    reports.monthly_report(Case.objects.all(), YEAR, 12)  # the other months' summaries
    rows = [
        (
            "12 个月趋势：逐行截取月份（原做法）",
            median_ms(lambda: trend_truncating_each_row(cases, YEAR), args.runs),
        ),
        (
            "12 个月趋势：数据库内按月界一次计数",
            median_ms(lambda: reports.trend(cases, YEAR, 12), args.runs),
        ),
        (
            "整个月度分析 monthly_report()，12 个月全部重新计数",
            median_ms(lambda: reports.monthly_report(cases, YEAR, 12), args.runs),
        ),
        (
            "同上，管理后台的读法：该月刚有案件变动，重新计数（之前的做法；其余月份读月度汇总）",
            median_ms(
                lambda: reports.monthly_report(Case.objects.all(), YEAR, 12),
                args.runs,
                before=lambda: reports.forget_months(december),
            ),
        ),
        (
            "同上，该月刚有案件经办理动作变动（已计入月度汇总，现在的做法）",
            median_ms(
                lambda: reports.monthly_report(Case.objects.all(), YEAR, 12),
                args.runs,
                before=a_december_case_changed(),
            ),
        ),
        (
            "同上，该月已计数且无变动（读月度汇总）",
            median_ms(lambda: reports.monthly_report(Case.objects.all(), YEAR, 12), args.runs),
        ),
    ]
    print(f"{connection.vendor}: {Case.objects.count():,} 件案件；每项取 {args.runs} 次中位数")
    print("| 查询 | 时间 (ms) |")
    print("|---|---:|")
    for label, ms in rows:
        print(f"| {label} | {ms:.0f} |")


if __name__ == "__main__":
    main()
