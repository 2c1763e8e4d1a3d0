from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "物业档案与案件库"
