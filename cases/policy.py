"""Who may see which case: the one place the admin, search, API and exports ask."""

from cases.models import Case


def visible_cases(user):
    """Managers and supervisors (cases.view_all_cases) see every case; service staff
    see the cases they registered or handle."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.has_perm("cases.view_all_cases"):
        return Case.objects.all()
    if not user.has_perm("cases.view_case"):
        return Case.objects.none()
    return Case.objects.filter(handler=user) | Case.objects.filter(created_by=user)


def can_view_case(user, case):
    return visible_cases(user).filter(pk=case.pk).exists()


def can_handle_case(user, case):
    """Major cases are for managers; general ones for supervisors and the handler."""
    if not user.has_perm("cases.change_case"):
        return False
    if case.severity == Case.Severity.MAJOR:
        return user.has_perm("cases.handle_major_case")
    return (
        user.has_perm("cases.view_all_cases")
        or case.handler_id == user.pk
        or (case.handler_id is None and case.created_by_id == user.pk)
    )
