"""The ONE confidentiality policy of owner archives (绝密). Admin views, the API,
search, exports and notices all ask it; none re-implements it.

- Holders of ``archives.read_archive`` (the archivist group) read every archive.
- Anyone else reads an archive only under an approved, unexpired access grant for
  that household or its building.
- Members of a butler group (片区管家组, ``Building.butler_groups``) never see a
  household outside the buildings of their groups, grant or not.
- Every reading is written to the append-only register by ``record_access``.
"""

import ipaddress

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cms.archives import register
from cms.archives.masking import mask_id_number, mask_phone
from cms.archives.models import AccessGrant, ArchiveRoot, Building, HouseholdArchive

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


def can_import_archives(user):
    """Importing a sheet files and changes rooms in every building at once, as the editor
    would one by one: for those who read every archive and may add and publish pages in
    the whole archive tree (the archivists)."""
    if not reads_everything(user):
        return False
    roots = list(ArchiveRoot.objects.all())
    testers = [root.permissions_for_user(user) for root in roots]
    return bool(testers) and all(
        tester.can_add_subpage() and tester.can_publish_subpage() for tester in testers
    )


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
    return _grant_among(active_grants(user, at).select_related("building"), household)


def _grant_among(grants, household):
    building_path = household.path[: -household.steplen]
    for grant in grants:
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


REGISTER_CASES = "cases.add_case"


def linkable_households(user):
    """Households a case may be linked to by ``user``: linking a complaint to the
    caller's address is not reading the archive, so everyone who registers cases may
    pick any household (butlers only those of their buildings); only the address is
    ever shown with the choice."""
    if not user or not user.is_authenticated or not user.is_active:
        return HouseholdArchive.objects.none()
    if not user.has_perm(REGISTER_CASES):
        return listable_households(user)
    buildings = butler_buildings(user)
    if buildings is not None:
        return _within_buildings(HouseholdArchive.objects.all(), buildings)
    return HouseholdArchive.objects.all()


def may_link_household(user, household):
    return linkable_households(user).filter(pk=household.pk).exists()


def listable_archive_pages(user):
    """Pages of the archive tree ``user`` may see listed (explorer, page chooser, admin
    API, search): everything for archivists; the buildings (with their estate, the
    root and their rooms) of a butler; otherwise only the rooms the user may read,
    with the path down to them."""
    from wagtail.models import Page

    pages = Page.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return pages.none()
    if reads_everything(user):
        return pages
    households = list(listable_households(user).values_list("path", flat=True))
    buildings = butler_buildings(user)
    branch_paths = set(households) | set(
        buildings.values_list("path", flat=True) if buildings else []
    )
    if not branch_paths:
        return pages.none()
    steplen = Page.steplen
    ancestors = {path[:end] for path in branch_paths for end in range(steplen, len(path), steplen)}
    query = Q(path__in=ancestors | set(households))
    for path in buildings.values_list("path", flat=True) if buildings else []:
        query |= Q(path__startswith=path)
    return pages.filter(query)


def archive_tree_pages():
    from wagtail.models import Page

    from cms.archives.models import ArchiveRoot

    query = Q(pk__in=[])
    for path in ArchiveRoot.objects.values_list("path", flat=True):
        query |= Q(path__startswith=path)
    return Page.objects.filter(query)


def without_hidden_archive_pages(pages, user):
    """``pages`` without the archive pages ``user`` may not see listed."""
    if reads_everything(user):
        return pages
    hidden = archive_tree_pages().exclude(pk__in=listable_archive_pages(user).values("pk"))
    return pages.exclude(pk__in=hidden.values("pk"))


def can_see_archive_page(user, page):
    return listable_archive_pages(user).filter(pk=page.pk).exists()


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
    """Where a reading came from: ``REMOTE_ADDR``, or — only when that is one of the
    configured trusted proxies (``ARCHIVES_TRUSTED_PROXIES``) — the nearest address in
    ``X-Forwarded-For`` that is not itself a trusted proxy. A client cannot choose it."""
    if request is None:
        return None
    trusted = set(getattr(settings, "ARCHIVES_TRUSTED_PROXIES", ()))
    address = request.META.get("REMOTE_ADDR") or None
    if address not in trusted:
        return _valid_ip(address)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted:
            return _valid_ip(hop)
    return _valid_ip(address)


def _valid_ip(text):
    try:
        return str(ipaddress.ip_address(text)) if text else None
    except ValueError:
        return None


def record_access(user, household, via, request=None):
    """Write one reading to the register (查阅登记簿): who, what, when, under which grant, from where."""
    return record_accesses(user, [household], via, request=request)[0]


def record_accesses(user, households, via, request=None):
    """Write one reading per household shown together (a list, a batch) to the register."""
    user = user if user is not None and user.is_authenticated else None
    grants = []
    if user is not None and not reads_everything(user):
        grants = list(active_grants(user).select_related("building"))
    at, address = timezone.now(), client_ip(request)
    path = request.get_full_path()[:500] if request is not None else ""
    return register.append_many(
        {
            "user": user,
            "household": household,
            "grant": _grant_among(grants, household) if grants else None,
            "via": via,
            "accessed_at": at,
            "ip_address": address,
            "path": path,
        }
        for household in households
    )
