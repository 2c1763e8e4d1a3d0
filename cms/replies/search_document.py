"""Reply scripts as search documents: approved wording in force, for every staff member."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cms.replies.models import ReplyScript, ReplyTopic
from search.registry import SearchKind, register


class ReplyScriptKind(SearchKind):
    name = "reply"
    label = "回复口径"
    index_base = "replies"
    dependents = {"replies.ReplyTopic": lambda topic: _scripts_below(topic)}

    def model(self):
        return ReplyScript

    def indexable(self):
        return ReplyScript.objects.filter(live=True)

    def prepared(self, scripts):
        """The batch with its topics and case-topic names attached, each read in one query for
        the batch: thousands of scripts share a few dozen topics."""
        scripts = list(scripts)
        topics = ReplyTopic.objects.select_related("parent__parent").in_bulk(
            {script.topic_id for script in scripts}
        )
        for script in scripts:
            script.topic = topics[script.topic_id]
        names = {}
        links = ReplyScript.case_topics.through.objects.filter(
            replyscript_id__in=[script.pk for script in scripts]
        ).values_list("replyscript_id", "casetopic__name")
        for script_id, name in links:
            names.setdefault(script_id, []).append(name)
        for script in scripts:
            script.case_topic_names = names.get(script.pk, [])
        return scripts

    def fields(self, script):
        return script_fields(script, self.open_url(script.pk))

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
        script = get_object_or_404(ReplyScript.objects.approved(), pk=object_id)
        return render(request, "search/reply_detail.html", {"script": script})

    def load_evaluation_set(self, scripts):
        from wagtail.search.backends import get_search_backend

        from cms.replies.actions import topic_from_path

        now, rows = timezone.now(), {}
        # Questions already in the database (a site with its own scripts) are kept apart.
        taken = set(ReplyScript.objects.values_list("question", flat=True))
        backend = get_search_backend()
        for script in scripts:
            question = script.question if script.question not in taken else f"{script.question}（评估）"
            row = ReplyScript.objects.create(
                question=question,
                answer=f"<p>{script.answer}</p>",
                topic=topic_from_path(script.topic),
                keywords=script.keywords,
                live=True,
                last_published_at=now,
                effective_from=timezone.localdate(),
            )
            backend.add(row)
            rows[script.number] = row
        return rows


def script_fields(script, url=""):
    """The searchable text of one script, saved or not."""
    answer, keywords = script.answer_text, script.keyword_list
    return {
        "kind": "reply",
        "object_id": str(script.pk),
        "title": script.question,
        "body": "\n".join(filter(None, [answer, script.spoken])),
        "tags": " ".join(keywords),
        "answer": answer,
        "spoken": script.spoken,
        "topic": script.topic.path,
        "case_topics": _case_topic_names(script),
        "status": "已审批",
        "approved_at": script.last_published_at,
        "effective_from": script.effective_from,
        "expires_on": script.expires_on,
        "url": url,
        "suggest_texts": [script.question, *keywords],
    }


def _case_topic_names(script):
    if script._state.adding or not script.live:
        return []
    if hasattr(script, "case_topic_names"):
        return script.case_topic_names
    return [topic.name for topic in script.case_topics.all()]


def _scripts_below(topic):
    """A renamed topic changes the topic path shown on every script below it."""
    return ReplyScript.objects.filter(live=True, topic_id__in=topic.descendant_ids()).values_list(
        "pk", flat=True
    )


register(ReplyScriptKind())
