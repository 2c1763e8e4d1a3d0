import pytest
from complaints import register_complaint
from staff_accounts import role_account

from cases.models import CaseTopic
from core.roles import MANAGER, STAFF, SUPERVISOR

staff = role_account(STAFF, "kefu1")
supervisor = role_account(SUPERVISOR, "zhuguan1")
manager = role_account(MANAGER, "jingli1")


@pytest.fixture
def topic(db):
    return CaseTopic.objects.get(name="噪音")


@pytest.fixture
def new_case(staff):
    def make(**fields):
        return register_complaint(staff, **fields)

    return make


@pytest.fixture
def building(db):
    from wagtail.models import Page

    from cms.archives.models import ArchiveRoot, Building, Estate

    root = ArchiveRoot.objects.first() or Page.get_first_root_node().add_child(
        instance=ArchiveRoot(title="档案库", slug="dangan")
    )
    estate = root.add_child(instance=Estate(title="翠湖花园", slug="cuihu-cases"))
    return estate.add_child(instance=Building(title="5栋", slug="b5-cases"))


@pytest.fixture
def add_household(building):
    from cms.archives.models import HouseholdArchive

    def add(room="302", **fields):
        household = HouseholdArchive(unit="1", floor=int(room[:-2]), room=room, **fields)
        return building.add_child(instance=household)

    return add
