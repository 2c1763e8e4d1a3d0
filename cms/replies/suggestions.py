"""Reply scripts suggested on a case page, found by the same search staff use on the phone."""

from cms.replies.models import ReplyScript

# The topic and the start of the description say what the case is about; the rest of a
# long description adds names and dates that only blur the search.
DESCRIPTION_CHARS = 60


class _CaseReader:
    """Suggestions show approved scripts only, which every staff member may read."""

    is_authenticated = True
    is_active = True
    pk = None

    def has_perm(self, perm):
        return False


def scripts_for_case(case, limit=5):
    """Approved scripts for the case, best first: searched with the case's topic and
    description, scripts filed for the case topic lifted a little; by topic alone when the
    search is away or finds nothing."""
    from search.query import search

    topic = case.topic.name if case.topic_id else ""
    # The description says what happened; the topic is the shelf it was filed on, so it
    # only reorders (a barking dog filed under 噪音 is about the dog, not any noise).
    description = (case.description or "")[:DESCRIPTION_CHARS].strip()
    result = search(
        _CaseReader(),
        description or topic,
        kinds=["reply"],
        size=limit,
        log_misses=False,
        prefer={"case_topics": topic},
        context=topic if description else "",
    )
    if result.unavailable or not result.hits:
        return list(ReplyScript.objects.approved_for_topic(case.topic)[:limit])
    ids = [int(hit["id"]) for hit in result.hits]
    scripts = ReplyScript.objects.approved().select_related("topic").in_bulk(ids)
    return [scripts[pk] for pk in ids if pk in scripts]
