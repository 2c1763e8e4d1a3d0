from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "业主案件查询"
    default_auto_field = "django.db.models.BigAutoField"
