"""Starting, running, resuming and retrying background jobs on django-tasks.

Every job goes through one task, ``run_background_job``, on whichever backend is the
default (database or RQ): the ``BackgroundJob`` row carries its kind, arguments,
progress and outcome, so the admin shows the same thing for both backends.
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.base import TASK_MAX_PRIORITY

from core.processes import process_alive
from jobs.models import BackgroundJob
from jobs.registry import JOB_KINDS

logger = logging.getLogger(__name__)
S = BackgroundJob.Status


def this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


def start_job(name, by=None, label=None, **arguments):
    """Record the job and hand it to the task backend once the transaction commits."""
    kind = JOB_KINDS[name]
    job = BackgroundJob.objects.create(
        label=label or kind.label, task_name=name, arguments=arguments, created_by=by
    )
    transaction.on_commit(lambda: enqueue(job))
    return job


def enqueue(job):
    task = run_background_job
    if JOB_KINDS[job.task_name].urgent:
        if default_task_backend.supports_priority:
            task = task.using(priority=TASK_MAX_PRIORITY)
        else:
            task = task.using(queue_name="urgent")
    result = task.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(
        result_id=str(result.id), backend=default_task_backend.alias
    )


class Progress:
    """Handed to a job's function: ``progress(done, total)`` after each step; it is also
    the heartbeat by which a dead worker is recognised."""

    def __init__(self, job):
        self.job = job

    def __call__(self, done, total=None):
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        BackgroundJob.objects.filter(pk=self.job.pk).update(**fields)

    def attach(self, filename, data):
        """Keep a file the job produced (a report) for download from the job's page."""
        self.job.result_file.save(filename, ContentFile(data), save=False)
        BackgroundJob.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)


def reason_of(error):
    """What went wrong, in Chinese, for the job's page."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    if isinstance(error, PermissionDenied):
        return str(error) or "没有权限执行此任务。"
    message = getattr(error, "message", "") or str(error)
    return f"任务执行出错：{message or type(error).__name__}。已完成的部分已保存，可重试继续。"


def _claim(job_id):
    """Mark the job running here; None when it is not waiting (done already, or a
    duplicate delivery of the same task)."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != S.QUEUED:
            return None
        now = timezone.now()
        job.status = S.RUNNING
        job.attempts += 1
        job.worker = this_worker()
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.error = ""
        job.save()
    return job


@task()
def run_background_job(job_id):
    job = _claim(job_id)
    if job is None:
        return ""
    kind = JOB_KINDS[job.task_name]
    try:
        summary = kind.function(Progress(job), **job.arguments) or ""
    except Exception as error:
        logger.exception("background job %s failed", job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=S.FAILED, error=reason_of(error), finished_at=timezone.now()
        )
        raise
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=S.DONE, summary=summary, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    return summary


def retry(job):
    """Run a failed or interrupted job again; its function carries on where it stopped."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
        if not job.can_retry:
            raise ValidationError(f"任务当前为「{job.get_status_display()}」，无需重试。")
        job.status = S.QUEUED
        job.finished_at = None
        job.save()
        transaction.on_commit(lambda: enqueue(job))
    return job


def worker_is_gone(job, now=None):
    """A running job whose worker died: its process is gone from this host, or it has
    given no sign of progress for JOBS_STALE_AFTER seconds (another host)."""
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid)):
        return True
    stale_after = timedelta(seconds=settings.JOBS_STALE_AFTER)
    heartbeat = job.heartbeat_at or job.started_at or job.created_at
    return heartbeat < (now or timezone.now()) - stale_after


def resume_interrupted_jobs():
    """Jobs left running by a killed worker are marked interrupted and queued again."""
    resumed = []
    for job in BackgroundJob.objects.filter(status=S.RUNNING):
        if not worker_is_gone(job):
            continue
        updated = BackgroundJob.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.INTERRUPTED, error=f"执行进程 {job.worker} 中断，任务已重新排队继续。"
        )
        if updated:
            retry(job)
            resumed.append(job)
    return resumed
