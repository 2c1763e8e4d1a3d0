"""Who may see, issue and download which notice, and how much of a household a
notice may show to whom.

A notice carries a household's address and, for readers of the archive, the
owner's name. Every path that renders one (preview, record forms, issued files,
signed PDFs, batch zips) asks the archive policy here and registers the reading;
without a reading grant a notice shows the address only.
"""

from django.db.models import Q

from cases.policy import can_view_case, visible_cases
from cms.archives import policy as archive_policy
from cms.archives.masking import MASKED_NAME
from cms.archives.models import HouseholdArchive

ISSUE_PERMISSION = "doc_templates.issue_notice"
VIEW_PERMISSION = "doc_templates.view_notice"
VIEW_TEMPLATES_PERMISSION = "doc_templates.view_templateversion"

__all__ = ["MASKED_NAME"]


def can_issue(user):
    return bool(user and user.is_active and user.has_perm(ISSUE_PERMISSION))


def can_view_notices(user):
    return bool(user and user.is_active and user.has_perm(VIEW_PERMISSION))


def can_manage_templates(user):
    return bool(user and user.is_active and user.has_perm(VIEW_TEMPLATES_PERMISSION))


def visible_notices(user):
    """Issuers see every notice; others those of the cases they see."""
    from doc_templates.models import Notice

    if not can_view_notices(user):
        return Notice.objects.none()
    if can_issue(user):
        return Notice.objects.all()
    return Notice.objects.filter(case__in=visible_cases(user))


def can_view_notice(user, notice):
    if not can_view_notices(user):
        return False
    if notice.case_id is None:
        return can_issue(user)
    return can_view_case(user, notice.case)


def addressable_households(user):
    """Households a notice may be addressed to: an address is not an archive reading,
    but a butler only ever sees the buildings of the butler groups."""
    households = HouseholdArchive.objects.live()
    buildings = archive_policy.butler_buildings(user)
    if buildings is None:
        return households
    query = Q()
    for building in buildings:
        query |= Q(path__startswith=building.path)
    return households.filter(query)


def shows_owner(user, household):
    """May a notice rendered for ``user`` name the owners of ``household``?"""
    return household is not None and archive_policy.can_read_household(user, household)


def owner_name_for(user, household):
    """The owners' names for a reader of the archive, MASKED_NAME for anyone else."""
    if household is None:
        return ""
    if shows_owner(user, household):
        return household.owner_names
    return MASKED_NAME


def register_reading(user, households, request=None):
    """A notice showing these households was rendered for ``user``: one register entry each."""
    seen = set()
    for household in households:
        if household is None or household.pk in seen or user is None:
            continue
        seen.add(household.pk)
        archive_policy.record_access(user, household, via="notice", request=request)


def households_of_notice(notice):
    """The household a notice was addressed to (older notices: the case's household)."""
    if notice.household_id:
        return [notice.household]
    if notice.case_id and notice.case.household_id:
        return [notice.case.household]
    return []


def names_an_owner(notice):
    return notice.values.get("业户姓名", "") not in ("", MASKED_NAME) and bool(
        households_of_notice(notice)
    )


def may_have_issued_copy(user, notice, owners_shown=None):
    """A frozen file that names an owner goes to readers of that archive only; anyone
    else gets a copy with the name hidden. ``owners_shown`` (ids from
    ``households_with_owners_shown``) answers for many notices in one query."""
    if not names_an_owner(notice):
        return True
    households = households_of_notice(notice)
    if owners_shown is not None:
        return all(household.pk in owners_shown for household in households)
    return all(shows_owner(user, household) for household in households)


def households_with_owners_shown(user, households):
    """The ids of ``households`` whose owners a notice rendered for ``user`` may name,
    asked of the archive policy at once (a batch of a whole building)."""
    ids = [household.pk for household in households if household is not None]
    readable = archive_policy.readable_households(user).filter(pk__in=ids)
    return set(readable.values_list("pk", flat=True))
