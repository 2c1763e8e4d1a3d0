"""The buttons of the case page: which action is offered when, with which form, and
which function of cases/actions.py it calls."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cases import actions, forms, states
from cases.models import Case
from cases.policy import can_handle_case, visible_cases

COMPLAINT, DISPUTE, VIOLATION = Case.Kind.COMPLAINT, Case.Kind.DISPUTE, Case.Kind.VIOLATION


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
    icon: str = "edit"
    # Irreversible steps (closing, signing, merging …) ask the user to confirm first.
    irreversible: bool = False

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
        if getattr(self.form_class, "takes_case", False):
            kwargs["case"] = case
        form = self.form_class(data, **kwargs)
        if self.irreversible:
            form.fields["confirm"] = forms.confirmation_field(self.label)
        return form


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


ACTIONS = [
    CaseAction(
        "evidence",
        "上传证据",
        forms.EvidenceForm,
        lambda c, u, d: actions.add_evidence(c, u, d["file"], d["caption"]),
        states.OPEN,
        icon="doc-full",
    ),
    CaseAction(
        "handler",
        "指定处理人",
        forms.HandlerForm,
        lambda c, u, d: actions.assign_handler(c, u, d["handler"], d["note"]),
        states.OPEN,
        icon="user",
    ),
    CaseAction(
        "start",
        "开始处理",
        forms.NoteForm,
        _start,
        states.TO_START,
        icon="resubmit",
    ),
    CaseAction(
        "step",
        "记录处理过程",
        forms.StepForm,
        lambda c, u, d: actions.add_timeline_step(c, d["action"], u, d["note"]),
        states.OPEN,
        icon="list-ul",
    ),
    CaseAction(
        "reply",
        "回复客户（处理完成）",
        forms.ReplyForm,
        _reply,
        states.HANDLING,
        frozenset({COMPLAINT, VIOLATION}),
        icon="mail",
    ),
    CaseAction(
        "visit",
        "登记回访",
        forms.VisitForm,
        _visit,
        states.REPLIED,
        frozenset({COMPLAINT}),
        icon="mobile-alt",
    ),
    CaseAction(
        "exempt",
        "免回访",
        forms.ExemptForm,
        lambda c, u, d: actions.exempt_from_visit(c, u, d["exemption"], d["note"]),
        states.OPEN,
        frozenset({COMPLAINT}),
        icon="cross",
        irreversible=True,
    ),
    CaseAction(
        "close",
        "结案",
        forms.CloseForm,
        lambda c, u, d: actions.close_case(c, u, d["reason"]),
        states.REPLIED,
        icon="lock",
        irreversible=True,
    ),
    CaseAction(
        "transfer",
        "转办",
        forms.TransferForm,
        lambda c, u, d: actions.transfer(c, u, d["to"], d["note"]),
        states.EARLY,
        icon="arrow-right-full",
    ),
    CaseAction(
        "escalate",
        "升级",
        forms.NoteForm,
        lambda c, u, d: actions.escalate(c, u, d["note"]),
        states.EARLY,
        icon="arrow-up",
    ),
    CaseAction(
        "major",
        "定为重大",
        forms.NoteForm,
        lambda c, u, d: actions.mark_major(c, u, d["note"]),
        states.OPEN,
        frozenset({COMPLAINT, VIOLATION}),
        applies=lambda case, user: case.severity == Case.Severity.GENERAL,
        icon="warning",
        irreversible=True,
    ),
    CaseAction(
        "merge",
        "合并同一事件",
        forms.MergeForm,
        _merge,
        states.OPEN,
        frozenset({COMPLAINT}),
        icon="link",
        irreversible=True,
    ),
    CaseAction(
        "party",
        "添加当事方",
        forms.PartyForm,
        _party,
        states.OPEN,
        frozenset({DISPUTE}),
        icon="user",
    ),
    CaseAction(
        "participant",
        "添加协调人员",
        forms.ParticipantForm,
        _participant,
        states.OPEN,
        frozenset({DISPUTE}),
        icon="group",
    ),
    CaseAction(
        "meeting",
        "记录协调会",
        forms.MeetingForm,
        _meeting,
        states.OPEN,
        frozenset({DISPUTE}),
        icon="group",
    ),
    CaseAction(
        "outcome",
        "记录调解结果",
        forms.OutcomeForm,
        lambda c, u, d: actions.record_outcome(c, u, d["outcome"]),
        states.HANDLING,
        frozenset({DISPUTE}),
        icon="success",
    ),
    CaseAction(
        "reminder",
        "张贴温馨提示",
        forms.EmptyForm,
        lambda c, u, d: actions.add_warm_reminder(c, u),
        states.OPEN,
        frozenset({VIOLATION}),
        icon="mail",
    ),
    CaseAction(
        "remove",
        "登记清理物品",
        forms.RemovedItemForm,
        lambda c, u, d: actions.record_removed_item(c, u, d["description"], d["stored_at"]),
        states.OPEN,
        frozenset({VIOLATION}),
        icon="bin",
    ),
    CaseAction(
        "reclaim",
        "登记物品认领",
        forms.ReclaimForm,
        lambda c, u, d: actions.record_reclaim(d["item"], u, d["signature"]),
        states.OPEN,
        frozenset({VIOLATION}),
        applies=lambda case, user: case.removed_items.filter(reclaimed_at__isnull=True).exists(),
        icon="tick",
    ),
    CaseAction(
        "penalty",
        "作出处理决定",
        forms.PenaltyForm,
        _penalty,
        states.OPEN,
        frozenset({VIOLATION}),
        icon="clipboard-list",
        irreversible=True,
    ),
    CaseAction(
        "sign",
        "签批处理决定",
        forms.EmptyForm,
        lambda c, u, d: actions.sign_decision(c, u),
        states.OPEN,
        frozenset({VIOLATION}),
        "cases.sign_decision",
        # The superior signs: never the one who imposed the decision.
        lambda case, user: bool(
            case.measure and not case.signed_at and case.penalty_by_id != user.pk
        ),
        icon="tick-inverse",
        irreversible=True,
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(case, user):
    return [action for action in ACTIONS if action.offered(case, user)]
