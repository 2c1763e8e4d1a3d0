"""A case's change counted into the kept figures of its months (``MonthSummary``), inside
the action's transaction: the case's old values out, its new values in. The next
reading of the monthly report is then the kept one, and it equals a fresh count.

A month whose figures are not kept only moves on a generation, so that a report
counting it meanwhile does not keep what it counted."""

from cases import reports
from cases.models import Case, MonthSummary


def figures_of(pk):
    """The values of case ``pk`` that its month's figures depend on, as stored."""
    return Case.objects.filter(pk=pk).values(*reports.FIGURE_COLUMNS).first()


def count_change(before, after):
    """``before``/``after``: the case's ``figures_of`` before and after the change
    (None when it did not exist yet or no longer exists)."""
    if before == after:
        return
    sides = [(values, sign) for values, sign in ((before, -1), (after, 1)) if values]
    months = sorted({reports.month_of(values["received_at"]) for values, _ in sides})
    MonthSummary.objects.bulk_create(
        [MonthSummary(month=month) for month in months], ignore_conflicts=True
    )
    # Locked in month order: two colleagues moving cases between the same months wait
    # for each other instead of deadlocking, and each counts on what the other committed.
    for summary in (
        MonthSummary.objects.select_for_update().filter(month__in=months).order_by("month")
    ):
        in_month = [(values, sign) for values, sign in sides if _counted_in(values, summary.month)]
        if summary.total is not None:
            summary.total += sum(sign for _, sign in in_month)
        if summary.details is not None and in_month:
            summary.details = _figures_with(summary.details, summary.month, in_month)
        summary.generation += 1
        summary.save(update_fields=["generation", "total", "details"])


def _counted_in(values, month):
    return values["merged_into_id"] is None and reports.month_of(values["received_at"]) == month


def _figures_with(figures, month, in_month):
    keys = [key for key, _, _, _ in reports.BREAKDOWNS]
    tallies = {key: {value: n for value, n in figures[key]} for key in keys}
    totals = {key: figures[key] for key, _, _, _ in reports.TOTALS}
    had_major = totals["major"] > 0
    for values, sign in in_month:
        reports.tally(tallies, totals, values, sign)
    return {
        **{key: [[value, n] for value, n in tallies[key].items() if n] for key in keys},
        **totals,
        "complaints_counted": figures["complaints_counted"]
        + sum(_customer_topic_change(values, sign, month) for values, sign in in_month),
        "typical": _typical_with(figures["typical"], month, in_month, had_major, totals["major"]),
    }


def _customer_topic_change(values, sign, month):
    """+1/-1 when the case brings its customer and topic into the month's counted
    complaints or takes them out; 0 when another counted complaint of the month has them."""
    if values["kind"] != Case.Kind.COMPLAINT:
        return 0
    return 0 if _same_customer_and_topic(values, month).exists() else sign


def _same_customer_and_topic(values, month):
    """The month's other counted complaints under the same counting key."""
    start, end = reports.month_bounds(month.year, month.month)
    others = Case.objects.filter(
        kind=Case.Kind.COMPLAINT,
        merged_into__isnull=True,
        received_at__gte=start,
        received_at__lt=end,
        topic_id=values["topic_id"],
    ).exclude(pk=values["id"])
    no_customer = values["household_id"] is None and values["reporter_name"] == ""
    if values["anonymous"] or no_customer:
        return others.none()  # each such complaint is a customer of its own
    return others.filter(
        anonymous=False,
        household_id=values["household_id"],
        reporter_name=values["reporter_name"],
    )


def _typical_with(typical, month, in_month, had_major, major):
    """The typical cases after the change: counted again only when the change may have
    taken one of them out (or the month gained its first major case, or lost its last);
    otherwise the cases coming in take their rank among the kept ones."""
    leaving = {values["id"] for values, sign in in_month if sign < 0}
    if (major > 0) != had_major or leaving & set(typical):
        start, end = reports.month_bounds(month.year, month.month)
        in_month_cases = Case.objects.filter(
            merged_into__isnull=True, received_at__gte=start, received_at__lt=end
        )
        return reports.typical_cases(in_month_cases, any_major=major > 0)
    coming = [
        values
        for values, sign in in_month
        if sign > 0 and (not major or values["severity"] == Case.Severity.MAJOR)
    ]
    if not coming:
        return typical
    kept = Case.objects.filter(pk__in=typical).values("id", "people_count", "times_count")
    ranked = sorted([*kept, *coming], key=reports.typical_rank)
    return [values["id"] for values in ranked[: reports.TYPICAL_SHOWN]]
