"""The buttons of the case page: which action is offered when, with which form, and
which function of cases/actions.py it calls."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cases import actions, forms
from cases.models import Case
from cases.policy import can_handle_case, visible_cases

S = Case.Status
COMPLAINT, DISPUTE, VIOLATION = Case.Kind.COMPLAINT, Case.Kind.DISPUTE, Case.Kind.VIOLATION
OPEN = {S.ACCEPTED, S.IN_PROGRESS, S.REPLIED, S.AWAITING_VISIT, S.TRANSFERRED, S.ESCALATED}


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str
    form_class: type
    run: Callable
    statuses: frozenset
    kinds: frozenset = frozenset(Case.Kind)
    permission: str = ""
    applies: Callable = lambda case, user: True

    def offered(self, case, user):
        if case.status not in self.statuses or case.kind not in self.kinds:
            return False
        if not self.applies(case, user):
            return False
        if self.permission:
            return user.has_perm(self.permission)
        return can_handle_case(user, case)

    def make_form(self, case, data=None, files=None):
        kwargs = {"prefix": self.name, "files": files}
        if self.form_class is forms.MergeForm:
            kwargs["case"] = case
        return self.form_class(data, **kwargs)


def _start(case, user, data):
    return actions.start_handling(case, user, data["note"])


def _reply(case, user, data):
    return actions.reply(case, user, data["result"], data["customer_opinion"])


def _visit(case, user, data):
    details = {k: v for k, v in data.items() if k not in ("method", "satisfaction")}
    return actions.record_visit(case, user, data["method"], data["satisfaction"], **details)


def _merge(case, user, data):
    visible = visible_cases(user)
    hidden = [other.number for other in data["numbers"] if not visible.filter(pk=other.pk).exists()]
    if hidden:
        raise ValidationError(f"找不到案件：{'、'.join(hidden)}")
    return actions.merge_cases(case, data["numbers"], user, data["impact_note"])


def _party(case, user, data):
    return actions.add_dispute_party(case, user, name=data["name"], position=data["position"])


def _participant(case, user, data):
    return actions.add_participant(case, user, data["body"], data["name"], data["role"])


def _meeting(case, user, data):
    return actions.record_meeting(case, user, data["note"], case.participants.all())


def _penalty(case, user, data):
    return actions.decide_measure(
        case, user, data["measure"], data["amount"], data["deadline"], data["note"]
    )


def _statuses(*statuses):
    return frozenset(statuses)


HANDLING = _statuses(S.IN_PROGRESS, S.TRANSFERRED, S.ESCALATED)
REPLIED = _statuses(S.REPLIED, S.AWAITING_VISIT)
EARLY = _statuses(S.ACCEPTED, S.IN_PROGRESS)
ANY_OPEN = frozenset(OPEN)

ACTIONS = [
    CaseAction(
        "evidence",
        "上传证据",
        forms.EvidenceForm,
        lambda c, u, d: actions.add_evidence(c, u, d["file"], d["caption"]),
        ANY_OPEN,
    ),
    CaseAction(
        "handler",
        "指定处理人",
        forms.HandlerForm,
        lambda c, u, d: actions.assign_handler(c, u, d["handler"], d["note"]),
        ANY_OPEN,
    ),
    CaseAction(
        "start",
        "开始处理",
        forms.NoteForm,
        _start,
        _statuses(S.ACCEPTED, S.TRANSFERRED, S.ESCALATED),
    ),
    CaseAction(
        "step",
        "记录处理过程",
        forms.StepForm,
        lambda c, u, d: actions.add_timeline_step(c, d["action"], u, d["note"]),
        ANY_OPEN,
    ),
    CaseAction(
        "reply",
        "回复客户（处理完成）",
        forms.ReplyForm,
        _reply,
        HANDLING,
        frozenset({COMPLAINT, VIOLATION}),
    ),
    CaseAction("visit", "登记回访", forms.VisitForm, _visit, REPLIED, frozenset({COMPLAINT})),
    CaseAction(
        "exempt",
        "免回访",
        forms.ExemptForm,
        lambda c, u, d: actions.exempt_from_visit(c, u, d["exemption"], d["note"]),
        ANY_OPEN,
        frozenset({COMPLAINT}),
    ),
    CaseAction(
        "close",
        "结案",
        forms.CloseForm,
        lambda c, u, d: actions.close_case(c, u, d["reason"]),
        REPLIED,
    ),
    CaseAction(
        "transfer",
        "转办",
        forms.TransferForm,
        lambda c, u, d: actions.transfer(c, u, d["to"], d["note"]),
        EARLY,
    ),
    CaseAction(
        "escalate", "升级", forms.NoteForm, lambda c, u, d: actions.escalate(c, u, d["note"]), EARLY
    ),
    CaseAction(
        "major",
        "定为重大",
        forms.NoteForm,
        lambda c, u, d: actions.mark_major(c, u, d["note"]),
        ANY_OPEN,
        frozenset({COMPLAINT, VIOLATION}),
        applies=lambda case, user: case.severity == Case.Severity.GENERAL,
    ),
    CaseAction("merge", "合并同一事件", forms.MergeForm, _merge, ANY_OPEN, frozenset({COMPLAINT})),
    CaseAction("party", "添加当事方", forms.PartyForm, _party, ANY_OPEN, frozenset({DISPUTE})),
    CaseAction(
        "participant",
        "添加协调人员",
        forms.ParticipantForm,
        _participant,
        ANY_OPEN,
        frozenset({DISPUTE}),
    ),
    CaseAction(
        "meeting", "记录协调会", forms.MeetingForm, _meeting, ANY_OPEN, frozenset({DISPUTE})
    ),
    CaseAction(
        "outcome",
        "记录调解结果",
        forms.OutcomeForm,
        lambda c, u, d: actions.record_outcome(c, u, d["outcome"]),
        HANDLING,
        frozenset({DISPUTE}),
    ),
    CaseAction(
        "reminder",
        "张贴温馨提示",
        forms.EmptyForm,
        lambda c, u, d: actions.add_warm_reminder(c, u),
        ANY_OPEN,
        frozenset({VIOLATION}),
    ),
    CaseAction(
        "remove",
        "登记清理物品",
        forms.RemovedItemForm,
        lambda c, u, d: actions.record_removed_item(c, u, d["description"], d["stored_at"]),
        ANY_OPEN,
        frozenset({VIOLATION}),
    ),
    CaseAction(
        "penalty", "作出处理决定", forms.PenaltyForm, _penalty, ANY_OPEN, frozenset({VIOLATION})
    ),
    CaseAction(
        "sign",
        "签批处理决定",
        forms.EmptyForm,
        lambda c, u, d: actions.sign_decision(c, u),
        ANY_OPEN,
        frozenset({VIOLATION}),
        "cases.sign_decision",
        # The superior signs: never the one who imposed the decision.
        lambda case, user: bool(
            case.measure and not case.signed_at and case.penalty_by_id != user.pk
        ),
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(case, user):
    return [action for action in ACTIONS if action.offered(case, user)]
