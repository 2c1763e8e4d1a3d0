"""Relevance against the real node: the measured set reaches its target."""

from io import StringIO

from django.core.management import call_command

from search.evaluation import elasticsearch_titles, evaluate, load_relevance


def test_relevance_set_covers_every_query_type():
    cases = load_relevance()
    assert len(cases) >= 60
    types = {case["type"] for case in cases}
    assert types >= {
        "simplified",
        "traditional",
        "partial",
        "pinyin",
        "initials",
        "synonym",
        "typo",
    }


def test_relevance_set_reaches_mrr_target(corpus):
    result = evaluate(load_relevance(), elasticsearch_titles)
    assert result.mrr_at_10 >= 0.9, result.misses()
    assert result.recall_at_5 >= 0.95, result.misses()


def test_search_eval_command_prints_both_measures(corpus):
    out = StringIO()
    call_command("search_eval", stdout=out)
    assert "recall@5 = " in out.getvalue()
    mrr = float(out.getvalue().split("MRR@10 = ")[1].split()[0])
    assert mrr >= 0.9
