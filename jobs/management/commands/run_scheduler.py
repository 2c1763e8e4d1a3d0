"""The scheduler: every half minute, resumes orphaned jobs and starts the scheduled
ones that are due (closing quiet cases daily, the monthly report, and those other
areas register)."""

import time

from django.core.management.base import BaseCommand

from jobs.runner import resume_interrupted_jobs
from jobs.schedule import start_due_jobs

INTERVAL_SECONDS = 30


class Command(BaseCommand):
    help = "定时任务：到时启动每日自动结案、月度报表等后台任务"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="检查一次后退出（供 cron 使用）")

    def handle(self, *args, once, **options):
        while True:
            resume_interrupted_jobs()
            for run in start_due_jobs():
                self.stdout.write(f"已启动定时任务：{run.name}（{run.slot}）")
            if once:
                return
            time.sleep(INTERVAL_SECONDS)
