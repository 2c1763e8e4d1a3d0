"""The list of issued notices as a Wagtail generic view: filters, pagination and the
Excel/CSV export come from Wagtail; exports open well in Excel (a title row, a
frozen header, columns wide enough for Chinese)."""

import datetime as dt

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cases.models import Case
from cases.policy import visible_cases
from core.downloads import XLSX, attachment_header, download_response
from doc_templates.models import Notice
from doc_templates.policy import can_issue, visible_notices

TITLE_FONT_SIZE = 14
MIN_WIDTH, MAX_WIDTH = 8, 60


def local_minute(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def display_width(text):
    """Columns in Excel units: a Chinese character is about two Latin ones wide."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in str(text))


class ExcelReadyExportMixin:
    """Excel exports people can read at once: the report's title in the first row, the
    headings frozen below it with a filter, widths fitted to the content and times in
    China's local time (Wagtail's default writes UTC)."""

    export_title = ""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
            return value if export_format == self.FORMAT_XLSX else value.strftime("%Y-%m-%d %H:%M")
        return super().preprocess_field_value(field, value, export_format)

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (self.export_title or self.export_filename)[:31]
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        sheet.append([f"{self.export_title}（导出于 {local_minute(timezone.now())}）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
        sheet["A1"].font = Font(bold=True, size=TITLE_FONT_SIZE)
        sheet.append(headings)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center")
        widths = [display_width(heading) for heading in headings]
        for item in queryset:
            row = [
                self.preprocess_field_value(field, value, self.FORMAT_XLSX)
                for field, value in self.to_row_dict(item).items()
            ]
            sheet.append(row)
            for index, value in enumerate(row):
                shown = f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else value
                widths[index] = max(widths[index], display_width(shown or ""))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        sheet.freeze_panes = "A3"
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(headings))}{max(sheet.max_row, 2)}"
        workbook.save(output)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Disposition"] = attachment_header(f"{self.get_filename()}.csv")
        return response

    def write_xlsx_response(self, queryset):
        import io

        output = io.BytesIO()
        self.write_xlsx(queryset, output)
        return download_response(output.getvalue(), f"{self.get_filename()}.xlsx", XLSX)


class NoticeFilterSet(WagtailFilterSet):
    issued_at = django_filters.DateFromToRangeFilter(label="签发日期", widget=DateRangePickerWidget)
    superseded = django_filters.BooleanFilter(
        label="已被更正", field_name="superseded_by", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Notice
        fields = ["kind", "issued_at"]


def downloads(notice):
    button = '<a class="button button-small button-secondary" href="{}">{}</a>'
    links = format_html(button, reverse("doc_templates:download", args=[notice.pk]), "下载")
    if getattr(notice, "pdf", None) is not None and notice.pdf.file:
        pdf_url = reverse("doc_templates:download_pdf", args=[notice.pk])
        links += format_html(" " + button, pdf_url, "PDF")
    return links


class NoticeIndexView(ExcelReadyExportMixin, generic.IndexView):
    """已签发文书: the notices of the cases the user sees (issuers: all), and above them
    the open cases a notice may be issued from. Rows show addresses, never owners."""

    template_name = "doc_templates/index.html"
    filterset_class = NoticeFilterSet
    paginate_by = 50
    page_title = "通知文书"
    export_title = "已签发文书登记"
    export_filename = "已签发文书"
    columns = [
        TitleColumn("number", label="文号", url_name="doc_templates:notice", id_accessor="pk"),
        Column("kind", label="类型", accessor="get_kind_display"),
        Column("case", label="案件", accessor=lambda n: n.case.number if n.case_id else "—"),
        Column("address", label="业户", accessor=lambda n: n.values.get("房号") or "—"),
        Column("issued_by", label="签发人", accessor=lambda n: n.issued_by_display),
        Column("issued_at", label="签发时间", accessor=lambda n: local_minute(n.issued_at)),
        Column("status", label="状态", accessor="status_label"),
        Column("files", label="文件", accessor=downloads),
    ]
    list_export = [
        "number",
        "kind_label",
        "case_number",
        "address",
        "issued_by_display",
        "issued_at",
        "status_label",
        "sha256",
    ]
    export_headings = {
        "number": "文号",
        "kind_label": "文书类型",
        "case_number": "案件编号",
        "address": "业户地址",
        "issued_by_display": "签发人",
        "issued_at": "签发时间",
        "status_label": "状态",
        "sha256": "SHA-256 指纹",
    }

    def get_base_queryset(self):
        return visible_notices(self.request.user).select_related(
            "issued_by", "case", "pdf", "superseded_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_cases"] = self.open_cases()
        context["can_issue"] = can_issue(self.request.user)
        return context

    def open_cases(self):
        return (
            visible_cases(self.request.user)
            .exclude(status=Case.Status.CLOSED)
            .select_related("topic")
            .order_by("-received_at")[:20]
        )


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Issued notices are frozen: the list may be viewed, nothing added, edited or
    deleted through generic views (issuing and correcting are actions)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(Notice, ViewOnlyPolicy(Notice), exact_class=True)


class NoticeViewSet(ModelViewSet):
    model = Notice
    name = "issued_notices"
    url_prefix = "notices"
    icon = "doc-full"
    add_to_admin_menu = False
    index_view_class = NoticeIndexView
    export_filename = NoticeIndexView.export_filename
    list_export = NoticeIndexView.list_export
    form_fields = []
    copy_view_enabled = False
    inspect_view_enabled = False
