"""Every write of service quality and customer relationships, one function each:
checklists and audits, rectification cases, questionnaires and surveys, care plans,
relationship-plan progress and interview plans. Views, commands and tests call these."""

import math
import random
import secrets
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases import actions as case_actions
from cases import calendar
from cases.models import Case, CaseTopic
from cms.archives.models import ContactLog, HouseholdArchive
from core.people import display_name
from quality import policy
from quality.images import validate_photo
from quality.models import (
    ZERO,
    ActionProgress,
    Audit,
    AuditSignature,
    CarePlan,
    Checklist,
    DeductionRule,
    Finding,
    FindingPhoto,
    IndicatorScore,
    InterviewAnalysis,
    InterviewAssignment,
    InterviewPlan,
    Question,
    Questionnaire,
    StaffProfile,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    VersionStatus,
)

RECTIFICATION_TOPIC = "督导整改"
RECTIFICATION_WORKING_DAYS = 5
CARE_PLAN_WORKING_DAYS = 10
# Important-customer classes the centre head visits in person (government, committee,
# schools and large shops).
OFFICIAL_CLASSES = {"government_media", "committee_leader", "big_customer"}


# Checklists and questionnaires: versions ---------------------------------------


def _require(user, permission, message):
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def checklist_problems(checklist):
    """What stops a checklist version from being used, in Chinese (empty when sound)."""
    names = [i.name for i in checklist.indicators.all()]
    problems = []
    if not names:
        problems.append("检查标准至少需要一个一级指标。")
    if len(set(names)) != len(names):
        problems.append("一级指标名称不能重复。")
    used = set()
    for item in checklist.items.all():
        if item.indicator_name not in names:
            problems.append(f"检查项目「{item.title}」所属的一级指标「{item.indicator_name}」不存在。")
        used.add(item.indicator_name)
    for name in names:
        if name not in used:
            problems.append(f"一级指标「{name}」下还没有检查项目。")
    return problems


@transaction.atomic
def publish_checklist(checklist, by):
    """发布: the version becomes the one new audits use and is frozen from now on;
    the previously published version of the same checklist is retired."""
    _require(by, "quality.publish_checklist", "只有客服中心经理可以发布检查标准。")
    if checklist.status != VersionStatus.DRAFT:
        raise ValidationError("只有草稿可以发布。")
    problems = checklist_problems(checklist)
    if problems:
        raise ValidationError(problems)
    Checklist.objects.filter(name=checklist.name, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED
    )
    checklist.status = VersionStatus.PUBLISHED
    checklist.published_at = timezone.now()
    checklist.published_by = by
    checklist.save()
    return checklist


def _new_draft_version(original, *, named_by, kept, rows_under):
    """The next draft of a versioned document (检查标准, 调查问卷): same name, the next version
    number, the ``kept`` fields and, copied under it, the rows of each related manager named in
    ``rows_under`` (related name → the rows' link to the document)."""
    model = type(original)
    name = {named_by: getattr(original, named_by)}
    latest = model.objects.filter(**name).aggregate(v=Max("version"))["v"]
    copy = model.objects.create(
        **name, version=latest + 1, **{field: getattr(original, field) for field in kept}
    )
    for related, link in rows_under.items():
        _copy_rows(getattr(original, related).all(), **{link: copy})
    return copy


def _copy_rows(rows, **parent):
    """The rows of a version (indicators, items, questions) copied, every field as it is,
    under the new draft ``parent``."""
    model = rows.model
    own = [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in parent
    ]
    model.objects.bulk_create(
        model(**parent, **{name: getattr(row, name) for name in own}) for row in rows
    )


@transaction.atomic
def new_checklist_version(checklist, by):
    """A new draft copied from ``checklist``; audits made on earlier versions keep theirs."""
    _require(by, "quality.add_checklist", "您无权修改检查标准。")
    return _new_draft_version(
        checklist, named_by="name", kept=["note"],
        rows_under={"indicators": "checklist", "items": "checklist"},
    )


@transaction.atomic
def publish_questionnaire(questionnaire, by):
    _require(by, "quality.change_questionnaire", "您无权发布调查问卷。")
    if questionnaire.status != VersionStatus.DRAFT:
        raise ValidationError("只有草稿可以发布。")
    questions = list(questionnaire.questions.all())
    if not questions:
        raise ValidationError("问卷至少需要一道题目。")
    for question in questions:
        question.full_clean(exclude=["questionnaire"])
    Questionnaire.objects.filter(
        title=questionnaire.title, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.RETIRED)
    questionnaire.status = VersionStatus.PUBLISHED
    questionnaire.save()
    return questionnaire


@transaction.atomic
def new_questionnaire_version(questionnaire, by):
    _require(by, "quality.add_questionnaire", "您无权修改调查问卷。")
    return _new_draft_version(
        questionnaire, named_by="title", kept=["intro"],
        rows_under={"questions": "questionnaire"},
    )


# Audits ------------------------------------------------------------------------


def finding_deduction(item, count, persons):
    """一个问题点扣X分: X × problems; 一人一个问题点扣X分: X × problems × people."""
    deduction = item.amount * count
    if item.rule == DeductionRule.PER_PERSON:
        deduction *= max(len(persons), 1)
    return deduction


def indicator_results(audit):
    """Per first-level indicator: points, deductions and a score that never goes below zero."""
    deducted = {}
    for finding in audit.findings.select_related("item"):
        name = finding.item.indicator_name
        deducted[name] = deducted.get(name, ZERO) + finding.deduction
    results = []
    for indicator in audit.checklist.indicators.all():
        taken = deducted.get(indicator.name, ZERO)
        results.append(
            {
                "indicator": indicator,
                "name": indicator.name,
                "points": indicator.points,
                "deducted": taken,
                "score": max(indicator.points - taken, ZERO),
            }
        )
    return results


def _refresh_scores(audit):
    results = indicator_results(audit)
    audit.scores.all().delete()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(
            audit=audit,
            indicator=r["indicator"],
            name=r["name"],
            points=r["points"],
            deducted=r["deducted"],
            score=r["score"],
        )
        for r in results
    )
    audit.total_score = sum((r["score"] for r in results), ZERO)
    audit.save(update_fields=["total_score"])


@transaction.atomic
def start_audit(estate, checklist, auditors, by, audit_date=None, project_manager=None):
    """督导检查 of one estate on one date by named auditors, scored on ``checklist``."""
    _require(by, "quality.add_audit", "您无权登记督导检查。")
    if checklist.status != VersionStatus.PUBLISHED:
        raise ValidationError("只能使用已发布的检查标准版本。")
    auditors = list(auditors)
    if not auditors:
        raise ValidationError({"auditors": "请填写检查人员。"})
    audit = Audit(
        estate=estate,
        checklist=checklist,
        audit_date=audit_date or timezone.localdate(),
        project_manager=project_manager,
        created_by=by,
    )
    audit.full_clean(exclude=["total_score"])
    audit.save()
    audit.auditors.set(auditors)
    _refresh_scores(audit)
    return audit


def _refuse_if_closed(audit):
    if audit.status != Audit.Status.OPEN:
        raise ValidationError("检查组已签字，检查记录不能再修改。")


@transaction.atomic
def record_finding(audit, item, by, description, *, location="", persons="", count=1, photos=()):
    """A problem found against ``item``; the deduction follows the item's rule."""
    policy.require_audit_writer(by, audit)
    _refuse_if_closed(audit)
    if item.checklist_id != audit.checklist_id:
        raise ValidationError("该检查项目不属于本次检查使用的标准版本。")
    finding = Finding(
        audit=audit,
        item=item,
        description=description.strip(),
        location=location.strip(),
        persons=persons.strip(),
        count=count,
        recorded_by=by,
    )
    if item.rule == DeductionRule.PER_PERSON and not finding.person_list:
        raise ValidationError({"persons": "该项目按人扣分，请填写涉及人员。"})
    finding.deduction = finding_deduction(item, count, finding.person_list)
    finding.full_clean(exclude=["case"])
    for photo in photos:
        validate_photo(photo)
    finding.save()
    for photo in photos:
        photo.seek(0)
        FindingPhoto.objects.create(finding=finding, image=photo)
    _refresh_scores(audit)
    return finding


@transaction.atomic
def remove_finding(finding, by):
    audit = finding.audit
    policy.require_audit_writer(by, audit)
    _refuse_if_closed(audit)
    if finding.case_id:
        raise ValidationError("该问题已开具整改案件，不能删除。")
    finding.photos.all().delete()
    finding.delete()
    _refresh_scores(audit)


@transaction.atomic
def sign_audit(audit, auditor):
    """检查人员签字; once every named auditor has signed, the record is closed."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not audit.auditors.filter(pk=auditor.pk).exists():
        raise PermissionDenied("只有本次检查的检查人员可以签字。")
    _refuse_if_closed(audit)
    AuditSignature.objects.get_or_create(audit=audit, auditor=auditor)
    if audit.signatures.count() == audit.auditors.count():
        audit.status = Audit.Status.SIGNED
        audit.save(update_fields=["status"])
    return audit


@transaction.atomic
def acknowledge_audit(audit, by, note=""):
    """项目经理确认: the inspected project accepts the result (with its remarks)."""
    _require(by, "quality.acknowledge_audit", "只有项目经理可以确认检查结果。")
    if audit.project_manager_id and audit.project_manager_id != by.pk:
        raise PermissionDenied(f"本次检查须由项目经理{display_name(audit.project_manager)}确认。")
    if audit.status != Audit.Status.SIGNED:
        raise ValidationError("检查组全部签字后，项目经理才能确认。")
    audit.status = Audit.Status.ACKNOWLEDGED
    audit.acknowledged_by = by
    audit.acknowledged_at = timezone.now()
    audit.acknowledgement_note = note
    audit.save()
    return audit


@transaction.atomic
def open_rectification(finding, by, working_days=RECTIFICATION_WORKING_DAYS, handler=None):
    """整改: a case with a working-calendar deadline, linked both ways with the finding."""
    finding = Finding.objects.select_for_update().select_related("audit__estate", "item").get(
        pk=finding.pk
    )
    policy.require_audit_writer(by, finding.audit, rectification=True)
    if finding.case_id:
        raise ValidationError(f"该问题已开具整改案件 {finding.case.number}。")
    audit = finding.audit
    topic, _ = CaseTopic.objects.get_or_create(name=RECTIFICATION_TOPIC)
    now = timezone.now()
    case = Case(
        kind=Case.Kind.RECTIFICATION,
        channel=Case.Channel.FORWARDED,
        received_at=now,
        reporter_name="督导检查组",
        location=f"{audit.estate.title} {finding.location}".strip(),
        topic=topic,
        description=(
            f"{audit.audit_date:%Y年%m月%d日}督导检查发现（{finding.item.indicator_name}·"
            f"{finding.item.title}，扣{finding.deduction.normalize()}分）：{finding.description}"
        ),
        department="客户服务中心",
        handler=handler,
        rectify_deadline=calendar.add_working_days(timezone.localdate(), working_days),
        resolve_due_at=calendar.add_working_days(now, working_days),
    )
    case_actions.register_case(case, by)
    case_actions.add_timeline_step(
        case, "督导检查整改要求", by, reverse("quality_audits:detail", args=[audit.pk])
    )
    finding.case = case
    finding.save(update_fields=["case"])
    return case


# Surveys -----------------------------------------------------------------------


def surveyable_households(estate):
    """The estate's open archives, without those who asked not to be visited (谢绝拜访)."""
    return (
        HouseholdArchive.objects.descendant_of(estate)
        .filter(is_closed=False, do_not_visit=False)
        .in_catalogue_order()
    )


def sample_per_building(households, proportion, seed):
    """``proportion`` % of each building, at least one household from each, chosen at
    random but reproducibly for the same seed."""
    by_building = {}
    for household in households:
        by_building.setdefault(household.path[: -household.steplen], []).append(household)
    chosen = []
    picker = random.Random(seed)
    for members in by_building.values():
        size = max(1, math.ceil(len(members) * proportion / 100))
        chosen.extend(picker.sample(members, size))
    return chosen


def _end_of_day(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@transaction.atomic
def create_survey(by, *, title, questionnaire, estate, opens_on, closes_on, sampling,
                  proportion=None, chosen=()):
    """满意度调查 with its sample; each sampled household gets a personal link valid
    until the end of the closing day."""
    _require(by, "quality.add_survey", "您无权发起满意度调查。")
    if questionnaire.status != VersionStatus.PUBLISHED:
        raise ValidationError("只能使用已发布的问卷版本。")
    survey = Survey(
        title=title,
        questionnaire=questionnaire,
        estate=estate,
        opens_on=opens_on,
        closes_on=closes_on,
        sampling=sampling,
        proportion=proportion,
        created_by=by,
    )
    survey.full_clean()
    survey.save()
    households = list(surveyable_households(estate))
    if sampling == Survey.Sampling.PROPORTION:
        households = sample_per_building(households, proportion, seed=survey.pk)
    elif sampling == Survey.Sampling.CHOSEN:
        allowed = {h.pk for h in households}
        households = [h for h in chosen if h.pk in allowed]
    if not households:
        raise ValidationError("样本为空：该小区没有可调查的业户（谢绝拜访的业户不计入）。")
    expires_at = _end_of_day(closes_on)
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(
            survey=survey, household=h, token=secrets.token_urlsafe(24), expires_at=expires_at
        )
        for h in households
    )
    return survey


class SurveyLinkError(ValidationError):
    """The personal link cannot take an answer (expired, already answered)."""


def _answer_value(question, raw):
    """(choices, text, score) for one answer, or a Chinese error."""
    options = dict(question.parsed_options())
    kind = question.kind
    if kind == Question.Kind.TEXT:
        text = (raw or "").strip()
        if len(text) > 500:
            raise ValidationError(f"「{question.text}」最多填写500字。")
        return [], text, None
    if kind == Question.Kind.SCORE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            raise ValidationError(f"「{question.text}」请选择1至5分。")
        return [], "", Decimal(value)
    picked = raw if isinstance(raw, list | tuple) else [raw]
    picked = [p for p in picked if p]
    unknown = [p for p in picked if p not in options]
    if unknown or (kind == Question.Kind.SINGLE and len(picked) > 1):
        raise ValidationError(f"「{question.text}」的选项无效。")
    scores = [options[p] for p in picked if options[p] is not None]
    score = sum(scores) / len(scores) if scores else None
    return picked, "", score


def _is_empty(question, raw):
    return raw in (None, "", [], ())


@transaction.atomic
def submit_response(invitation, answers, *, channel=SurveyResponse.Channel.LINK, by=None,
                    now=None):
    """One household's one answer sheet. Through the personal link it must arrive before
    the link expires; staff enter answers given by phone or at a visit."""
    invitation = SurveyInvitation.objects.select_for_update().select_related(
        "survey__questionnaire", "household"
    ).get(pk=invitation.pk)
    now = now or timezone.now()
    if hasattr(invitation, "response"):
        raise SurveyLinkError("该户已提交过问卷，每户只能答一次。感谢您的参与！")
    if channel == SurveyResponse.Channel.LINK:
        if now > invitation.expires_at:
            raise SurveyLinkError("问卷链接已过期，如需反馈意见请致电服务中心。")
    else:
        if by is None or not by.has_perm("quality.enter_survey_answer"):
            raise PermissionDenied("您无权代录调查答卷。")
    errors, rows = [], []
    for question in invitation.survey.questionnaire.questions.all():
        raw = answers.get(question.pk)
        if _is_empty(question, raw):
            if question.required:
                errors.append(f"「{question.text}」为必答题。")
            continue
        try:
            rows.append((question, *_answer_value(question, raw)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    scores = [score for *_, score in rows if score is not None]
    overall = (
        (sum(scores) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP) if scores else None
    )
    response = SurveyResponse.objects.create(
        invitation=invitation, channel=channel, entered_by=by, submitted_at=now, score=overall
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=q, choices=c, text=t, score=s)
        for q, c, t, s in rows
    )
    if overall is not None:
        _apply_satisfaction(response, overall, by or invitation.survey.created_by)
    return response


def _apply_satisfaction(response, score, by):
    """The household's score becomes its archive satisfaction (1–5); 3–4 opens a care plan."""
    household = HouseholdArchive.objects.get(pk=response.invitation.household_id)
    rounded = int(score.quantize(Decimal("1"), ROUND_HALF_UP))
    plan = None
    if rounded in (3, 4):
        plan = CarePlan.objects.create(
            household=household,
            response=response,
            score=score,
            actions="上门或电话了解不满意之处，制定改进措施并跟进落实，一个月后回访确认。",
            owner=response.invitation.survey.created_by,
            due_on=calendar.add_working_days(timezone.localdate(), CARE_PLAN_WORKING_DAYS),
        )
    household.satisfaction = rounded
    if plan is not None:
        household.care_plan = (
            f"{timezone.localdate():%Y-%m-%d}满意度调查得分{score}，已建立关怀计划："
            f"{plan.actions}（期限{plan.due_on:%Y-%m-%d}）"
        )
    # The survey rule itself changes the archive (not the answering person's page rights);
    # the revision keeps who entered the answer.
    household.save_revision(user=by, log_action=True).publish(
        user=by, skip_permission_checks=True
    )


# Care plans --------------------------------------------------------------------


@transaction.atomic
def create_care_plan(household, by, actions, due_on, owner=None):
    _require(by, "quality.add_careplan", "您无权制定关怀计划。")
    if not policy.care_households(by).filter(pk=household.pk).exists():
        raise PermissionDenied("您只能为本人负责楼栋的业户制定关怀计划。")
    plan = CarePlan(household=household, actions=actions, due_on=due_on, owner=owner or by)
    plan.full_clean(exclude=["response", "score"])
    plan.save()
    return plan


@transaction.atomic
def change_care_plan(plan, by, *, actions, due_on, owner=None):
    """A care plan's actions, owner and due date change while it is open; a finished
    plan keeps what was done, and the household stays the one it was made for."""
    _require(by, "quality.change_careplan", "您无权修改关怀计划。")
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == CarePlan.Status.DONE:
        raise ValidationError("该关怀计划已完成，不能再修改。")
    plan.actions, plan.due_on, plan.owner = actions, due_on, owner or plan.owner or by
    plan.full_clean(exclude=["response", "score"])
    plan.save()
    return plan


@transaction.atomic
def complete_care_plan(plan, by, result):
    _require(by, "quality.change_careplan", "您无权登记关怀结果。")
    if not result.strip():
        raise ValidationError({"result": "请填写关怀结果。"})
    plan.result = result
    plan.status = CarePlan.Status.DONE
    plan.done_at = timezone.now()
    plan.save()
    return plan


# Relationship plan ---------------------------------------------------------------


@transaction.atomic
def record_progress(action, month, state, by, note=""):
    """月度进展 of one action of the relationship plan (done, partly, not done)."""
    _require(by, "quality.add_actionprogress", "您无权登记计划进展。")
    if month not in action.months:
        raise ValidationError(f"该行动计划在{month}月没有安排。")
    progress, _ = ActionProgress.objects.update_or_create(
        action=action, month=month, defaults={"state": state, "note": note, "recorded_by": by}
    )
    return progress


# Interview plans ---------------------------------------------------------------


def _province(place):
    return (place or "").strip()[:2]


def suggest_interviewer(native_place, candidates, load=None):
    """The staff member from the same native place (籍贯), else the same province,
    else anyone; among equals the one with the fewest interviews planned."""
    load = load or {}
    place = (native_place or "").strip()

    def closeness(profile):
        if place and profile.native_place == place:
            return 0
        if place and _province(profile.native_place) == _province(place):
            return 1
        return 2

    ranked = sorted(candidates, key=lambda p: (closeness(p), load.get(p.user_id, 0), p.user_id))
    return ranked[0].user if ranked else None


def _owner_place(household):
    for owner in household.owners.all():
        if owner.is_current and owner.native_place:
            return owner.native_place
    return ""


@transaction.atomic
def draft_interview_plan(by, *, estate, kind, year, month=None, scope, content, preparation="",
                         proportion=10, interviewers=None):
    """顾客访谈计划 drafted by the service head: key customers always, government and
    committee contacts to the centre head, a share of every building for the rest,
    each with an interviewer of matching native place suggested."""
    _require(by, "quality.add_interviewplan", "您无权制定访谈计划。")
    plan = InterviewPlan(
        estate=estate, kind=kind, year=year, month=month, scope=scope, content=content,
        preparation=preparation, proportion=proportion, drafted_by=by,
    )
    plan.full_clean()
    plan.save()
    profiles = StaffProfile.objects.select_related("user").filter(user__is_active=True)
    if interviewers is not None:
        profiles = profiles.filter(user__in=interviewers)
    profiles = list(profiles)
    heads = [p for p in profiles if p.is_centre_head]
    others = [p for p in profiles if not p.is_centre_head] or profiles
    households = list(
        surveyable_households(estate).prefetch_related("important_classes", "owners")
    )
    load, rows, ordinary = {}, [], []
    for household in households:
        codes = {c.code for c in household.important_classes.all()}
        if codes & OFFICIAL_CLASSES:
            reason, pool = InterviewAssignment.Reason.OFFICIAL, heads or others
        elif codes:
            reason, pool = InterviewAssignment.Reason.IMPORTANT, others
        else:
            ordinary.append(household)
            continue
        rows.append((household, reason, pool))
    for household in sample_per_building(ordinary, proportion, seed=plan.pk):
        rows.append((household, InterviewAssignment.Reason.SAMPLED, others))
    assignments = []
    for household, reason, pool in rows:
        interviewer = suggest_interviewer(_owner_place(household), pool, load)
        if interviewer is not None:
            load[interviewer.pk] = load.get(interviewer.pk, 0) + 1
        assignments.append(
            InterviewAssignment(
                plan=plan, household=household, interviewer=interviewer, reason=reason,
                month=month or 1,
            )
        )
    InterviewAssignment.objects.bulk_create(assignments)
    return plan


INTERVIEW_SAMPLING = ("estate", "kind", "year", "month", "proportion")


@transaction.atomic
def change_interview_plan(plan, by, *, scope, content, preparation="", **sampling):
    """A plan is rewritten only as a draft or after it was returned, by its author or the
    service head; whom it visits was drawn when it was drafted, so the sampling stays."""
    plan = InterviewPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.drafted_by_id != by.pk and not by.has_perm("quality.change_interviewplan"):
        raise PermissionDenied("只有制定人可以修改访谈计划。")
    if plan.status not in (InterviewPlan.Status.DRAFT, InterviewPlan.Status.RETURNED):
        raise ValidationError(f"该计划{plan.get_status_display()}，不能再修改。")
    if any(getattr(plan, name) != sampling[name] for name in INTERVIEW_SAMPLING if name in sampling):
        raise ValidationError("小区、计划类型、年月和抽样比例在制定时已确定；如需改变，请重新制定计划。")
    plan.scope, plan.content, plan.preparation = scope, content, preparation
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def submit_interview_plan(plan, by):
    if plan.drafted_by_id != by.pk and not by.has_perm("quality.change_interviewplan"):
        raise PermissionDenied("只有制定人可以提交访谈计划。")
    if plan.status not in (InterviewPlan.Status.DRAFT, InterviewPlan.Status.RETURNED):
        raise ValidationError("该计划已提交。")
    plan.status = InterviewPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save()
    return plan


def _decide_plan(plan, by, status, note):
    _require(by, "quality.approve_interviewplan", "只有部门负责人可以审批访谈计划。")
    if plan.status != InterviewPlan.Status.SUBMITTED:
        raise ValidationError("只有待审批的计划可以审批。")
    if plan.drafted_by_id == by.pk:
        raise PermissionDenied("不能审批本人制定的访谈计划。")
    plan.status = status
    plan.decided_by = by
    plan.decided_at = timezone.now()
    plan.decision_note = note
    plan.save()
    return plan


@transaction.atomic
def approve_interview_plan(plan, by, note=""):
    return _decide_plan(plan, by, InterviewPlan.Status.APPROVED, note)


@transaction.atomic
def return_interview_plan(plan, by, note):
    if not note.strip():
        raise ValidationError("退回时请写明原因。")
    return _decide_plan(plan, by, InterviewPlan.Status.RETURNED, note)


@transaction.atomic
def submit_interview_analysis(estate, year, month, by, text):
    """上月访谈分析 (due by the 5th)."""
    _require(by, "quality.add_interviewanalysis", "您无权提交访谈分析。")
    if not text.strip():
        raise ValidationError({"text": "请填写分析内容。"})
    analysis, _ = InterviewAnalysis.objects.update_or_create(
        estate=estate, year=year, month=month, defaults={"text": text, "submitted_by": by}
    )
    return analysis


def log_interview(household, staff, *, contacted_on, need, measure="", done=False,
                  satisfaction=None, summary="顾客访谈"):
    """An interview is written to the archive's contact log (客户动态), where plan
    completion is read from."""
    from cms.archives import actions as archive_actions

    return archive_actions.log_contact(
        household, staff, channel=ContactLog.Channel.VISIT, contacted_on=contacted_on,
        summary=summary, is_interview=True, need=need, measure=measure, done=done,
        satisfaction=satisfaction,
    )


def previous_month(day):
    first = day.replace(day=1) - timedelta(days=1)
    return first.year, first.month
