"""The case admin: menus, the case viewset (list, intake, edit with conflict check,
case page, read-only history), the editable lists and registers, dashboard panels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from cases import actions, report_views
from cases.dashboard import case_list_url
from cases.filters import CaseFilterSet
from cases.forms import CaseForm
from cases.models import (
    CalendarDay,
    Case,
    CaseTopic,
    EditConflict,
    MajorCaseEntry,
    ManagerNotice,
    Tombstone,
)
from cases.policy import can_handle_case, visible_cases
from cases.views import (
    CaseDetailView,
    CaseHistoryView,
    case_lookup,
    evidence_download,
    mark_notices_read,
)
from cms.archives.models import HeldRecordRefused
from core.admin_ui import UserPanel, YesNoColumn
from core.aftercommit import committed_save
from core.people import display_name
from core.policies import NoDeletePolicy, ReadOnlyPolicy
from core.resubmission import add_token_field, earlier_submission, remember_submission
from core.spreadsheets import TitledExportMixin, TitledIndexView

# Cases and their registers are never deleted by hand (disposition has its own review),
# and tombstones are written only by the disposal itself.
for _model in (Case, CaseTopic, MajorCaseEntry):
    register_permission_policy(_model, NoDeletePolicy(_model), exact_class=True)
register_permission_policy(Tombstone, ReadOnlyPolicy(Tombstone), exact_class=True)


def local_time(value):
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


class HiddenFieldPanel(FieldPanel):
    """A field the form carries without a heading of its own (the version a case was read
    at), so no empty section shows under the intake."""

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.heading = ""


class DeadlineColumn(Column):
    """A running clock: its due time, flagged when it falls due today or is overdue."""

    def get_value(self, instance):
        stopped = instance.responded_at if self.name == "response_due_at" else instance.handled_at
        due = getattr(instance, self.name)
        if not due or stopped or instance.status == Case.Status.CLOSED:
            return local_time(due)
        now = timezone.now()
        if due < now:
            return format_html(
                '<span class="w-status w-status--label">已超时</span> {}', local_time(due)
            )
        if timezone.localtime(due).date() == timezone.localdate():
            return format_html(
                '<span class="w-status w-status--primary">今日到期</span> {}', local_time(due)
            )
        return local_time(due)


class CaseListPaginator(WagtailPaginator):
    """Pages of the whole case list, counted from PostgreSQL's estimate of the table's
    rows once it holds a hundred thousand cases: an exact count of a million takes
    longer than the rest of the page. The list then says 约 (about) before the number;
    a filtered or searched list, or a smaller table, is counted exactly."""

    estimate_from = 100_000

    @cached_property
    def estimated(self):
        if connection.vendor != "postgresql" or self.object_list.query.has_filters():
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [Case._meta.db_table],
            )
            rows = cursor.fetchone()[0]
        return rows if rows >= self.estimate_from else None

    @cached_property
    def count(self):
        return self.estimated if self.estimated is not None else super().count

    @cached_property
    def items_count_label(self):
        if self.estimated is None:
            return super().items_count_label
        return f"约 {self.count:,} {self.verbose_name_plural}"


class CaseIndexView(TitledExportMixin, generic.IndexView):
    export_title = "案件清单"
    paginator_class = CaseListPaginator

    def get_base_queryset(self):
        return visible_cases(self.request.user).select_related("topic", "handler")


class CaseCreateView(generic.CreateView):
    """Intake. The form carries a token: sent again (double click, resend after an error
    page), it leads to the case the first submission registered instead of a duplicate."""

    def get_form(self, *args, **kwargs):
        return add_token_field(super().get_form(*args, **kwargs))

    def post(self, request, *args, **kwargs):
        earlier = earlier_submission(request)
        if earlier is not None:
            return self.already_registered(earlier)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:
            earlier = earlier_submission(self.request)
            if earlier is None:
                raise
            return self.already_registered(earlier)  # the same form sent twice at once

    def already_registered(self, earlier):
        messages.info(self.request, f"此表单已提交过，{earlier.label}，未重复登记。")
        return redirect(earlier.result_url)

    def save_instance(self):
        case = self.form.save(commit=False)
        with committed_save("案件受理"):
            actions.register_case(case, self.request.user)
            self.form.save_m2m()
            remember_submission(
                self.request, reverse("cases:detail", args=[case.pk]), f"已受理：{case.number}"
            )
        return case

    def get_success_url(self):
        return reverse("cases:detail", args=[self.object.pk])

    def get_success_message(self, instance):
        return f"已受理：{instance.number}"


class CaseEditView(generic.EditView):
    def get_object(self, queryset=None):
        case = super().get_object(visible_cases(self.request.user))
        if not can_handle_case(self.request.user, case):
            raise PermissionDenied("您无权修改此案件。")
        return case

    def save_instance(self):
        case = self.form.save(commit=False)
        with committed_save("修改案件"):
            actions.update_case(case, self.request.user, "修改案件信息")
        self.form.save_m2m()
        return case

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EditConflict as conflict:
            # The version check in the form passed, but a colleague's save landed first.
            form.refuse_as_conflict(conflict.current.version)
            self.produced_error_message = str(conflict)
            return self.form_invalid(form)
        except HeldRecordRefused as held:
            form.add_error(None, held)
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse("cases:detail", args=[self.object.pk])


class CaseHistoryRedirect(HistoryView):
    """The history button leads to the django-simple-history view of the case."""

    def get(self, request, *args, **kwargs):
        return redirect("cases:changes", self.kwargs["pk"])


class CaseViewSet(ModelViewSet):
    model = Case
    name = "cases"
    icon = "clipboard-list"
    menu_label = "案件"
    menu_order = 100
    add_to_admin_menu = False
    index_view_class = CaseIndexView
    add_view_class = CaseCreateView
    edit_view_class = CaseEditView
    history_view_class = CaseHistoryRedirect
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["-received_at"]
    filterset_class = CaseFilterSet
    search_fields = ["number", "reporter_name", "location", "description"]
    list_export = [
        "number",
        "get_kind_display",
        "get_status_display",
        "get_severity_display",
        "get_channel_display",
        "received_at",
        "topic",
        "reporter_display",
        "reporter_phone",
        "location",
        "description",
        "handler",
        "response_due_at",
        "resolve_due_at",
        "closed_at",
    ]
    export_headings = {
        "number": "编号",
        "get_kind_display": "类别",
        "get_status_display": "状态",
        "get_severity_display": "性质",
        "get_channel_display": "来源渠道",
        "received_at": "受理时间",
        "topic": "主题",
        "reporter_display": "反映人",
        "reporter_phone": "联系电话",
        "location": "地点或房号",
        "description": "内容",
        "handler": "处理人",
        "response_due_at": "答复时限",
        "resolve_due_at": "解决时限",
        "closed_at": "结案时间",
    }
    export_filename = "案件清单"

    @property
    def list_display(self):
        return [
            TitleColumn("number", label="编号", url_name="cases:detail", sort_key="number"),
            Column("kind", label="类别", accessor="get_kind_display"),
            Column("status", label="状态", accessor="get_status_display", sort_key="status"),
            Column("channel", label="渠道", accessor="get_channel_display"),
            Column("topic", label="主题"),
            Column("reporter", label="反映人", accessor="reporter_display"),
            Column(
                "received_at",
                label="受理时间",
                accessor=lambda c: local_time(c.received_at),
                sort_key="received_at",
            ),
            DeadlineColumn("response_due_at", label="答复时限", sort_key="response_due_at"),
            DeadlineColumn("resolve_due_at", label="解决时限"),
            Column(
                "handler",
                label="处理人",
                accessor=lambda case: display_name(case.handler) if case.handler else "",
            ),
        ]

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("kind"), FieldPanel("channel"), FieldPanel("received_at")]
                    ),
                    FieldPanel("household"),
                    FieldRowPanel(
                        [
                            FieldPanel("reporter_name"),
                            FieldPanel("reporter_phone"),
                            FieldPanel("anonymous"),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("location"), FieldPanel("topic")]),
                    FieldPanel("description"),
                    FieldRowPanel(
                        [FieldPanel("department"), FieldPanel("handler"), FieldPanel("severity")]
                    ),
                    FieldPanel("related_cases"),
                    HiddenFieldPanel("version"),
                ],
                heading="受理",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("complaint_class"), FieldPanel("validity")]),
                    FieldPanel("forward_record"),
                    FieldPanel("invalid_explanation"),
                    FieldRowPanel([FieldPanel("root_cause"), FieldPanel("root_sub_cause")]),
                    FieldRowPanel([FieldPanel("people_count"), FieldPanel("times_count")]),
                    FieldPanel("impact_note"),
                ],
                heading="投诉",
                classname="collapsed",
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("violation_kind"), FieldPanel("rectify_deadline")])],
                heading="违章",
                classname="collapsed",
            ),
        ],
        base_form_class=CaseForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", CaseDetailView.as_view(), name="detail"),
            path("<int:pk>/changes/", CaseHistoryView.as_view(), name="changes"),
            path("<int:pk>/notices/read/", mark_notices_read, name="notices_read"),
            path("<int:pk>/evidence/<int:evidence_id>/", evidence_download, name="evidence"),
            path("lookup/", case_lookup, name="lookup"),
        ]


class CaseTopicViewSet(ModelViewSet):
    model = CaseTopic
    name = "case_topics"
    icon = "tag"
    menu_label = "案件主题"
    form_fields = ["name", "sort_order", "active"]
    list_display = ["name", "sort_order", YesNoColumn("active", label="启用", sort_key="active")]
    copy_view_enabled = False


class CalendarDayViewSet(ModelViewSet):
    model = CalendarDay
    name = "working_calendar"
    icon = "date"
    menu_label = "工作日历"
    form_fields = ["date", "is_working_day", "name"]
    list_display = [
        "date",
        "name",
        YesNoColumn("is_working_day", label="是否上班", sort_key="is_working_day"),
    ]
    list_filter = ["is_working_day"]
    copy_view_enabled = False


class MajorCaseViewSet(ModelViewSet):
    model = MajorCaseEntry
    index_view_class = TitledIndexView
    name = "major_cases"
    icon = "warning"
    menu_label = "重大投诉卷宗"
    form_fields = ["reported_to"]
    list_display = [
        TitleColumn("case", label="案件", url_name="cases:detail", id_accessor="case_id"),
        Column("topic", label="主题", accessor=lambda e: e.case.topic),
        Column("status", label="状态", accessor=lambda e: e.case.get_status_display()),
        Column("registered_at", label="立卷时间", accessor=lambda e: local_time(e.registered_at)),
        "reported_to",
    ]
    list_export = ["case", "registered_at", "registered_by", "reported_to"]
    export_headings = {
        "case": "案件",
        "registered_at": "立卷时间",
        "registered_by": "立卷人",
        "reported_to": "已报告",
    }
    export_filename = "重大案件登记"
    copy_view_enabled = False


class TombstoneViewSet(ModelViewSet):
    model = Tombstone
    index_view_class = TitledIndexView
    name = "case_tombstones"
    icon = "bin"
    menu_label = "案卷销毁记录"
    form_fields = []
    list_display = [
        "number",
        "severity",
        "received_at",
        "closed_at",
        "retention_until",
        "disposed_by",
        "disposed_at",
    ]
    list_export = [
        "number",
        "kind",
        "severity",
        "received_at",
        "closed_at",
        "retention_until",
        "disposed_by",
        "disposed_at",
    ]
    copy_view_enabled = False
    inspect_view_enabled = True


class CasesMenu(ModelViewSetGroup):
    menu_label = "案件管理"
    menu_icon = "clipboard-list"
    menu_order = 250
    items = [CaseViewSet, MajorCaseViewSet, CaseTopicViewSet, CalendarDayViewSet, TombstoneViewSet]


@hooks.register("register_admin_viewset")
def register_cases_menu():
    return CasesMenu()


@hooks.register("register_admin_urls")
def register_report_urls():
    return report_views.admin_urls()


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return report_views.menu_item()


# The dashboard lists the earliest cases of each clock; the whole list is the case list's.
DASHBOARD_ROWS = 20


def _first_of(cases, work_list):
    return {
        "cases": cases[:DASHBOARD_ROWS],
        "count": cases.count(),
        "limit": DASHBOARD_ROWS,
        "url": case_list_url(work_list),
    }


class DeadlinePanel(UserPanel):
    """Dashboard: cases falling due today, overdue cases and complaints past a working
    day without a named handler, for the signed-in user."""

    name = "case_deadlines"
    order = 60
    template_name = "cases/deadline_panel.html"

    def get_context_data(self, parent_context):
        cases = visible_cases(self.user).select_related("topic")
        return {
            "overdue": _first_of(cases.overdue().order_by("response_due_at"), "overdue"),
            "due_today": _first_of(cases.due_today().order_by("response_due_at"), "due_today"),
            "needs_handler": _first_of(
                cases.needs_named_handler().order_by("received_at"), "needs_handler"
            ),
            "notices": ManagerNotice.objects.filter(
                user=self.user, read_at__isnull=True
            ).select_related("case")[:10],
            # The 标为已读 buttons post from the dashboard and come back to it.
            "csrf_token": parent_context.get("csrf_token"),
            "dashboard_url": reverse("wagtailadmin_home"),
        }


@hooks.register("construct_homepage_panels")
def add_deadline_panel(request, panels):
    if request.user.has_perm("cases.view_case"):
        panels.append(DeadlinePanel(request.user))
