from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "物业档案与案件库"

    def ready(self):
        from cms.people import name_the_account_menu_in_chinese_order, name_users_in_chinese_order

        name_users_in_chinese_order()
        name_the_account_menu_in_chinese_order()
