"""Reports on cases: the daily stock-take (日盘点), the monthly report for leadership
and the quality department, the public summary for owners (no personal data),
with charts in the admin (SVG) and in the Excel exports (native openpyxl charts)."""

import datetime as dt
from io import BytesIO

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.html import escape

from cases.models import Case, CaseTopic, MonthSummary
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
    typical cases. Merged cases count once (the counting rules). Over all cases, the
    months already counted are read from their summaries."""
    whole = _all_cases(cases)
    counted = cases.filter(merged_into__isnull=True)
    first_day = dt.date(year, month, 1)
    # Read before counting: what is kept must belong to the generation counted.
    stored = MonthSummary.objects.filter(month=first_day).first() if whole else None
    months = trend(counted, year, month, summarised=whole)
    (_, previous_total), (_, total) = months[-2:]
    if stored is not None and stored.details is not None:
        figures = stored.details
    else:
        figures = month_details(counted, year, month)
        if whole:
            _keep(first_day, stored.generation if stored else 0, details=figures)
    typical = {case.pk: case for case in Case.objects.filter(pk__in=figures["typical"])}
    return {
        "year": year,
        "month": month,
        "total": total,
        "previous_total": previous_total,
        "change": total - previous_total,
        **presented(figures),
        "trend": months,
        "typical": [typical[pk] for pk in figures["typical"] if pk in typical],
    }


def _all_cases(cases):
    return cases.model is Case and not cases.query.has_filters()


def month_details(counted, year, month):
    """The month's figures as kept in its summary: each breakdown's tally by stored
    value, the totals and the typical cases (their ids), counted in the database in
    one grouped pass and one distinct count under the counting rules."""
    start, end = month_bounds(year, month)
    in_month = counted.filter(received_at__gte=start, received_at__lt=end)
    complaints_counted = in_month.filter(kind=Case.Kind.COMPLAINT).aggregate(
        n=Count(counting_key(), distinct=True)
    )["n"]
    return {
        **breakdowns(in_month),
        "complaints_counted": complaints_counted,
        "typical": typical_cases(in_month),
    }


# Typical cases: the month's major cases, or all its cases when none is major, those
# concerning the most people and raised the most times first (the earlier registered
# first among equals, so a kept list and a fresh one agree).
TYPICAL_SHOWN = 5
TYPICAL_ORDER = ("-people_count", "-times_count", "pk")


def typical_cases(in_month, any_major=None):
    """``any_major``: whether the month has a major case, when already known."""
    majors = in_month.filter(severity=Case.Severity.MAJOR)
    if any_major is None:
        any_major = majors.exists()
    chosen = majors if any_major else in_month
    return list(chosen.order_by(*TYPICAL_ORDER).values_list("pk", flat=True)[:TYPICAL_SHOWN])


def typical_rank(values):
    return (-values["people_count"], -values["times_count"], values["id"])


def forget_months(*moments):
    """The cases of the months of ``moments`` changed other than through the actions
    (a bulk load, a data migration): their figures are forgotten and the months move on
    a generation, inside the caller's transaction (a report counting meanwhile cannot
    keep what it counted)."""
    months = {month_of(moment) for moment in moments if moment is not None}
    MonthSummary.objects.bulk_create(
        [MonthSummary(month=month) for month in months], ignore_conflicts=True
    )
    MonthSummary.objects.filter(month__in=months).update(
        generation=F("generation") + 1, total=None, details=None
    )


def _keep(first_day, generation, **figures):
    """Keeps what was counted, unless a case of the month changed since the counting
    began (a write not yet committed holds the row until it is, then the generation
    no longer matches)."""
    MonthSummary.objects.filter(month=first_day, generation=generation).update(**figures)


def month_of(moment):
    local = timezone.localtime(moment)
    return dt.date(local.year, local.month, 1)


# (report key, column, labels, complaints only)
BREAKDOWNS = [
    ("by_kind", "kind", KIND_LABELS, False),
    ("by_class", "complaint_class", CLASS_LABELS, True),
    ("by_topic", "topic_id", None, False),  # named when presented
    ("by_root_cause", "root_cause", ROOT_LABELS, True),
    ("by_channel", "channel", CHANNEL_LABELS, False),
    ("by_department", "department", None, True),
]
# Counted from the same grouped rows: (report key, complaints only, column, value).
TOTALS = [
    ("valid", True, "validity", Case.Validity.VALID),
    ("invalid", True, "validity", Case.Validity.INVALID),
    ("major", False, "severity", Case.Severity.MAJOR),
]
# The columns a case's part in its month's figures depends on.
FIGURE_COLUMNS = list(
    dict.fromkeys(
        ["id", "received_at", "merged_into_id", "anonymous", "household_id", "reporter_name"]
        + ["people_count", "times_count"]
        + [column for _, column, _, _ in BREAKDOWNS]
        + [column for _, _, column, _ in TOTALS]
    )
)


def breakdowns(in_month):
    """The month's tallies by kind, class, topic, root cause, channel and department
    ([[stored value, count], …]), and its valid, invalid and major totals, from one
    grouped pass in the database (one row per combination that occurs, a few thousand
    at most) instead of one pass over the month's cases each."""
    columns = [column for _, column, _, _ in BREAKDOWNS] + ["validity", "severity"]
    tallies = {key: {} for key, _, _, _ in BREAKDOWNS}
    totals = {key: 0 for key, _, _, _ in TOTALS}
    for row in in_month.values(*columns).annotate(n=Count("pk")).order_by():
        tally(tallies, totals, row, row["n"])
    return {
        **{key: [[value, n] for value, n in tally.items()] for key, tally in tallies.items()},
        **totals,
    }


def tally(tallies, totals, row, n):
    """Counts ``n`` cases with the values of ``row`` into the breakdowns and totals."""
    complaint = row["kind"] == Case.Kind.COMPLAINT
    for key, column, _, complaints_only in BREAKDOWNS:
        if complaint or not complaints_only:
            tallies[key][row[column]] = tallies[key].get(row[column], 0) + n
    for key, complaints_only, column, value in TOTALS:
        if (complaint or not complaints_only) and row[column] == value:
            totals[key] += n


def presented(figures):
    """Kept figures as the report shows them: labelled, the largest first; topics by
    their current names."""
    topics = dict(CaseTopic.objects.values_list("pk", "name"))
    shown = {key: figures[key] for key, _, _, _ in TOTALS}
    shown["complaints_counted"] = figures["complaints_counted"]
    for key, column, labels, _ in BREAKDOWNS:
        rows = [
            (topics.get(value) if column == "topic_id" else value, n) for value, n in figures[key]
        ]
        shown[key] = [
            ((labels or {}).get(value, value) or "未填写", n)
            for value, n in sorted(rows, key=_largest_first)
        ]
    return shown


def _largest_first(item):
    value, n = item
    return (-n, value is None, value or "")


def _months_ending(year, month, months):
    first_year, first_month = year, month
    for _ in range(months - 1):
        first_year, first_month = previous_month(first_year, first_month)
    shown = []
    y, m = first_year, first_month
    for _ in range(months):
        shown.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return shown


def trend(cases, year, month, months=12, summarised=False):
    """[(YYYY-MM, count)] for the 12 months ending with ``month``. ``summarised``: the
    cases are all counted cases, so stored month totals stand for them and the months
    counted here are stored."""
    shown = _months_ending(year, month, months)
    kept = {}
    if summarised:
        for summary in MonthSummary.objects.filter(month__in=[dt.date(y, m, 1) for y, m in shown]):
            kept[(summary.month.year, summary.month.month)] = summary
    counts = {ym: row.total for ym, row in kept.items() if row.total is not None}
    missing = [ym for ym in shown if ym not in counts]
    if missing:
        fresh = _count_months(cases, missing)
        counts.update(fresh)
        if summarised:
            _keep_totals(fresh, kept)
    return [(f"{y}-{m:02d}", counts[(y, m)]) for y, m in shown]


def _keep_totals(fresh, kept):
    MonthSummary.objects.bulk_create(
        [
            MonthSummary(month=dt.date(y, m, 1), total=n)
            for (y, m), n in fresh.items()
            if (y, m) not in kept
        ],
        ignore_conflicts=True,
    )
    for (y, m), n in fresh.items():
        if (y, m) in kept:
            _keep(dt.date(y, m, 1), kept[(y, m)].generation, total=n)


def _count_months(cases, months):
    """{(year, month): count} in one pass in the database, a filtered count per month
    between the month's local bounds: no per-row month truncation (which SQLite does
    in Python), and the received_at index serves the whole span."""
    bounds = [month_bounds(y, m) for y, m in months]
    spanned = cases.filter(received_at__gte=bounds[0][0], received_at__lt=bounds[-1][1])
    counts = spanned.aggregate(
        **{
            f"m{index}": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end))
            for index, (start, end) in enumerate(bounds)
        }
    )
    return {ym: counts[f"m{index}"] for index, ym in enumerate(months)}


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
    workbook = _workbook_opening_with(
        "概况",
        f"{report['year']}年{report['month']}月 案件统计",
        [
            ("本月案件", report["total"]),
            ("上月案件", report["previous_total"]),
            ("环比增减", report["change"]),
            ("投诉（按计数规则）", report["complaints_counted"]),
            ("有效投诉", report["valid"]),
            ("无效投诉", report["invalid"]),
            ("重大案件", report["major"]),
        ],
    )
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
    workbook = _workbook_opening_with(
        "公示",
        f"{summary['year']}年{summary['month']}月 业户意见处理情况公示",
        [
            ("受理总数", summary["total"]),
            ("已办结", summary["finished"]),
            ("办结率（%）", summary["closed_rate"]),
        ],
    )
    _chart_sheet(workbook, "按主题", "主题", summary["by_topic"])
    _chart_sheet(workbook, "按类别", "类别", summary["by_kind"])
    return _to_bytes(workbook)


def _workbook_opening_with(title, heading, figures):
    """A new workbook whose first sheet is the headline: a heading, then one figure a row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([heading])
    for label, value in figures:
        sheet.append([label, value])
    return workbook


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
