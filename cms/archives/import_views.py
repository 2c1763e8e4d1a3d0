"""业户档案 › 导入档案: archivists upload the Excel sheets they keep today; the sheet is checked
at once and filed by a background job (``cms/archives/sheet_import.py``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.archives import policy
from cms.archives.importer import COLUMNS
from cms.archives.sheet_import import (
    TEMPLATE_NAME,
    UnreadableSheet,
    sheet_errors,
    start_import,
    template_workbook,
)
from core.downloads import XLSX, download_response
from core.uploads import extension, sniff_evidence

REFUSED = "仅档案员可以导入业户档案。"
# A whole sheet of wrong rows would bury the page; the first ones show what to fix.
ERRORS_SHOWN = 200


class ArchiveImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="请用导入模板填写（.xlsx）；逐行检查，有任何错误则整份不导入。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    note = forms.CharField(
        label="来源说明",
        required=False,
        max_length=100,
        help_text="选填，如“二期交付台账”；与文件名一起记入每户的导入记录。",
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.row_errors = []
        self.checked_name = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked_name = upload.name
        if extension(upload.name) != ".xlsx" or sniff_evidence(upload) != "xlsx":
            raise ValidationError(
                f"「{upload.name}」不是 Excel 表格（.xlsx）。请用导入模板填写；"
                "旧版 .xls 或 CSV 请在 Excel 中另存为 .xlsx 后上传。"
            )
        try:
            self.row_errors = sheet_errors(upload, self.by)
        except UnreadableSheet as unreadable:
            raise ValidationError(
                f"「{upload.name}」无法读取，文件可能已损坏。请在 Excel 中打开并另存为 .xlsx 后重新上传。"
            ) from unreadable
        if self.row_errors:
            raise ValidationError(
                f"「{upload.name}」共有 {len(self.row_errors)} 处错误，未导入任何数据。"
                "请按上方错误清单逐行改正后重新上传。"
            )
        return upload

    @property
    def source_name(self):
        note = self.cleaned_data.get("note", "").strip()
        name = self.cleaned_data["file"].name
        return f"{name}（{note}）" if note else name


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not policy.can_import_archives(request.user):
            raise PermissionDenied(REFUSED)
        return super().dispatch(request, *args, **kwargs)


class ArchiveImportView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "archives/admin/import.html"
    form_class = ArchiveImportForm
    page_title = "导入档案"
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("archives_admin:households"), "label": "业户档案"},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "by": self.request.user}

    def form_valid(self, form):
        start_import(form.cleaned_data["file"], form.source_name, self.request.user)
        messages.success(
            self.request,
            f"「{form.cleaned_data['file'].name}」已通过检查，正在后台导入。进度见下表；"
            "完成后可在“结果”一栏下载导入结果（仅您本人可下载）。",
        )
        return redirect("background_jobs:index")

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            columns=[(title, required) for title, (_, required) in COLUMNS.items()],
            row_errors=form.row_errors[:ERRORS_SHOWN],
            more_errors=max(0, len(form.row_errors) - ERRORS_SHOWN),
            action_url=reverse("archives_admin:import"),
            template_url=reverse("archives_admin:import_template"),
            submit_button_label="检查并导入",
            submit_button_active_label="正在检查…",
            **kwargs,
        )


class ImportTemplateView(ImportPermissionMixin, View):
    def get(self, request, *args, **kwargs):
        return download_response(template_workbook(), TEMPLATE_NAME, XLSX)
