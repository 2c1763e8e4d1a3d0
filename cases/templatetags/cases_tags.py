from django import template

from core.people import display_name

register = template.Library()


@register.filter
def person(user):
    """A user's name in Chinese order (family name first), or their username."""
    return display_name(user) if user else ""
