"""Demo archives and the archive permissions of each role."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import GroupPagePermission

from cms.archives import demo, policy
from cms.archives.models import ArchiveRoot, Building, HouseholdArchive
from core.roles import ARCHIVIST, MANAGER, STAFF

pytestmark = pytest.mark.django_db


def test_demo_loads_one_estate_twice_without_duplicates(role_groups):
    demo.load(role_groups, StringIO())
    demo.load(role_groups, StringIO())
    assert HouseholdArchive.objects.count() == len(demo.HOUSEHOLDS)
    assert Building.objects.count() == 2
    assert all(h.owner_names for h in HouseholdArchive.objects.all())
    assert ArchiveRoot.objects.count() == 1


def test_archivists_edit_the_archive_root_but_may_not_delete(role_groups):
    root = ArchiveRoot.objects.get()
    permissions = set(
        GroupPagePermission.objects.filter(group=role_groups[ARCHIVIST], page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= permissions
    assert "delete_page" not in permissions and "bulk_delete_page" not in permissions
    assert role_groups[ARCHIVIST].permissions.filter(codename="read_archive").exists()


def test_managers_approve_and_keep_the_register_staff_do_neither(role_groups):
    manager = role_groups[MANAGER].permissions.values_list("codename", flat=True)
    assert {"approve_access", "view_register"} <= set(manager)
    staff = role_groups[STAFF].permissions.values_list("codename", flat=True)
    assert not {"approve_access", "view_register", "read_archive"} & set(staff)


def test_demo_butler_group_sees_its_building_only(role_groups):
    from django.contrib.auth.models import Group
    from staff_accounts import make_user

    demo.load(role_groups, StringIO())
    butler = make_user("guanjia", Group.objects.get(name=demo.BUTLER_GROUP))
    visible = policy.listable_households(butler)
    assert visible.count() == 6
    assert {h.building.title for h in visible} == {"1栋"}


def test_load_demo_data_command_includes_the_archives():
    call_command("load_demo_data", stdout=StringIO())
    assert HouseholdArchive.objects.count() == len(demo.HOUSEHOLDS)
