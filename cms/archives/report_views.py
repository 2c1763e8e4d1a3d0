"""查阅登记簿 as Wagtail's ReportView: managers see who read what — by reader, household,
date range and way of reading, break-glass readings apart — and export the filtered lines
to Excel; the day's alerts (a reader over the daily limit, readings outside working hours)
and the refused deletes stand beside the list."""

import io

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from cms.archives import policy
from cms.archives.exports import grant_label
from cms.archives.models import AccessRecord, DeletionAttempt, HouseholdArchive, attach_parents
from cms.archives.register import alerts
from core.downloads import XLSX, download_response
from core.people import display_name

# The refused deletes beside the register: the latest ones, the heading counts them all.
DELETION_ATTEMPTS_SHOWN = 50


class RegisterFilterSet(WagtailFilterSet):
    user = django_filters.ModelChoiceFilter(
        label="查阅人",
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    household = django_filters.ModelChoiceFilter(
        label="业户档案", queryset=HouseholdArchive.objects.all()
    )
    accessed_at = django_filters.DateFromToRangeFilter(
        label="查阅日期", widget=DateRangePickerWidget
    )
    via = django_filters.ChoiceFilter(label="查阅途径", choices=AccessRecord.Via.choices)
    break_glass = django_filters.BooleanFilter(
        label="经理紧急自行开启", field_name="grant__break_glass"
    )

    class Meta:
        model = AccessRecord
        fields = []


def grant_shown(record):
    if record.grant_id and record.grant.break_glass:
        return format_html(
            '<strong class="w-text-critical-200">{}</strong>', grant_label(record.grant)
        )
    return f"查阅申请 #{record.grant_id}" if record.grant_id else grant_label(None)


class RegisterReportView(ReportView):
    page_title = "查阅登记簿"
    header_icon = "list-ul"
    template_name = "archives/admin/register.html"
    index_url_name = "archives_admin:register"
    index_results_url_name = "archives_admin:register_results"
    filterset_class = RegisterFilterSet
    paginate_by = 100
    columns = [
        Column(
            "accessed_at",
            label="查阅时间",
            accessor=lambda r: f"{timezone.localtime(r.accessed_at):%Y-%m-%d %H:%M:%S}",
        ),
        Column("reader", label="查阅人", accessor=lambda r: display_name(r.user)),
        Column("household", label="业户档案", accessor=lambda r: r.household.address),
        Column("via", label="途径", accessor="via_label"),
        Column("grant", label="依据", accessor=grant_shown),
        Column("ip_address", label="来源地址", accessor=lambda r: r.ip_address or "—"),
    ]
    list_export = ["accessed_at", "reader", "address", "via_label", "grant_text", "ip_address"]
    export_headings = {
        "accessed_at": "查阅时间",
        "reader": "查阅人",
        "address": "业户档案",
        "via_label": "查阅途径",
        "grant_text": "依据的申请",
        "ip_address": "来源地址",
    }

    def dispatch(self, request, *args, **kwargs):
        if not policy.can_view_register(request.user):
            raise PermissionDenied("仅客户服务中心经理可以查看查阅登记簿。")
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"查阅登记簿-{timezone.localdate():%Y%m%d}"

    def write_xlsx_response(self, queryset):
        # The register is private: saved under its Chinese name, never cached.
        output = io.BytesIO()
        self.write_xlsx(queryset, output)
        return download_response(output.getvalue(), f"{self.get_filename()}.xlsx", XLSX)

    def get_queryset(self):
        return AccessRecord.objects.select_related("user", "household", "grant")

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "attrs": {"id": "register"}}

    def decorate_paginated_queryset(self, object_list):
        records = attach_parents_of(object_list)
        for record in records:
            record.reader = display_name(record.user)
            record.address = record.household.address
            record.grant_text = grant_label(record.grant)
        return records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(alerts(), on_register=True)
        attempts = DeletionAttempt.objects.select_related("user")
        context.update(
            deletion_attempts=attempts[:DELETION_ATTEMPTS_SHOWN],
            deletion_attempts_count=attempts.count(),
            deletion_attempts_shown=DELETION_ATTEMPTS_SHOWN,
        )
        return context

    def preprocess_field_value(self, field, value, export_format):
        if field == "accessed_at":
            return timezone.localtime(value).replace(tzinfo=None)
        return super().preprocess_field_value(field, value, export_format)


def attach_parents_of(records):
    records = list(records)
    attach_parents(record.household for record in records)
    return records
