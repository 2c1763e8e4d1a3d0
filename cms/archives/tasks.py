"""Background work of the owner archives (django-tasks; scheduled by the platform)."""

from django_tasks import task

from cms.archives.register import check_and_keep


@task()
def verify_register_daily():
    """每日校验查阅登记簿: the result is kept and shown on the manager's dashboard."""
    report = check_and_keep()
    return {"ok": report.ok, "checked": report.checked, "broken": report.broken_record_id}
