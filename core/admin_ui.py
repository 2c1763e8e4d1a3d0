"""Small pieces shared by the admin listings of every app."""

from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A yes/no field read as 是 / 否 instead of True / False."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return "是" if value else "否"
