"""档案一览 as Wagtail's generic IndexView: filters, pagination and the results refresh come
from Wagtail; what the user may see is the policy's (``listable_households``), phones stay
masked and each row offers reading only to those the policy lets read."""

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from cms.archives import policy
from cms.archives.models import (
    Building,
    HouseholdArchive,
    ImportantCustomerClass,
    Owner,
    TenureStage,
    attach_parents,
)


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
        building = self.request.GET.get("building", "")
        scope = f"building={building}" if building.isdigit() else ""
        url = reverse("archives_admin:catalogue")
        return [
            Button("导出档案目录（Excel）", url=f"{url}?{scope}", icon_name="download"),
            Button("导出档案目录（CSV）", url=f"{url}?format=csv&{scope}", icon_name="download"),
        ]
