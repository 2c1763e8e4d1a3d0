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
            # Jobs run in the worker process itself, not in a work horse forked per job, so
            # the LibreOffice kept running for PDFs and the loaded signing certificate
            # serve every job of the worker instead of being set up again for each.
            call_command(
                "rqworker",
                *settings.RQ_QUEUES,
                job_class="django_tasks_rq.backend.Job",
                worker_class="rq.worker.SimpleWorker",
                burst=burst,
            )
        else:
            call_command("db_worker", batch=burst, startup_delay=False, interval=0.5, reload=False)
