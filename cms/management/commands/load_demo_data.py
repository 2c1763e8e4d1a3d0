from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.roles import sync_roles


class Command(BaseCommand):
    help = "载入演示数据：每个岗位一个演示账号，以及各模块的演示内容（可重复运行）。"

    def handle(self, *args, **options):
        with transaction.atomic():
            groups = sync_roles()
            for app in settings.LOCAL_APPS:
                module_name = f"{app}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).load(groups, self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪"))
