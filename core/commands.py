"""What every management command that acts for someone shares: who it acts as."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def acting_user(username, *, allowed=None, refused="", missing="请用 --user 指明经办人的用户名。"):
    """The active user named by ``--user``; a Chinese CommandError when none is named, none has
    that name, or ``allowed(user)`` says no (with ``refused`` as the reason)."""
    if not username:
        raise CommandError(missing)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有用户“{username}”，请检查 --user。")
    if allowed is not None and not allowed(user):
        raise CommandError(refused or f"用户“{username}”无权办理此事。")
    return user
