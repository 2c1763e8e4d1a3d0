"""Builders shared by the case tests."""

from django.contrib.auth import get_user_model

PASSWORD = "pw-12345-cases"


def make_user(groups, role, username):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(groups[role])
    return get_user_model().objects.get(pk=user.pk)
