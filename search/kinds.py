"""What is searchable: reply scripts, cases and owner archives, and how each becomes a document.

Each kind knows its model, which rows belong in the index, how a row turns
into a SearchDocument and who may see its hits. Cases and archives take part
as soon as their apps provide the models and policies (issues 3 and 4).
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from search.indices import SearchDocument, suggestion_inputs


class Kind:
    name = ""
    label = ""
    index_base = ""
    model_label = ""

    def model(self):
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None

    @property
    def available(self):
        return self.model() is not None

    def indexable(self):
        return self.model()._default_manager.all()

    def prepared(self, objects):
        """A batch of rows made ready for document(), e.g. with related rows attached."""
        return list(objects)

    def document(self, obj):
        raise NotImplementedError

    def open_url(self, object_id):
        return reverse("search:open", args=[self.name, object_id])

    def allowed_for(self, user):
        """Whether ``user`` may search this kind at all (staff accounts only)."""
        return bool(user and user.is_authenticated and user.is_active)

    def visible_filter(self, user):
        """An Elasticsearch filter limiting this kind's hits to what ``user`` may read."""
        raise NotImplementedError

    def open(self, request, object_id):
        """The response for a clicked hit, after asking the policy again."""
        raise NotImplementedError


class ReplyKind(Kind):
    name = "reply"
    label = "回复口径"
    index_base = "replies"
    model_label = "replies.ReplyScript"

    def indexable(self):
        return self.model().objects.filter(live=True).select_related("topic")

    def document(self, script):
        return SearchDocument.from_fields(
            self.name,
            script.pk,
            script.question,
            body="\n".join(filter(None, [script.answer_text, script.spoken])),
            tags=" ".join(script.keyword_list),
            answer=script.answer_text,
            spoken=script.spoken,
            topic=script.topic.path,
            status="已审批",
            approved_at=script.last_published_at,
            effective_from=script.effective_from,
            expires_on=script.expires_on,
            url=self.open_url(script.pk),
            suggest={"input": suggestion_inputs(script.question, *script.keyword_list)},
        )

    def visible_filter(self, user):
        # Approved scripts are for all staff; only those in force today are shown.
        today = timezone.localdate().isoformat()
        return {
            "bool": {
                "filter": [
                    {"term": {"kind": self.name}},
                    {"range": {"effective_from": {"lte": today}}},
                ],
                "must_not": [{"range": {"expires_on": {"lt": today}}}],
            }
        }

    def open(self, request, object_id):
        script = get_object_or_404(self.model().objects.approved(), pk=object_id)
        return render(request, "search/reply_detail.html", {"script": script})


def _ids_filter(kind_name, ids):
    return {
        "bool": {
            "filter": [
                {"term": {"kind": kind_name}},
                {"terms": {"object_id": [str(pk) for pk in ids]}},
            ]
        }
    }


class CaseKind(Kind):
    """Complaints, disputes and violations; hits follow cases.policy.visible_cases."""

    name = "case"
    label = "案件"
    index_base = "cases"
    model_label = "cases.Case"

    def allowed_for(self, user):
        # Only real accounts: the policies below decide per user.
        return super().allowed_for(user) and getattr(user, "pk", None) is not None

    def indexable(self):
        return self.model().objects.select_related("topic")

    def document(self, case):
        topic = case.topic.name if case.topic_id else ""
        return SearchDocument.from_fields(
            self.name,
            case.pk,
            f"{case.number} {case.get_kind_display()} {topic} {case.location}".strip(),
            body="\n".join(filter(None, [case.description, case.result])),
            tags=topic,
            topic=topic,
            status=case.get_status_display(),
            approved_at=case.received_at,
            url=self.open_url(case.pk),
        )

    def visible_filter(self, user):
        from cases.policy import visible_cases

        if user.has_perm("cases.view_all_cases"):
            return {"term": {"kind": self.name}}
        return _ids_filter(self.name, visible_cases(user).values_list("pk", flat=True))

    def open(self, request, object_id):
        from cases.policy import visible_cases

        case = get_object_or_404(visible_cases(request.user), pk=object_id)
        return redirect("cases:detail", pk=case.pk)


class ArchiveKind(Kind):
    """Owner archives (绝密): hits only under a reading grant; opening one is registered."""

    name = "archive"
    label = "业户档案"
    index_base = "archives"
    model_label = "archives.HouseholdArchive"

    def indexable(self):
        return self.model().objects.prefetch_related("owners")

    def prepared(self, objects):
        # Estates and buildings with two queries per batch instead of two per household.
        from cms.archives.models import attach_parents

        return attach_parents(objects)

    def allowed_for(self, user):
        # Only real accounts: the policies below decide per user.
        return super().allowed_for(user) and getattr(user, "pk", None) is not None

    def document(self, household):
        return SearchDocument.from_fields(
            self.name,
            household.pk,
            household.address,
            body=household.owner_names or "",
            status="在册",
            topic="业户档案",
            url=self.open_url(household.pk),
        )

    def visible_filter(self, user):
        from cms.archives.policy import readable_households, reads_everything

        if reads_everything(user):
            return {"term": {"kind": self.name}}
        return _ids_filter(self.name, readable_households(user).values_list("pk", flat=True))

    def open(self, request, object_id):
        from cms.archives.policy import can_read_household, record_access

        household = get_object_or_404(self.model(), pk=object_id)
        if not can_read_household(request.user, household):
            raise PermissionDenied("没有该业户档案的查阅授权")
        record_access(request.user, household, via="search", request=request)
        return redirect("archives_admin:household", pk=household.pk)


KINDS = {kind.name: kind for kind in (ReplyKind(), CaseKind(), ArchiveKind())}


def available_kinds():
    return [kind for kind in KINDS.values() if kind.available]
