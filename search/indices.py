"""The Elasticsearch connection, index naming and health, built from settings."""

from functools import lru_cache

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Document, Keyword, Text

from search.analysis import bigram_field

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
