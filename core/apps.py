from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The pieces every area shares: numbering, private storage, roles, display names,
    downloads, spreadsheets. It imports no other app of the product."""

    name = "core"
    verbose_name = "公共部件"

    def ready(self):
        from core.people import name_users_in_chinese_order

        name_users_in_chinese_order()
