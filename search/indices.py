"""The Elasticsearch connection, index naming and health, built from settings."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Completion, Date, Document, Keyword, Text

from search.analysis import analyse_text, bigram_field, initials_runs, normalise, pinyin_runs

# Errors that mean "the cluster is not there" rather than "the request was wrong".
UNAVAILABLE_ERRORS = (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout)


@lru_cache(maxsize=4)
def _client_for(url, timeout):
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False, max_retries=0)


def get_client():
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


def index_client():
    """The client for single changes sent after a save: short, so a hung node only delays
    the background task a moment before the change is queued for replay."""
    timeout = getattr(settings, "ELASTICSEARCH_INDEX_TIMEOUT", 2.0)
    return _client_for(settings.ELASTICSEARCH_URL, timeout)


def search_client():
    """The client for searches: a hung or stopped node fails within about a second, so
    staff on the phone hear 检索暂不可用 at once instead of waiting."""
    timeout = getattr(settings, "ELASTICSEARCH_SEARCH_TIMEOUT", 1.0)
    return _client_for(settings.ELASTICSEARCH_URL, timeout)


def index_name(base):
    """Index names carry a prefix so that tests and several sites can share a cluster."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{base}"


def elasticsearch_health():
    """Cluster status for /healthz. Yellow is healthy for a single node. Asked with the
    searches' short timeout, so a hung node makes the check fail at once, not after 10 s."""
    try:
        health = search_client().cluster.health()
    except UNAVAILABLE_ERRORS as error:
        return {
            "ok": False,
            "detail": f"Elasticsearch 无法连接（{settings.ELASTICSEARCH_URL}）: {error}",
        }
    except es_exceptions.ApiError as error:
        return {"ok": False, "detail": f"Elasticsearch 返回错误: {error}"}
    status = health["status"]
    return {"ok": status in ("green", "yellow"), "status": status, "detail": f"集群状态 {status}"}


class ChineseDocument(Document):
    """Base for Chinese documents: original text for display, bigrams for matching.

    Only core analyzers are used (keyword, standard, whitespace), so the
    mapping works on any cluster, hosted ones included.
    """

    title = Text(analyzer="standard")
    body = Text(analyzer="standard")
    title_bigrams = Text(analyzer="whitespace")
    body_bigrams = Text(analyzer="whitespace")
    kind = Keyword()

    class Index:
        # One replica per shard would keep a single-node cluster yellow for ever;
        # production clusters raise it with ELASTICSEARCH_REPLICAS.
        settings = {"number_of_shards": 1, "number_of_replicas": settings.ELASTICSEARCH_REPLICAS}

    @classmethod
    def from_text(cls, doc_id, title, body="", kind=""):
        return cls(
            meta={"id": doc_id},
            title=title,
            body=body,
            title_bigrams=bigram_field(title),
            body_bigrams=bigram_field(body),
            kind=kind,
        )

    @classmethod
    def search_text(cls, text, index):
        """Match text, in Simplified or Traditional, against the bigram fields."""
        tokens = bigram_field(text)
        return cls.search(index=index, using=get_client()).query(
            "multi_match",
            query=tokens,
            fields=["title_bigrams^2", "body_bigrams"],
            operator="and",
        )


# --- Product indices: one document shape for scripts, cases and archives ---------------

# What each text field is analysed into (search/analysis.py): the streams queries match on
# (search/query.py, search/misses.py) and nothing more. Queries meet jieba's words through
# their character pairs; pinyin and initials come from the question, its keywords and what
# is read out.
FIELD_STREAMS = {
    "title": ("bigrams", "pinyin", "pybigrams", "initials"),
    "tags": ("bigrams", "pinyin", "pybigrams", "initials"),
    "body": ("bigrams",),
}
# The body's readings, which typed pinyin, initials and homophone typos meet. Staff read a
# reply script's spoken version out to the caller, so that is what is read for a script
# that has one (its written answer is longer and read on the screen); a script without a
# spoken version has its answer read; any other body (a case's description, the owners'
# names of an archive) is read whole.
BODY_READINGS = ("pinyin", "pybigrams", "initials")


def _read_aloud(fields):
    if "answer" in fields:
        return fields.get("spoken") or fields.get("answer") or ""
    return fields.get("body") or ""


class SearchDocument(Document):
    """One searchable thing (reply script, case or archive) in the shape every index shares.

    Original text is kept for display and highlighting; the *_bigrams,
    *_pinyin, *_pybigrams and *_initials fields hold what search/analysis.py
    made of it (FIELD_STREAMS), analysed by nothing more than the core
    whitespace analyzer.
    """

    kind = Keyword()
    object_id = Keyword()
    title = Text(analyzer="standard")
    body = Text(analyzer="standard")
    tags = Text(analyzer="standard")
    answer = Text(index=False)
    spoken = Text(index=False)
    fingerprint = Keyword(index=False)
    title_bigrams = Text(analyzer="whitespace")
    body_bigrams = Text(analyzer="whitespace")
    tags_bigrams = Text(analyzer="whitespace")
    title_pinyin = Text(analyzer="whitespace")
    body_pinyin = Text(analyzer="whitespace")
    tags_pinyin = Text(analyzer="whitespace")
    title_pybigrams = Text(analyzer="whitespace")
    body_pybigrams = Text(analyzer="whitespace")
    tags_pybigrams = Text(analyzer="whitespace")
    title_initials = Text(analyzer="whitespace")
    tags_initials = Text(analyzer="whitespace")
    body_initials = Text(analyzer="whitespace")
    topic = Keyword()
    # What the script is filed and tagged under, word for word: each keyword and each step of
    # its topic path (收费/物业费 → 收费, 物业费), folded as queries are.
    keyword_terms = Keyword()
    topic_terms = Keyword()
    case_topics = Keyword()
    status = Keyword()
    url = Keyword(index=False)
    approved_at = Date()
    effective_from = Date()
    expires_on = Date()
    suggest = Completion(analyzer="keyword", search_analyzer="keyword", max_input_length=60)

    class Index:
        settings = {
            "number_of_shards": 1,
            "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
            # Scripts are few and edited by people; searches need no more than this.
            "refresh_interval": "1s",
        }


def document_source(fields):
    """The indexed source of one document from its original text (a pure function, so
    reindexing can build sources in worker processes)."""
    fields = dict(fields)
    suggest_texts = fields.pop("suggest_texts", None)
    source = {key: _plain(value) for key, value in fields.items() if value not in (None, "")}
    for name, streams in FIELD_STREAMS.items():
        for part, value in analyse_text(fields.get(name) or "", streams).items():
            source[f"{name}_{part}"] = value
    for part, value in analyse_text(_read_aloud(fields), BODY_READINGS).items():
        source[f"body_{part}"] = value
    source.update(_subject_terms(fields))
    if suggest_texts:
        source["suggest"] = {"input": suggestion_inputs(*suggest_texts)}
    # search_check compares this to spot index entries that lag behind the database.
    encoded = json.dumps(source, sort_keys=True, ensure_ascii=False)
    source["fingerprint"] = hashlib.sha1(encoded.encode()).hexdigest()
    return source


def _subject_terms(fields):
    terms = {
        "keyword_terms": (fields.get("tags") or "").split(),
        "topic_terms": (fields.get("topic") or "").split("/"),
    }
    terms = {name: [normalise(term).strip() for term in values] for name, values in terms.items()}
    return {
        name: [term for term in dict.fromkeys(values) if term]
        for name, values in terms.items()
        if any(values)
    }


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def suggestion_inputs(*texts):
    """Completion inputs: the text folded, its pinyin and its initials, so 高空, gaok and gk all prefix it."""
    inputs = []
    for text in texts:
        folded = normalise(text).strip()
        if not folded:
            continue
        runs = pinyin_runs(folded)
        inputs += [folded[:60], "".join(runs).replace(" ", "")[:60]]
        inputs.append("".join(run.replace(" ", "") for run in initials_runs(folded))[:60])
    return [value for value in dict.fromkeys(inputs) if value]
