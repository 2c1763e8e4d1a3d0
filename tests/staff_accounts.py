"""Staff accounts for the tests: a user in one of the demo roles, with the password the
login and browser tests sign in with."""

from django.contrib.auth import get_user_model

PASSWORD = "pw-12345-staff"


def make_user(groups, role, username, last_name="", first_name=""):
    """A staff user in ``groups[role]`` (the ``role_groups`` fixture), read back from the
    database so that no permission is cached from before the group was added."""
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, last_name=last_name, first_name=first_name
    )
    user.groups.add(groups[role])
    return get_user_model().objects.get(pk=user.pk)
