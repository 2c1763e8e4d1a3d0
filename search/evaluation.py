"""Relevance measurement: recall@5 and MRR@10 over a set of queries with expected results."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_RELEVANCE_FILE = Path(settings.BASE_DIR) / "tests" / "search" / "relevance.json"


class SystemReader:
    """The reader evaluation searches as: reply scripts are visible to every staff member."""

    is_authenticated = True
    is_active = True
    pk = None

    def has_perm(self, perm):
        return False


@dataclass
class Evaluation:
    recall_at_5: float
    mrr_at_10: float
    ranks: list  # (query, type, rank or None)

    def misses(self):
        return [(query, kind, rank) for query, kind, rank in self.ranks if rank != 1]


def load_relevance(path=None):
    return json.loads(Path(path or DEFAULT_RELEVANCE_FILE).read_text(encoding="utf-8"))


def evaluate(cases, titles_for):
    """``titles_for(query)`` returns result titles, best first."""
    ranks, recall, reciprocal = [], 0.0, 0.0
    for case in cases:
        titles = list(titles_for(case["query"]))[:10]
        expected = set(case["expected"])
        rank = next((i for i, title in enumerate(titles, 1) if title in expected), None)
        ranks.append((case["query"], case.get("type", ""), rank))
        recall += len(expected & set(titles[:5])) / len(expected)
        reciprocal += 1 / rank if rank else 0.0
    count = len(cases) or 1
    return Evaluation(recall / count, reciprocal / count, ranks)


def elasticsearch_titles(query):
    from search.query import search

    return [hit["title"] for hit in search(SystemReader(), query, kinds=["reply"], size=10).hits]


def database_titles(query):
    """Wagtail's database search backend on the same scripts (the baseline)."""
    from wagtail.search.backends import get_search_backend

    from cms.replies.models import ReplyScript

    results = get_search_backend().search(query, ReplyScript.objects.filter(live=True))
    return [script.question for script in results[:10]]
