"""未命中查询: what callers asked that found nothing, most frequent first, for managers."""

from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from core.spreadsheets import TitledExportMixin
from search.models import MissedQuery

VIEW_PERMISSION = "search.view_missedquery"


class MissedQueriesReport(TitledExportMixin, ReportView):
    """Managers find the wording still missing from the compilation (口径汇编) here."""

    page_title = "未命中查询"
    header_icon = "warning"
    index_url_name = "search_missed_queries"
    index_results_url_name = "search_missed_queries_results"
    model = MissedQuery
    any_permission_required = ["view"]
    columns = [
        Column("query", label="查询"),
        Column("count", label="次数"),
        DateColumn("first_seen", label="首次出现"),
        DateColumn("last_seen", label="最近出现"),
    ]
    list_export = ["query", "count", "first_seen", "last_seen"]
    export_headings = {
        "query": "查询",
        "count": "次数",
        "first_seen": "首次出现",
        "last_seen": "最近出现",
    }
    export_filename = "未命中查询"

    def get_queryset(self):
        return MissedQuery.objects.order_by("-count", "-last_seen")
