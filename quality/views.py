"""Admin pages of service quality (audit page, reports, survey results and answer entry,
care lists, interview and relationship plans) and the public survey page."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.archives.models import Estate, attach_parents
from core.downloads import DOCX, XLSX, download_response
from core.people import display_name
from quality import actions, care, policy, reports
from quality.forms import (
    AcknowledgeForm,
    AnalysisForm,
    CareResultForm,
    DateRangeForm,
    DecisionForm,
    FindingForm,
    ProgressForm,
    RectificationForm,
)
from quality.messaging import send_message
from quality.models import (
    Audit,
    Checklist,
    InterviewPlan,
    Occasion,
    Question,
    Questionnaire,
    RelationshipAction,
    RelationshipPlan,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)

PENDING_SHOWN = 50


def _errors(error):
    return getattr(error, "messages", None) or [str(error)]


class QualityView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied("您无权查看此页面。")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


# Audits ------------------------------------------------------------------------


class AuditDetailView(QualityView):
    """督导检查: scores, findings with photos and rectification, sign-off, acknowledgement."""

    template_name = "quality/audit_detail.html"
    permission = "quality.view_audit"
    bound = None

    def dispatch(self, request, pk, *args, **kwargs):
        self.audit = get_object_or_404(
            Audit.objects.select_related("estate", "checklist", "project_manager"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.audit.estate.title} {self.audit.audit_date:%Y-%m-%d} 督导检查"

    def get_context_data(self, **kwargs):
        audit, user = self.audit, self.request.user
        signed = set(audit.signatures.values_list("auditor_id", flat=True))
        finding_form = self.bound if isinstance(self.bound, FindingForm) else FindingForm(
            checklist=audit.checklist
        )
        return super().get_context_data(
            report=reports.audit_report(audit),
            finding_form=finding_form,
            rectification_form=RectificationForm(),
            acknowledge_form=AcknowledgeForm(),
            can_write=audit.status == Audit.Status.OPEN and policy.can_write_audit(user, audit),
            can_sign=audit.status == Audit.Status.OPEN
            and user.pk not in signed
            and audit.auditors.filter(pk=user.pk).exists(),
            can_rectify=policy.can_write_audit(user, audit)
            or user.has_perm("quality.acknowledge_audit"),
            can_acknowledge=audit.status == Audit.Status.SIGNED
            and user.has_perm("quality.acknowledge_audit")
            and audit.project_manager_id in (None, user.pk),
            trend=mark_safe(
                reports.svg_line_chart(
                    {k: v for k, v in reports.score_trend(audit.estate).items() if "总分" in k},
                    f"{audit.estate.title} 督导检查总分趋势",
                )
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        handler = getattr(self, f"_post_{request.POST.get('action', '')}", None)
        if handler is None:
            raise PermissionDenied("未知操作。")
        try:
            done = handler(request)
        except (ValidationError, PermissionDenied) as error:
            for message in _errors(error):
                messages.error(request, message)
            done = None
        if done:
            messages.success(request, done)
            return redirect("quality_audits:detail", self.audit.pk)
        return self.get(request, *args, **kwargs)

    def _post_finding(self, request):
        form = FindingForm(request.POST, request.FILES, checklist=self.audit.checklist)
        if not form.is_valid():
            self.bound = form
            messages.error(request, "问题未记录，请查看表单中的提示。")
            return None
        data = form.cleaned_data
        try:
            actions.record_finding(
                self.audit, data["item"], request.user, data["description"],
                location=data["location"], persons=data["persons"], count=data["count"],
                photos=data["photos"],
            )
        except ValidationError as error:
            self.bound = form
            raise error
        return "已记录检查发现，得分已重新计算。"

    def _finding(self, request):
        return get_object_or_404(self.audit.findings, pk=request.POST.get("finding"))

    def _post_remove(self, request):
        actions.remove_finding(self._finding(request), request.user)
        return "已删除该条检查发现。"

    def _post_rectify(self, request):
        form = RectificationForm(request.POST)
        days = form.cleaned_data["working_days"] if form.is_valid() else 5
        case = actions.open_rectification(self._finding(request), request.user, working_days=days)
        return f"已开具整改案件 {case.number}，整改期限 {case.rectify_deadline:%Y-%m-%d}。"

    def _post_sign(self, request):
        audit = actions.sign_audit(self.audit, request.user)
        if audit.status == Audit.Status.SIGNED:
            return "已签字：检查组全部签字，检查记录已锁定。"
        return "已签字，等待其他检查人员签字。"

    def _post_acknowledge(self, request):
        form = AcknowledgeForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        actions.acknowledge_audit(self.audit, request.user, note)
        return "项目经理已确认检查结果。"


def finding_photo(request, pk, photo_id):
    """Finding photos are private files, shown only to those who may see audits."""
    if not policy.can_view_audits(request.user):
        raise PermissionDenied("您无权查看检查照片。")
    audit = get_object_or_404(Audit, pk=pk)
    from quality.models import FindingPhoto

    photo = get_object_or_404(FindingPhoto, pk=photo_id, finding__audit=audit)
    return FileResponse(photo.image.open("rb"), filename=photo.image.name.rsplit("/", 1)[-1])


def audit_docx(request, pk):
    """The audit report as a Word file: a download, not a screen."""
    if not policy.can_view_audits(request.user):
        raise PermissionDenied("您无权导出检查报告。")
    audit = get_object_or_404(Audit.objects.select_related("estate", "checklist"), pk=pk)
    filename = f"督导检查报告-{audit.estate.title}-{audit.audit_date:%Y%m%d}.docx"
    return download_response(reports.audit_docx(audit), filename, DOCX)


# The report shows the latest audits only; the audit list pages through all of them.
RECENT_AUDITS = 20
# About thirteen months: this month's scores beside the same month a year ago.
REPORT_DAYS = 400
MAX_REPORT_DAYS = 36500


class AuditReportView(QualityView):
    """督导检查报表: trend per estate and indicator, frequent deductions, open rectifications."""

    template_name = "quality/audit_report.html"
    permission = "quality.view_audit"
    page_title = "督导检查报表"

    def get(self, request, *args, **kwargs):
        estate_id = request.GET.get("estate", "")
        self.estate = (
            Estate.objects.filter(pk=estate_id).first() if estate_id.isdigit() else None
        )
        since = timezone.localdate() - timedelta(days=self._days(request))
        audits = Audit.objects.filter(audit_date__gte=since)
        if self.estate:
            audits = audits.filter(estate=self.estate)
        self.audits = audits
        self.trend = reports.score_trend(self.estate, since)
        self.deductions = reports.frequent_deductions(audits)
        self.rectifications = reports.open_rectifications(audits)
        if request.GET.get("format") == "xlsx":
            content = reports.audits_workbook(
                self.estate, self.trend, self.deductions, self.rectifications
            )
            return download_response(content, "督导检查报表.xlsx", XLSX)
        return super().get(request, *args, **kwargs)

    @staticmethod
    def _days(request):
        days = request.GET.get("days", "").strip()
        if not days:
            return REPORT_DAYS
        if days.isdigit() and 0 < int(days) <= MAX_REPORT_DAYS:
            return int(days)
        messages.warning(
            request,
            f"报表天数须为 1 至 {MAX_REPORT_DAYS} 的整数，已按最近 {REPORT_DAYS} 天显示。",
        )
        return REPORT_DAYS

    def get_context_data(self, **kwargs):
        totals = {k: v for k, v in self.trend.items() if k.endswith("总分")}
        indicators = {k: v for k, v in self.trend.items() if not k.endswith("总分")}
        return super().get_context_data(
            estates=Estate.objects.order_by("path"),
            estate=self.estate,
            total_chart=mark_safe(reports.svg_line_chart(totals, "总分趋势")),
            indicator_chart=mark_safe(reports.svg_line_chart(indicators, "各一级指标得分趋势")),
            deductions=self.deductions,
            rectifications=self.rectifications,
            recent=self.audits.select_related("estate").order_by("-audit_date")[:RECENT_AUDITS],
            recent_limit=RECENT_AUDITS,
            audit_count=self.audits.count(),
            **kwargs,
        )


@require_POST
def publish_checklist(request, pk):
    """发布, posted from the checklist editor: an action with no screen of its own."""
    checklist = get_object_or_404(Checklist, pk=pk)
    try:
        actions.publish_checklist(checklist, request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, f"已发布：{checklist}")
    return redirect("quality_checklists:edit", pk)


@require_POST
def copy_checklist(request, pk):
    """新版本, posted from the list: an action that leads to the new draft's editor."""
    try:
        copy = actions.new_checklist_version(get_object_or_404(Checklist, pk=pk), request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("quality_checklists:index")
    messages.success(request, f"已建立新版本草稿：{copy}")
    return redirect("quality_checklists:edit", copy.pk)


@require_POST
def publish_questionnaire(request, pk):
    """发布, posted from the questionnaire editor: an action with no screen of its own."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    try:
        actions.publish_questionnaire(questionnaire, request.user)
    except (ValidationError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, f"已发布：{questionnaire}")
    return redirect("quality_questionnaires:edit", pk)


@require_POST
def copy_questionnaire(request, pk):
    """新版本, posted from the list: an action that leads to the new draft's editor."""
    try:
        copy = actions.new_questionnaire_version(
            get_object_or_404(Questionnaire, pk=pk), request.user
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("quality_questionnaires:index")
    messages.success(request, f"已建立新版本草稿：{copy}")
    return redirect("quality_questionnaires:edit", copy.pk)


# Surveys -----------------------------------------------------------------------


def parse_answers(questions, data):
    """Form data of a questionnaire page → {question id: value}."""
    answers = {}
    for question in questions:
        key = f"q{question.pk}"
        if question.kind == Question.Kind.MULTIPLE:
            answers[question.pk] = data.getlist(key)
        else:
            answers[question.pk] = data.get(key, "")
    return answers


class SurveyDetailView(QualityView):
    """调查结果: response rate, scores per question and building, texts, sample and links."""

    template_name = "quality/survey_detail.html"
    permission = "quality.view_survey"

    def dispatch(self, request, pk, *args, **kwargs):
        self.survey = get_object_or_404(
            Survey.objects.select_related("estate", "questionnaire"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.survey.title}：调查结果"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            content = reports.survey_workbook(reports.survey_results(self.survey, text_limit=0))
            return download_response(content, f"满意度调查-{self.survey.pk}.xlsx", XLSX)
        self.results = reports.survey_results(self.survey)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        visible = policy.care_households(self.request.user)
        pending = self.survey.invitations.filter(response__isnull=True, household__in=visible)
        pending_count = pending.count()
        pending = list(
            pending.select_related("household")
            .order_by("household__path")[:PENDING_SHOWN]
        )
        attach_parents([invitation.household for invitation in pending])
        return super().get_context_data(
            results=self.results,
            pending=pending,
            pending_count=pending_count,
            can_enter=self.request.user.has_perm("quality.enter_survey_answer"),
            **kwargs,
        )


class SurveyEntryView(QualityView):
    """代录答卷: staff enter what the household answered on the phone or at a visit."""

    template_name = "quality/survey_entry.html"
    permission = "quality.enter_survey_answer"

    def dispatch(self, request, pk, invitation_id, *args, **kwargs):
        self.invitation = get_object_or_404(
            SurveyInvitation.objects.select_related("survey__questionnaire", "household"),
            pk=invitation_id, survey_id=pk,
        )
        if not policy.care_households(request.user).filter(
            pk=self.invitation.household_id
        ).exists():
            raise PermissionDenied("您无权为该户代录答卷。")
        self.errors = []
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"代录答卷：{self.invitation.household.address}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation,
            questions=self.invitation.survey.questionnaire.questions.all(),
            errors=self.errors,
            channels=[SurveyResponse.Channel.PHONE, SurveyResponse.Channel.VISIT],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        questions = list(self.invitation.survey.questionnaire.questions.all())
        channel = request.POST.get("channel")
        if channel not in (SurveyResponse.Channel.PHONE, SurveyResponse.Channel.VISIT):
            channel = SurveyResponse.Channel.PHONE
        try:
            actions.submit_response(
                self.invitation, parse_answers(questions, request.POST), channel=channel,
                by=request.user,
            )
        except ValidationError as error:
            self.errors = _errors(error)
            return self.get(request, *args, **kwargs)
        messages.success(request, "答卷已保存。")
        return redirect("quality_surveys:detail", self.invitation.survey_id)


def public_survey(request, token):
    """The household's own page (no login, phone-sized): one answer, until the link expires."""
    invitation = SurveyInvitation.objects.select_related(
        "survey__questionnaire", "survey__estate"
    ).filter(token=token).first()
    if invitation is None:
        raise Http404("问卷链接无效")
    questionnaire = invitation.survey.questionnaire
    questions = list(questionnaire.questions.all())
    context = {"invitation": invitation, "questionnaire": questionnaire, "questions": questions}
    if hasattr(invitation, "response"):
        return render(request, "quality/survey_public_closed.html",
                      {**context, "message": "您已提交过问卷，感谢您的参与！"})
    if timezone.now() > invitation.expires_at:
        return render(request, "quality/survey_public_closed.html",
                      {**context, "message": "问卷链接已过期，如需反馈意见请致电服务中心。"},
                      status=410)
    if request.method == "POST":
        try:
            actions.submit_response(invitation, parse_answers(questions, request.POST))
        except ValidationError as error:
            context.update(errors=_errors(error), posted=request.POST)
            return render(request, "quality/survey_public.html", context, status=400)
        return render(request, "quality/survey_public_closed.html",
                      {**context, "message": "提交成功，感谢您对我们工作的支持！"})
    return render(request, "quality/survey_public.html", context)


# Care ------------------------------------------------------------------------------


class CareListView(QualityView):
    """关怀名单 for a date range, with sending of the occasion's message."""

    template_name = "quality/care_lists.html"
    permission = "quality.view_careplan"
    page_title = "客户关怀名单"

    def _range(self, data):
        today = timezone.localdate()
        form = DateRangeForm(data or None, initial={"start": today, "end": today + timedelta(6)})
        if form.is_bound and form.is_valid():
            return form, form.cleaned_data["start"], form.cleaned_data["end"]
        return form, today, today + timedelta(days=6)

    def get_context_data(self, **kwargs):
        form, start, end = self._range(self.request.GET)
        can_send = self.request.user.has_perm("quality.add_outboxmessage")
        lists, error = {}, ""
        try:
            lists = care.care_lists_for(self.request.user, start, end, request=self.request)
        except ValidationError as problem:
            error = " ".join(_errors(problem))
        return super().get_context_data(
            form=form, start=start, end=end, error=error,
            sections=[
                (Occasion(k).label, k, v, can_send and k != Occasion.HOLIDAY)
                for k, v in lists.items()
            ],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("quality.add_outboxmessage"):
            raise PermissionDenied("您无权发送关怀短信。")
        occasion = request.POST.get("occasion", Occasion.GENERAL)
        if occasion not in Occasion.values:
            raise PermissionDenied("未知场合。")
        visible = policy.care_households(request.user)
        ids = [i for i in request.POST.getlist("household") if i.isdigit()]
        sent = refused = 0
        for household in visible.filter(pk__in=ids):
            rows = send_message(household, by=request.user, occasion=occasion,
                                节日=request.POST.get("holiday", "节日"))
            refused += sum(1 for r in rows if r.status == "refused")
            sent += sum(1 for r in rows if r.status != "refused")
        messages.success(request, f"已提交发送 {sent} 条短信；{refused} 户谢绝打扰，未发送。")
        return redirect(f"{reverse('quality_care_lists')}?{request.GET.urlencode()}")


class CarePlanDoneView(QualityView):
    template_name = "quality/care_plan_done.html"
    permission = "quality.change_careplan"

    def dispatch(self, request, pk, *args, **kwargs):
        self.plan = get_object_or_404(policy.readable_care_plans(request.user), pk=pk)
        self.form = CareResultForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"登记关怀结果：{self.plan.household.title}"

    def get_context_data(self, **kwargs):
        policy.record_care_plan_reading(self.request.user, self.plan, self.request)
        return super().get_context_data(plan=self.plan, form=self.form, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.form.is_valid():
            actions.complete_care_plan(self.plan, request.user, self.form.cleaned_data["result"])
            messages.success(request, "关怀计划已完成。")
            return redirect("quality_care_plans:index")
        return self.get(request, *args, **kwargs)


# Interview plans ----------------------------------------------------------------------


class InterviewPlanView(QualityView):
    template_name = "quality/interview_plan.html"
    permission = "quality.view_interviewplan"

    def dispatch(self, request, pk, *args, **kwargs):
        self.plan = get_object_or_404(
            InterviewPlan.objects.select_related("estate", "drafted_by", "decided_by"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.plan)

    def get_context_data(self, **kwargs):
        plan, user = self.plan, self.request.user
        return super().get_context_data(
            plan=plan,
            completion=reports.plan_completion(plan),
            decision_form=DecisionForm(),
            analysis_form=AnalysisForm(),
            can_submit=plan.status in (plan.Status.DRAFT, plan.Status.RETURNED)
            and (plan.drafted_by_id == user.pk or user.has_perm("quality.change_interviewplan")),
            can_decide=plan.status == plan.Status.SUBMITTED
            and user.has_perm("quality.approve_interviewplan")
            and plan.drafted_by_id != user.pk,
            drafted_by=display_name(plan.drafted_by),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        try:
            if action == "submit":
                actions.submit_interview_plan(self.plan, request.user)
                done = "已提交审批。"
            elif action == "approve":
                actions.approve_interview_plan(self.plan, request.user, note)
                done = "已批准。"
            elif action == "return":
                actions.return_interview_plan(self.plan, request.user, note)
                done = "已退回。"
            elif action == "analysis":
                year, month = actions.previous_month(timezone.localdate())
                actions.submit_interview_analysis(
                    self.plan.estate, year, month, request.user, request.POST.get("text", "")
                )
                done = f"{year}年{month}月访谈分析已提交。"
            else:
                raise PermissionDenied("未知操作。")
        except (ValidationError, PermissionDenied) as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect("quality_interview_plans:detail", self.plan.pk)


# Relationship plan --------------------------------------------------------------------


class PlanVersusDoneView(QualityView):
    template_name = "quality/relationship_plan.html"
    permission = "quality.view_relationshipplan"

    def dispatch(self, request, pk, *args, **kwargs):
        self.plan = get_object_or_404(RelationshipPlan.objects.select_related("estate"), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.plan}：计划与完成"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=reports.plan_versus_done(self.plan), form=ProgressForm(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(RelationshipAction, pk=request.POST.get("action_id"),
                                   plan=self.plan)
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                actions.record_progress(action, form.cleaned_data["month"],
                                        form.cleaned_data["state"], request.user,
                                        form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as error:
                for message in _errors(error):
                    messages.error(request, message)
            else:
                messages.success(request, "进展已登记。")
        else:
            messages.error(request, "请填写月份和完成情况。")
        return redirect("quality_relationship_plans:progress", self.plan.pk)
