"""后台任务 as users see them: what runs, how far it got, how it ended.

django-tasks records a result per backend (a database row, or a Redis hash for RQ);
this row is the one the admin shows and resumes, whichever backend ran the work.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.storage import PrivateStorage


class BackgroundJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING])


class BackgroundJob(models.Model):
    """One long job (batch of notices, PDF conversion, closing quiet cases, a report)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        INTERRUPTED = "interrupted", "已中断"

    label = models.CharField("任务", max_length=200)
    task_name = models.CharField("任务类型", max_length=60)
    arguments = models.JSONField("参数", default=dict)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    summary = models.TextField("结果", blank=True)
    error = models.TextField("失败原因", blank=True)
    result_file = models.FileField(
        "结果文件", storage=PrivateStorage("jobs"), upload_to="%Y/%m/", blank=True
    )
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    backend = models.CharField("任务后端", max_length=30, blank=True)
    result_id = models.CharField("任务编号", max_length=64, blank=True)
    worker = models.CharField("执行进程", max_length=120, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.label

    @property
    def percent(self):
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def unfinished(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_retry(self):
        return self.status in (self.Status.FAILED, self.Status.INTERRUPTED)


class ScheduledRun(models.Model):
    """One run of a scheduled job per time slot, so several schedulers never double it."""

    name = models.CharField("定时任务", max_length=60)
    slot = models.CharField("时段", max_length=20)
    job = models.ForeignKey(BackgroundJob, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_slot")]

    def __str__(self):
        return f"{self.name} {self.slot}"
