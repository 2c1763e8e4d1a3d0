"""Staff accounts for the tests: a user in the given groups, with the password the
login and browser tests sign in with."""

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "pw-12345-staff"


def make_user(username, *groups, password=PASSWORD, last_name="", first_name=""):
    """A staff user in ``groups``, read back from the database so that no permission is
    cached from before the groups were added."""
    user = get_user_model().objects.create_user(
        username, password=password, is_staff=True, last_name=last_name, first_name=first_name
    )
    user.groups.add(*groups)
    return get_user_model().objects.get(pk=user.pk)


def role_account(role, username, last_name="", first_name=""):
    """A fixture for one account in the demo role ``role``; pytest names it after the
    module attribute it is assigned to: ``staff = role_account(STAFF, "kefu1")``."""

    def account(role_groups):
        return make_user(username, role_groups[role], last_name=last_name, first_name=first_name)

    return pytest.fixture(account)
