from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search import views
from search.models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = "检索同义词"
    add_to_settings_menu = True
    list_display = ["terms", "note"]


register_snippet(SynonymGroupViewSet)


@hooks.register("register_admin_urls")
def register_search_page():
    return [path("quick-search/", views.staff_search_page, name="search_staff_page")]


@hooks.register("register_admin_menu_item")
def register_search_menu_item():
    return MenuItem(
        "口径与档案检索",
        reverse("search_staff_page"),
        icon_name="search",
        order=50,
        attrs={"accesskey": "k"},
    )
