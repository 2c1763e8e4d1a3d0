from io import StringIO

import pytest

from cases import demo as cases_demo
from cases.models import Case
from cms import demo as cms_demo


@pytest.mark.django_db
def test_demo_cases_of_every_kind_load_once(role_groups):
    cms_demo.load(role_groups, StringIO())
    cases_demo.load(role_groups, StringIO())
    cases_demo.load(role_groups, StringIO())
    assert Case.objects.count() == 12
    assert set(Case.objects.values_list("kind", flat=True)) == {"complaint", "dispute", "violation"}
    assert Case.objects.filter(status=Case.Status.CLOSED).exists()
    assert Case.objects.filter(severity=Case.Severity.MAJOR).count() == 2
