from django import template

from cases.models import person_name

register = template.Library()


@register.filter
def person(user):
    """A user's name in Chinese order (family name first), or their username."""
    return person_name(user) if user else ""
