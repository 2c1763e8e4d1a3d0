from django.core.management.base import BaseCommand, CommandError

from search.evaluation import (
    PART_LABELS,
    PARTS,
    database_ranking,
    elasticsearch_ranking,
    load_queries,
    loaded_set,
    score,
)
from search.indexing import ELASTICSEARCH_ERRORS

BACKENDS = {
    "elasticsearch": ("本系统（Elasticsearch）", elasticsearch_ranking),
    "database": ("Wagtail 数据库检索", database_ranking),
}


class Command(BaseCommand):
    help = (
        "用随附的来电检索评估集（search/data/relevance）评估检索质量：按类型与总体输出"
        " MRR@10、recall@5 与零命中率，开发集、测试集与保留测试集分列，并与 Wagtail 数据库检索对照。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--part", choices=[*PARTS, "all"], default="all", help="只评估开发集、测试集或保留测试集"
        )
        parser.add_argument(
            "--backend", choices=[*BACKENDS, "both"], default="both", help="默认两者并列"
        )
        parser.add_argument("--verbose-misses", action="store_true", help="列出未排第一的查询")

    def handle(self, *args, **options):
        queries = load_queries()
        parts = PARTS if options["part"] == "all" else [options["part"]]
        queries = [query for query in queries if query.part in parts]
        names = list(BACKENDS) if options["backend"] == "both" else [options["backend"]]
        try:
            with loaded_set() as rows:
                tables = {name: score(queries, BACKENDS[name][1](rows)) for name in names}
        except ELASTICSEARCH_ERRORS as error:
            raise CommandError(f"Elasticsearch 不可用，无法评估：{error}") from error
        kinds = [*sorted({query.kind for query in queries}), "全部"]
        for part in parts:
            count = sum(query.part == part for query in queries)
            self.stdout.write(f"\n== {PART_LABELS[part]}（{count} 条查询）==")
            header = f"{'类型':<12}{'条数':>5}"
            for name in names:
                label = BACKENDS[name][0]
                header += f" | {label}: MRR@10  recall@5  零命中"
            self.stdout.write(header)
            for kind in kinds:
                line = f"{kind:<12}{tables[names[0]][(part, kind)].count:>5}"
                for name in names:
                    scores = tables[name][(part, kind)]
                    line += f" | {scores.mrr_at_10:>8.3f} {scores.recall_at_5:>9.3f} {scores.zero_rate:>7.1%}"
                self.stdout.write(line)
            if options["verbose_misses"] and "elasticsearch" in names:
                for query, rank, top in tables["elasticsearch"][(part, "全部")].misses:
                    self.stdout.write(
                        f"  [{query.kind}] {query.text} → 期望 {sorted(query.expected)}，"
                        f"排名 {rank or '未命中'}，前三 {top}"
                    )
