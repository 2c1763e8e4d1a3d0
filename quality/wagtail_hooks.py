"""The service-quality admin: menu 服务品质 with its viewsets, report pages and a
dashboard panel (overdue care plans, interview analyses due, open rectifications)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin_ui import PolicyMenuItem, YesNoColumn, holding
from core.people import display_name
from core.policies import NoDeletePolicy, ReadOnlyPolicy
from core.spreadsheets import TitledIndexView
from quality import actions, reports, views
from quality import policy as quality_policy
from quality.forms import AuditForm, CarePlanForm, InterviewPlanForm, SurveyForm
from quality.models import (
    Audit,
    Birthday,
    CarePlan,
    Checklist,
    HouseholdCareInfo,
    InterviewPlan,
    MessageTemplate,
    OutboxMessage,
    Questionnaire,
    RelationshipPlan,
    StaffProfile,
    Survey,
    VersionStatus,
)


class FrozenVersionPolicy(ModelPermissionPolicy):
    """Published and retired versions are frozen: nobody edits or deletes them, so
    every audit and survey keeps the exact version it used."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.status != VersionStatus.DRAFT:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


register_permission_policy(Checklist, FrozenVersionPolicy(Checklist), exact_class=True)
register_permission_policy(Questionnaire, FrozenVersionPolicy(Questionnaire), exact_class=True)
for _model in (Audit, Survey, InterviewPlan, CarePlan, RelationshipPlan):
    register_permission_policy(_model, NoDeletePolicy(_model), exact_class=True)
register_permission_policy(OutboxMessage, ReadOnlyPolicy(OutboxMessage), exact_class=True)


def local_date(value):
    return value.strftime("%Y-%m-%d") if value else ""


class QualityViewSet(ModelViewSet):
    """Wagtail's screens for a quality model, and the ``extra_urls`` its set adds (its
    detail page, publishing, a report download)."""

    extra_urls = []

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), *self.extra_urls]


# Checklists and questionnaires -----------------------------------------------------


class VersionEditView(generic.EditView):
    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if instance.status != VersionStatus.DRAFT:
            raise PermissionDenied("已发布的版本不能修改，请先“建立新版本”。")
        return instance


class ChecklistViewSet(QualityViewSet):
    model = Checklist
    name = "quality_checklists"
    url_prefix = "quality/checklists"
    icon = "list-ul"
    menu_label = "督导检查标准"
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_view_class = VersionEditView
    list_display = [
        TitleColumn("name", label="名称", url_name="quality_checklists:inspect"),
        Column("version", label="版本"),
        Column("status", label="状态", accessor="get_status_display"),
        Column("total_points", label="总分值"),
        Column("published_at", label="发布时间", accessor=lambda c: local_date(c.published_at)),
    ]
    list_filter = ["status"]
    edit_template_name = "quality/checklist_edit.html"
    inspect_template_name = "quality/checklist_inspect.html"
    panels = Checklist.panels

    extra_urls = [
        path("<int:pk>/publish/", views.publish_checklist, name="publish"),
        path("<int:pk>/new-version/", views.copy_checklist, name="new_version"),
    ]


class QuestionnaireViewSet(QualityViewSet):
    model = Questionnaire
    name = "quality_questionnaires"
    url_prefix = "quality/questionnaires"
    icon = "form"
    menu_label = "调查问卷"
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_view_class = VersionEditView
    list_display = [
        TitleColumn("title", label="问卷", url_name="quality_questionnaires:inspect"),
        Column("version", label="版本"),
        Column("status", label="状态", accessor="get_status_display"),
    ]
    list_filter = ["status"]
    edit_template_name = "quality/questionnaire_edit.html"
    panels = Questionnaire.panels

    extra_urls = [
        path("<int:pk>/publish/", views.publish_questionnaire, name="publish"),
        path("<int:pk>/new-version/", views.copy_questionnaire, name="new_version"),
    ]


# Audits ---------------------------------------------------------------------------


class AuditCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.start_audit(
            data["estate"], data["checklist"], data["auditors"], self.request.user,
            audit_date=data["audit_date"], project_manager=data["project_manager"],
        )

    def get_success_url(self):
        return reverse("quality_audits:detail", args=[self.object.pk])

    def get_success_message(self, instance):
        return f"已登记督导检查：{instance}"


class AuditEditRedirect(generic.EditView):
    """An audit changes only through its page (findings, signatures, acknowledgement)."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("quality_audits:detail", kwargs["pk"])


class AuditViewSet(QualityViewSet):
    index_view_class = TitledIndexView
    model = Audit
    name = "quality_audits"
    url_prefix = "quality/audits"
    icon = "tasks"
    menu_label = "督导检查"
    copy_view_enabled = False
    add_view_class = AuditCreateView
    edit_view_class = AuditEditRedirect
    list_filter = ["status", "estate", "audit_date"]
    ordering = ["-audit_date"]
    list_display = [
        TitleColumn("estate", label="小区", url_name="quality_audits:detail",
                    accessor=lambda a: a.estate.title),
        Column("audit_date", label="检查日期", accessor=lambda a: local_date(a.audit_date)),
        Column("checklist", label="检查标准"),
        Column("total_score", label="总得分"),
        Column("status", label="状态", accessor="get_status_display"),
    ]
    list_export = ["estate", "audit_date", "checklist", "total_score", "status"]
    export_headings = {"estate": "小区", "audit_date": "检查日期", "checklist": "检查标准",
                       "total_score": "总得分", "status": "状态"}
    export_filename = "督导检查"
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("estate"), FieldPanel("audit_date")]),
            FieldPanel("checklist"),
            FieldPanel("auditors"),
            FieldPanel("project_manager"),
        ],
        base_form_class=AuditForm,
    )

    extra_urls = [
        path("<int:pk>/", views.AuditDetailView.as_view(), name="detail"),
        path("<int:pk>/report.docx", views.audit_docx, name="docx"),
        path("<int:pk>/photos/<int:photo_id>/", views.finding_photo, name="photo"),
    ]


# Surveys ---------------------------------------------------------------------------


def chosen_households(estate, text):
    """Households named one a line as supervisors type them: 1栋 1201, 1栋1单元1201室,
    1号楼 1201 or full-width １栋　１２０１. A line naming no household of the estate, or
    a room found in several units, is refused by name: a sample silently short of the
    households the supervisor chose would be a survey of someone else."""
    from django.core.exceptions import ValidationError

    from cms.archives.models import HouseholdArchive, attach_parents
    from cms.archives.spoken_address import as_indexed

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    by_address = {}
    for household in attach_parents(list(HouseholdArchive.objects.descendant_of(estate))):
        for said in set(household.spoken_addresses.split()) - _without_building(household):
            by_address.setdefault(said, []).append(household)
    chosen, unknown, ambiguous = [], [], []
    for line in lines:
        found = by_address.get(as_indexed(line), [])
        if not found:
            unknown.append(line)
        elif len(found) > 1:
            ambiguous.append(line)
        elif found[0] not in chosen:
            chosen.append(found[0])
    if unknown:
        raise ValidationError(f"找不到以下业户：{'、'.join(unknown)}（每行一户，如：1栋 1201）")
    if ambiguous:
        raise ValidationError(f"以下房号不止一户，请写明单元：{'、'.join(ambiguous)}")
    return chosen


def _without_building(household):
    """The ways of saying the room that name no building (1201, 2单元1201室): in an
    estate they fit a household in every building."""
    rooms = [household.room, f"{household.unit}单元{household.room}"]
    return {said for room in rooms for said in (room, f"{room}室")}


class ActionRefusalsMixin:
    """The action's refusal (in Chinese) shown on the form; nothing is saved."""

    def form_valid(self, form):
        from django.core.exceptions import ValidationError

        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                form.add_error(None, message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class SurveyCreateView(ActionRefusalsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_survey(
            self.request.user, title=data["title"], questionnaire=data["questionnaire"],
            estate=data["estate"], opens_on=data["opens_on"], closes_on=data["closes_on"],
            sampling=data["sampling"], proportion=data["proportion"],
            chosen=chosen_households(data["estate"], data.get("chosen_rooms") or ""),
        )

    def get_success_url(self):
        return reverse("quality_surveys:detail", args=[self.object.pk])


class SurveyViewSet(QualityViewSet):
    model = Survey
    name = "quality_surveys"
    url_prefix = "quality/surveys"
    icon = "doc-full"
    menu_label = "满意度调查"
    copy_view_enabled = False
    add_view_class = SurveyCreateView
    list_display = [
        TitleColumn("title", label="调查", url_name="quality_surveys:detail"),
        Column("estate", label="小区", accessor=lambda s: s.estate.title),
        Column("opens_on", label="开始", accessor=lambda s: local_date(s.opens_on)),
        Column("closes_on", label="截止", accessor=lambda s: local_date(s.closes_on)),
        Column("sampling", label="抽样", accessor="get_sampling_display"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("questionnaire"), FieldPanel("estate")]),
            FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
            FieldRowPanel([FieldPanel("sampling"), FieldPanel("proportion")]),
            FieldPanel("chosen_rooms"),
        ],
        base_form_class=SurveyForm,
    )

    extra_urls = [
        path("<int:pk>/", views.SurveyDetailView.as_view(), name="detail"),
        path("<int:pk>/answer/<int:invitation_id>/", views.SurveyEntryView.as_view(),
             name="entry"),
    ]


# Care ------------------------------------------------------------------------------


class CarePlanCreateView(ActionRefusalsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_care_plan(
            data["household"], self.request.user, data["actions"], data["due_on"],
            owner=data["owner"],
        )


class CareHistoryView(generic.HistoryView):
    """A care record's history opens only for who may list its household: the page is
    titled with the room, and older log entries with what the record said then."""

    visible_rows = None

    def get_base_object_queryset(self):
        return self.visible_rows(self.request.user)


class CarePlanHistoryView(CareHistoryView):
    visible_rows = staticmethod(quality_policy.care_plans_for)


class OutboxHistoryView(CareHistoryView):
    visible_rows = staticmethod(quality_policy.outbox_messages)


class BirthdayHistoryView(CareHistoryView):
    visible_rows = staticmethod(quality_policy.birthdays_for)


class CareListIndexView(generic.IndexView):
    """A care list: the policy picks the households, and only readers of the archive see the
    names on the page shown (each name shown is a registered reading)."""

    visible_rows = None
    shown_rows = None

    def get_base_queryset(self):
        return self.visible_rows(self.request.user)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = rows = self.shown_rows(self.request.user, rows, self.request)
        return paginator, page, rows, paginated


class CarePlanIndexView(CareListIndexView):
    """关怀计划: score and actions for readers of the archive."""

    visible_rows = staticmethod(quality_policy.care_plans_for)
    shown_rows = staticmethod(quality_policy.shown_care_plans)


class CarePlanEditView(ActionRefusalsMixin, generic.EditView):
    def get_object(self, queryset=None):
        plan = super().get_object(quality_policy.readable_care_plans(self.request.user))
        quality_policy.record_care_plan_reading(self.request.user, plan, self.request)
        return plan

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.change_care_plan(
            self.object, self.request.user, actions=data["actions"], due_on=data["due_on"],
            owner=data["owner"],
        )


class CarePlanViewSet(QualityViewSet):
    model = CarePlan
    name = "quality_care_plans"
    url_prefix = "quality/care-plans"
    icon = "user"
    menu_label = "关怀计划"
    copy_view_enabled = False
    index_view_class = CarePlanIndexView
    history_view_class = CarePlanHistoryView
    add_view_class = CarePlanCreateView
    edit_view_class = CarePlanEditView
    list_filter = ["status", "due_on"]
    edit_handler = ObjectList(
        [FieldPanel("household"), FieldPanel("actions"), FieldPanel("owner"), FieldPanel("due_on")],
        base_form_class=CarePlanForm,
    )
    list_display = [
        Column("household", label="业户", accessor=lambda p: p.household.title),
        Column("score", label="满意度", accessor="shown_score"),
        Column("actions", label="关怀措施", accessor="shown_actions"),
        Column("owner", label="负责人", accessor=lambda p: display_name(p.owner) if p.owner else ""),
        Column("due_on", label="期限", accessor=lambda p: local_date(p.due_on)
               + ("（已逾期）" if p.is_overdue else "")),
        Column("status", label="状态", accessor="get_status_display"),
        TitleColumn("done", label="结果", url_name="quality_care_plans:done",
                    accessor="shown_result"),
    ]

    extra_urls = [
        path("<int:pk>/done/", views.CarePlanDoneView.as_view(), name="done"),
    ]


class OutboxIndexView(CareListIndexView):
    """发件箱."""

    visible_rows = staticmethod(quality_policy.outbox_messages)
    shown_rows = staticmethod(quality_policy.shown_outbox)


class OutboxInspectView(generic.InspectView):
    """One message as sent, with the name and the text for readers of the archive only."""

    fields = ["household", "occasion", "recipient", "phone", "text", "status", "error",
              "backend", "created_by", "created_at", "sent_at"]
    shown = {"recipient": "shown_recipient", "phone": "shown_phone", "text": "shown_text"}

    def get_object(self, queryset=None):
        message = get_object_or_404(quality_policy.outbox_messages(self.request.user),
                                    pk=self.pk)
        return quality_policy.shown_outbox(self.request.user, [message], self.request)[0]

    def get_field_display_value(self, field_name, field):
        if field_name in self.shown:
            return getattr(self.object, self.shown[field_name])
        return super().get_field_display_value(field_name, field)


class OutboxViewSet(ModelViewSet):
    model = OutboxMessage
    index_view_class = OutboxIndexView
    history_view_class = OutboxHistoryView
    inspect_view_class = OutboxInspectView
    name = "quality_outbox"
    url_prefix = "quality/outbox"
    icon = "mail"
    menu_label = "发件箱"
    copy_view_enabled = False
    inspect_view_enabled = True
    list_filter = ["status", "occasion", "created_at"]
    list_display = [
        Column("created_at", label="时间",
               accessor=lambda m: timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M")),
        Column("household", label="业户", accessor=lambda m: m.household.title),
        Column("recipient", label="收件人", accessor="shown_recipient"),
        Column("occasion", label="场合", accessor="get_occasion_display"),
        Column("status", label="状态", accessor="get_status_display"),
        Column("error", label="说明"),
    ]
    form_fields = []


class MessageTemplateViewSet(ModelViewSet):
    model = MessageTemplate
    name = "quality_message_templates"
    url_prefix = "quality/message-templates"
    icon = "edit"
    menu_label = "关怀短信模板"
    copy_view_enabled = False
    form_fields = ["occasion", "text"]
    list_display = ["occasion", "text"]


class CareInfoViewSet(ModelViewSet):
    model = HouseholdCareInfo
    name = "quality_care_info"
    url_prefix = "quality/warranty"
    icon = "date"
    menu_label = "房屋保修期"
    copy_view_enabled = False
    form_fields = ["household", "warranty_ends_on"]
    list_display = [Column("household", label="业户", accessor=lambda c: c.household.title),
                    "warranty_ends_on"]


class BirthdayIndexView(CareListIndexView):
    """家庭成员生日."""

    visible_rows = staticmethod(quality_policy.birthdays_for)
    shown_rows = staticmethod(quality_policy.shown_birthdays)


class BirthdayEditView(generic.EditView):
    def get_object(self, queryset=None):
        return super().get_object(quality_policy.editable_birthdays(self.request.user))


class BirthdayViewSet(ModelViewSet):
    model = Birthday
    index_view_class = BirthdayIndexView
    history_view_class = BirthdayHistoryView
    edit_view_class = BirthdayEditView
    name = "quality_birthdays"
    url_prefix = "quality/birthdays"
    icon = "group"
    menu_label = "家庭成员生日"
    copy_view_enabled = False
    form_fields = ["household", "name", "relation", "birthday"]
    list_display = [
        Column("household", label="业户", accessor=lambda b: b.household.title),
        Column("name", label="姓名", accessor="shown_name"),
        "relation",
        "birthday",
    ]


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    name = "quality_staff_profiles"
    url_prefix = "quality/staff"
    icon = "user"
    menu_label = "员工籍贯"
    copy_view_enabled = False
    panels = [FieldPanel("user", heading="员工"), FieldPanel("native_place"),
              FieldPanel("is_centre_head")]
    list_display = [Column("user", label="员工", accessor=lambda p: display_name(p.user)),
                    "native_place", YesNoColumn("is_centre_head", label="服务中心负责人")]


# Plans -------------------------------------------------------------------------------


class RelationshipPlanViewSet(QualityViewSet):
    model = RelationshipPlan
    name = "quality_relationship_plans"
    url_prefix = "quality/relationship-plans"
    icon = "calendar"
    menu_label = "客户关系建设计划"
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("estate"), FieldPanel("year")]),
        InlinePanel("actions", heading="行动计划", label="行动"),
    ]
    list_display = [
        TitleColumn("plan", label="计划", url_name="quality_relationship_plans:progress",
                    accessor=str),
        "year",
    ]

    extra_urls = [
        path("<int:pk>/progress/", views.PlanVersusDoneView.as_view(), name="progress"),
    ]


class InterviewPlanCreateView(ActionRefusalsMixin, generic.CreateView):
    def save_instance(self):
        data = dict(self.form.cleaned_data)
        return actions.draft_interview_plan(self.request.user, **data)

    def get_success_url(self):
        return reverse("quality_interview_plans:detail", args=[self.object.pk])


class InterviewPlanEditView(ActionRefusalsMixin, generic.EditView):
    def save_instance(self):
        return actions.change_interview_plan(
            self.object, self.request.user, **self.form.cleaned_data
        )

    def get_success_url(self):
        return reverse("quality_interview_plans:detail", args=[self.object.pk])


class InterviewPlanViewSet(QualityViewSet):
    model = InterviewPlan
    name = "quality_interview_plans"
    url_prefix = "quality/interview-plans"
    icon = "openquote"
    menu_label = "顾客访谈计划"
    copy_view_enabled = False
    add_view_class = InterviewPlanCreateView
    edit_view_class = InterviewPlanEditView
    list_filter = ["status", "kind", "year"]
    list_display = [
        TitleColumn("plan", label="计划", url_name="quality_interview_plans:detail",
                    accessor=str),
        Column("status", label="状态", accessor="get_status_display"),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("estate"), FieldPanel("kind")]),
            FieldRowPanel([FieldPanel("year"), FieldPanel("month"), FieldPanel("proportion")]),
            FieldPanel("scope"),
            FieldPanel("content"),
            FieldPanel("preparation"),
        ],
        base_form_class=InterviewPlanForm,
    )

    extra_urls = [
        path("<int:pk>/", views.InterviewPlanView.as_view(), name="detail"),
    ]


class QualityMenu(ModelViewSetGroup):
    menu_label = "服务品质"
    menu_icon = "tasks"
    menu_order = 270
    items = [
        AuditViewSet,
        ChecklistViewSet,
        SurveyViewSet,
        QuestionnaireViewSet,
        CarePlanViewSet,
        OutboxViewSet,
        MessageTemplateViewSet,
        CareInfoViewSet,
        BirthdayViewSet,
        RelationshipPlanViewSet,
        InterviewPlanViewSet,
        StaffProfileViewSet,
    ]


@hooks.register("register_admin_viewset")
def register_quality_menu():
    return QualityMenu()


@hooks.register("register_admin_urls")
def register_quality_urls():
    return [
        path("quality/reports/audits/", views.AuditReportView.as_view(),
             name="quality_audit_report"),
        path("quality/care/", views.CareListView.as_view(), name="quality_care_lists"),
    ]


@hooks.register("register_admin_menu_item")
def register_audit_report_menu_item():
    return PolicyMenuItem(
        "督导检查报表",
        "quality_audit_report",
        holding("quality.view_audit"),
        icon_name="table",
        order=271,
    )


@hooks.register("register_admin_menu_item")
def register_care_menu_item():
    return PolicyMenuItem(
        "客户关怀名单",
        "quality_care_lists",
        holding("quality.view_careplan"),
        icon_name="user",
        order=272,
    )


class QualityPanel(Component):
    """Dashboard: overdue care plans, interview analyses due by the 5th, open rectifications."""

    name = "quality_panel"
    order = 70
    template_name = "quality/dashboard_panel.html"

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        plans = quality_policy.care_plans_for(parent_context["request"].user)
        overdue = plans.filter(status=CarePlan.Status.OPEN, due_on__lt=today)
        rectifications = reports.open_rectifications()
        return {
            "overdue_plans": overdue.select_related("household", "owner")[:DASHBOARD_ROWS],
            "overdue_count": overdue.count(),
            "overdue_listed": _listed(overdue.count(), reverse("quality_care_plans:index")),
            "analyses_due": reports.analyses_due(today),
            "open_rectifications": rectifications[:DASHBOARD_ROWS],
            "rectifications_listed": _listed(len(rectifications), reverse("quality_audit_report")),
        }


# The panel lists the first few; the whole list is its own screen's.
DASHBOARD_ROWS = 10


def _listed(count, url):
    return {"count": count, "limit": DASHBOARD_ROWS, "url": url}


@hooks.register("construct_homepage_panels")
def add_quality_panel(request, panels):
    if request.user.has_perm("quality.view_careplan"):
        panels.append(QualityPanel())
