"""Builders shared by the owner-archive tests."""

from openpyxl import Workbook

from cms.archives.models import HouseholdArchive, Owner

VALID_ID = "11010519491231002X"
VALID_ID_2 = "440301199001011234"
# Every import sheet opens with the address of the room, in the order archivists write it.
ADDRESS_HEADERS = ["小区", "楼栋", "单元", "楼层", "房号"]


def add_household(building, unit="2", floor=12, room="1201", **fields):
    household = HouseholdArchive(unit=unit, floor=floor, room=room, **fields)
    household.full_clean(exclude=["path", "depth"])
    building.add_child(instance=household)
    return household


def add_owner(household, name="张伟", id_number=VALID_ID, phone="13812345678", **fields):
    owner = Owner(household=household, name=name, id_number=id_number, phone=phone, **fields)
    owner.full_clean(exclude=["household"])
    owner.save()
    return owner


def import_sheet(path, headers, rows):
    """An import workbook as archivists fill it in: the header row, then a row a room."""
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path
