from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from jobs.registry import discover_job_kinds

        discover_job_kinds()
