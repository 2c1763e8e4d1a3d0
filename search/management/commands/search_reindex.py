from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.indexing import ELASTICSEARCH_ERRORS, reindex
from search.registry import kinds as available_kinds


class Command(BaseCommand):
    help = "从数据库重建检索索引：写入新的索引后原子切换别名，检索不中断。"

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="reply / case / archive，默认全部")

    def handle(self, *args, **options):
        kinds = [k for k in available_kinds() if not options["kinds"] or k.name in options["kinds"]]
        for kind in kinds:
            total = kind.indexable().count()
            with tqdm(total=total, desc=f"重建 {kind.label}", unit="条", file=self.stderr) as bar:
                try:
                    index, written = reindex(kind, progress=bar)
                except ELASTICSEARCH_ERRORS as error:
                    raise CommandError(f"Elasticsearch 不可用，索引未重建：{error}") from error
            self.stdout.write(f"{kind.label}：已写入 {written} 条，别名已切换到 {index}")
