from django.core.management.base import BaseCommand, CommandError

from search.evaluation import database_titles, elasticsearch_titles, evaluate, load_relevance


class Command(BaseCommand):
    help = "用相关性测试集评估检索质量，输出 recall@5 与 MRR@10。"

    def add_arguments(self, parser):
        parser.add_argument("--file", help="相关性测试集（JSON），默认 tests/search/relevance.json")
        parser.add_argument(
            "--backend", choices=["elasticsearch", "database"], default="elasticsearch"
        )
        parser.add_argument("--verbose-misses", action="store_true", help="列出未排第一的查询")

    def handle(self, *args, **options):
        cases = load_relevance(options["file"])
        titles_for = (
            elasticsearch_titles if options["backend"] == "elasticsearch" else database_titles
        )
        result = evaluate(cases, titles_for)
        if options["backend"] == "elasticsearch" and all(rank is None for *_, rank in result.ranks):
            raise CommandError("没有任何命中：请确认 Elasticsearch 可用且已运行 search_reindex")
        self.stdout.write(f"查询 {len(cases)} 条")
        self.stdout.write(f"recall@5 = {result.recall_at_5:.3f}")
        self.stdout.write(f"MRR@10 = {result.mrr_at_10:.3f}")
        if options["verbose_misses"]:
            for query, kind, rank in result.misses():
                self.stdout.write(f"  [{kind}] {query} → 排名 {rank or '未命中'}")
