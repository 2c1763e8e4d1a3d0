"""Small pieces shared by the admin listings of every app."""

from django.db import models
from django.urls import reverse_lazy
from wagtail.admin.compare import FieldComparison, register_comparison_class
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
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


class UserPanel(Component):
    """A dashboard panel drawn for the signed-in user: what it lists is theirs."""

    def __init__(self, user):
        self.user = user


def holding(permission):
    return lambda user: user.has_perm(permission)


EMPTY_VALUE = "（未填）"


def readable_value(value):
    """A stored value as the admin says it: empty as （未填）, yes/no as 是 / 否."""
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


class ReadableValueComparison(FieldComparison):
    """Revision comparisons of dates, numbers and yes/no fields, read as the admin says
    them instead of Python's None / True / False; whether the value changed is judged on
    the stored value."""

    def __init__(self, field, obj_a, obj_b):
        super().__init__(field, obj_a, obj_b)
        self.changed = self.val_a != self.val_b
        self.val_a, self.val_b = readable_value(self.val_a), readable_value(self.val_b)

    def has_changed(self):
        return self.changed


# Wagtail compares these with their raw value; text, choices and relations have their own.
READABLE_FIELD_CLASSES = (
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.IntegerField,  # and the positive and small ones
    models.DecimalField,
    models.FloatField,
)


def register_readable_comparisons():
    for field_class in READABLE_FIELD_CLASSES:
        register_comparison_class(field_class, comparison_class=ReadableValueComparison)
