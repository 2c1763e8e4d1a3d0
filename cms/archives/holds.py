"""保全 (holds): one small policy asked by every path that edits or disposes a held
record — household archives here, violation cases and disputes in ``cases``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.archives.models import HeldRecordRefused, Hold

PLACE_HOLD = "archives.place_hold"


def active_hold(obj):
    return Hold.objects.active().on(obj).first() if obj is not None and obj.pk else None


def is_held(obj):
    return active_hold(obj) is not None


def refuse_if_held(obj):
    hold = active_hold(obj)
    if hold is not None:
        raise HeldRecordRefused(hold)


HELD_CASE_KINDS = ("violation", "dispute")

# How a held record of another area is found by the number staff type in the hold form;
# the cases area registers its case numbers when Django starts (cases/apps.py).
_NUMBER_LOOKUPS = []


def register_number_lookup(find):
    _NUMBER_LOOKUPS.append(find)


def record_numbered(number):
    for find in _NUMBER_LOOKUPS:
        found = find(number)
        if found is not None:
            return found
    return None


def _may_hold(target):
    from cms.archives.models import HouseholdArchive

    if isinstance(target, HouseholdArchive):
        return True
    return target._meta.label == "cases.Case" and target.kind in HELD_CASE_KINDS


def _label(target):
    from cms.archives.models import HouseholdArchive, attach_parents

    if isinstance(target, HouseholdArchive):
        return f"业户档案 {attach_parents([target])[0].address}"
    return f"案件 {target.number}"


@transaction.atomic
def place_hold(target, by, reason, reference=""):
    from django.contrib.contenttypes.models import ContentType

    if not by.has_perm(PLACE_HOLD):
        raise PermissionDenied("只有客户服务中心经理可以设置保全。")
    if not _may_hold(target):
        raise ValidationError("只能对违章案件、邻里纠纷和业户档案设置保全。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写保全原因。"})
    if is_held(target):
        raise ValidationError(f"{_label(target)} 已在保全中。")
    return Hold.objects.create(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=target.pk,
        target_label=_label(target)[:200],
        reason=reason.strip(),
        reference=reference.strip(),
        placed_by=by,
    )


@transaction.atomic
def lift_hold(hold, by, reason):
    if not by.has_perm(PLACE_HOLD):
        raise PermissionDenied("只有客户服务中心经理可以解除保全。")
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError("该保全已经解除。")
    if not reason.strip():
        raise ValidationError({"lift_reason": "请填写解除原因。"})
    hold.lifted_by, hold.lifted_at, hold.lift_reason = by, timezone.now(), reason.strip()
    hold.save()
    return hold
