"""案件: register a complaint, list and read visible cases, add a step, record a visit."""

from datetime import datetime
from enum import Enum

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from api.auth import scoped
from api.errors import MAX_ID, ApiError, responses
from api.models import Scope
from cases import actions
from cases.models import Case, CaseTopic, FollowUpVisit
from cases.policy import can_handle_case, visible_cases
from cms.archives.policy import linkable_households
from core.people import display_name
from portal.links import owner_link

router = Router(tags=["案件"])

Channel = Enum("Channel", {value: value for value in Case.Channel.values}, type=str)
Kind = Enum("Kind", {value: value for value in Case.Kind.values}, type=str)
CaseStatus = Enum("CaseStatus", {value: value for value in Case.Status.values}, type=str)
VisitMethod = Enum("VisitMethod", {value: value for value in FollowUpVisit.Method.values}, type=str)


class StepOut(Schema):
    action: str = Field(description="步骤")
    at: datetime = Field(description="时间")
    by: str = Field(description="办理人")
    note: str = Field(description="说明")


class OwnerLinkOut(Schema):
    url: str = Field(description="业主本人查询进度的链接")
    expires_at: datetime = Field(description="链接有效期至")
    sms_text: str = Field(description="可直接发送给业主的短信内容")


class CaseOut(Schema):
    id: int
    number: str = Field(description="案件编号，如 投诉-2026-000123")
    kind: str = Field(description="类别代码")
    kind_label: str = Field(description="类别")
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态")
    channel: str = Field(description="来源渠道代码")
    channel_label: str = Field(description="来源渠道")
    topic: str | None = Field(None, description="主题")
    received_at: datetime = Field(description="受理时间")
    response_due_at: datetime | None = Field(None, description="答复时限")
    resolve_due_at: datetime | None = Field(None, description="解决时限")
    closed_at: datetime | None = Field(None, description="结案时间")
    address: str | None = Field(None, description="房屋地址（不含业主资料）")
    location: str = Field(description="地点或房号")
    reporter_name: str = Field(description="反映人")
    description: str = Field(description="内容")
    handler: str | None = Field(None, description="处理人")
    result: str = Field(description="处理结果")
    merged_into: str | None = Field(None, description="已并入的案件编号")


class CaseDetailOut(CaseOut):
    steps: list[StepOut] = Field(description="办理步骤")


class RegisteredOut(CaseDetailOut):
    owner_link: OwnerLinkOut | None = Field(None, description="有电话时：业主查询链接与短信")


class CaseListOut(Schema):
    total: int
    items: list[CaseOut]


class ComplaintIn(Schema):
    channel: Channel = Field(description="来源渠道：visit 来访、phone 来电、web 网络论坛等")
    reporter_name: str = Field(min_length=1, max_length=50, description="反映人")
    reporter_phone: str = Field("", max_length=30, description="联系电话（有则生成业主查询链接）")
    description: str = Field(min_length=1, max_length=4000, description="投诉内容")
    topic: str = Field("", max_length=30, description="主题名称，如 噪音、高空抛物")
    location: str = Field("", max_length=100, description="地点或房号")
    household_id: int | None = Field(None, ge=1, le=MAX_ID, description="业户档案编号（可选）")
    anonymous: bool = Field(False, description="匿名")


class StepIn(Schema):
    action: str = Field(min_length=1, max_length=50, description="步骤，如 电话联系业主")
    note: str = Field("", max_length=2000, description="说明")


class VisitIn(Schema):
    method: VisitMethod = Field(
        description="回访方式：phone 电话、visit 上门、web 网上、survey 问卷"
    )
    satisfaction: int = Field(ge=1, le=5, description="满意度 1–5 分，4 分及以上为满意")
    quality: str = Field("", max_length=100, description="服务质量")
    effect: str = Field("", max_length=100, description="处理效果")
    shortcomings: str = Field("", max_length=2000, description="不足之处")
    suggestions: str = Field("", max_length=2000, description="建议")


class VisitOut(Schema):
    case: CaseDetailOut
    satisfied: bool = Field(description="是否满意（满意即结案，不满意则案件重开）")


class CaseFilter(Schema):
    status: CaseStatus | None = Field(None, description="状态代码")
    kind: Kind | None = Field(None, description="类别代码")
    number: str | None = Field(None, max_length=30, description="案件编号")
    limit: int = Field(20, ge=1, le=100, description="每页条数")
    offset: int = Field(0, ge=0, le=1_000_000, description="起始位置")


def case_out(case):
    household = case.household
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "channel_label": case.get_channel_display(),
        "topic": case.topic.name if case.topic_id else None,
        "received_at": case.received_at,
        "response_due_at": case.response_due_at,
        "resolve_due_at": case.resolve_due_at,
        "closed_at": case.closed_at,
        "address": household.address if household else None,
        "location": case.location,
        "reporter_name": "匿名" if case.anonymous else case.reporter_name,
        "description": case.description,
        "handler": display_name(case.handler) if case.handler_id else None,
        "result": case.result,
        "merged_into": case.merged_into.number if case.merged_into_id else None,
    }


def case_detail(case):
    steps = case.timeline.select_related("by").order_by("at", "pk")
    return {
        **case_out(case),
        "steps": [
            {
                "action": s.action,
                "at": s.at,
                "by": display_name(s.by) if s.by else "",
                "note": s.note,
            }
            for s in steps
        ],
    }


def _visible(request, case_id):
    cases = visible_cases(request.user).select_related(
        "topic", "handler", "household", "merged_into"
    )
    return get_object_or_404(cases, pk=case_id)


def _handled(request, case_id):
    case = _visible(request, case_id)
    if not can_handle_case(request.user, case):
        raise ApiError(403, "forbidden", f"您不能办理案件 {case.number}。")
    return case


@router.post(
    "/complaints",
    response=responses(201, RegisteredOut),
    auth=scoped(Scope.REGISTER_CASES),
    summary="登记投诉",
    description="呼叫中心或微信小程序登记一件投诉：编号、时限和受理步骤与后台登记相同。"
    "填写电话时返回业主本人查询进度的链接和短信内容。",
)
def register_complaint(request, payload: ComplaintIn):
    if not request.user.has_perm("cases.add_case"):
        raise ApiError(403, "forbidden", "您没有登记案件的权限。")
    topic = None
    if payload.topic:
        topic = CaseTopic.objects.filter(name=payload.topic, active=True).first()
        if topic is None:
            raise ApiError(422, "unknown_topic", f"没有名为「{payload.topic}」的案件主题。")
    household = None
    if payload.household_id is not None:
        household = linkable_households(request.user).filter(pk=payload.household_id).first()
        if household is None:
            raise ApiError(404, "not_found", "没有找到该业户档案，或您无权查看。")
    case = actions.create_case(
        request.user,
        kind=Case.Kind.COMPLAINT,
        channel=payload.channel.value,
        reporter_name=payload.reporter_name.strip(),
        reporter_phone=payload.reporter_phone.strip(),
        description=payload.description.strip() or payload.description,
        topic=topic,
        location=payload.location,
        household=household,
        anonymous=payload.anonymous,
    )
    link = owner_link(case)
    body = case_detail(_visible(request, case.pk))
    body["owner_link"] = link.__dict__ if link else None
    return Status(201, body)


@router.get(
    "/",
    response=responses(200, CaseListOut),
    auth=scoped(Scope.READ_CASES),
    summary="案件列表",
    description="本人可见的案件（与后台相同的可见范围），新案件在前。",
)
def list_cases(request, filters: Query[CaseFilter]):
    cases = visible_cases(request.user).select_related(
        "topic", "handler", "household", "merged_into"
    )
    if filters.status:
        cases = cases.filter(status=filters.status.value)
    if filters.kind:
        cases = cases.filter(kind=filters.kind.value)
    if filters.number:
        cases = cases.filter(number=filters.number)
    cases = cases.order_by("-received_at", "-pk")
    window = cases[filters.offset : filters.offset + filters.limit]
    return {"total": cases.count(), "items": [case_out(case) for case in window]}


@router.get(
    "/{case_id}",
    response=responses(200, CaseDetailOut),
    auth=scoped(Scope.READ_CASES),
    summary="查看案件",
)
def read_case(request, case_id: int = Path(..., ge=1, le=MAX_ID)):
    return case_detail(_visible(request, case_id))


@router.post(
    "/{case_id}/steps",
    response=responses(201, StepOut),
    auth=scoped(Scope.REGISTER_CASES),
    summary="添加办理步骤",
    description="在案件时间线上记一步（如 电话联系业主），须是能办理该案件的人。",
)
def add_step(request, payload: StepIn, case_id: int = Path(..., ge=1, le=MAX_ID)):
    case = _handled(request, case_id)
    step = actions.add_timeline_step(case, payload.action.strip(), request.user, payload.note)
    return Status(
        201,
        {
            "action": step.action,
            "at": step.at,
            "by": display_name(request.user),
            "note": step.note,
        },
    )


@router.post(
    "/{case_id}/visits",
    response=responses(201, VisitOut),
    auth=scoped(Scope.REGISTER_CASES),
    summary="登记回访",
    description="已回复或待回访的案件：满意（4–5 分）即结案，不满意则重开并再次回访。",
)
def record_visit(request, payload: VisitIn, case_id: int = Path(..., ge=1, le=MAX_ID)):
    case = _handled(request, case_id)
    visit = actions.record_visit(
        case,
        request.user,
        payload.method.value,
        payload.satisfaction,
        quality=payload.quality,
        effect=payload.effect,
        shortcomings=payload.shortcomings,
        suggestions=payload.suggestions,
    )
    return Status(
        201, {"case": case_detail(_visible(request, case_id)), "satisfied": visit.satisfied}
    )
