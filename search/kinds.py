"""What is searchable: reply scripts, cases and owner archives, and how each becomes a document.

Each kind knows its model, which rows belong in the index, how a row turns
into a SearchDocument and who may see its hits. Cases and archives take part
as soon as their apps provide the models and policies (issues 3 and 4).
"""

from django.apps import apps
from django.shortcuts import get_object_or_404, render
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


KINDS = {kind.name: kind for kind in (ReplyKind(),)}


def available_kinds():
    return [kind for kind in KINDS.values() if kind.available]
