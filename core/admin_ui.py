"""Small pieces shared by the admin listings of every app."""

from django.urls import reverse_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A yes/no field read as 是 / 否 instead of True / False."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return "是" if value else "否"


class PolicyMenuItem(MenuItem):
    """A menu entry shown only to those ``check(user)`` lets use it: an area policy's
    question, or ``holding("app.permission")``."""

    def __init__(self, label, url_name, check, **kwargs):
        super().__init__(label, reverse_lazy(url_name), **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


def holding(permission):
    return lambda user: user.has_perm(permission)
