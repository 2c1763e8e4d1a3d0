"""Searches that found nothing: logged for managers, answered with the nearest topics."""

from django.db import IntegrityError, transaction
from django.db.models import F

from search.analysis import CJK_RUN, normalise
from search.indexing import ELASTICSEARCH_ERRORS, alias_name
from search.indices import search_client
from search.models import MissedQuery, OpenedHit

SUGGESTED_TOPICS = 3
SCRIPTS_PER_TOPIC = 3


def record_miss(text):
    """Count one search without hits (the query as typed, folded to Simplified; NUL
    characters dropped, which PostgreSQL cannot store)."""
    query = normalise(text).replace("\x00", "").strip()[:100]
    if not query:
        return
    updated = MissedQuery.objects.filter(query=query).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                MissedQuery.objects.create(query=query, count=1)
        except IntegrityError:
            MissedQuery.objects.filter(query=query).update(count=F("count") + 1)


def record_open(kind_name, object_id, topic=""):
    """Count one opened hit, so suggestions can offer what colleagues open most."""
    updated = OpenedHit.objects.filter(kind=kind_name, object_id=str(object_id)).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                OpenedHit.objects.create(
                    kind=kind_name, object_id=str(object_id), topic=topic, count=1
                )
        except IntegrityError:
            OpenedHit.objects.filter(kind=kind_name, object_id=str(object_id)).update(
                count=F("count") + 1
            )


def _loosest_query(query):
    """Any character or syllable in common: only used to find where the caller is heading."""
    characters = " ".join(dict.fromkeys("".join(CJK_RUN.findall(query.simplified))))
    should = []
    if characters:
        should.append(
            {"multi_match": {"query": characters, "fields": ["title^2", "tags^2", "body"]}}
        )
    if query.syllables:
        should.append(
            {
                "multi_match": {
                    "query": " ".join(query.syllables),
                    "fields": ["title_pinyin", "tags_pinyin", "body_pinyin"],
                }
            }
        )
    return {"bool": {"should": should, "minimum_should_match": 1}} if should else None


def nearest_topics(user, query, searched):
    """{"topics": [{"topic", "scripts": [{"id", "title", "url"}]}]} for a search without hits."""
    from search.query import permission_filter

    replies = [kind for kind in searched if kind.name == "reply"]
    loosest = _loosest_query(query)
    if not replies or loosest is None:
        return {}
    body = {
        "size": 0,
        "query": {"bool": {"must": [loosest], "filter": [permission_filter(user, replies)]}},
        "aggs": {
            "topics": {
                "terms": {"field": "topic", "size": SUGGESTED_TOPICS},
                "aggs": {
                    "top": {"top_hits": {"size": 20, "_source": ["object_id", "title", "url"]}}
                },
            }
        },
    }
    try:
        response = search_client().search(
            index=alias_name(replies[0]), body=body, ignore_unavailable=True, allow_no_indices=True
        )
    except ELASTICSEARCH_ERRORS:
        return {}
    buckets = response.body.get("aggregations", {}).get("topics", {}).get("buckets", [])
    return {"topics": [_topic_suggestion(bucket) for bucket in buckets]}


def _topic_suggestion(bucket):
    scripts = [hit["_source"] for hit in bucket["top"]["hits"]["hits"]]
    opened = dict(
        OpenedHit.objects.filter(
            kind="reply", object_id__in=[script["object_id"] for script in scripts]
        ).values_list("object_id", "count")
    )
    scripts.sort(key=lambda script: -opened.get(script["object_id"], 0))
    return {
        "topic": bucket["key"],
        "scripts": [
            {"id": script["object_id"], "title": script["title"], "url": script.get("url", "")}
            for script in scripts[:SCRIPTS_PER_TOPIC]
        ],
    }
