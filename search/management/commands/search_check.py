from django.core.management.base import BaseCommand, CommandError

from search.indexing import ELASTICSEARCH_ERRORS, compare, repair
from search.registry import kinds as available_kinds


class Command(BaseCommand):
    help = "比对数据库与检索索引（缺失、过期、多余），加 --repair 修复。"

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="修复发现的差异")

    def handle(self, *args, **options):
        differences = 0
        for kind in available_kinds():
            try:
                missing, stale, extra = compare(kind)
                if options["repair"]:
                    repair(kind, [*missing, *stale, *extra])
            except ELASTICSEARCH_ERRORS as error:
                raise CommandError(f"Elasticsearch 不可用：{error}") from error
            differences += len(missing) + len(stale) + len(extra)
            self.stdout.write(
                f"{kind.label}：缺失 {len(missing)} 条，过期 {len(stale)} 条，多余 {len(extra)} 条"
                + ("，已修复" if options["repair"] and (missing or stale or extra) else "")
            )
        if differences and not options["repair"]:
            self.stdout.write("发现差异，运行 manage.py search_check --repair 修复")
