"""Wagtail's own page views for the archive tree, given to the archive page types through
Wagtail's per-page-type viewsets (``ArchivePageViewSet``).

Whether a view opens stays the archive pages' permission tester's answer (it asks the
policy). On top of Wagtail's views, a household's editor, previews, revisions and history
write each reading to the register and explain a refusal (ask for access); the delete view
of any archive page records the attempt and refuses in Chinese.
"""

from functools import cached_property, wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from wagtail.admin.views.pages import preview, revisions
from wagtail.admin.views.pages.delete import DeleteView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.history import PageHistoryView
from wagtail.admin.views.pages.workflow import PreviewRevisionForTaskView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page

from cms.archives import policy
from cms.archives.models import AccessRecord, ArchiveDeletionRefused, HouseholdArchive
from cms.archives.permanence import record_deletion_attempt

REFUSED_READING = "该业户档案属绝密，您无权查阅。请提交查阅申请，经客户服务中心经理批准后再查阅。"


def household_of(kwargs):
    return get_object_or_404(HouseholdArchive, pk=kwargs.get("page_id") or kwargs.get("pk"))


class RegistersReading:
    """A household screen answered to a GET is one reading, written to the register; the
    tester's refusal of someone the policy does not let read sends them to ask for access."""

    via = AccessRecord.Via.ADMIN

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        @wraps(view)
        def read(request, *args, **kwargs):
            household = household_of(kwargs)
            try:
                response = view(request, *args, **kwargs)
            except PermissionDenied:
                if policy.can_read_household(request.user, household):
                    raise
                messages.error(request, REFUSED_READING)
                return redirect(
                    reverse("archives_admin:request_access") + f"?household={household.pk}"
                )
            if request.method == "GET" and response.status_code == 200:
                policy.record_access(request.user, household, cls.via, request=request)
            return response

        return read


class HouseholdEditView(RegistersReading, EditView):
    pass


class HouseholdPreviewOnEditView(RegistersReading, preview.PreviewOnEditView):
    via = AccessRecord.Via.PREVIEW


class HouseholdViewDraftView(RegistersReading, preview.ViewDraftView):
    via = AccessRecord.Via.PREVIEW


class HouseholdWorkflowPreviewView(RegistersReading, PreviewRevisionForTaskView):
    via = AccessRecord.Via.PREVIEW


class HouseholdRevisionsView(RegistersReading, revisions.RevisionsView):
    via = AccessRecord.Via.REVISIONS


class HouseholdRevisionsCompareView(RegistersReading, revisions.RevisionsCompareView):
    via = AccessRecord.Via.REVISIONS


class HouseholdRevisionsRevertView(RegistersReading, revisions.RevisionsRevertView):
    via = AccessRecord.Via.REVISIONS


class HouseholdHistoryView(RegistersReading, PageHistoryView):
    via = AccessRecord.Via.REVISIONS


class PermanentDeleteView(DeleteView):
    """Nothing of the archive tree is deleted (the tester offers no delete and the database
    refuses); whoever reaches this address by hand is told so and the attempt is recorded."""

    def dispatch(self, request, page_id, *args, **kwargs):
        page = get_object_or_404(Page, id=page_id).specific
        record_deletion_attempt(page, "admin", request.user)
        messages.error(request, ArchiveDeletionRefused.message)
        return redirect("wagtailadmin_explore", (page.get_parent() or page).pk)


class ArchivePageViewSet(PageViewSet):
    delete_view_class = PermanentDeleteView

    @cached_property
    def parent_models(self):
        # The explorer lists estates, buildings and rooms with Wagtail's own listing.
        return []


class HouseholdPageViewSet(ArchivePageViewSet):
    model = HouseholdArchive
    edit_view_class = HouseholdEditView
    preview_on_edit_view_class = HouseholdPreviewOnEditView
    view_draft_view_class = HouseholdViewDraftView
    workflow_preview_view_class = HouseholdWorkflowPreviewView
    revisions_view_class = HouseholdRevisionsView
    revisions_compare_view_class = HouseholdRevisionsCompareView
    revisions_revert_view_class = HouseholdRevisionsRevertView
    history_view_class = HouseholdHistoryView
