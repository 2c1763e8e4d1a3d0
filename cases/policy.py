"""Who may see which case: the one place the admin, search, API and exports ask."""

from django.db.models import Q

from cases.models import Case
from cms.archives.policy import butler_buildings


def visible_cases(user):
    """Managers and supervisors (cases.view_all_cases) see every case; service staff
    see the cases they registered or handle, and area butlers (片区管家) the cases of
    households in their buildings."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.has_perm("cases.view_all_cases"):
        return Case.objects.all()
    if not user.has_perm("cases.view_case"):
        return Case.objects.none()
    own = Q(handler=user) | Q(created_by=user)
    buildings = butler_buildings(user)
    for path in buildings.values_list("path", flat=True) if buildings is not None else []:
        own |= Q(household__path__startswith=path)
    return Case.objects.filter(own)


def can_view_case(user, case):
    return visible_cases(user).filter(pk=case.pk).exists()


def can_handle_case(user, case):
    """Major cases are for managers; general ones for supervisors, the handler, and
    while nobody is named, for staff who can see the case."""
    if not user.has_perm("cases.change_case"):
        return False
    if case.severity == Case.Severity.MAJOR:
        return user.has_perm("cases.handle_major_case")
    if user.has_perm("cases.view_all_cases") or case.handler_id == user.pk:
        return True
    return case.handler_id is None and can_view_case(user, case)
