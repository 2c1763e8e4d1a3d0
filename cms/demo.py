"""Demo users, one per role. Passwords are random and kept in var/demo-credentials.txt."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

from core.roles import ARCHIVIST, MANAGER, STAFF, SUPERVISOR

DEMO_USERS = [
    # username, role, family name, given name
    ("dangan", ARCHIVIST, "林", "晓梅"),
    ("kefu", STAFF, "陈", "佳怡"),
    ("zhuguan", SUPERVISOR, "周", "建国"),
    ("jingli", MANAGER, "王", "立新"),
]

CREDENTIALS_FILE = settings.VAR_DIR / "demo-credentials.txt"


def load(groups, stdout):
    User = get_user_model()
    created_lines = []
    for username, role, last_name, first_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"last_name": last_name, "first_name": first_name, "is_staff": True},
        )
        user.groups.add(groups[role])
        if created:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            created_lines.append(f"{groups[role].name}\t{username}\t{password}")
    if created_lines:
        CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
        with CREDENTIALS_FILE.open("a", encoding="utf-8") as credentials:
            credentials.write("\n".join(created_lines) + "\n")
        stdout.write(f"演示账号已创建，密码保存在 {CREDENTIALS_FILE}")
