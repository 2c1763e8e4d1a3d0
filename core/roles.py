"""The four roles of a service centre as Django groups, and their permissions.

Each local app may have a ``roles.py`` with ``setup(groups)``, which receives
the role groups by key and grants that app's permissions. ``sync_roles`` runs
them all; it is idempotent and safe in production (manage.py setup_roles).
"""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib.auth.models import Group, Permission

ARCHIVIST = "archivist"
STAFF = "staff"
SUPERVISOR = "supervisor"
MANAGER = "manager"

ROLE_NAMES = {
    ARCHIVIST: "档案员",
    STAFF: "客服人员",
    SUPERVISOR: "物业主管",
    MANAGER: "客服中心经理",
}


def grant(group, *codenames):
    """Give ``group`` permissions named "app_label.codename"."""
    for dotted in codenames:
        app_label, codename = dotted.split(".", 1)
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def setup(groups):
    for group in groups.values():
        grant(group, "wagtailadmin.access_admin")


def sync_roles():
    groups = {key: Group.objects.get_or_create(name=name)[0] for key, name in ROLE_NAMES.items()}
    for app in settings.LOCAL_APPS:
        module_name = f"{app}.roles"
        if find_spec(module_name) is not None:
            import_module(module_name).setup(groups)
    return groups
