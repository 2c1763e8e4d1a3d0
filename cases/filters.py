"""Filters of the case list, including the running clocks (due today, overdue) and the
work lists the dashboard counts link to."""

import django_filters
from wagtail.admin.filters import WagtailFilterSet

from cases.models import Case

# name → (label, the list for the signed-in user); the dashboard links to ?work=<name>.
WORK_LISTS = {
    "mine": ("我的在办案件", lambda cases, user: cases.assigned_to(user)),
    "due_today": ("今日到期", lambda cases, user: cases.due_today()),
    "overdue": ("已超时", lambda cases, user: cases.overdue()),
    "visits_due": ("待回访", lambda cases, user: cases.visits_due()),
    "needs_handler": (
        "超过一个工作日未指定处理人",
        lambda cases, user: cases.needs_named_handler(),
    ),
    "to_sign": ("待我签批的处理决定", lambda cases, user: cases.awaiting_signature(user)),
    "major": ("重大案件", lambda cases, user: cases.major_open()),
    "phone_not_on_file": (
        "来电号码与档案不符",
        lambda cases, user: cases.caller_phone_not_on_file(),
    ),
}


def register_work_list(name, label, select):
    """A work list another area defines on cases, e.g. the notices still to issue."""
    WORK_LISTS[name] = (label, select)


def work_list_choices():
    return [(name, label) for name, (label, _) in WORK_LISTS.items()]


def work_list(name, cases, user):
    return WORK_LISTS[name][1](cases, user)


class CaseFilterSet(WagtailFilterSet):
    clock = django_filters.ChoiceFilter(
        label="时限",
        choices=[("due_today", "今日到期"), ("overdue", "已超时")],
        method="filter_clock",
        empty_label="全部",
    )
    work = django_filters.ChoiceFilter(
        label="工作清单",
        choices=work_list_choices,
        method="filter_work",
        empty_label="全部",
    )

    class Meta:
        model = Case
        fields = ["kind", "status", "channel", "severity", "topic"]

    def filter_clock(self, queryset, name, value):
        return queryset.due_today() if value == "due_today" else queryset.overdue()

    def filter_work(self, queryset, name, value):
        return work_list(value, queryset, self.request.user)
