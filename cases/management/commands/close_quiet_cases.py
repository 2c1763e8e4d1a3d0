from django.core.management.base import BaseCommand
from tqdm import tqdm

from cases.actions import close_quiet_cases
from cases.models import Case


class Command(BaseCommand):
    help = "关闭处理后一周内无同一客户同一主题重复投诉的案件（每日定时运行），并记录结案原因。"

    def handle(self, *args, **options):
        pending = Case.objects.quiet_for_a_week().count()
        with tqdm(total=pending, desc="自动结案", disable=options["verbosity"] < 1) as bar:
            closed = close_quiet_cases(progress=bar.update)
        self.stdout.write(f"已自动结案 {len(closed)} 件")
