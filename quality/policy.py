"""Who may do what in service quality. Admin views, exports and actions all ask here.

- Audits: supervisors and managers record them (``quality.add_audit``); findings are
  written only while the audit is open and only by its auditors or the one who
  registered it; rectification cases may also be opened by managers afterwards.
- Households in care lists, samples and plans are limited to those the user may list
  under the archive policy; only the address and a salutation are shown.
"""

from django.core.exceptions import PermissionDenied

from cms.archives.policy import listable_households, reads_everything


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
    from cms.archives.models import HouseholdArchive

    if user.has_perm("quality.view_care_lists") or reads_everything(user):
        return HouseholdArchive.objects.all()
    return listable_households(user)
