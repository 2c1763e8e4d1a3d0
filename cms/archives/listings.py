"""The archive's admin lists on Wagtail's generic IndexView — 档案一览 (whose export is the
业户档案目录), 查阅申请 and 保全登记: filters, pagination and the results refresh come from
Wagtail; what the user may see and do is the policy's, phones stay masked and each row offers
reading only to those the policy lets read."""

import io

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from cms.archives import exports, holds, policy
from cms.archives.forms import HoldForm
from cms.archives.models import (
    AccessGrant,
    Building,
    Estate,
    Hold,
    HouseholdArchive,
    ImportantCustomerClass,
    Owner,
    TenureStage,
    attach_parents,
)
from core.downloads import XLSX, download_response
from core.people import display_name

CSV = "text/csv; charset=utf-8"


def matching_room_owner_or_phone(text):
    """The list's one search box: a room number, a current owner's name, or a phone
    (whole or its last digits) — results stay masked as always."""
    text = text.strip()
    query = Q(room__contains=text) | Q(owners__is_current=True, owners__name__contains=text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        query |= Q(owners__is_current=True, owners__phone__contains=digits)
        query |= Q(owners__is_current=True, owners__phone_alt__contains=digits)
    return query


class HouseholdFilterSet(WagtailFilterSet):
    estate = django_filters.ModelChoiceFilter(
        label="小区", queryset=Estate.objects.all(), method="in_estate", empty_label="全部小区"
    )
    building = django_filters.ModelChoiceFilter(
        label="楼栋", queryset=Building.objects.all(), method="in_building", empty_label="全部楼栋"
    )
    stage = django_filters.ChoiceFilter(
        label="客户阶段", choices=TenureStage.choices, method="in_stage", empty_label="全部阶段"
    )
    important = django_filters.ModelChoiceFilter(
        label="重要客户",
        queryset=ImportantCustomerClass.objects.all(),
        field_name="important_classes",
        empty_label="全部客户",
    )
    closed = django_filters.ChoiceFilter(
        label="状态",
        choices=[("1", "已归档关闭"), ("all", "全部")],
        method="by_state",
        empty_label="在档",
    )
    q = django_filters.CharFilter(
        label="房号／业主姓名／电话",
        method="matching",
        widget=forms.TextInput({"placeholder": "如 1201、张伟、5678"}),
    )

    class Meta:
        model = HouseholdArchive
        fields = []

    def filter_queryset(self, queryset):
        # Without a choice the list shows the households still in the archive (在档).
        if not self.form.cleaned_data.get("closed"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def in_estate(self, queryset, name, estate):
        return queryset.descendant_of(estate)

    def in_building(self, queryset, name, building):
        return queryset.child_of(building)

    def in_stage(self, queryset, name, stage):
        return queryset.in_tenure_stage(stage)

    def by_state(self, queryset, name, state):
        return queryset.filter(is_closed=True) if state == "1" else queryset

    def matching(self, queryset, name, text):
        return queryset.filter(matching_room_owner_or_phone(text)).distinct()


def reading_links(household):
    if not household.readable:
        url = reverse("archives_admin:request_access") + f"?household={household.pk}"
        return format_html('<a href="{}">申请查阅</a>', url)
    links = format_html(
        '<a href="{}">查阅</a>', reverse("archives_admin:household", args=[household.pk])
    )
    if household.reads_everything:
        edit = reverse("wagtailadmin_pages:edit", args=[household.pk])
        links += format_html(' · <a href="{}">编辑</a>', edit)
    return links


class HouseholdIndexView(generic.IndexView):
    model = HouseholdArchive
    page_title = "业户档案一览"
    header_icon = "folder-open-inverse"
    index_url_name = "archives_admin:households"
    index_results_url_name = "archives_admin:households_results"
    results_template_name = "archives/admin/household_list_results.html"
    filterset_class = HouseholdFilterSet
    paginate_by = 100
    table_classname = "listing household-list"
    # The one search box is the filter's 房号／业主姓名／电话, which also finds owners and phones.
    is_searchable = False
    columns = [
        Column("address", label="地址"),
        Column("owners", label="业主", accessor=lambda h: h.owner_names or "—"),
        Column("phones", label="联系电话", accessor=lambda h: h.masked_phones or "—"),
        Column("floor_area", label="面积（㎡）", accessor=lambda h: h.floor_area or "—"),
        Column(
            "handover_date",
            label="收楼时间",
            accessor=lambda h: f"{h.handover_date:%Y-%m-%d}" if h.handover_date else "—",
        ),
        Column("stage", label="客户阶段", accessor="tenure_stage_label"),
        Column("state", label="状态", accessor=lambda h: "已归档关闭" if h.is_closed else "在档"),
        Column("links", label="", accessor=reading_links),
    ]

    def get_base_queryset(self):
        return policy.listable_households(self.request.user)

    def order_queryset(self, queryset):
        return queryset.in_catalogue_order()

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, paginated = super().paginate_queryset(queryset, page_size)
        current = Prefetch("owners", queryset=Owner.objects.filter(is_current=True))
        page.object_list = rows = self.decorated(attach_parents(rows.prefetch_related(current)))
        return paginator, page, rows, paginated

    def decorated(self, rows):
        user = self.request.user
        readable = set(
            policy.readable_households(user)
            .filter(pk__in=[h.pk for h in rows])
            .values_list("pk", flat=True)
        )
        reads_everything = policy.reads_everything(user)
        for household in rows:
            household.readable = household.pk in readable
            household.reads_everything = reads_everything
            household.masked_phones = "、".join(
                policy.mask_phone(o.phone) for o in household.current_owners if o.phone
            )
        return rows

    @property
    def header_more_buttons(self):
        if not policy.reads_everything(self.request.user):
            return []
        return [
            Button("导出档案目录（Excel）", url=self.xlsx_export_url, icon_name="download"),
            Button("导出档案目录（CSV）", url=self.csv_export_url, icon_name="download"),
        ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # The list's export is the 业户档案目录 the command export_catalogue writes too:
        # building by building with a running 序号, every household in it registered as read.
        if not policy.reads_everything(self.request.user):
            raise PermissionDenied("仅档案员可以导出业户档案目录。")
        scope = self.catalogue_scope()
        households = exports.catalogue_households(scope, queryset)
        name = f"业户档案目录-{scope.title if scope else '全部'}-{timezone.localdate():%Y%m%d}"
        if spreadsheet_format == self.FORMAT_CSV:
            text = io.StringIO()
            written = exports.write_catalogue_csv(households, text)
            content, filename, content_type = text.getvalue().encode(), f"{name}.csv", CSV
        else:
            stream = io.BytesIO()
            written = exports.write_catalogue_xlsx(households, stream)
            content, filename, content_type = stream.getvalue(), f"{name}.xlsx", XLSX
        exports.register_export(self.request.user, written, self.request)
        return download_response(content, filename, content_type)

    def catalogue_scope(self):
        if not (self.filters and self.filters.is_valid()):
            return None
        chosen = self.filters.form.cleaned_data
        return chosen.get("building") or chosen.get("estate")


class CatalogueView(HouseholdIndexView):
    """The catalogue's own address (档案报表 links each estate's): the list's export of an
    estate or a building (``format=csv`` for CSV), closed archives included unless
    状态 is chosen; an estate or building that is not found is not found."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.is_export = True

    def get_filterset_kwargs(self):
        data = self.request.GET.copy()
        data.setdefault("closed", "all")
        return {**super().get_filterset_kwargs(), "data": data}

    def render_to_response(self, context, **response_kwargs):
        if not self.filters.is_valid():
            raise Http404("没有这个小区或楼栋")
        wanted = self.FORMAT_CSV if self.request.GET.get("format") == "csv" else self.FORMAT_XLSX
        return self.as_spreadsheet(context["object_list"], wanted)


def reason_shown(grant):
    return format_html("{}{}", "【以便回访】" if grant.for_callback else "", grant.reason)


def grant_reading_link(grant):
    if grant.status != AccessGrant.Status.APPROVED:
        return ""
    if grant.household_id:
        url = reverse("archives_admin:household", args=[grant.household_id])
        return format_html(
            '<a href="{}">{}</a>', url, "查看回访电话" if grant.for_callback else "查阅"
        )
    url = reverse("archives_admin:households") + f"?building={grant.building_id}"
    return format_html('<a href="{}">查阅</a>', url)


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class GrantFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=AccessGrant.Status.choices, empty_label="全部"
    )

    class Meta:
        model = AccessGrant
        fields = []


class GrantIndexView(generic.IndexView):
    """查阅申请: a manager's pending requests, each with its approve and refuse form, above
    the decided ones; everyone else sees their own requests."""

    model = AccessGrant
    page_title = "档案查阅申请"
    header_icon = "key"
    template_name = "archives/admin/grants.html"
    index_url_name = "archives_admin:grants"
    index_results_url_name = "archives_admin:grants_results"
    filterset_class = GrantFilterSet
    paginate_by = 50
    is_searchable = False
    # Everyone signed in asks for access here; whose requests they see is the policy's.
    any_permission_required = None
    columns = [
        Column("requester", label="申请人", accessor=lambda g: display_name(g.requester)),
        Column("scope", label="范围", accessor="scope_label"),
        Column("reason", label="事由", accessor=reason_shown),
        Column("status", label="状态", accessor="status_label"),
        Column("expires_at", label="有效至", accessor=lambda g: local_time(g.expires_at)),
        Column("links", label="", accessor=grant_reading_link),
    ]

    @property
    def can_approve(self):
        return policy.can_approve_access(self.request.user)

    def get_base_queryset(self):
        grants = AccessGrant.objects.select_related("requester", "household", "building")
        if self.can_approve:
            return grants.exclude(status=AccessGrant.Status.PENDING)
        return grants.filter(requester=self.request.user)

    @property
    def header_buttons(self):
        url = reverse("archives_admin:request_access")
        return [Button("新的查阅申请", url=url, icon_name="plus", classname="button")]

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "attrs": {"id": "grants"}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = AccessGrant.objects.pending().select_related("requester", "household", "building")
        context.update(can_approve=self.can_approve, pending=pending if self.can_approve else [])
        return context


class HoldStateColumn(Column):
    """保全中 rows carry their lift form (reason required), lifted ones say when and why."""

    cell_template_name = "archives/admin/hold_state_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = get_token(parent_context["request"])
        return context


class HoldFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label="状态",
        choices=[("active", "保全中"), ("lifted", "已解除")],
        method="in_state",
        empty_label="全部",
    )

    class Meta:
        model = Hold
        fields = []

    def in_state(self, queryset, name, state):
        return queryset.filter(lifted_at__isnull=state == "active")


class HoldIndexView(generic.IndexView):
    """保全登记: the form placing a hold (posted to this list) above every hold placed and
    lifted, each still held one with its lift form."""

    model = Hold
    page_title = "保全登记"
    header_icon = "lock"
    template_name = "archives/admin/holds.html"
    index_url_name = "archives_admin:holds"
    index_results_url_name = "archives_admin:holds_results"
    filterset_class = HoldFilterSet
    paginate_by = 50
    is_searchable = False
    # Placing a hold is the one right this screen needs (asked in dispatch).
    any_permission_required = None
    columns = [
        Column("target_label", label="保全对象"),
        Column("reason", label="原因"),
        Column("reference", label="依据编号", accessor=lambda h: h.reference or "—"),
        Column("placed_by", label="保全人", accessor=lambda h: display_name(h.placed_by)),
        Column("placed_at", label="保全时间", accessor=lambda h: local_time(h.placed_at)),
        HoldStateColumn("state", label="状态"),
    ]
    form = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(holds.PLACE_HOLD):
            raise PermissionDenied("仅客户服务中心经理可以设置和解除保全。")
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return Hold.objects.select_related("placed_by")

    def post(self, request, *args, **kwargs):
        self.form = HoldForm(request.POST)
        if self.form.is_valid():
            data = self.form.cleaned_data
            try:
                hold = holds.place_hold(
                    data["target"], request.user, data["reason"], data["reference"]
                )
            except (PermissionDenied, ValidationError) as error:
                self.form.add_error(
                    None, error.messages[0] if hasattr(error, "messages") else str(error)
                )
            else:
                messages.success(request, f"已保全：{hold.target_label}。")
                return redirect("archives_admin:holds")
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        household = self.request.GET.get("household")
        context["form"] = self.form or HoldForm(
            initial={"household": household} if household else {}
        )
        return context
