from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "中文检索"

    def ready(self):
        from search import signals

        signals.connect()
