from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_ui import PolicyMenuItem, holding
from search import views
from search.models import SynonymGroup
from search.reports import VIEW_PERMISSION, MissedQueriesReport


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = "检索同义词"
    add_to_settings_menu = True
    list_display = ["terms", "note"]


register_snippet(SynonymGroupViewSet)


@hooks.register("register_admin_urls")
def register_search_page():
    return [
        path("quick-search/", views.staff_search_page, name="search_staff_page"),
        path(
            "reports/missed-queries/", MissedQueriesReport.as_view(), name="search_missed_queries"
        ),
        path(
            "reports/missed-queries/results/",
            MissedQueriesReport.as_view(results_only=True),
            name="search_missed_queries_results",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_search_menu_item():
    return MenuItem(
        "口径与档案检索",
        reverse("search_staff_page"),
        icon_name="search",
        order=50,
        attrs={"accesskey": "k"},
    )


@hooks.register("register_reports_menu_item")
def register_missed_queries_report():
    return PolicyMenuItem(
        "未命中查询",
        "search_missed_queries",
        holding(VIEW_PERMISSION),
        icon_name="warning",
        order=700,
    )
