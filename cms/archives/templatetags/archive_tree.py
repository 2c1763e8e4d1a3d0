"""The archive tree reads like a cabinet: an estate or building opens its drawers."""

from django import template

register = template.Library()


@register.filter
def opens_its_children(page):
    """An archive root, estate or building is a folder: clicking it lists what it holds
    (the edit form of an estate holds nothing but its name)."""
    from cms.archives.models import ArchiveRoot, Building, Estate

    return issubclass(page.specific_class or type(page), (ArchiveRoot, Estate, Building))
