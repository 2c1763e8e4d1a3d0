"""Filters of the case list, including the running clocks (due today, overdue)."""

import django_filters
from wagtail.admin.filters import WagtailFilterSet

from cases.models import Case


class CaseFilterSet(WagtailFilterSet):
    clock = django_filters.ChoiceFilter(
        label="时限",
        choices=[("due_today", "今日到期"), ("overdue", "已超时")],
        method="filter_clock",
        empty_label="全部",
    )

    class Meta:
        model = Case
        fields = ["kind", "status", "channel", "severity", "topic"]

    def filter_clock(self, queryset, name, value):
        return queryset.due_today() if value == "due_today" else queryset.overdue()
