from django.core.management.base import BaseCommand

from core.roles import sync_roles


class Command(BaseCommand):
    help = "创建或更新四个岗位角色（档案员、客服人员、物业主管、客服中心经理）及其权限。"

    def handle(self, *args, **options):
        groups = sync_roles()
        for group in groups.values():
            self.stdout.write(f"{group.name}: {group.permissions.count()} 项权限")
