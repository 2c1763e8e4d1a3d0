"""The Elasticsearch connection, index naming and health, built from settings."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Completion, Date, Document, Keyword, Text

from search.analysis import bigram_field, initials_runs, normalise, pinyin_runs, word_field

# Errors that mean "the cluster is not there" rather than "the request was wrong".
UNAVAILABLE_ERRORS = (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout)


@lru_cache(maxsize=4)
def _client_for(url, timeout):
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=False, max_retries=0)


def get_client():
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


def index_name(base):
    """Index names carry a prefix so that tests and several sites can share a cluster."""
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{base}"


def elasticsearch_health():
    """Cluster status for /healthz. Yellow is healthy for a single node."""
    try:
        health = get_client().cluster.health(timeout="2s")
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


# --- Product indices (issue 5): one document shape for scripts, cases and archives -----


class SearchDocument(Document):
    """One searchable thing (reply script, case or archive) in the shape every index shares.

    Original text is kept for display and highlighting; the *_bigrams,
    *_words, *_pinyin and *_initials fields hold what search/analysis.py made
    of it, analysed by nothing more than the core whitespace analyzer.
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
    title_words = Text(analyzer="whitespace")
    body_words = Text(analyzer="whitespace")
    tags_words = Text(analyzer="whitespace")
    title_pinyin = Text(analyzer="whitespace")
    body_pinyin = Text(analyzer="whitespace")
    tags_pinyin = Text(analyzer="whitespace")
    title_initials = Text(analyzer="whitespace")
    tags_initials = Text(analyzer="whitespace")
    topic = Keyword()
    status = Keyword()
    url = Keyword(index=False)
    approved_at = Date()
    effective_from = Date()
    expires_on = Date()
    suggest = Completion(analyzer="keyword", search_analyzer="keyword", max_input_length=60)

    class Index:
        settings = {"number_of_shards": 1, "number_of_replicas": settings.ELASTICSEARCH_REPLICAS}

    @classmethod
    def from_fields(cls, kind, object_id, title, body="", tags="", **extra):
        """Build the document from original text; every derived field comes from analysis.py."""
        document = cls(
            meta={"id": str(object_id)},
            kind=kind,
            object_id=str(object_id),
            title=title,
            body=body,
            tags=tags,
            title_bigrams=bigram_field(title),
            body_bigrams=bigram_field(body),
            tags_bigrams=bigram_field(tags),
            title_words=word_field(title),
            body_words=word_field(body),
            tags_words=word_field(tags),
            title_pinyin=pinyin_runs(title),
            body_pinyin=pinyin_runs(body),
            tags_pinyin=pinyin_runs(tags),
            title_initials=initials_runs(title),
            tags_initials=initials_runs(tags),
            **extra,
        )
        # search_check compares this to spot index entries that lag behind the database.
        source = json.dumps(document.to_dict(), sort_keys=True, default=str, ensure_ascii=False)
        document.fingerprint = hashlib.sha1(source.encode()).hexdigest()
        return document


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
