"""Reports on the archives: missing handover papers, late entries, new owners not yet
visited, and the monthly interview quota per staff member."""

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from cms.archives.models import (
    REQUIRED_HANDOVER_PAPERS,
    ArchivePaper,
    ContactLog,
    HouseholdArchive,
    Owner,
    PaperKind,
    Tenant,
)
from core.roles import MANAGER, ROLE_NAMES, STAFF

ENTRY_DAYS = 7
VISIT_DAYS = 7
INTERVIEW_QUOTA = {"manager": 2, "assistant": 10}


def required_papers(household, has_tenants=None):
    required = list(REQUIRED_HANDOVER_PAPERS)
    if has_tenants is None:
        has_tenants = household.tenants.exists()
    if has_tenants or household.occupancy == HouseholdArchive.Occupancy.RENTED:
        required.append(PaperKind.TENANT_AGREEMENT)
    return required


def missing_papers(household):
    present = {paper.kind for paper in household.papers.all() if not paper.superseded}
    return [PaperKind(kind).label for kind in required_papers(household) if kind not in present]


def _lacks(kind):
    return ~Exists(
        ArchivePaper.objects.filter(household=OuterRef("pk"), kind=kind, superseded=False)
    )


def lacking_handover_papers():
    """Open households lacking a required handover paper, asked of the database (a superseded
    paper is no paper; a rented room or one with tenants also needs the tenancy agreement):
    the same rule as ``required_papers``, without loading every household."""
    lacking = Q()
    for kind in REQUIRED_HANDOVER_PAPERS:
        lacking |= Q(_lacks(kind))
    let_out = Q(Exists(Tenant.objects.filter(household=OuterRef("pk")))) | Q(
        occupancy=HouseholdArchive.Occupancy.RENTED
    )
    lacking |= let_out & Q(_lacks(PaperKind.TENANT_AGREEMENT))
    return HouseholdArchive.objects.open().filter(lacking).in_catalogue_order()


def households_missing_papers(households):
    """(household, [missing paper names]) for each household lacking a handover paper."""
    households = list(households)
    kinds = defaultdict(set)
    for household_id, kind in ArchivePaper.objects.filter(
        household__in=[h.pk for h in households], superseded=False
    ).values_list("household_id", "kind"):
        kinds[household_id].add(kind)
    with_tenants = set(
        HouseholdArchive.objects.filter(pk__in=[h.pk for h in households], tenants__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    report = []
    for household in households:
        required = required_papers(household, has_tenants=household.pk in with_tenants)
        missing = [PaperKind(k).label for k in required if k not in kinds[household.pk]]
        if missing:
            report.append((household, missing))
    return report


def late_entries(today):
    """Handed over more than a week ago, and still no complete owner card
    (a current owner with an ID number and a phone)."""
    complete_owner = Owner.objects.filter(household=OuterRef("pk"), is_current=True).exclude(
        Q(id_number="") | Q(phone="")
    )
    return (
        HouseholdArchive.objects.open()
        .filter(handover_date__lt=today - timedelta(days=ENTRY_DAYS))
        .exclude(Exists(complete_owner))
        .in_catalogue_order()
    )


def unvisited_new_owners(today):
    """Moved in a week ago or more (and within the new-customer half year), never visited
    since, and not asking to be left alone."""
    visited = ContactLog.objects.filter(
        household=OuterRef("pk"),
        channel=ContactLog.Channel.VISIT,
        contacted_on__gte=OuterRef("move_in_date"),
    )
    return (
        HouseholdArchive.objects.open()
        .filter(
            move_in_date__lte=today - timedelta(days=VISIT_DAYS),
            move_in_date__gt=today - timedelta(days=183),
            do_not_visit=False,
        )
        .exclude(Exists(visited))
        .in_catalogue_order()
    )


def interview_quota(year, month):
    """Households interviewed per staff member in the month against the quota:
    managers at least 2, service assistants at least 10."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    counts = dict(
        ContactLog.objects.filter(is_interview=True, contacted_on__gte=start, contacted_on__lt=end)
        .values_list("staff")
        .annotate(households=Count("household", distinct=True))
    )
    # The quota is set per post (经理 2, 客服助理 10), not by what a person may do: the role decides.
    people = get_user_model().objects.filter(is_active=True)
    managers = set(people.filter(groups__name=ROLE_NAMES[MANAGER]).values_list("pk", flat=True))
    staff = (
        people.filter(groups__name__in=[ROLE_NAMES[MANAGER], ROLE_NAMES[STAFF]])
        .distinct()
        .order_by("username")
    )
    rows = []
    for user in staff:
        is_manager = user.pk in managers
        required = INTERVIEW_QUOTA["manager" if is_manager else "assistant"]
        done = counts.get(user.pk, 0)
        rows.append(
            {
                "user": user,
                "role": ROLE_NAMES[MANAGER] if is_manager else ROLE_NAMES[STAFF],
                "done": done,
                "required": required,
                "met": done >= required,
            }
        )
    return rows
