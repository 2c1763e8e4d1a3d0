"""The background worker: first resumes jobs a killed worker left behind, then runs the
configured backend's worker (django-tasks-db's db_worker, or RQ's worker on Redis)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from jobs.runner import resume_interrupted_jobs


class Command(BaseCommand):
    help = "运行后台任务进程（数据库后端或 Redis/RQ 后端，按 TASKS_BACKEND）"

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="队列空了就退出（测试用）")

    def handle(self, *args, burst, **options):
        for job in resume_interrupted_jobs():
            self.stdout.write(f"继续中断的任务：{job.label}")
        if settings.TASKS_BACKEND == "rq":
            call_command(
                "rqworker", "default", job_class="django_tasks_rq.backend.Job", burst=burst
            )
        else:
            call_command("db_worker", batch=burst, startup_delay=False, interval=0.5, reload=False)
