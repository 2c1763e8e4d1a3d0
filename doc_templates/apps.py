from django.apps import AppConfig


class DocTemplatesConfig(AppConfig):
    name = "doc_templates"
    verbose_name = "通知文书"

    def ready(self):
        import doc_templates.work_lists  # noqa: F401  (registers the notices' work list)
