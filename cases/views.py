"""Admin views of a case: the case page with its timeline and actions, and the
read-only history with field-level differences."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases import actions
from cases.case_actions import BY_NAME, offered_actions
from cases.history import field_changes, linked_rows
from cases.models import Case, EditConflict
from cases.policy import visible_cases
from core.aftercommit import committed_save
from core.downloads import download_response
from core.people import display_name


def case_for(request, pk):
    return get_object_or_404(visible_cases(request.user).select_related("topic", "handler"), pk=pk)


def suggested_reply_scripts(case):
    """Approved reply scripts for the case, so the answer matches the agreed wording. The reply
    scripts area answers through the ``reply_scripts_for_case`` hook: it knows cases, not the
    other way round."""
    for scripts_for_case in hooks.get_hooks("reply_scripts_for_case"):
        return scripts_for_case(case)
    return []


class CaseAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "clipboard-list"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("cases:index"), "label": "案件"},
            {"url": "", "label": self.get_page_title()},
        ]


class CaseDetailView(CaseAdminView):
    """案件详情: the record, deadline clocks, timeline, visits, parties, actions."""

    template_name = "cases/case_detail.html"
    bound_action = None

    def dispatch(self, request, pk, *args, **kwargs):
        self.case = case_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.case.get_kind_display()} {self.case.number}"

    def get_context_data(self, **kwargs):
        case = self.case
        forms = []
        for action in offered_actions(case, self.request.user):
            if self.bound_action and self.bound_action[0] is action:
                forms.append((action, self.bound_action[1]))
            else:
                forms.append((action, action.make_form(case)))
        return super().get_context_data(
            case=case,
            action_forms=forms,
            timeline=case.timeline.select_related("by"),
            visits=case.visits.all(),
            parties=case.parties.all(),
            participants=case.participants.all(),
            reminders=case.reminders.all(),
            removed_items=case.removed_items.all(),
            evidence=case.evidence.select_related("uploaded_by"),
            merged_cases=case.merged_cases.all(),
            reply_scripts=suggested_reply_scripts(case),
            decision_in_effect=actions.decision_in_effect(case),
            needs_named_handler=Case.objects.filter(pk=case.pk).needs_named_handler().exists(),
            unread_notices=case.manager_notices.filter(user=self.request.user, read_at=None),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = BY_NAME.get(request.POST.get("action"))
        if action is None or not action.offered(self.case, request.user):
            raise PermissionDenied("此操作当前不可用或您无权操作。")
        form = action.make_form(self.case, request.POST, request.FILES)
        if form.is_valid():
            try:
                with committed_save(action.label):
                    case = Case.objects.select_for_update().get(pk=self.case.pk)
                    action.run(case, request.user, form.cleaned_data)
            except (ValidationError, PermissionDenied, EditConflict) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, f"{action.label}：已完成")
                return redirect("cases:detail", self.case.pk)
        messages.error(request, f"{action.label}未完成，请查看表单中的提示。")
        self.bound_action = (action, form)
        return self.get(request, *args, **kwargs)


@require_POST
def mark_notices_read(request, pk):
    """标为已读: the manager's alerts about this case leave the dashboard. Opening the case
    does not do it, so an alert glimpsed in passing stays until it is acknowledged."""
    case = case_for(request, pk)
    actions.mark_notices_read(case, request.user)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("cases:detail", case.pk)


def evidence_download(request, pk, evidence_id):
    """Evidence is served only to those who may see the case."""
    case = case_for(request, pk)
    evidence = get_object_or_404(case.evidence, pk=evidence_id)
    name = evidence.file.name.rsplit("/", 1)[-1]
    return download_response(evidence.file.open("rb"), name)


class CaseHistoryView(CaseAdminView):
    """修订历史: every saved version of the case and its parts, newest first, with the
    fields that changed. Read-only: there is nothing to edit or revert here."""

    template_name = "cases/case_history.html"

    def dispatch(self, request, pk, *args, **kwargs):
        self.case = case_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.case.number} 修订历史"

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, entries=case_history(self.case), **kwargs)


def case_history(case):
    """History rows of the case and of its timeline, visits, parties … as dicts."""
    parts = [
        ("案件", case.history.select_related("history_user")),
        *(
            (related.model._meta.verbose_name, related.model.history.filter(case_id=case.pk))
            for related in (
                case.timeline,
                case.visits,
                case.parties,
                case.participants,
                case.reminders,
                case.removed_items,
                case.evidence,
            )
        ),
    ]
    entries, names = [], {}
    for label, rows in parts:
        # In date order, so each version's predecessor is the one read just before it
        # for the same object: no query per version for the field differences.
        latest_of = {}
        records = list(rows.select_related("history_user").order_by("history_date", "history_id"))
        links = linked_rows(records)
        for record in records:
            previous = latest_of.get(record.id)
            entries.append(_entry(label, record, previous, names, links))
            latest_of[record.id] = record
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


HISTORY_TYPES = {"+": "新建", "~": "修改", "-": "删除"}


def _entry(label, record, previous, names, links):
    user = record.history_user
    changed = record.history_type == "~"
    return {
        "part": label,
        "object": str(record.instance) if label != "案件" else "",
        "type": HISTORY_TYPES.get(record.history_type, record.history_type),
        "at": record.history_date,
        "user": display_name(user) if user else "系统",
        "reason": record.history_change_reason or "",
        "changes": field_changes(record, previous, names, links) if changed else [],
    }


LOOKUP_LIMIT = 10


def case_lookup(request):
    """Cases this user may see, found by number, reporter or words of the content."""
    query = request.GET.get("q", "").strip()
    cases = visible_cases(request.user).select_related("topic")
    if query:
        cases = cases.filter(
            Q(number__icontains=query)
            | Q(reporter_name__icontains=query)
            | Q(description__icontains=query)
            | Q(location__icontains=query)
        )
    found = [
        {"id": case.pk, "label": f"{case.number} {case.topic} {case.reporter_display}".strip()}
        for case in cases.order_by("-received_at")[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": found}, json_dumps_params={"ensure_ascii": False})
