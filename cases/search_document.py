"""Cases as search documents; hits follow cases.policy.visible_cases."""

from django.shortcuts import get_object_or_404, redirect

from cases.models import Case
from cases.policy import visible_cases
from search.registry import SearchKind, ids_filter, register


class CaseKind(SearchKind):
    name = "case"
    label = "案件"
    index_base = "cases"

    def model(self):
        return Case

    def allowed_for(self, user):
        # Only real accounts: the policy decides per user.
        return super().allowed_for(user) and getattr(user, "pk", None) is not None

    def indexable(self):
        return Case.objects.select_related("topic")

    def fields(self, case):
        topic = case.topic.name if case.topic_id else ""
        return {
            "kind": self.name,
            "object_id": str(case.pk),
            "title": f"{case.number} {case.get_kind_display()} {topic} {case.location}".strip(),
            "body": "\n".join(filter(None, [case.description, case.result])),
            "tags": topic,
            "topic": topic,
            "status": case.get_status_display(),
            "approved_at": case.received_at,
            "url": self.open_url(case.pk),
        }

    def visible_filter(self, user):
        if user.has_perm("cases.view_all_cases"):
            return {"term": {"kind": self.name}}
        return ids_filter(self.name, visible_cases(user).values_list("pk", flat=True))

    def open(self, request, object_id):
        case = get_object_or_404(visible_cases(request.user), pk=object_id)
        return redirect("cases:detail", pk=case.pk)


register(CaseKind())
