"""Searching: the query built from search/analysis.py, permission filters, facets, suggestions."""

from dataclasses import dataclass, field

from search.analysis import CJK_RUN, analyse_query, bigram_field, highlight, pinyin_runs, word_field
from search.indexing import ELASTICSEARCH_ERRORS, alias_name
from search.indices import get_client
from search.kinds import KINDS, available_kinds
from search.models import SynonymGroup

FACETS = {"kind": "类别", "topic": "主题", "status": "状态"}
UNAVAILABLE_MESSAGE = "搜索暂不可用，请稍后再试；已保存的内容不受影响。"


@dataclass
class SearchResult:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0
    facets: dict = field(default_factory=dict)
    unavailable: bool = False

    @property
    def message(self):
        return UNAVAILABLE_MESSAGE if self.unavailable else ""


def _variant_clauses(text, boost):
    """Every way a Chinese (or mixed) query text may match, strongest first."""
    clauses = []
    bigrams = bigram_field(text)
    if bigrams:
        clauses += [
            {
                "multi_match": {
                    "query": bigrams,
                    "type": "cross_fields",
                    "operator": "and",
                    "fields": ["title_bigrams^3", "tags_bigrams^3", "body_bigrams"],
                    "boost": 3 * boost,
                }
            },
            {
                "multi_match": {
                    "query": bigrams,
                    "fields": ["title_bigrams^3", "tags_bigrams^2", "body_bigrams"],
                    "minimum_should_match": "2<70%",
                    "boost": boost,
                }
            },
            {"match_phrase": {"title_bigrams": {"query": bigrams, "boost": 2 * boost}}},
        ]
    single_chars = [run for run in CJK_RUN.findall(text) if len(run) == 1]
    if single_chars:
        # Bigram fields hold no single characters; the standard-analysed originals do.
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(single_chars),
                    "fields": ["title^3", "tags^3", "body"],
                    "boost": boost,
                }
            }
        )
    words = word_field(text)
    if words:
        clauses.append(
            {
                "multi_match": {
                    "query": words,
                    "fields": ["title_words^2", "tags_words^2", "body_words"],
                    "minimum_should_match": "2<70%",
                    "boost": boost,
                }
            }
        )
    for run in pinyin_runs(text):
        if len(run.split()) > 1:
            clauses.append(
                {
                    "multi_match": {
                        "query": run,
                        "type": "phrase",
                        "fields": ["title_pinyin^2", "tags_pinyin^2", "body_pinyin"],
                        "boost": 1.5 * boost,
                    }
                }
            )
    return clauses


def _latin_clauses(query):
    clauses = []
    if query.syllables:
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(query.syllables),
                    "type": "phrase_prefix",
                    "fields": ["title_pinyin^3", "tags_pinyin^3", "body_pinyin"],
                    "boost": 3,
                }
            }
        )
    if query.initials:
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(query.initials),
                    "type": "phrase",
                    "fields": ["title_initials^2", "tags_initials^2"],
                    "boost": 2,
                }
            }
        )
    return clauses


def build_query(query):
    """One dis_max over the query and its synonym variants; the typed wording scores highest."""
    alternatives = []
    for position, variant in enumerate(query.variants):
        clauses = _variant_clauses(variant, 1.0 if position == 0 else 0.9)
        if clauses:
            alternatives.append({"bool": {"should": clauses, "minimum_should_match": 1}})
    latin = _latin_clauses(query)
    if latin:
        alternatives.append({"bool": {"should": latin, "minimum_should_match": 1}})
    return {"dis_max": {"queries": alternatives, "tie_breaker": 0.1}}


def permission_filter(user, kinds):
    return {
        "bool": {"should": [kind.visible_filter(user) for kind in kinds], "minimum_should_match": 1}
    }


def selected_kinds(names):
    kinds = available_kinds()
    if names:
        kinds = [kind for kind in kinds if kind.name in names]
    return kinds


def search(user, text, kinds=None, filters=None, size=10):
    """Search what ``user`` may read. ``filters`` selects facet values (kind/topic/status)."""
    query = analyse_query(text, SynonymGroup.objects.term_groups())
    result = SearchResult(query=query.text)
    kinds = [kind for kind in selected_kinds(kinds) if kind.allowed_for(user)]
    matching = build_query(query)
    # Punctuation alone ('"', "(((") leaves nothing to match; Elasticsearch would refuse the
    # empty query and the user would be told the search is down.
    if query.is_empty or not kinds or not matching["dis_max"]["queries"]:
        return result
    body = {
        "query": {"bool": {"must": [matching], "filter": [permission_filter(user, kinds)]}},
        "aggs": {name: {"terms": {"field": name, "size": 30}} for name in FACETS},
        "size": size,
        "_source": {"excludes": ["*_bigrams", "*_words", "*_pinyin", "*_initials", "suggest"]},
    }
    selected = [{"term": {name: value}} for name, value in (filters or {}).items() if value]
    if selected:
        body["post_filter"] = {"bool": {"filter": selected}}
    indices = ",".join(alias_name(kind) for kind in kinds)
    try:
        response = get_client().search(
            index=indices, body=body, ignore_unavailable=True, allow_no_indices=True
        )
    except ELASTICSEARCH_ERRORS:
        result.unavailable = True
        return result
    result.total = response["hits"]["total"]["value"]
    result.hits = [_hit(hit["_source"], query) for hit in response["hits"]["hits"]]
    # Before anything is indexed no index exists; Elasticsearch then answers without aggregations.
    aggregations = response.body.get("aggregations", {})
    result.facets = {
        name: [
            {
                "value": bucket["key"],
                "count": bucket["doc_count"],
                "label": _facet_label(name, bucket["key"]),
            }
            for bucket in aggregations.get(name, {}).get("buckets", [])
        ]
        for name in FACETS
    }
    return result


def _facet_label(name, value):
    if name == "kind" and value in KINDS:
        return KINDS[value].label
    return value


def _hit(source, query):
    kind = KINDS.get(source["kind"])
    return {
        "kind": source["kind"],
        "kind_label": kind.label if kind else source["kind"],
        "id": source["object_id"],
        "title": source["title"],
        "title_html": highlight(source["title"], query),
        "snippet_html": highlight(source.get("body", ""), query, fragment_size=120),
        "answer": source.get("answer") or "",
        "spoken": source.get("spoken") or "",
        "topic": source.get("topic") or "",
        "status": source.get("status") or "",
        "approved_at": (source.get("approved_at") or "")[:10],
        "url": source.get("url") or "",
    }


def suggest(text, size=8):
    """Questions of approved scripts starting with the typed text, its pinyin or its initials."""
    prefix = "".join(analyse_query(text).simplified.split())
    if not prefix:
        return []
    kind = KINDS["reply"]
    body = {
        "suggest": {
            "questions": {
                "prefix": prefix[:60],
                "completion": {"field": "suggest", "size": size, "skip_duplicates": True},
            }
        },
        "_source": ["title"],
    }
    try:
        response = get_client().search(
            index=alias_name(kind), body=body, ignore_unavailable=True, allow_no_indices=True
        )
    except ELASTICSEARCH_ERRORS:
        return []
    options = response.get("suggest", {}).get("questions", [{}])[0].get("options", [])
    return list(dict.fromkeys(option["_source"]["title"] for option in options))
