from django.core.management.base import BaseCommand

from search.indexing import replay_pending


class Command(BaseCommand):
    help = "重放 Elasticsearch 不可用期间排队的索引操作。"

    def handle(self, *args, **options):
        total_replayed = 0
        while True:
            replayed, pending = replay_pending()
            total_replayed += replayed
            if not replayed or not pending:
                break
        self.stdout.write(f"已重放 {total_replayed} 条，仍待同步 {pending} 条")
