"""Guards Wagtail's own page views for the archive tree.

Wagtail's edit, preview, revision and delete views have no hook for every path a
reading or a deletion can take (revision views and a refused delete never reach a
hook), so one middleware asks the policy for each of them: it refuses readers the
policy does not allow, writes each reading to the register, and turns any delete of
a page holding archives into a recorded, explained refusal.
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
            page_ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
            return self.refuse_deletion(request, page_ids, "bulk")
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
