"""Searching: the query built from search/analysis.py, permission filters, facets, suggestions.

One request ranks two tiers together: the strict tier (every character pair of
what the caller said, once filler is set aside) scores far above the loose tier
(any of the meaningful words or their synonyms, or the pinyin of the whole
query), so precise queries stay precise and long or misspelt ones still find
something.
"""

import itertools
from dataclasses import dataclass, field, replace

from search.analysis import (
    analyse_query,
    bigram_field,
    highlight,
    lexicon_terms,
    synonym_explanations,
)
from search.indexing import ELASTICSEARCH_ERRORS, alias_name
from search.indices import search_client
from search.models import SynonymGroup
from search.registry import get_kind, kinds

FACETS = {"kind": "类别", "topic": "主题", "status": "状态"}
UNAVAILABLE_MESSAGE = "检索暂不可用，请稍后再试；已保存的内容不受影响。"
NOT_INDEXED_MESSAGE = (
    "检索索引尚未建立，暂时搜不到任何内容；请系统管理员运行 manage.py search_reindex 建立索引。"
)

# Weights of the tiers, tuned on the development half of search/data/relevance only.
STRICT_BOOST = 6.0
TITLE_PHRASE_BOOST = 4.0
CONCEPT_BOOST = 1.0
SYNONYM_WEIGHT = 0.7
SINGLE_CHARACTER_WEIGHT = 0.3
LEXICON_CHARACTER_WEIGHT = 0.6
IMPLIED_WEIGHT = 0.5
PINYIN_BOOST = 0.6
NUMBER_BOOST = 0.5
PREFERRED_BOOST = 1.0
# A script tagged with the caller's word, or filed under it, is about that matter rather than
# merely mentioning it (物业费 typed alone: 收费标准 is filed and tagged so; 涨价 only says it).
KEYWORD_SUBJECT_BOOST = 15.0
TOPIC_SUBJECT_BOOST = 15.0
# A lexicon word the typed letters spell is a guess: other words have the same initials.
SPELLED_WEIGHT = 0.5
HOMOPHONE_WEIGHT = 0.5
INITIALS_ANYWHERE_FIELDS = {"title_initials": 0.6, "tags_initials": 0.4, "body_initials": 0.2}
INITIALS_PAIR_FIELDS = ("title_initials", "tags_initials")
INITIALS_PAIRS_BOOST = 0.1
TEXT_FIELDS = ["title_{}^3", "tags_{}^2", "body_{}"]


@dataclass
class SearchResult:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0
    facets: dict = field(default_factory=dict)
    unavailable: bool = False
    not_indexed: bool = False
    suggestions: dict = field(default_factory=dict)

    @property
    def message(self):
        if self.not_indexed:
            return NOT_INDEXED_MESSAGE
        return UNAVAILABLE_MESSAGE if self.unavailable else ""


def _fields(part):
    return [name.format(part) for name in TEXT_FIELDS]


def _term_clause(term, boost):
    """Where one term may appear: as a run of character pairs, or as a single character."""
    bigrams = bigram_field(term)
    if len(term) == 1:
        # The standard-analysed originals hold every character on its own.
        return {
            "multi_match": {"query": term, "fields": ["title^3", "tags^2", "body"], "boost": boost}
        }
    return {
        "multi_match": {
            "query": bigrams,
            "type": "phrase",
            "fields": _fields("bigrams"),
            "boost": boost,
        }
    }


def _weight(term):
    # One character says little on its own and must not outweigh a whole word; one the
    # lexicon knows (狗, 吵, 交) says more than a stray one.
    if len(term) > 1:
        return CONCEPT_BOOST
    return LEXICON_CHARACTER_WEIGHT if term in lexicon_terms() else SINGLE_CHARACTER_WEIGHT


def _concept_clause(concept, scale=1.0):
    # What the question only implies (the way to do it) tips the balance, never decides alone.
    scale *= IMPLIED_WEIGHT if concept.implied else 1.0
    scale *= HOMOPHONE_WEIGHT if concept.heard else 1.0
    alternatives = [_term_clause(concept.term, _weight(concept.term) * scale)]
    alternatives += [
        _term_clause(term, _weight(term) * SYNONYM_WEIGHT * scale) for term in concept.alternatives
    ]
    # Synonyms of one concept count once: dis_max takes the best of them.
    return {"dis_max": {"queries": alternatives, "tie_breaker": 0.05}}


def _strict_clauses(query):
    bigrams = bigram_field(query.core)
    if not bigrams:
        return []
    return [
        {
            "multi_match": {
                "query": bigrams,
                "type": "cross_fields",
                "operator": "and",
                "fields": _fields("bigrams"),
                "boost": STRICT_BOOST,
            }
        },
        {"match_phrase": {"title_bigrams": {"query": bigrams, "boost": TITLE_PHRASE_BOOST}}},
    ]


def _pinyin_clause(syllables, boost=PINYIN_BOOST):
    tokens = [f"{a}_{b}" for a, b in itertools.pairwise(syllables)]
    if not tokens:
        return []
    return [
        {
            "multi_match": {
                "query": " ".join(tokens),
                "fields": _fields("pybigrams"),
                "minimum_should_match": "2<60%",
                "boost": boost,
            }
        }
    ]


def _latin_clauses(query):
    """Pinyin typed whole (gaokongpaowu, ting che wei zu jin) or as initials (gkpw)."""
    clauses = []
    if query.latin_syllables:
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(query.latin_syllables),
                    "type": "phrase_prefix",
                    "fields": _fields("pinyin"),
                    "boost": 3,
                }
            }
        )
    if query.syllables:
        clauses += _pinyin_clause(query.syllables, boost=1.0)
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
        clauses.append(_initials_anywhere(query.initials))
    return clauses


def _initials_anywhere(initials):
    """Initials of neighbouring syllables anywhere, what a script reads out included, so no
    initials query of a word a script says comes back empty. The initials are stored one
    letter a syllable, so each letter is one exact term (a letter as a prefix of the stored
    pinyin would expand to every syllable starting with it)."""
    syllables = {
        "all_of": {
            "ordered": True,
            "max_gaps": 0,
            "intervals": [_letter(letter) for letter in initials],
        }
    }
    anywhere = [
        {"bool": {"must": {"intervals": {name: syllables}}, "boost": boost}}
        for name, boost in INITIALS_ANYWHERE_FIELDS.items()
    ]
    # Initials of a whole question (zxsjsm) are seldom said together anywhere: most of their
    # neighbouring pairs in a title or the keywords still find it.
    pairs = [_initials_pair(a, b) for a, b in itertools.pairwise(initials)]
    if len(pairs) > 1:
        anywhere.append(
            {
                "bool": {
                    "should": pairs,
                    "minimum_should_match": "2<60%",
                    "boost": INITIALS_PAIRS_BOOST,
                }
            }
        )
    return {"dis_max": {"queries": anywhere}}


def _letter(letter):
    return {"match": {"query": letter}}


def _initials_pair(first, second):
    rule = {
        "all_of": {
            "ordered": True,
            "max_gaps": 0,
            "intervals": [_letter(first), _letter(second)],
        }
    }
    return {"dis_max": {"queries": [{"intervals": {name: rule}} for name in INITIALS_PAIR_FIELDS]}}


def _only_words_that_reorder(query):
    """Typed alone (物业, 怎么办), the words that usually only reorder what the matter
    found are all there is: they find, with their synonyms."""
    implied = [concept.term for concept in query.concepts if concept.implied]
    rest = query.core
    for term in implied:
        rest = rest.replace(term, "")
    return bool(implied) and not rest.strip()


def build_query(query):
    """Strict and loose tiers in one bool query; None when nothing is left to match."""
    alone = not query.latin_only and _only_words_that_reorder(query)
    if query.latin_only:
        clauses = _latin_clauses(query)
        clauses += [_concept_clause(concept, SPELLED_WEIGHT) for concept in query.concepts]
    else:
        clauses = _strict_clauses(query)
        clauses += [
            _concept_clause(concept) for concept in query.concepts if alone or not concept.implied
        ]
        clauses += _pinyin_clause(query.syllables)
        if query.numbers:
            clauses.append(
                {
                    "multi_match": {
                        "query": " ".join(query.numbers),
                        # 3栋1201 is one room: a title with 3 and 1202 is another.
                        "operator": "and",
                        "fields": ["title^2", "tags", "body"],
                        "boost": NUMBER_BOOST,
                    }
                }
            )
    if not clauses:
        return None
    matching = {"bool": {"should": clauses, "minimum_should_match": 1}}
    # What the question implies, and what a script is filed under, only reorder what the
    # caller's words found.
    reorder = [] if alone else [_concept_clause(c) for c in query.concepts if c.implied]
    reorder += _subject_clauses(query)
    if not reorder:
        return matching
    return {"bool": {"must": [matching], "should": reorder}}


def _subject_clauses(query):
    """A matter named alone (物业费, 门卡) asks for the script about it: the one tagged with it
    and filed under it. With more words said, those words decide."""
    said = [concept for concept in query.concepts if not (concept.implied or concept.heard)]
    if len(said) != 1:
        return []
    # A misheard matter (物叶费) is named alone too: what it sounds like stands in for it.
    named = [said[0], *(concept for concept in query.concepts if concept.heard)]
    terms = [term for c in named for term in (c.term, *c.alternatives) if len(term) > 1]
    if not terms:
        return []
    return [
        {"terms": {"keyword_terms": terms, "boost": KEYWORD_SUBJECT_BOOST}},
        {"terms": {"topic_terms": terms, "boost": TOPIC_SUBJECT_BOOST}},
    ]


def permission_filter(user, searched):
    return {
        "bool": {
            "should": [kind.visible_filter(user) for kind in searched],
            "minimum_should_match": 1,
        }
    }


def selected_kinds(names):
    available = kinds()
    if names:
        available = [kind for kind in available if kind.name in names]
    return available


def analysed(text):
    return analyse_query(text, SynonymGroup.objects.term_groups())


def with_context(query, context):
    """The query with the words of ``context`` added as what it only implies: a case filed
    under 噪音 whose description is about a barking dog is about the dog."""
    if not context or query.latin_only:
        return query
    said = {concept.term for concept in query.concepts}
    implied = [
        replace(concept, implied=True)
        for concept in analysed(context).concepts
        if concept.term not in said and not said & set(concept.alternatives)
    ]
    return replace(query, concepts=[*query.concepts, *implied]) if implied else query


def search(user, text, kinds=None, filters=None, size=10, log_misses=True, prefer=None, context=""):
    """Search what ``user`` may read. ``filters`` selects facet values (kind/topic/status).

    A search that finds nothing comes back with suggestions (nearest topics and
    their most-opened scripts) and is logged for the 未命中查询 report. ``prefer``
    ({field: value}) lifts matching hits without excluding the others; the words of
    ``context`` (a case's topic) only reorder what ``text`` finds.
    """
    query = with_context(analysed(text), context)
    result = SearchResult(query=query.text)
    searched = [kind for kind in selected_kinds(kinds) if kind.allowed_for(user)]
    matching = build_query(query)
    # Punctuation alone ('"', "(((") leaves nothing to match; Elasticsearch would refuse the
    # empty query and the user would be told the search is down.
    if query.is_empty or not searched or matching is None:
        return result
    preferred = [
        {"term": {name: {"value": value, "boost": PREFERRED_BOOST}}}
        for name, value in (prefer or {}).items()
        if value
    ]
    body = {
        "query": {
            "bool": {
                "must": [matching],
                "should": preferred,
                "filter": [permission_filter(user, searched)],
            }
        },
        "aggs": {name: {"terms": {"field": name, "size": 30}} for name in FACETS},
        "size": size,
        "_source": {
            "excludes": ["*_bigrams", "*_words", "*_pinyin", "*_pybigrams", "*_initials", "suggest"]
        },
    }
    selected = [{"term": {name: value}} for name, value in (filters or {}).items() if value]
    if selected:
        body["post_filter"] = {"bool": {"filter": selected}}
    try:
        response = search_client().search(
            index=_indices(searched), body=body, ignore_unavailable=True, allow_no_indices=True
        )
    except ELASTICSEARCH_ERRORS:
        result.unavailable = True
        return result
    # No index behind any alias answers with no shards: "nothing found" would be untrue.
    if not response["_shards"]["total"]:
        result.unavailable = result.not_indexed = True
        return result
    result.total = response["hits"]["total"]["value"]
    result.hits = [_hit(hit["_source"], query) for hit in response["hits"]["hits"]]
    # A kind not indexed yet beside indexed ones adds no aggregations.
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
    if not result.total and not selected:
        from search.misses import nearest_topics, record_miss

        result.suggestions = nearest_topics(user, query, searched)
        if log_misses:
            record_miss(query.text)
    return result


def _indices(searched):
    return ",".join(alias_name(kind) for kind in searched)


def _facet_label(name, value):
    kind = get_kind(value) if name == "kind" else None
    return kind.label if kind else value


def _hit(source, query):
    kind = get_kind(source["kind"])
    text = " ".join(source.get(name) or "" for name in ("title", "tags", "body"))
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
        "synonyms": [
            f"按 {typed} 的同义词 {found} 匹配"
            for typed, found in synonym_explanations(query, text)
        ],
    }


def suggest(text, size=8):
    """Questions of approved scripts starting with the typed text, its pinyin or its initials."""
    prefix = "".join(analyse_query(text).simplified.split())
    kind = get_kind("reply")
    if not prefix or kind is None:
        return []
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
        response = search_client().search(
            index=alias_name(kind), body=body, ignore_unavailable=True, allow_no_indices=True
        )
    except ELASTICSEARCH_ERRORS:
        return []
    options = response.get("suggest", {}).get("questions", [{}])[0].get("options", [])
    return list(dict.fromkeys(option["_source"]["title"] for option in options))
