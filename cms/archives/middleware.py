"""Registers readings and refused deletes on Wagtail's own page views.

Who may edit, preview, compare or delete is the page permission tester's answer
(``PermanentPagePermissionTester``, asking the archive policy) and the database
refuses every delete anyway. What Wagtail offers no hook for is left here: writing a
reading of the edit, preview and revision views to the register, and recording a
refused delete or bulk delete — the pages of a bulk delete are the ones Wagtail's own
bulk action takes from the request, so no id Wagtail accepts goes unrecorded.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.models import Page

from cms.archives import policy
from cms.archives.models import ArchiveDeletionRefused, HouseholdArchive
from cms.archives.permanence import archives_within, record_deletion_attempt

READING_VIEWS = {
    "edit": "admin",
    "preview_on_edit": "preview",
    "view_draft": "preview",
    "workflow_preview": "preview",
    "revisions_view": "revisions",
    "revisions_compare": "revisions",
    "revisions_revert": "revisions",
}

REFUSED_READING = "该业户档案属绝密，您无权查阅。请提交查阅申请，经客户服务中心经理批准后再查阅。"


def bulk_action_page_ids(request, view_kwargs):
    """The page ids Wagtail's bulk action itself reads from this request."""
    from django.apps import apps
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    app_label, model_name = view_kwargs["app_label"], view_kwargs["model_name"]
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, "delete")
    if action_class is None:
        return []
    action = action_class(request, apps.get_model(app_label, model_name))
    objects, context = action.get_actionable_objects()
    return [page.pk for page in [*objects, *context["items_with_no_access"]]]


class ArchiveAdminGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        reading = getattr(request, "_archive_reading", None)
        if reading and request.method == "GET" and response.status_code == 200:
            household, via = reading
            policy.record_access(request.user, household, via, request=request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return None
        if match.view_name == "wagtailadmin_pages:delete":
            return self.refuse_deletion(request, [view_kwargs["page_id"]], "admin")
        if match.view_name == "wagtail_bulk_action" and view_kwargs.get("action") == "delete":
            return self.refuse_deletion(request, bulk_action_page_ids(request, view_kwargs), "bulk")
        if match.namespace == "wagtailadmin_pages" and match.url_name in READING_VIEWS:
            page_id = view_kwargs.get("page_id") or view_kwargs.get("pk")
            return self.guard_reading(request, page_id, READING_VIEWS[match.url_name])
        return None

    def refuse_deletion(self, request, page_ids, via):
        pages = list(Page.objects.filter(pk__in=page_ids))
        if not archives_within(pages).exists():
            return None
        for page in pages:
            record_deletion_attempt(page, via, request.user)
        messages.error(request, ArchiveDeletionRefused.message)
        parent = pages[0].get_parent() or pages[0]
        return redirect("wagtailadmin_explore", parent.pk)

    def guard_reading(self, request, page_id, via):
        household = HouseholdArchive.objects.filter(pk=page_id).first()
        if household is None:
            return None
        if not policy.can_read_household(request.user, household):
            messages.error(request, REFUSED_READING)
            return redirect(reverse("archives_admin:request_access") + f"?household={household.pk}")
        request._archive_reading = (household, via)
        return None
