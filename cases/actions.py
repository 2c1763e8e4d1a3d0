"""Every state change of a case is one function here, used by views, commands and tests.

Each action checks the transition, changes the rows inside one transaction, writes
the timeline and the history (who and why), and leaves side effects (mail) to
``transaction.on_commit``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from cases import calendar, month_changes, states
from cases.history import disposal
from cases.models import (
    Case,
    DisputeParticipant,
    DisputeParty,
    Evidence,
    FollowUpVisit,
    MajorCaseEntry,
    ManagerNotice,
    RemovedItem,
    TimelineStep,
    Tombstone,
    WarmReminder,
)
from cases.notifications import notify_managers_of_major_case
from cases.querysets import retention_until
from cms.archives.holds import refuse_if_held
from core.numbering import format_number, next_number
from core.people import display_name
from search.indexing import deferred_sync

S = Case.Status

WEB_RESPONSE_HOURS = 4
RESPONSE_WORKING_DAYS = 1
RESOLVE_WORKING_DAYS = 2
WARM_REMINDERS_BEFORE_REMOVAL = 3


class TransitionError(ValidationError):
    """A status change the rules do not allow; the message says why, in Chinese."""


def _save(case, by, reason):
    case._history_user = by
    case._change_reason = reason
    case.full_clean()
    before = month_changes.figures_of(case.pk)
    case.save()
    month_changes.count_change(before, month_changes.figures_of(case.pk))


def _set_status(case, status, by, reason):
    if not states.may_follow(case.status, status):
        raise TransitionError(
            f"案件 {case.number} 当前为「{case.get_status_display()}」，"
            f"不能变为「{S(status).label}」。"
        )
    refuse_without_named_handler(case)
    case.status = status
    _save(case, by, reason)


def refuse_without_named_handler(case):
    """A complaint taking over a working day moves on only with a named handler."""
    if case.handler_id is None and Case.objects.filter(pk=case.pk).needs_named_handler().exists():
        raise TransitionError(
            f"投诉 {case.number} 受理已超过一个工作日，须先指定处理人"
            f"（并填写顾客投诉处理记录表），才能继续办理。"
        )


@transaction.atomic
def assign_handler(case, by, handler, note=""):
    """指定处理人: the person answerable for the case, named on the timeline."""
    case.handler = handler
    _save(case, by, f"指定处理人：{display_name(handler)}")
    add_timeline_step(
        case, "指定处理人", by, "。".join(filter(None, [display_name(handler), note]))
    )
    return case


def add_timeline_step(case, action, by, note=""):
    """Record a handling step (action, by, at, note) on the case's timeline."""
    step = TimelineStep(case=case, action=action, by=by, note=note)
    step._history_user = by
    step.save()
    return step


def set_deadlines(case):
    """Response within 1 working day (web complaints 4 working hours); a general
    complaint resolved within 2 working days."""
    if case.kind != Case.Kind.COMPLAINT:
        return
    if case.channel == Case.Channel.WEB:
        case.response_due_at = calendar.add_working_hours(case.received_at, WEB_RESPONSE_HOURS)
    else:
        case.response_due_at = calendar.add_working_days(case.received_at, RESPONSE_WORKING_DAYS)
    if case.severity == Case.Severity.GENERAL and case.validity != Case.Validity.INVALID:
        case.resolve_due_at = calendar.add_working_days(case.received_at, RESOLVE_WORKING_DAYS)
    else:
        case.resolve_due_at = None


def create_case(by, **fields):
    """Intake from keyword arguments (see register_case)."""
    return register_case(Case(**fields), by)


@transaction.atomic
def register_case(case, by):
    """Intake: number the case (gap-free per kind and year), start its clocks,
    put 受理 on the timeline, and open the major-case volume when needed."""
    case.created_by = by
    case.full_clean(exclude=["number"])
    year = timezone.localtime(case.received_at).year
    case.number = format_number(case.series, year, next_number(case.series, year))
    set_deadlines(case)
    case._history_user = by
    case._change_reason = "受理登记"
    case.save()
    month_changes.count_change(None, month_changes.figures_of(case.pk))
    add_timeline_step(case, "受理", by, f"{case.get_channel_display()}：{case.description[:100]}")
    if case.severity == Case.Severity.MAJOR:
        _register_major(case, by)
    return case


@transaction.atomic
def update_case(case, by, reason="修改案件信息"):
    """Save edits made to ``case`` (a form's instance), version-checked."""
    refuse_if_held(case)
    if case.kind == Case.Kind.COMPLAINT and case.handled_at is None:
        set_deadlines(case)
    _save(case, by, reason)
    if case.severity == Case.Severity.MAJOR and not hasattr(case, "major_entry"):
        _register_major(case, by)
    return case


def _register_major(case, by):
    entry = MajorCaseEntry(case=case, registered_by=by, reported_to="客服中心经理")
    entry._history_user = by
    entry.save()
    add_timeline_step(case, "重大案件立卷并报告经理", by)
    transaction.on_commit(lambda: notify_managers_of_major_case(case.pk))


@transaction.atomic
def mark_major(case, by, note=""):
    case.severity = Case.Severity.MAJOR
    update_case(case, by, "定为重大案件")
    if note:
        add_timeline_step(case, "定为重大", by, note)
    return case


@transaction.atomic
def start_handling(case, by, note="", handler=None):
    """Take the case on (处理中) and give the customer the first response. The one
    taking it on becomes the handler, unless the complaint is past its first working
    day: then the handler must be named on purpose (assign_handler)."""
    case.handler = handler or case.handler
    refuse_without_named_handler(case)
    case.handler = case.handler or by
    case.responded_at = case.responded_at or timezone.now()
    _set_status(case, S.IN_PROGRESS, by, "开始处理")
    add_timeline_step(case, "开始处理", by, note)
    return case


@transaction.atomic
def reply(case, by, result, customer_opinion=""):
    """The fix is done and the customer told (已回复); a visit becomes due if needed."""
    if not result.strip():
        raise ValidationError({"result": "请填写处理结果。"})
    now = timezone.now()
    case.result = result
    case.customer_opinion = customer_opinion or case.customer_opinion
    case.responded_at = case.responded_at or now
    case.handled_at = now
    _set_status(case, S.REPLIED, by, "回复客户")
    add_timeline_step(case, "回复客户", by, result)
    if case.needs_visit():
        case.visit_due_at = calendar.add_working_days(now, 1)
        _set_status(case, S.AWAITING_VISIT, by, "等待回访")
    return case


@transaction.atomic
def transfer(case, by, to, note=""):
    """Forward to another body (developer, government); the case stays on record."""
    if case.complaint_class == Case.ComplaintClass.DEVELOPER and not case.forward_record:
        case.forward_record = f"{timezone.localtime():%Y-%m-%d %H:%M} 书面转交{to}。{note}"
    _set_status(case, S.TRANSFERRED, by, f"转办：{to}")
    add_timeline_step(case, "转办", by, f"转交{to}。{note}")
    return case


@transaction.atomic
def escalate(case, by, note=""):
    _set_status(case, S.ESCALATED, by, "升级处理")
    add_timeline_step(case, "升级", by, note)
    return case


def closing_blocker(case, now=None):
    """Why ``case`` may not be closed now, or "" when it may."""
    now = now or timezone.now()
    if case.status not in (S.REPLIED, S.AWAITING_VISIT):
        return f"案件当前为「{case.get_status_display()}」，须先回复客户再结案。"
    if not (case.result.strip() or case.outcome.strip()):
        return "没有处理结果，不能结案。"
    if case.needs_visit():
        since_handling = case.visits.filter(visited_at__gte=case.handled_at)
        if since_handling.filter(satisfaction__gte=FollowUpVisit.SATISFIED_FROM).exists():
            return ""
        if not Case.objects.filter(pk=case.pk).quiet_for_a_week(now).exists():
            return "此案件需要回访：须有满意的回访，或处理后一周内无重复投诉，方可结案。"
    return ""


@transaction.atomic
def close_case(case, by, reason):
    blocker = closing_blocker(case)
    if blocker:
        raise TransitionError(blocker)
    case.closed_at = timezone.now()
    case.close_reason = reason
    case.visit_due_at = None
    _set_status(case, S.CLOSED, by, f"结案：{reason}")
    add_timeline_step(case, "结案", by, reason)
    return case


@transaction.atomic
def record_visit(case, by, method, satisfaction, **details):
    """A follow-up visit. Satisfied closes the case; dissatisfied reopens it with a
    next visit due."""
    if case.status not in (S.REPLIED, S.AWAITING_VISIT):
        raise TransitionError("只有已回复或待回访的案件可以登记回访。")
    visit = FollowUpVisit(case=case, by=by, method=method, satisfaction=satisfaction, **details)
    visit._history_user = by
    visit.full_clean()
    visit.save()
    add_timeline_step(case, "回访", by, f"{visit.get_method_display()}，满意度 {satisfaction} 分")
    if visit.satisfied:
        close_case(case, by, f"回访满意（{satisfaction} 分）")
    else:
        case.handled_at = None
        # The next visit falls due from the next reply, not on this round's date.
        case.visit_due_at = None
        case.resolve_due_at = calendar.add_working_days(timezone.now(), RESOLVE_WORKING_DAYS)
        _set_status(case, S.IN_PROGRESS, by, "回访不满意，重新处理")
        add_timeline_step(case, "重新处理", by, "回访不满意，案件重开，处理后再次回访")
    return visit


@transaction.atomic
def exempt_from_visit(case, by, exemption, note=""):
    case.visit_exemption = exemption
    _save(case, by, f"免回访：{Case.VisitExemption(exemption).label}")
    add_timeline_step(case, "免回访", by, f"{Case.VisitExemption(exemption).label}。{note}")
    return case


@deferred_sync()
def close_quiet_cases(now=None, by=None, progress=None):
    """Close handled complaints with no repeat complaint within 7 days (the one-week rule).

    The closed cases reach the search index at the end, in one bulk request.
    """
    closed = []
    for case in Case.objects.quiet_for_a_week(now).iterator():
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case.pk)
            close_case(case, by, "处理后一周内无重复投诉，自动结案")
        closed.append(case)
        if progress:
            progress(1)
    return closed


@transaction.atomic
def merge_cases(target, others, by, impact_note=""):
    """Same event raised by many people or many times: one complaint, with the
    number of people and times, and an impact note. The merged cases close."""
    people = {target.household_id or target.reporter_name}
    times = target.times_count
    for other in others:
        if other.pk == target.pk or other.kind != target.kind:
            raise ValidationError("只能合并同一类别的其他案件。")
        people.add(other.household_id or other.reporter_name)
        times += other.times_count
        other.merged_into = target
        other.closed_at = timezone.now()
        other.close_reason = f"同一事件，并入 {target.number}"
        other.status = S.CLOSED
        _save(other, by, f"并入 {target.number}")
        add_timeline_step(other, "合并", by, f"并入 {target.number}")
    target.people_count = max(target.people_count, len(people))
    target.times_count = times
    if impact_note:
        target.impact_note = impact_note
    _save(target, by, "合并同一事件案件")
    add_timeline_step(
        target,
        "合并",
        by,
        f"并入 {'、'.join(o.number for o in others)}；涉及 {target.people_count} 人，"
        f"{target.times_count} 次",
    )
    return target


@transaction.atomic
def add_evidence(case, by, file, caption=""):
    evidence = Evidence(case=case, file=file, caption=caption, uploaded_by=by)
    evidence._history_user = by
    evidence.save()
    add_timeline_step(case, "上传证据", by, caption or evidence.file.name.rsplit("/", 1)[-1])
    return evidence


@transaction.atomic
def add_dispute_party(case, by, household=None, name="", position=""):
    party = DisputeParty(case=case, household=household, name=name, position=position)
    party._history_user = by
    party.save()
    return party


@transaction.atomic
def add_participant(case, by, body, name, role=""):
    participant = DisputeParticipant(case=case, body=body, name=name, role=role)
    participant._history_user = by
    participant.save()
    return participant


@transaction.atomic
def record_meeting(case, by, note, participants=()):
    """A coordination meeting of a dispute, with who attended, on the timeline."""
    names = "、".join(f"{p.get_body_display()}{p.name}" for p in participants)
    return add_timeline_step(case, "协调会", by, f"{note}（参加：{names}）" if names else note)


@transaction.atomic
def record_outcome(case, by, outcome):
    if not outcome.strip():
        raise ValidationError({"outcome": "请填写调解结果。"})
    if case.parties.count() < 2:
        raise ValidationError("邻里纠纷须登记至少两方当事人，才能记录调解结果。")
    case.outcome = outcome
    case.result = case.result or outcome
    case.handled_at = case.handled_at or timezone.now()
    _set_status(case, S.REPLIED, by, "记录调解结果")
    add_timeline_step(case, "调解结果", by, outcome)
    return case


@transaction.atomic
def add_warm_reminder(case, by):
    """Post the next warm reminder of a clutter case; returns its ordinal (1..3)."""
    last = case.reminders.aggregate(last=Max("ordinal"))["last"] or 0
    if last >= WARM_REMINDERS_BEFORE_REMOVAL:
        raise ValidationError("已张贴三次温馨提示，下一步应登记清理物品。")
    reminder = WarmReminder(case=case, ordinal=last + 1, by=by)
    reminder._history_user = by
    reminder.save()
    add_timeline_step(case, f"第{reminder.ordinal}次温馨提示", by)
    return reminder.ordinal


@transaction.atomic
def record_removed_item(case, by, description, stored_at):
    """Removal is allowed after three unanswered reminders; items get numbers."""
    if case.reminders.count() < WARM_REMINDERS_BEFORE_REMOVAL:
        raise ValidationError("须先张贴三次温馨提示，方可清理物品。")
    number = (case.removed_items.aggregate(last=Max("item_number"))["last"] or 0) + 1
    item = RemovedItem(case=case, item_number=number, description=description, stored_at=stored_at)
    item._history_user = by
    item.save()
    add_timeline_step(case, "清理物品", by, f"{number:03d} {description}，存放于{stored_at}")
    return item


@transaction.atomic
def record_reclaim(item, by, signature):
    """An item is signed for once; the store hands it out against that signature."""
    item = RemovedItem.objects.select_for_update().get(pk=item.pk)
    if item.reclaimed_at is not None:
        raise ValidationError(f"{item} 已由 {item.reclaimed_by} 认领。")
    if not signature.strip():
        raise ValidationError("请填写认领人签名。")
    item.reclaimed_by = signature.strip()
    item.reclaimed_at = timezone.now()
    item._history_user = by
    item.save()
    add_timeline_step(item.case, "物品认领", by, f"{item.item_number:03d} 由 {signature} 签收")
    return item


# Measures that are penalties: only managers impose them. Persuasion and a
# rectification deadline are handling decisions the case's handler may take.
PENALTIES = {Case.Measure.COMPENSATE, Case.Measure.CRITICISE, Case.Measure.LAWSUIT}


@transaction.atomic
def decide_measure(case, by, measure, amount=None, deadline=None, note=""):
    """Record the handling decision of a violation; it takes effect once a superior
    signs it. Penalties (and any amount) are for managers only."""
    if case.kind != Case.Kind.VIOLATION:
        raise ValidationError("只有违章案件可以作出处理决定。")
    is_penalty = measure in PENALTIES or amount
    if is_penalty and not by.has_perm("cases.impose_penalty"):
        raise PermissionDenied("只有客服中心经理可以作出处罚决定。")
    case.measure = measure
    case.amount = amount
    case.rectify_deadline = deadline
    case.penalty_by = by
    case.signed_by = None
    case.signed_at = None
    kind = "处罚决定" if is_penalty else "处理决定"
    _save(case, by, f"{kind}：{Case.Measure(measure).label}")
    add_timeline_step(case, f"{kind}（待签批）", by, note)
    return case


@transaction.atomic
def sign_decision(case, by):
    """A superior signs the decision; it takes effect from now."""
    if not by.has_perm("cases.sign_decision"):
        raise PermissionDenied("您无权签批处理决定。")
    if not case.measure:
        raise ValidationError("尚无处理决定可签批。")
    if case.penalty_by_id == by.pk:
        raise PermissionDenied("处罚决定须由上级签批，不能由决定人本人签批。")
    case.signed_by = by
    case.signed_at = timezone.now()
    _save(case, by, "签批处理决定，决定生效")
    add_timeline_step(case, "签批生效", by)
    return case


def mark_notices_read(case, user):
    """The manager has taken note of the alerts about this case: they leave the dashboard."""
    return ManagerNotice.objects.filter(case=case, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def decision_in_effect(case):
    return bool(case.measure and case.signed_at)


@transaction.atomic
def dispose_case(case, by):
    """Dispose of an expired violation file (manager confirms): the file and its
    history go, a tombstone stays. Complaints and disputes are never disposed."""
    if not by.has_perm("cases.dispose_case"):
        raise PermissionDenied("只有客服中心经理可以确认销毁。")
    refuse_if_held(case)
    if not Case.objects.filter(pk=case.pk).retention_expired().exists():
        raise ValidationError(f"{case.number} 未到保管期限或不属于可销毁的违章案卷。")
    tombstone = Tombstone.objects.create(
        number=case.number,
        kind=case.kind,
        severity=case.severity,
        received_at=case.received_at,
        closed_at=case.closed_at,
        retention_until=retention_until(case.closed_at, case.severity),
        disposed_by=by,
    )
    try:
        with transaction.atomic(), disposal():
            _purge(case)
    except ProtectedError as error:
        blockers = "、".join(sorted({str(obj) for obj in error.protected_objects}))
        raise ValidationError(
            f"{case.number} 仍被其他记录引用（{blockers}），不能销毁。"
        ) from error
    return tombstone


def _purge(case):
    for related in (
        case.timeline,
        case.visits,
        case.evidence,
        case.parties,
        case.participants,
        case.reminders,
        case.removed_items,
    ):
        history = related.model.history.filter(case_id=case.pk)
        related.all().delete()
        history.delete()
    case.related_cases.clear()
    if hasattr(case, "major_entry"):
        MajorCaseEntry.history.filter(case_id=case.pk).delete()
        case.major_entry.delete()
    Case.history.filter(id=case.pk).delete()
    month_changes.count_change(month_changes.figures_of(case.pk), None)
    case.delete()
    Case.history.filter(id=case.pk).delete()
