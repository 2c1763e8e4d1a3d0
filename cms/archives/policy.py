"""The ONE confidentiality policy of owner archives (绝密). Admin views, the API,
search, exports and notices all ask it; none re-implements it.

- Holders of ``archives.read_archive`` (the archivist group) read every archive.
- Anyone else reads an archive only under an approved, unexpired access grant for
  that household or its building.
- Members of a butler group (片区管家组, ``Building.butler_groups``) never see a
  household outside the buildings of their groups, grant or not.
- Every reading is written to the append-only register by ``record_access``.
"""

from django.db.models import Q
from django.utils import timezone

from cms.archives.masking import mask_id_number, mask_phone
from cms.archives.models import AccessGrant, AccessRecord, Building, HouseholdArchive

READ_ALL = "archives.read_archive"
APPROVE = "archives.approve_access"
VIEW_REGISTER = "archives.view_register"

__all__ = [
    "can_read_household",
    "mask_id_number",
    "mask_phone",
    "readable_households",
    "record_access",
]


def reads_everything(user):
    return bool(user and user.is_active and user.has_perm(READ_ALL))


def can_approve_access(user):
    return bool(user and user.is_active and user.has_perm(APPROVE))


def can_view_register(user):
    return bool(user and user.is_active and user.has_perm(VIEW_REGISTER))


def butler_buildings(user):
    """Buildings assigned to the user's butler groups; None when the user is no butler."""
    if not user or not user.is_authenticated:
        return None
    buildings = Building.objects.filter(butler_groups__in=user.groups.all()).distinct()
    return buildings if buildings.exists() else None


def _within_buildings(households, buildings):
    query = Q()
    for building in buildings:
        query |= Q(path__startswith=building.path)
    return households.filter(query)


def active_grants(user, at=None):
    if not user or not user.is_authenticated:
        return AccessGrant.objects.none()
    return AccessGrant.objects.active(at).filter(requester=user)


def grant_covering(user, household, at=None):
    """The active grant under which ``user`` may read ``household``, if any."""
    building_path = household.path[: -household.steplen]
    for grant in active_grants(user, at).select_related("building"):
        if grant.household_id == household.pk:
            return grant
        if grant.building_id and grant.building.path == building_path:
            return grant
    return None


def readable_households(user):
    """Household archives ``user`` may read in full right now."""
    households = HouseholdArchive.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return households.none()
    if reads_everything(user):
        return households
    grants = active_grants(user).select_related("building")
    query = Q(pk__in=[g.household_id for g in grants if g.household_id])
    for grant in grants:
        if grant.building_id:
            query |= Q(path__startswith=grant.building.path)
    if not grants:
        return households.none()
    households = households.filter(query)
    buildings = butler_buildings(user)
    if buildings is not None:
        households = _within_buildings(households, buildings)
    return households


def listable_households(user):
    """Households whose existence and address (with masked owner data) ``user`` may see:
    everything for archivists, their buildings for butlers, otherwise what they may read."""
    if reads_everything(user):
        return HouseholdArchive.objects.all()
    buildings = butler_buildings(user)
    if buildings is not None:
        return _within_buildings(HouseholdArchive.objects.all(), buildings)
    return readable_households(user)


def can_read_household(user, household):
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if reads_everything(user):
        return True
    return readable_households(user).filter(pk=household.pk).exists()


def may_request_access(user, household=None, building=None):
    """Butlers may only ask for their own buildings; archive readers need not ask."""
    if not user or not user.is_authenticated or reads_everything(user):
        return False
    buildings = butler_buildings(user)
    if buildings is None:
        return True
    target = building or household
    return any(target.path.startswith(b.path) for b in buildings)


def client_ip(request):
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


def record_access(user, household, via, request=None):
    """Write one reading to the register (查阅登记簿): who, what, when, under which grant, from where."""
    user = user if user is not None and user.is_authenticated else None
    grant = None
    if user is not None and not reads_everything(user):
        grant = grant_covering(user, household)
    return AccessRecord.objects.create(
        user=user,
        household=household,
        grant=grant,
        via=via,
        accessed_at=timezone.now(),
        ip_address=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
    )
