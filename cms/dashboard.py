"""Each role's first screen is its work: one panel of counts, each linking to its filtered
list, with the first few items. Archive, reply-script and notice figures are read from
those apps' own querysets; case figures come from cases/dashboard.py."""

from django.urls import reverse
from django.utils import timezone

from cases import dashboard as case_dashboard
from core.admin_ui import UserPanel

SHOWN = 10


def section(key, title, count, url, items):
    """items: (label, url) of the first few entries."""
    return {
        "key": key,
        "title": title,
        "count": count,
        "url": url,
        "items": [{"label": label, "url": item_url} for label, item_url in items],
    }


def household_url(household):
    return reverse("archives_admin:household", args=[household.pk])


def household_section(key, title, queryset, anchor, describe):
    from cms.archives.models import attach_parents

    shown = attach_parents(queryset[:SHOWN])
    url = f"{reverse('archives_admin:reports')}#{anchor}"
    items = [(f"{h.address}（{describe(h)}）", household_url(h)) for h in shown]
    return section(key, title, queryset.count(), url, items)


def archivist_sections(user):
    """档案员: late entries, missing handover papers, new owners not visited, and callers'
    phones that are not on the owner card (a contact change to check)."""
    from cms.archives import reports
    from cms.archives.models import attach_parents

    today = timezone.localdate()
    lacking = reports.lacking_handover_papers()
    missing = reports.households_missing_papers(attach_parents(lacking[:SHOWN]))
    return [
        household_section(
            "late_entries",
            "逾期未录入",
            reports.late_entries(today),
            "late",
            lambda h: f"收楼 {h.handover_date:%Y-%m-%d}",
        ),
        section(
            "missing_papers",
            "缺少交付资料",
            lacking.count(),
            f"{reverse('archives_admin:reports')}#missing",
            [(f"{h.address}：{'、'.join(kinds)}", household_url(h)) for h, kinds in missing],
        ),
        household_section(
            "unvisited_owners",
            "入住满一周未拜访的新业主",
            reports.unvisited_new_owners(today),
            "unvisited",
            lambda h: f"入住 {h.move_in_date:%Y-%m-%d}",
        ),
        contact_change_section(),
    ]


def contact_change_section():
    from cases.models import Case

    cases = Case.objects.caller_phone_not_on_file().select_related("household")
    items = [
        (
            f"{case.household.address}：来电号码 {case.reporter_phone}（{case.number}）",
            reverse("archives_admin:change_contact", args=[case.household_id]),
        )
        for case in cases.order_by("-received_at")[:SHOWN]
    ]
    url = reverse("dashboard_contact_changes")
    return section("contact_changes", "待核对的联系方式变更", cases.count(), url, items)


def manager_sections(user):
    """客服中心经理: access requests, reply scripts awaiting approval, major cases, notices to issue."""
    from cms.archives.models import AccessGrant

    grants = AccessGrant.objects.pending().select_related("requester", "household", "building")
    url = reverse("archives_admin:grants")
    items = [
        (f"{grant.requester}：{requested_place(grant)}（{grant.reason}）", url)
        for grant in grants.order_by("pk")[:SHOWN]
    ]
    return [
        section("access_requests", "待审批的档案查阅申请", grants.count(), url, items),
        scripts_awaiting_approval_section(user),
        *case_dashboard.manager_case_sections(user),
        case_dashboard.case_section("notice_due", user, order="signed_at"),
    ]


def requested_place(grant):
    """An estate is always named with its building: 桂语江南 1栋 1单元 201室 or 桂语江南 1栋."""
    if grant.household_id:
        return grant.household.address
    return f"{grant.building.estate.title} {grant.building.title}"


def scripts_awaiting_approval_section(user):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import TaskState

    from cms.replies.models import ReplyScript

    waiting = TaskState.objects.reviewable_by(user).filter(
        workflow_state__base_content_type=ContentType.objects.get_for_model(ReplyScript)
    )
    ids = list(
        waiting.order_by("started_at").values_list("workflow_state__object_id", flat=True)[:SHOWN]
    )
    scripts = ReplyScript.objects.in_bulk([int(pk) for pk in ids])
    items = [
        (str(scripts[int(pk)]), reverse("wagtailsnippets_replies_replyscript:edit", args=[pk]))
        for pk in ids
        if int(pk) in scripts
    ]
    url = f"{reverse('wagtailsnippets_replies_replyscript:list')}?approval=waiting"
    return section("scripts_to_approve", "待审批的回复口径", waiting.count(), url, items)


def sections_for(user):
    sections = []
    if user.has_perm("archives.read_archive"):
        sections += archivist_sections(user)
    if case_dashboard.handles_cases_as_staff(user):
        sections += case_dashboard.staff_sections(user)
    if case_dashboard.signs_decisions(user):
        sections += case_dashboard.supervisor_sections(user)
    if case_dashboard.is_case_manager(user):
        sections += manager_sections(user)
    return sections


class WorkPanel(UserPanel):
    """The dashboard's first panel after the welcome: the signed-in user's work lists."""

    name = "work"
    order = 20
    template_name = "cms/work_panel.html"

    def get_context_data(self, parent_context):
        return {"sections": sections_for(self.user)}
