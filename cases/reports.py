"""Reports on cases: the daily stock-take (日盘点), the monthly report for leadership
and the quality department, the public summary for owners (no personal data),
with charts in the admin (SVG) and in the Excel exports (native openpyxl charts)."""

import datetime as dt
from io import BytesIO

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape

from cases.models import Case
from cases.querysets import counting_key

KIND_LABELS = dict(Case.Kind.choices)
CHANNEL_LABELS = dict(Case.Channel.choices)
CLASS_LABELS = dict(Case.ComplaintClass.choices)
ROOT_LABELS = dict(Case.RootCause.choices)
STATUS_LABELS = dict(Case.Status.choices)
# Topics that concern all owners (public interest) or neighbours, for the public summary.
PUBLIC_TOPICS = ["维修", "清洁", "安全", "收费", "服务态度", "噪音", "宠物", "乱摆放", "高空抛物"]


def month_bounds(year, month):
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _counts(queryset, field, labels=None):
    rows = queryset.values(field).annotate(n=Count("pk")).order_by("-n", field)
    return [((labels or {}).get(row[field], row[field]) or "未填写", row["n"]) for row in rows]


# The stock-take page lists the first cases of each list; the rest are a click away on
# the list's own page, page by page.
DAILY_SHOWN = 20
DAILY_LISTS = {
    "due_today": ("今日到期", lambda cases: cases.due_today().order_by("response_due_at", "pk")),
    "overdue": ("已超时", lambda cases: cases.overdue().order_by("response_due_at", "pk")),
    "without_handler": (
        "超过一个工作日仍未指定处理人的投诉",
        lambda cases: cases.needs_named_handler().order_by("received_at", "pk"),
    ),
}


def daily_list(cases, name):
    """One of the stock-take's lists in full, in the order the page shows it."""
    _, select = DAILY_LISTS[name]
    return select(cases).select_related("topic")


def daily_stocktake(cases, day=None):
    """Today's intake by channel, what is open, due today and overdue."""
    day = day or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    today = cases.filter(received_at__gte=start, received_at__lt=start + dt.timedelta(days=1))
    lists = {}
    for name, (title, _) in DAILY_LISTS.items():
        rows = daily_list(cases, name)
        lists[name] = {"title": title, "count": rows.count(), "first": list(rows[:DAILY_SHOWN])}
    return {
        "day": day,
        "intake_total": today.count(),
        "intake_by_channel": _counts(today, "channel", CHANNEL_LABELS),
        "intake_by_kind": _counts(today, "kind", KIND_LABELS),
        "open": cases.open().count(),
        "open_by_status": _counts(cases.open(), "status", STATUS_LABELS),
        **lists,
    }


def monthly_report(cases, year, month):
    """Counts by kind, class, topic, root cause and channel; month-over-month trend;
    typical cases. Merged cases count once (the counting rules)."""
    start, end = month_bounds(year, month)
    counted = cases.filter(merged_into__isnull=True)
    in_month = counted.filter(received_at__gte=start, received_at__lt=end)
    prev_start, _ = month_bounds(*previous_month(year, month))
    previous_total = counted.filter(received_at__gte=prev_start, received_at__lt=start).count()
    complaint = Q(kind=Case.Kind.COMPLAINT)
    # The month's totals in one pass over its cases.
    totals = in_month.aggregate(
        total=Count("pk"),
        complaints_counted=Count(counting_key(), distinct=True, filter=complaint),
        valid=Count("pk", filter=complaint & Q(validity=Case.Validity.VALID)),
        invalid=Count("pk", filter=complaint & Q(validity=Case.Validity.INVALID)),
        major=Count("pk", filter=Q(severity=Case.Severity.MAJOR)),
    )
    total = totals["total"]
    return {
        "year": year,
        "month": month,
        "total": total,
        "previous_total": previous_total,
        "change": total - previous_total,
        **breakdowns(in_month),
        "complaints_counted": totals["complaints_counted"],
        "valid": totals["valid"],
        "invalid": totals["invalid"],
        "major": totals["major"],
        "trend": trend(counted, year, month),
        "typical": list(
            in_month.filter(severity=Case.Severity.MAJOR)
            .select_related("topic")
            .order_by("-people_count", "-times_count")[:5]
        )
        or list(in_month.select_related("topic").order_by("-people_count", "-times_count")[:5]),
    }


# (report key, column, labels, complaints only)
BREAKDOWNS = [
    ("by_kind", "kind", KIND_LABELS, False),
    ("by_class", "complaint_class", CLASS_LABELS, True),
    ("by_topic", "topic__name", None, False),
    ("by_root_cause", "root_cause", ROOT_LABELS, True),
    ("by_channel", "channel", CHANNEL_LABELS, False),
    ("by_department", "department", None, True),
]


def breakdowns(in_month):
    """The month's counts by kind, class, topic, root cause, channel and department from
    one grouped pass in the database (one row per combination that occurs, a few
    hundred at most), instead of one pass over the month's cases per breakdown."""
    columns = [column for _, column, _, _ in BREAKDOWNS]
    tallies = {key: {} for key, _, _, _ in BREAKDOWNS}
    for row in in_month.values(*columns).annotate(n=Count("pk")).order_by():
        for key, column, _, complaints_only in BREAKDOWNS:
            if complaints_only and row["kind"] != Case.Kind.COMPLAINT:
                continue
            tally = tallies[key]
            tally[row[column]] = tally.get(row[column], 0) + row["n"]
    return {
        key: [
            ((labels or {}).get(value, value) or "未填写", n)
            for value, n in sorted(tallies[key].items(), key=_largest_first)
        ]
        for key, _, labels, _ in BREAKDOWNS
    }


def _largest_first(item):
    value, n = item
    return (-n, value is None, value or "")


def trend(cases, year, month, months=12):
    """[(YYYY-MM, count)] for the 12 months ending with ``month``."""
    first_year, first_month = year, month
    for _ in range(months - 1):
        first_year, first_month = previous_month(first_year, first_month)
    months_shown = []
    y, m = first_year, first_month
    for _ in range(months):
        months_shown.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    # One pass in the database, a filtered count per month between the month's local
    # bounds: no per-row month truncation (which SQLite does in Python), and the
    # received_at index serves the whole year.
    first_start, _ = month_bounds(*months_shown[0])
    _, last_end = month_bounds(*months_shown[-1])
    shown = cases.filter(received_at__gte=first_start, received_at__lt=last_end)
    counts = shown.aggregate(
        **{
            f"m{index}": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end))
            for index, (start, end) in enumerate(month_bounds(y, m) for y, m in months_shown)
        }
    )
    return [(f"{y}-{m:02d}", counts[f"m{index}"]) for index, (y, m) in enumerate(months_shown)]


def public_summary(cases, year, month):
    """Common, public-interest and neighbour-dispute cases of the month, as counts and
    handling outcomes only: no names, rooms, phone numbers or descriptions."""
    start, end = month_bounds(year, month)
    in_month = cases.filter(merged_into__isnull=True, received_at__gte=start, received_at__lt=end)
    public = in_month.filter(topic__name__in=PUBLIC_TOPICS) | in_month.filter(
        kind=Case.Kind.DISPUTE
    )
    closed = public.filter(status=Case.Status.CLOSED).count()
    total = public.count()
    return {
        "year": year,
        "month": month,
        "total": total,
        "finished": closed,
        "by_topic": _counts(public, "topic__name"),
        "by_kind": _counts(public, "kind", KIND_LABELS),
        "closed_rate": round(100 * closed / total) if total else 0,
    }


def svg_bar_chart(rows, title, width=560, bar_height=22):
    """A horizontal bar chart as inline SVG, for the admin pages."""
    rows = [(escape(label), n) for label, n in rows]
    title = escape(title)
    peak = max((n for _, n in rows), default=0) or 1
    label_width, gap = 110, 6
    height = 30 + len(rows) * (bar_height + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{title}">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{title}</text>',
    ]
    for i, (label, n) in enumerate(rows):
        y = 26 + i * (bar_height + gap)
        bar = int((width - label_width - 50) * n / peak)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{label}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" fill="#007d7e"/>'
        )
        parts.append(f'<text x="{label_width + bar + 4}" y="{y + 15}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def monthly_workbook(report):
    """The monthly report as .xlsx bytes: one sheet per breakdown, each with its chart."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "概况"
    summary.append([f"{report['year']}年{report['month']}月 案件统计"])
    summary.append(["本月案件", report["total"]])
    summary.append(["上月案件", report["previous_total"]])
    summary.append(["环比增减", report["change"]])
    summary.append(["投诉（按计数规则）", report["complaints_counted"]])
    summary.append(["有效投诉", report["valid"]])
    summary.append(["无效投诉", report["invalid"]])
    summary.append(["重大案件", report["major"]])
    sections = [
        ("按类别", "类别", report["by_kind"]),
        ("按投诉类别", "投诉类别", report["by_class"]),
        ("按主题", "主题", report["by_topic"]),
        ("按根本原因", "根本原因", report["by_root_cause"]),
        ("按渠道", "渠道", report["by_channel"]),
        ("按责任部门", "责任部门", report["by_department"]),
        ("月度趋势", "月份", report["trend"]),
    ]
    for title, heading, rows in sections:
        _chart_sheet(workbook, title, heading, rows, line=title == "月度趋势")
    typical = workbook.create_sheet("典型案例")
    typical.append(["编号", "类别", "主题", "涉及人数", "反映次数", "影响说明", "处理结果"])
    for case in report["typical"]:
        typical.append(
            [
                case.number,
                case.get_kind_display(),
                str(case.topic),
                case.people_count,
                case.times_count,
                case.impact_note,
                case.result,
            ]
        )
    return _to_bytes(workbook)


def public_workbook(summary):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公示"
    sheet.append([f"{summary['year']}年{summary['month']}月 业户意见处理情况公示"])
    sheet.append(["受理总数", summary["total"]])
    sheet.append(["已办结", summary["finished"]])
    sheet.append(["办结率（%）", summary["closed_rate"]])
    _chart_sheet(workbook, "按主题", "主题", summary["by_topic"])
    _chart_sheet(workbook, "按类别", "类别", summary["by_kind"])
    return _to_bytes(workbook)


def _chart_sheet(workbook, title, heading, rows, line=False):
    from openpyxl.chart import BarChart, LineChart, Reference

    sheet = workbook.create_sheet(title)
    sheet.append([heading, "件数"])
    for label, n in rows:
        sheet.append([label, n])
    if not rows:
        return sheet
    chart = LineChart() if line else BarChart()
    chart.title = title
    chart.y_axis.title = "件数"
    data = Reference(sheet, min_col=2, min_row=1, max_row=len(rows) + 1)
    labels = Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, "D2")
    return sheet


def _to_bytes(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
