from django.apps import AppConfig


class DocTemplatesConfig(AppConfig):
    name = "doc_templates"
    verbose_name = "通知文书"
