"""Jobs in the admin: progress, the Chinese failure reason, retry; scheduled jobs once per slot."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from jobs.models import BackgroundJob, ScheduledRun
from jobs.registry import background_job
from jobs.runner import run_background_job, start_job
from jobs.schedule import start_due_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
ATTEMPTS = []


@background_job("test_flaky", "测试任务")
def flaky(progress, fail_first=True):
    ATTEMPTS.append(1)
    progress(1, 2)
    if fail_first and len(ATTEMPTS) == 1:
        raise ValidationError("第一次故意失败")
    progress(2, 2)
    return "完成了"


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}
    ATTEMPTS.clear()


@pytest.mark.django_db
def test_a_failure_shows_its_reason_and_a_retry_carries_on(
    immediate, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test_flaky")
    job.refresh_from_db()
    assert (job.status, job.error, job.done, job.total) == ("failed", "第一次故意失败", 1, 2)
    listing = admin_client.get("/admin/jobs/").content.decode()
    assert "第一次故意失败" in listing and "重试" in listing and "<progress" in listing
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert (job.status, job.summary, job.attempts, job.percent) == ("done", "完成了", 2, 100)
    assert "完成了" in admin_client.get("/admin/jobs/").content.decode()


@pytest.mark.django_db
def test_a_duplicate_delivery_of_a_finished_job_does_nothing(
    immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test_flaky", fail_first=False)
    run_background_job.call(job.pk)
    assert len(ATTEMPTS) == 1


@pytest.mark.django_db
def test_scheduled_jobs_start_once_per_slot(immediate, django_capture_on_commit_callbacks):
    before = datetime(2026, 12, 1, 1, 0, tzinfo=SHANGHAI)
    after = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert [run.name for run in start_due_jobs(before)] == []
    with django_capture_on_commit_callbacks(execute=True):
        started = start_due_jobs(after)
    assert sorted(run.name for run in started) == ["close_quiet_cases", "monthly_report"]
    assert start_due_jobs(after) == []
    assert ScheduledRun.objects.count() == 2
    report = BackgroundJob.objects.get(task_name="monthly_report")
    assert report.arguments == {"year": 2026, "month": 11}
    assert report.status == "done" and report.result_file
    closing = BackgroundJob.objects.get(task_name="close_quiet_cases")
    assert closing.status == "done" and closing.summary.startswith("已自动结案")
