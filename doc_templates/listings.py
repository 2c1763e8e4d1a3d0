"""The notice lists as Wagtail generic views (issued notices, template versions, batches):
filters, pagination and the Excel/CSV export come from Wagtail; exports open well in
Excel (a title row, a frozen header, columns wide enough for Chinese). The forms beside
them (issuing, uploading a version, starting a batch) are the custom views in views.py."""

import datetime as dt

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cases.models import Case
from cases.policy import visible_cases
from core.people import display_name
from core.spreadsheets import MAX_WIDTH, MIN_WIDTH, TitledExportMixin, display_width
from doc_templates.forms import label as scope_label
from doc_templates.models import Notice, NoticeBatch, TemplateVersion
from doc_templates.policy import can_issue, can_manage_templates, can_view_notice, visible_notices

TITLE_FONT_SIZE = 14
# The open cases above the notices: the latest ones; the heading counts them all.
OPEN_CASES_SHOWN = 20


def local_minute(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ExcelReadyExportMixin(TitledExportMixin):
    """The shared export (local times, title row) with a filter on the headings and
    every row measured for the widths: notice lists are short and read column by column."""

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



class NoticeFilterSet(WagtailFilterSet):
    issued_at = django_filters.DateFromToRangeFilter(label="签发日期", widget=DateRangePickerWidget)
    superseded = django_filters.BooleanFilter(
        label="已被更正", field_name="superseded_by", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Notice
        fields = ["kind", "issued_at"]


def download_button(url, label="下载"):
    return format_html(
        '<a class="button button-small button-secondary" href="{}">{}</a>', url, label
    )


def downloads(notice):
    links = download_button(reverse("doc_templates:download", args=[notice.pk]))
    if getattr(notice, "pdf", None) is not None and notice.pdf.file:
        pdf_url = reverse("doc_templates:download_pdf", args=[notice.pk])
        links += format_html(" {}", download_button(pdf_url, "PDF"))
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
        open_cases = self.open_cases()
        context["open_cases"] = open_cases[:OPEN_CASES_SHOWN]
        context["open_cases_count"] = open_cases.count()
        context["can_issue"] = can_issue(self.request.user)
        return context

    def open_cases(self):
        return (
            visible_cases(self.request.user)
            .exclude(status=Case.Status.CLOSED)
            .select_related("topic")
            .order_by("-received_at")
        )


class NoticeHistoryView(generic.HistoryView):
    """历史记录 of one notice (Wagtail's log: issued, corrected, delivered, PDF), for those
    the notice policy lets see that notice; the view-only policy refuses the default
    requirement of an add, change or delete permission."""

    any_permission_required = ["view"]

    @property
    def header_buttons(self):
        notice = reverse("doc_templates:notice", args=[self.object.pk])
        return [HeaderButton("查看文书", url=notice, icon_name="doc-full")]

    def get_object(self):
        notice = super().get_object()
        if not can_view_notice(self.request.user, notice):
            raise PermissionDenied("您无权查看该文书。")
        return notice


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Issued notices, template versions and batches are frozen: their lists may be
    viewed by whom ``may_view`` lets in (Django's view permission by default), nothing
    added, edited or deleted through generic views (issuing, uploading and starting a
    batch are actions)."""

    def __init__(self, model, may_view=None):
        super().__init__(model)
        self.may_view = may_view

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return self.may_view(user) if self.may_view else super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(Notice, ViewOnlyPolicy(Notice), exact_class=True)
register_permission_policy(
    TemplateVersion, ViewOnlyPolicy(TemplateVersion, can_manage_templates), exact_class=True
)
register_permission_policy(NoticeBatch, ViewOnlyPolicy(NoticeBatch, can_issue), exact_class=True)


class ListingViewSet(ModelViewSet):
    """A list and its export; Wagtail's create, edit, delete, copy and inspect screens
    are refused by the view-only policy or not offered at all."""

    add_to_admin_menu = False
    form_fields = []
    copy_view_enabled = False
    inspect_view_enabled = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.export_filename = self.index_view_class.export_filename
        self.list_export = self.index_view_class.list_export


class NoticeViewSet(ListingViewSet):
    model = Notice
    name = "issued_notices"
    url_prefix = "notices"
    icon = "doc-full"
    index_view_class = NoticeIndexView
    history_view_class = NoticeHistoryView


class TemplateVersionFilterSet(WagtailFilterSet):
    class Meta:
        model = TemplateVersion
        fields = ["kind"]


class TemplateVersionIndexView(ExcelReadyExportMixin, generic.IndexView):
    """文书模板: every version ever uploaded, newest first per kind, each downloadable;
    uploading a new one is the form behind 上传新版本."""

    filterset_class = TemplateVersionFilterSet
    paginate_by = 50
    page_title = "文书模板"
    export_title = "文书模板版本"
    export_filename = "文书模板版本"
    columns = [
        Column("kind", label="文书类型", accessor="get_kind_display"),
        Column("version", label="版本", accessor=lambda v: f"第{v.version}版"),
        Column("note", label="说明"),
        Column("uploaded_by", label="上传人", accessor=lambda v: uploader(v)),
        Column("uploaded_at", label="上传时间", accessor=lambda v: local_minute(v.uploaded_at)),
        Column("placeholders", label="占位符", accessor=lambda v: "、".join(v.placeholders)),
        Column(
            "file",
            label="文件",
            accessor=lambda v: download_button(
                reverse("doc_templates:template_download", args=[v.pk])
            ),
        ),
    ]
    list_export = ["get_kind_display", "version", "note", "uploaded_by", "uploaded_at", "sha256"]
    export_headings = {
        "get_kind_display": "文书类型",
        "version": "版本号",
        "note": "修改说明",
        "uploaded_by": "上传人",
        "uploaded_at": "上传时间",
        "sha256": "SHA-256 指纹",
    }

    def get_base_queryset(self):
        return TemplateVersion.objects.select_related("uploaded_by")

    @property
    def header_buttons(self):
        upload = reverse("doc_templates:template_upload")
        return [HeaderButton("上传新版本", url=upload, icon_name="upload")]


def uploader(version):
    return display_name(version.uploaded_by) if version.uploaded_by_id else "系统"


class TemplateVersionViewSet(ListingViewSet):
    model = TemplateVersion
    name = "notice_templates"
    url_prefix = "notices/templates"
    icon = "doc-empty"
    index_view_class = TemplateVersionIndexView


class NoticeBatchFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label="发起日期", widget=DateRangePickerWidget
    )

    class Meta:
        model = NoticeBatch
        fields = ["status", "topic", "created_at"]


class NoticeBatchIndexView(ExcelReadyExportMixin, generic.IndexView):
    """批量三方温馨提示: every batch with its progress, opening its progress page;
    starting one is the form behind 新建批量任务."""

    filterset_class = NoticeBatchFilterSet
    paginate_by = 50
    page_title = "批量三方温馨提示"
    export_title = "批量三方温馨提示"
    export_filename = "批量三方温馨提示"
    columns = [
        TitleColumn(
            "scope",
            label="范围",
            url_name="doc_templates:batch",
            id_accessor="pk",
            accessor=lambda b: scope_label(b.scope),
        ),
        Column("topic", label="主题"),
        Column("progress", label="进度", accessor=lambda b: f"{b.done}/{b.total}"),
        Column("status", label="状态", accessor="get_status_display"),
        Column("created_by", label="发起人", accessor=lambda b: display_name(b.created_by)),
        Column("created_at", label="发起时间", accessor=lambda b: local_minute(b.created_at)),
        Column("finished_at", label="完成时间", accessor=lambda b: local_minute(b.finished_at)),
    ]
    list_export = [
        "scope.title",
        "topic",
        "done",
        "total",
        "get_status_display",
        "created_by",
        "created_at",
    ]
    export_headings = {
        "scope.title": "范围",
        "topic": "主题",
        "done": "已完成",
        "total": "总数",
        "get_status_display": "状态",
        "created_by": "发起人",
        "created_at": "发起时间",
    }

    def get_base_queryset(self):
        return NoticeBatch.objects.select_related("scope", "created_by")

    @property
    def header_buttons(self):
        start = reverse("doc_templates:batch_start")
        return [HeaderButton("新建批量任务", url=start, icon_name="plus")]


class NoticeBatchViewSet(ListingViewSet):
    model = NoticeBatch
    name = "notice_batches"
    url_prefix = "notices/batches"
    icon = "group"
    index_view_class = NoticeBatchIndexView
