"""Permission policies shared by the registers of every area, for Wagtail's model viewsets."""

from wagtail.permission_policies import ModelPermissionPolicy


class NoDeletePolicy(ModelPermissionPolicy):
    """Records that are kept: add and change as the model permissions allow, never delete."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Records written only by the area's actions: the admin may look, not change."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)
