"""Who may do what in service quality. Admin views, exports and actions all ask here.

- Audits: supervisors and managers record them (``quality.add_audit``); findings are
  written only while the audit is open and only by its auditors or the one who
  registered it; rectification cases may also be opened by managers afterwards.
- Households in care lists, samples and plans are limited to those the user may list
  under the archive policy; only the address and a salutation are shown.
"""

from django.core.exceptions import PermissionDenied

from cms.archives.masking import MASKED_NAME, mask_phone
from cms.archives.models import AccessRecord, HouseholdArchive
from cms.archives.policy import (
    listable_households,
    readable_households,
    reads_everything,
    record_access,
    record_accesses,
)


def can_view_audits(user):
    return user.is_active and user.has_perm("quality.view_audit")


def can_write_audit(user, audit):
    if not user.is_active or not user.has_perm("quality.add_audit"):
        return False
    return audit.created_by_id == user.pk or audit.auditors.filter(pk=user.pk).exists()


def require_audit_writer(user, audit, rectification=False):
    if rectification and user.has_perm("quality.acknowledge_audit"):
        return
    if not can_write_audit(user, audit):
        raise PermissionDenied("只有本次检查的检查人员可以记录检查结果。")


def care_households(user):
    """Households whose care entries ``user`` may see (address and salutation only)."""
    if user.has_perm("quality.view_care_lists") or reads_everything(user):
        return HouseholdArchive.objects.all()
    return listable_households(user)


def outbox_messages(user):
    """Outbox rows ``user`` may see: those of the households of the care lists."""
    from quality.models import OutboxMessage

    households = care_households(user).values("pk")
    return OutboxMessage.objects.filter(household__in=households).select_related("household")


def shown_outbox(user, rows, request=None):
    """A message names the owner (王先生) and carries the phone: the name and the text only
    for a reader of the archive; the phone is masked for everyone, as outside the
    archive's edit view."""

    def reveal(row):
        row.shown_phone = mask_phone(row.phone)
        row.shown_recipient, row.shown_text = row.recipient, row.text

    def conceal(row):
        row.shown_phone = mask_phone(row.phone)
        row.shown_recipient = MASKED_NAME
        row.shown_text = row.text.replace(row.recipient, MASKED_NAME) if row.recipient else ""

    return _shown_to_readers(user, rows, reveal, conceal, request)


def _shown_to_readers(user, rows, reveal, conceal, request):
    """Care entries carry archive content: ``reveal`` it on the rows of households whose
    archive ``user`` may read, each household so shown registered as read (关怀名单);
    ``conceal`` it on the others."""
    rows = list(rows)
    readable = set(
        readable_households(user)
        .filter(pk__in={row.household_id for row in rows})
        .values_list("pk", flat=True)
    )
    for row in rows:
        (reveal if row.household_id in readable else conceal)(row)
    shown = {row.household_id: row.household for row in rows if row.household_id in readable}
    if shown:
        record_accesses(user, list(shown.values()), AccessRecord.Via.CARE, request=request)
    return rows


def birthdays_for(user):
    """Birthdays of the care lists' households."""
    from quality.models import Birthday

    households = care_households(user).values("pk")
    return Birthday.objects.filter(household__in=households).select_related("household")


def shown_birthdays(user, rows, request=None):
    """A family member's name is archive content (业主资料卡): shown to readers only."""

    def reveal(row):
        row.shown_name = row.name

    def conceal(row):
        row.shown_name = MASKED_NAME

    return _shown_to_readers(user, rows, reveal, conceal, request)


def editable_birthdays(user):
    """Only a reader of the archive edits a birthday: the form shows the name."""
    return birthdays_for(user).filter(household__in=readable_households(user).values("pk"))


# A care plan carries the household's satisfaction score and what is done for the
# family (关怀措施, often naming them): owner archive content (绝密), like the card.
CARE_PLAN_HIDDEN = "（需查阅授权）"


def care_plans_for(user):
    """Care plans of the care lists' households."""
    from quality.models import CarePlan

    households = care_households(user).values("pk")
    return CarePlan.objects.filter(household__in=households).select_related("household", "owner")


def readable_care_plans(user):
    """Only a reader of the archive opens a plan's form or result page: both show its actions."""
    return care_plans_for(user).filter(household__in=readable_households(user).values("pk"))


def shown_care_plans(user, rows, request=None):
    """Score, actions and result for readers of the archive; the address and the due date
    for everyone else."""

    def reveal(row):
        row.shown_score, row.shown_actions = row.score, row.actions
        row.shown_result = row.result[:20] or "登记结果"

    def conceal(row):
        row.shown_score = row.shown_actions = row.shown_result = CARE_PLAN_HIDDEN

    return _shown_to_readers(user, rows, reveal, conceal, request)


def record_care_plan_reading(user, plan, request=None):
    record_access(user, plan.household, AccessRecord.Via.CARE, request=request)
