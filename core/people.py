"""How people are named on every screen: 姓名 in Chinese order (family name first, no space)."""

from django.contrib.auth import get_user_model


def display_name(user):
    """王立新 for last_name 王 and first_name 立新; the login name only when no name is on file."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def name_users_in_chinese_order():
    """Wagtail (history, locks, workflow, listings) and Django name a user by get_full_name(),
    which joins the names in Western order (立新 王), or print the login name; the user
    model answers both with display_name."""
    User = get_user_model()
    User.get_full_name = display_name
    # The sidebar's account menu uses the short name; a given name alone is not how colleagues
    # are named here.
    User.get_short_name = display_name
    # Choosers, select lists and reports that print a user directly show the name too.
    User.__str__ = display_name
