"""业户档案 (绝密): request reading access, read a household under a grant, the register.

The same policy as the admin decides; every reading is written to the register (via
接口), and identity numbers and phones are masked as on the admin reading page."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from api.auth import scoped
from api.errors import MAX_ID, ApiError, responses
from api.models import Scope
from cms.archives import actions, policy
from cms.archives.models import AccessRecord, Building, HouseholdArchive, attach_parents
from core.people import display_name

router = Router(tags=["业户档案"])


class AccessRequestIn(Schema):
    household_id: int | None = Field(None, ge=1, le=MAX_ID, description="申请查阅的业户档案编号")
    building_id: int | None = Field(None, ge=1, le=MAX_ID, description="或整栋楼的编号")
    reason: str = Field(min_length=1, max_length=300, description="查阅事由")
    duration_days: int = Field(1, ge=1, le=30, description="查阅天数 1–30")


class AccessRequestOut(Schema):
    id: int
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态")
    scope: str = Field(description="申请范围")
    duration_days: int


class OwnerOut(Schema):
    name: str = Field(description="姓名")
    id_number: str = Field(description="证件号码（已遮盖）")
    phone: str = Field(description="电话（已遮盖）")
    is_current: bool = Field(description="现业主")


class HouseholdOut(Schema):
    id: int
    address: str = Field(description="地址")
    floor: int
    room: str
    floor_area: float | None = Field(None, description="面积（平方米）")
    property_type: str = Field(description="物业类型")
    handover_date: date | None = Field(None, description="收楼时间")
    move_in_date: date | None = Field(None, description="入住时间")
    tenure_stage: str = Field(description="客户阶段")
    do_not_visit: bool = Field(description="谢绝拜访")
    is_closed: bool = Field(description="已归档关闭")
    owners: list[OwnerOut]


class RecordOut(Schema):
    household_id: int
    address: str
    user: str = Field(description="查阅人")
    via: str = Field(description="查阅途径")
    accessed_at: datetime = Field(description="查阅时间")
    ip_address: str | None = None


class RegisterOut(Schema):
    total: int
    items: list[RecordOut]


class RegisterFilter(Schema):
    household_id: int | None = Field(None, ge=1, le=MAX_ID, description="只看某户")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.post(
    "/access-requests",
    response=responses(201, AccessRequestOut),
    auth=scoped(Scope.ARCHIVES),
    summary="申请查阅档案",
    description="提交查阅申请，由客服中心经理在后台审批；批准后在期限内可查阅。",
)
def request_access(request, payload: AccessRequestIn):
    if (payload.household_id is None) == (payload.building_id is None):
        raise ApiError(
            422, "invalid_input", "请在 household_id 和 building_id 中填写且只填写一个。"
        )
    household = building = None
    if payload.household_id is not None:
        household = get_object_or_404(HouseholdArchive, pk=payload.household_id)
    else:
        building = get_object_or_404(Building, pk=payload.building_id)
    if policy.reads_everything(request.user):
        raise ApiError(409, "not_needed", "您可直接查阅全部档案，无需申请。")
    try:
        grant = actions.request_access(
            request.user,
            payload.reason,
            payload.duration_days,
            household=household,
            building=building,
        )
    except PermissionDenied as error:
        raise ApiError(403, "forbidden", str(error)) from error
    target = household or building
    return Status(
        201,
        {
            "id": grant.pk,
            "status": grant.status,
            "status_label": grant.get_status_display(),
            "scope": getattr(target, "address", None) or target.title,
            "duration_days": grant.duration_days,
        },
    )


@router.get(
    "/households/{household_id}",
    response=responses(200, HouseholdOut),
    auth=scoped(Scope.ARCHIVES),
    summary="查阅业户档案",
    description="须有已批准且未过期的查阅申请（或档案员）；每次查阅记入查阅登记簿。",
)
def read_household(request, household_id: int = Path(..., ge=1, le=MAX_ID)):
    household = HouseholdArchive.objects.filter(pk=household_id).first()
    if household is None or not policy.can_read_household(request.user, household):
        raise ApiError(403, "archive_forbidden", "该业户档案属绝密，您无权查阅。请先提交查阅申请。")
    policy.record_access(request.user, household, AccessRecord.Via.API, request=request)
    attach_parents([household])
    return {
        "id": household.pk,
        "address": household.address,
        "floor": household.floor,
        "room": household.room,
        "floor_area": float(household.floor_area) if household.floor_area is not None else None,
        "property_type": household.get_property_type_display() if household.property_type else "",
        "handover_date": household.handover_date,
        "move_in_date": household.move_in_date,
        "tenure_stage": household.tenure_stage_label,
        "do_not_visit": household.do_not_visit,
        "is_closed": household.is_closed,
        "owners": [
            {
                "name": owner.name,
                "id_number": policy.mask_id_number(owner.id_number),
                "phone": policy.mask_phone(owner.phone),
                "is_current": owner.is_current,
            }
            for owner in household.owners.all()
        ],
    }


@router.get(
    "/register",
    response=responses(200, RegisterOut),
    auth=scoped(Scope.ARCHIVES),
    summary="查阅登记簿",
    description="谁在何时以何种途径查阅了哪户档案；仅客服中心经理。",
)
def access_register(request, filters: Query[RegisterFilter]):
    if not policy.can_view_register(request.user):
        raise ApiError(403, "forbidden", "只有客服中心经理可以查看查阅登记簿。")
    records = AccessRecord.objects.select_related("user", "household")
    if filters.household_id is not None:
        records = records.filter(household_id=filters.household_id)
    window = list(records[filters.offset : filters.offset + filters.limit])
    households = {}
    for record in window:
        households.setdefault(record.household_id, record.household)
    attach_parents(households.values())
    return {
        "total": records.count(),
        "items": [
            {
                "household_id": r.household_id,
                "address": households[r.household_id].address,
                "user": display_name(r.user) if r.user else "",
                "via": r.via_label,
                "accessed_at": r.accessed_at,
                "ip_address": r.ip_address,
            }
            for r in window
        ],
    }
