"""Admin pages for the reports, the disposition review and the printable dispute record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView as ListingReportView
from wagtail.permission_policies import ModelPermissionPolicy

from cases import actions, reports
from cases.models import Case
from cases.policy import visible_cases
from cases.querysets import retention_until
from cases.views import CaseAdminView, case_for
from core.admin_ui import PolicyMenuItem, holding
from core.downloads import XLSX, download_response


def _month(request):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        # Reports cover the product's own years; year 0 or 99999 would break the 12-month trend.
        if not 1 <= month <= 12 or not 1900 <= year <= 2999:
            raise ValueError
    except ValueError:
        year, month = today.year, today.month
        if request.GET.get("month", "").strip():
            messages.warning(request, f"月份应写作 {today:%Y-%m} 这样的年-月，已显示本月。")
    return year, month


class ReportView(CaseAdminView):
    permission = "cases.view_all_cases"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied("您无权查看案件报表。")
        return super().dispatch(request, *args, **kwargs)


class DailyStocktakeView(ReportView):
    template_name = "cases/report_daily.html"
    page_title = "日盘点"
    permission = "cases.view_case"

    def get_context_data(self, **kwargs):
        report = reports.daily_stocktake(visible_cases(self.request.user))
        return super().get_context_data(report=report, **kwargs)


class DailyListView(ListingReportView):
    """One list of the stock-take in full, 50 cases a page: the stock-take page shows
    only its first cases."""

    permission_policy = ModelPermissionPolicy(Case)
    permission_required = "view"
    header_icon = "clipboard-list"
    list_name = None
    columns = [
        TitleColumn("number", label="编号", url_name="cases:detail"),
        Column("topic", label="主题"),
        Column("status", label="状态", accessor="get_status_display"),
        Column("received_at", label="受理时间", accessor=lambda c: _local(c.received_at)),
        Column("response_due_at", label="答复时限", accessor=lambda c: _local(c.response_due_at)),
        Column("resolve_due_at", label="解决时限", accessor=lambda c: _local(c.resolve_due_at)),
    ]

    def get_page_title(self):
        title, _ = reports.DAILY_LISTS[self.list_name]
        return title

    def get_queryset(self):
        return reports.daily_list(visible_cases(self.request.user), self.list_name)

    def get_index_url(self):
        return reverse(f"cases_daily_{self.list_name}")


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class MonthlyReportView(ReportView):
    template_name = "cases/report_monthly.html"
    page_title = "月度案件分析"

    def get(self, request, *args, **kwargs):
        year, month = _month(request)
        self.report = reports.monthly_report(Case.objects.all(), year, month)
        if request.GET.get("format") == "xlsx":
            return download_response(
                reports.monthly_workbook(self.report), f"月度案件分析-{year}-{month:02d}.xlsx", XLSX
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        report = self.report
        charts = [
            reports.svg_bar_chart(report["by_kind"], "按类别"),
            reports.svg_bar_chart(report["by_topic"], "按主题"),
            reports.svg_bar_chart(report["by_root_cause"], "按根本原因（人机料法环）"),
            reports.svg_bar_chart(report["by_channel"], "按渠道"),
            reports.svg_bar_chart(report["by_department"], "投诉按责任部门"),
            reports.svg_bar_chart(report["trend"], "近12个月趋势"),
        ]
        return super().get_context_data(
            report=report, charts=[mark_safe(chart) for chart in charts], **kwargs
        )


class PublicSummaryView(ReportView):
    template_name = "cases/report_public.html"
    page_title = "月度公示"

    def get(self, request, *args, **kwargs):
        year, month = _month(request)
        self.summary = reports.public_summary(Case.objects.all(), year, month)
        if request.GET.get("format") == "xlsx":
            return download_response(
                reports.public_workbook(self.summary), f"月度公示-{year}-{month:02d}.xlsx", XLSX
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        chart = mark_safe(reports.svg_bar_chart(self.summary["by_topic"], "按主题"))
        return super().get_context_data(summary=self.summary, chart=chart, **kwargs)


class DispositionReviewView(ReportView):
    """Expired violation files; a manager confirms each disposal."""

    template_name = "cases/disposition_review.html"
    page_title = "案卷销毁审核"
    permission = "cases.dispose_case"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        expired = Case.objects.retention_expired().select_related("topic").order_by("closed_at")
        page = Paginator(expired, self.paginate_by).get_page(self.request.GET.get("p"))
        rows = [(case, retention_until(case.closed_at, case.severity)) for case in page]
        return super().get_context_data(rows=rows, page=page, **kwargs)

    def post(self, request, *args, **kwargs):
        case = get_object_or_404(Case, pk=request.POST.get("case"))
        try:
            tombstone = actions.dispose_case(case, request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"{tombstone.number} 已销毁，销毁记录已保存。")
        return redirect("cases_disposition")


class DisputeRecordView(CaseAdminView):
    """A printable record of a neighbour dispute: parties, participants, each step."""

    template_name = "cases/dispute_record.html"

    def dispatch(self, request, pk, *args, **kwargs):
        self.case = case_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"邻里纠纷处理记录 {self.case.number}"

    def get_context_data(self, **kwargs):
        case = self.case
        return super().get_context_data(
            case=case,
            parties=case.parties.all(),
            participants=case.participants.all(),
            timeline=case.timeline.select_related("by"),
            **kwargs,
        )


def admin_urls():
    return [
        path("case-reports/", DailyStocktakeView.as_view(), name="cases_daily"),
        *(
            path(
                f"case-reports/{name.replace('_', '-')}/",
                DailyListView.as_view(list_name=name),
                name=f"cases_daily_{name}",
            )
            for name in reports.DAILY_LISTS
        ),
        path("case-reports/monthly/", MonthlyReportView.as_view(), name="cases_monthly"),
        path("case-reports/public/", PublicSummaryView.as_view(), name="cases_public"),
        path(
            "case-reports/disposition/", DispositionReviewView.as_view(), name="cases_disposition"
        ),
        path(
            "case-reports/dispute/<int:pk>/",
            DisputeRecordView.as_view(),
            name="cases_dispute_record",
        ),
    ]


def menu_item():
    return PolicyMenuItem(
        "案件报表", "cases_daily", holding("cases.view_case"), icon_name="table", order=260
    )
