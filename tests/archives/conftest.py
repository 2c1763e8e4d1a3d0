"""Fixtures for the owner-archive tests: a small archive tree and users in each role."""

from datetime import date

import pytest
from archive_helpers import VALID_ID_2, add_household, add_owner
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from staff_accounts import make_user
from wagtail.models import Site

from cms.archives.models import ArchiveRoot, Building, Estate
from core.roles import ARCHIVIST, MANAGER, STAFF, SUPERVISOR


@pytest.fixture
def archive_tree(db):
    # Under the site's home page, so that the archive pages would have public URLs
    # if the guards did not stop them.
    home = Site.objects.get(is_default_site=True).root_page
    root = home.add_child(instance=ArchiveRoot(title="档案库", slug="dangan"))
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu"))
    building_a = estate.add_child(instance=Building(title="3栋", slug="b3"))
    building_b = estate.add_child(instance=Building(title="5栋", slug="b5"))
    household = add_household(
        building_a,
        floor_area="89.50",
        handover_date=date(2024, 3, 1),
        move_in_date=date(2024, 6, 1),
    )
    add_owner(household)
    other = add_household(building_b, unit="1", floor=3, room="301")
    add_owner(other, name="李娜", id_number=VALID_ID_2, phone="0755-83001234")
    return {
        "root": root,
        "estate": estate,
        "building_a": building_a,
        "building_b": building_b,
        "household": household,
        "other": other,
    }


@pytest.fixture
def users(archive_tree, role_groups):
    return {
        "archivist": make_user("dangan1", role_groups[ARCHIVIST]),
        "staff": make_user("kefu1", role_groups[STAFF]),
        "supervisor": make_user("zhuguan1", role_groups[SUPERVISOR]),
        "manager": make_user("jingli1", role_groups[MANAGER]),
        "superuser": get_user_model().objects.create_superuser("root1", password=None),
    }


@pytest.fixture
def butler(archive_tree, role_groups):
    """The area butler (片区管家) of building 3: service staff whose group looks after it."""
    group = Group.objects.create(name="3栋片区管家")
    building = archive_tree["building_a"]
    building.butler_groups.add(group)
    building.save()
    return make_user("guanjia3", group, role_groups[STAFF])
