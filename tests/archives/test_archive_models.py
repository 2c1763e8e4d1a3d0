"""The archive tree: addresses, owner names, room order and the page-type contract."""

import pytest
from archive_helpers import add_household

from cms.archives.models import ArchiveRoot, Building, Estate, HouseholdArchive


@pytest.mark.django_db
def test_address_and_owner_names(archive_tree):
    household = HouseholdArchive.objects.get(pk=archive_tree["household"].pk)
    assert household.address == "翠湖花园 3栋 2单元 1201室"
    assert household.owner_names == "张伟"


@pytest.mark.django_db
def test_households_list_in_floor_and_room_order(archive_tree):
    building = archive_tree["building_a"]
    add_household(building, unit="2", floor=3, room="301")
    add_household(building, unit="1", floor=12, room="1202")
    rooms = [h.title for h in HouseholdArchive.objects.child_of(building).in_room_order()]
    assert rooms == ["1单元 1202室", "2单元 301室", "2单元 1201室"]


def test_page_tree_contract():
    assert ArchiveRoot.allowed_subpage_models() == [Estate]
    assert Estate.allowed_subpage_models() == [Building]
    assert Building.allowed_subpage_models() == [HouseholdArchive]
    assert HouseholdArchive.allowed_subpage_models() == []
    assert HouseholdArchive.allowed_parent_page_models() == [Building]
