from django.core.management.base import BaseCommand, CommandError

from cms.archives.register import check_and_keep


class Command(BaseCommand):
    help = "校验查阅登记簿的哈希链：逐条核对，指出第一处断点（结果同时显示在经理的工作台上）。"

    def handle(self, *args, **options):
        report = check_and_keep()
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(report.message())
