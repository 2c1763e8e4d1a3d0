"""Relevance measurement on the shipped caller set (search/data/relevance).

The set's scripts are loaded into the database inside a transaction that is
rolled back at the end, and into a throw-away index, so ``search_eval`` works
on any database, with or without demo data, and leaves nothing behind.
Queries alternate between a development part (tuning looks at it) and a test
part (only measured), per kind; a query added later names its part in a fourth column,
which may also be a held-out part, test2 or test3 (each written before the tuning it measures,
never looked at while tuning; only its totals are reported).
"""

import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data" / "relevance"
ALTERNATING_PARTS = ("dev", "test")
PARTS = (*ALTERNATING_PARTS, "test2", "test3")
PART_LABELS = {"dev": "开发集", "test": "测试集", "test2": "保留测试集 test2", "test3": "保留测试集 test3"}


class SystemReader:
    """The reader evaluation searches as: reply scripts are visible to every staff member."""

    is_authenticated = True
    is_active = True
    pk = None

    def has_perm(self, perm):
        return False


@dataclass
class EvalScript:
    number: int
    topic: str
    question: str
    answer: str
    keywords: str


@dataclass
class EvalQuery:
    kind: str
    text: str
    expected: set
    part: str


def _lines(name):
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("|")


def load_scripts():
    return [
        EvalScript(int(number), topic, question, answer, keywords)
        for number, topic, question, answer, keywords in _lines("scripts.txt")
    ]


def load_queries():
    seen = defaultdict(int)
    queries = []
    for kind, text, expected, *fixed in _lines("queries.txt"):
        # Queries added later name their part, so the parts of the earlier ones never shift.
        part = fixed[0] if fixed else ALTERNATING_PARTS[seen[kind] % 2]
        seen[kind] += not fixed
        queries.append(EvalQuery(kind, text, {int(n) for n in expected.split(",")}, part))
    return queries


@dataclass
class Scores:
    count: int = 0
    reciprocal: float = 0.0
    recalled: float = 0.0
    zero: int = 0
    misses: list = field(default_factory=list)

    def add(self, query, ranked):
        ranked = ranked[:10]
        rank = next((i for i, number in enumerate(ranked, 1) if number in query.expected), None)
        self.count += 1
        self.reciprocal += 1 / rank if rank else 0.0
        self.recalled += len(query.expected & set(ranked[:5])) / len(query.expected)
        self.zero += not ranked
        if rank != 1:
            self.misses.append((query, rank, ranked[:3]))

    @property
    def mrr_at_10(self):
        return self.reciprocal / self.count if self.count else 0.0

    @property
    def recall_at_5(self):
        return self.recalled / self.count if self.count else 0.0

    @property
    def zero_rate(self):
        return self.zero / self.count if self.count else 0.0


def score(queries, ranked_for):
    """{(part, kind): Scores} plus (part, "全部") totals; ``ranked_for(text)`` gives numbers."""
    table = defaultdict(Scores)
    for query in queries:
        ranked = ranked_for(query.text)
        table[(query.part, query.kind)].add(query, ranked)
        table[(query.part, "全部")].add(query, ranked)
    return table


@contextmanager
def loaded_set(scripts=None):
    """The set's scripts as approved rows and in a fresh index; everything is undone after."""
    from search.indexing import bulk_index, ensure_index
    from search.indices import get_client
    from search.registry import get_kind

    scripts = scripts or load_scripts()
    previous = settings.ELASTICSEARCH_INDEX_PREFIX
    settings.ELASTICSEARCH_INDEX_PREFIX = f"{previous}-eval-{uuid.uuid4().hex[:6]}"
    kind = get_kind("reply")
    try:
        with transaction.atomic():
            rows = kind.load_evaluation_set(scripts)
            ensure_index(kind)
            bulk_index(kind, [kind.fields(row) for row in rows.values()])
            yield rows
            transaction.set_rollback(True)
    finally:
        client = get_client().options(ignore_status=404)
        for name in client.indices.get(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"):
            client.indices.delete(index=name)
        settings.ELASTICSEARCH_INDEX_PREFIX = previous


def elasticsearch_ranking(rows):
    from search.query import search

    number_of = {str(row.pk): number for number, row in rows.items()}
    reader = SystemReader()

    def ranked(text):
        hits = search(reader, text, kinds=["reply"], size=10, log_misses=False).hits
        # Other scripts on the site stay in the ranking as distractors (number 0).
        return [number_of.get(hit["id"], 0) for hit in hits]

    return ranked


def database_ranking(rows):
    """Wagtail's database search backend on the same scripts (the baseline)."""
    from wagtail.search.backends import get_search_backend

    from search.registry import get_kind

    number_of = {row.pk: number for number, row in rows.items()}
    backend = get_search_backend()
    queryset = get_kind("reply").indexable()

    def ranked(text):
        return [number_of.get(script.pk, 0) for script in backend.search(text, queryset)[:10]]

    return ranked
