"""Every state change of an owner archive, as one function each (views, commands and
tests all call these): access requests and decisions, contact and owner changes,
closing and reopening, contact log entries."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cms.archives import policy
from cms.archives.holds import refuse_if_held
from cms.archives.models import (
    AccessGrant,
    ArchiveChange,
    ContactLog,
    HouseholdArchive,
    Owner,
)


def _publish(household, user):
    """Keep every change in the page revisions, then make it the live version."""
    household.save_revision(user=user, log_action=True).publish(user=user)


def save_imported_revision(household, by):
    """批量导入: a household the import filed or changed keeps a revision by the
    importing user, like any edit; publishing it re-indexes the household for search
    (after commit, in the import's one bulk request)."""
    _publish(household, by)


def change_owners_by_import(household, by, source_name, ended, added, on):
    """批量导入 of a sheet naming other owners than the card: the owners it no longer
    lists (``ended``) end on ``on`` and stay on the card as former owners, the new ones
    (``added``, Owner objects not yet saved) own from ``on``; recorded as 业户更替 like
    ``change_owner``. The import publishes the household's revision afterwards."""
    for owner in ended:
        owner.is_current = False
        owner.owned_until = on
    Owner.objects.bulk_update(ended, ["is_current", "owned_until"])
    for owner in added:
        owner.household = household
        owner.owned_since = on
    Owner.objects.bulk_create(added)
    if not ended:
        return None
    return ArchiveChange.objects.create(
        household=household,
        kind=ArchiveChange.Kind.OWNER,
        changed_by=by,
        reason=f"批量导入：{source_name}"[:300],
        before={"owners": [_owner_snapshot(o) for o in ended]},
        after={"owners": [_owner_snapshot(o) for o in added]},
    )


def _owner_snapshot(owner):
    return {
        "name": owner.name,
        "id_type": owner.id_type,
        "id_number": owner.id_number,
        "phone": owner.phone,
        "phone_alt": owner.phone_alt,
        "owned_since": owner.owned_since.isoformat() if owner.owned_since else None,
        "owned_until": owner.owned_until.isoformat() if owner.owned_until else None,
    }


def request_access(requester, reason, duration_days, household=None, building=None, purpose="read"):
    """查阅申请: ask a manager to read one household or one building, or (以便回访) to see
    the owners' phones for a call back."""
    if not policy.may_request_access(requester, household=household, building=building):
        raise PermissionDenied("您只能申请查阅本人负责楼栋的业户档案。")
    grant = AccessGrant(
        requester=requester,
        household=household,
        building=building,
        reason=reason,
        purpose=purpose,
        duration_days=duration_days,
    )
    grant.full_clean()
    grant.save()
    return grant


BREAK_GLASS_DAYS = 1


@transaction.atomic
def open_for_myself(manager, reason, household=None, building=None):
    """紧急自行开启 (break-glass): a manager — also the only one at a centre — opens an
    archive for themselves for one day with a stated reason instead of approving their
    own request; the grant and every reading under it are flagged in the register."""
    if not policy.can_approve_access(manager):
        raise PermissionDenied("只有客户服务中心经理可以紧急自行开启档案。")
    if len(reason.strip()) < 4:
        raise ValidationError({"reason": "请写明紧急开启的理由（至少4个字）。"})
    now = timezone.now()
    grant = AccessGrant(
        requester=manager,
        household=household,
        building=building,
        reason=reason.strip(),
        duration_days=BREAK_GLASS_DAYS,
        status=AccessGrant.Status.APPROVED,
        decided_by=manager,
        decided_at=now,
        decision_note="经理紧急自行开启",
        break_glass=True,
        starts_at=now,
        expires_at=now + timedelta(days=BREAK_GLASS_DAYS),
    )
    grant.full_clean()
    grant.save()
    return grant


def _decide(grant, by, status, note):
    if not policy.can_approve_access(by):
        raise PermissionDenied("只有客户服务中心经理可以审批档案查阅申请。")
    if grant.status != AccessGrant.Status.PENDING:
        raise ValidationError("该申请已经处理过了。")
    if grant.requester_id == by.pk:
        raise PermissionDenied(
            "不能审批本人提交的查阅申请。如确需查阅，请使用“紧急自行开启”并写明理由（登记簿中特别标出）。"
        )
    grant.status = status
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.decision_note = note


@transaction.atomic
def approve_access(grant, by, note=""):
    """Approve: the grant runs from now for its number of days and then lapses by itself."""
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    _decide(grant, by, AccessGrant.Status.APPROVED, note)
    grant.starts_at = grant.decided_at
    grant.expires_at = grant.decided_at + timedelta(days=grant.duration_days)
    grant.save()
    return grant


@transaction.atomic
def refuse_access(grant, by, note=""):
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    _decide(grant, by, AccessGrant.Status.REFUSED, note)
    grant.save()
    return grant


@transaction.atomic
def change_contact(owner, by, reason, phone=None, phone_alt=None):
    """联系方式变更: new phone numbers for an owner, the old ones kept in the change record."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写变更原因。"})
    refuse_if_held(HouseholdArchive.objects.get(pk=owner.household_id))
    before = _owner_snapshot(owner)
    if phone is not None:
        owner.phone = phone.strip()
    if phone_alt is not None:
        owner.phone_alt = phone_alt.strip()
    owner.full_clean(exclude=["household"])
    owner.save()
    household = HouseholdArchive.objects.get(pk=owner.household_id)
    change = ArchiveChange.objects.create(
        household=household,
        kind=ArchiveChange.Kind.CONTACT,
        changed_by=by,
        reason=reason,
        before=before,
        after=_owner_snapshot(owner),
    )
    _publish(household, by)
    return change


@transaction.atomic
def change_owner(household, by, reason, new_owners, changed_on=None):
    """业户更替: the current owners end on ``changed_on`` and stay on the card as former
    owners; ``new_owners`` (dicts of Owner fields) become the current owners."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写更替原因。"})
    if not new_owners:
        raise ValidationError("请至少填写一位新业主。")
    changed_on = changed_on or timezone.localdate()
    household = HouseholdArchive.objects.select_for_update().get(pk=household.pk)
    refuse_if_held(household)
    previous = list(household.owners.filter(is_current=True))
    created = []
    for fields in new_owners:
        owner = Owner(household=household, owned_since=changed_on, is_current=True, **fields)
        owner.full_clean(exclude=["household"])
        created.append(owner)
    for owner in previous:
        owner.is_current = False
        owner.owned_until = changed_on
        owner.save()
    next_order = (household.owners.count() or 0) + 1
    for offset, owner in enumerate(created):
        owner.sort_order = next_order + offset
        owner.save()
    change = ArchiveChange.objects.create(
        household=household,
        kind=ArchiveChange.Kind.OWNER,
        changed_by=by,
        reason=reason,
        before={"owners": [_owner_snapshot(o) for o in previous]},
        after={"owners": [_owner_snapshot(o) for o in created]},
    )
    _publish(household, by)
    return change


@transaction.atomic
def close_archive(household, by, reason):
    """归档关闭: the file stays forever and can be reopened."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写归档关闭原因。"})
    household = HouseholdArchive.objects.select_for_update().get(pk=household.pk)
    refuse_if_held(household)
    if household.is_closed:
        raise ValidationError("该档案已经归档关闭。")
    household.is_closed = True
    household.closed_at = timezone.now()
    household.closed_reason = reason
    _publish(household, by)
    return ArchiveChange.objects.create(
        household=household, kind=ArchiveChange.Kind.CLOSED, changed_by=by, reason=reason
    )


@transaction.atomic
def reopen_archive(household, by, reason):
    if not reason.strip():
        raise ValidationError({"reason": "请填写恢复原因。"})
    household = HouseholdArchive.objects.select_for_update().get(pk=household.pk)
    refuse_if_held(household)
    if not household.is_closed:
        raise ValidationError("该档案未归档关闭，无需恢复。")
    household.is_closed = False
    household.closed_at = None
    household.closed_reason = ""
    _publish(household, by)
    return ArchiveChange.objects.create(
        household=household, kind=ArchiveChange.Kind.REOPENED, changed_by=by, reason=reason
    )


def log_contact(household, staff, **fields):
    """客户动态: one contact (or interview) with the household."""
    if household.do_not_visit and fields.get("channel") == ContactLog.Channel.VISIT:
        raise ValidationError(
            f"该户已谢绝拜访（{household.do_not_visit_reason}），请勿上门。",
        )
    entry = ContactLog(household=household, staff=staff, **fields)
    entry.full_clean()
    entry.save()
    return entry
