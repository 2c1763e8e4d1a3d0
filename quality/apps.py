from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "服务品质与客户关系"
    default_auto_field = "django.db.models.BigAutoField"
