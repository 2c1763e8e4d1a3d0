"""The case sections of each role's first screen: what is waiting, how many, and the
filtered case list each count opens."""

from urllib.parse import urlencode

from django.urls import reverse

from cases.filters import WORK_LISTS, work_list
from cases.policy import visible_cases
from cases.views import suggested_reply_scripts

SHOWN = 10


def case_list_url(name):
    return f"{reverse('cases:index')}?{urlencode({'work': name})}"


def running_due(case):
    """The clock that runs out first while the case waits: response, then resolution."""
    if case.responded_at is None and case.response_due_at:
        return case.response_due_at
    if case.handled_at is None and case.resolve_due_at:
        return case.resolve_due_at
    return None


def case_item(case, with_scripts=False):
    item = {
        "label": f"{case.number} {case.topic} · {case.get_status_display()}",
        "url": reverse("cases:detail", args=[case.pk]),
        "due": running_due(case),
    }
    if with_scripts:
        item["scripts"] = suggested_reply_scripts(case)[:2]
    return item


def case_section(name, user, *, with_scripts=False, order="response_due_at"):
    cases = work_list(name, visible_cases(user), user).select_related("topic")
    shown = cases.order_by(order)[:SHOWN]
    return {
        "key": name,
        "title": WORK_LISTS[name][0],
        "count": cases.count(),
        "url": case_list_url(name),
        "items": [case_item(case, with_scripts) for case in shown],
    }


def staff_sections(user):
    """客服人员 / 片区管家: my open cases with their clocks and wording, due today, visits due."""
    return [
        case_section("mine", user, with_scripts=True),
        case_section("due_today", user),
        case_section("visits_due", user, order="visit_due_at"),
    ]


def supervisor_sections(user):
    """物业主管: decisions waiting for my signature, overdue cases, major cases."""
    return [
        case_section("to_sign", user, order="received_at"),
        case_section("overdue", user),
        case_section("major", user, order="received_at"),
    ]


def manager_case_sections(user):
    """客服中心经理: major cases."""
    return [case_section("major", user, order="received_at")]


def handles_cases_as_staff(user):
    return user.has_perm("cases.change_case") and not user.has_perm("cases.view_all_cases")


def signs_decisions(user):
    return user.has_perm("cases.sign_decision") and not user.has_perm("cases.handle_major_case")


def is_case_manager(user):
    return user.has_perm("cases.handle_major_case")
