from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "中文检索"

    def ready(self):
        from search import signals

        # Each domain app declares its searchable kind in its own search_document module.
        autodiscover_modules("search_document")
        signals.connect()
