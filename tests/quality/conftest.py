import pytest
from quality_helpers import add_household, make_building, make_estate
from staff_accounts import role_account

from core.roles import MANAGER, STAFF, SUPERVISOR

staff = role_account(STAFF, "kefu-q", "陈", "佳怡")
supervisor = role_account(SUPERVISOR, "zhuguan-q", "周", "建国")
manager = role_account(MANAGER, "jingli-q", "王", "立新")


@pytest.fixture
def estate(db):
    return make_estate()


@pytest.fixture
def buildings(estate):
    return [make_building(estate, "1栋"), make_building(estate, "2栋")]


@pytest.fixture
def households(buildings):
    """Ten households in 1栋 and five in 2栋, owners with mainland ID numbers."""
    made = []
    for building, count in zip(buildings, (10, 5), strict=True):
        for n in range(count):
            made.append(
                add_household(
                    building, f"{n + 1}01",
                    owner={"name": f"业主{building.title}{n}", "gender": "male",
                           "phone": f"1380000{len(made):04d}"},
                )
            )
    return made
