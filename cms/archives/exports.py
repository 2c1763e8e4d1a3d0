"""Catalogue (业户档案目录) and register (查阅登记簿) exports in Excel and CSV.

Every exported household counts as a reading: the export is written to the
register for each of them (via="export").
"""

import csv

from django.db.models import Prefetch
from openpyxl import Workbook

from cms.archives.models import (
    AccessRecord,
    Building,
    Estate,
    HouseholdArchive,
    Owner,
    attach_parents,
)
from cms.archives.policy import record_accesses

CATALOGUE_HEADERS = [
    "序号",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "业主姓名",
    "地址",
    "收楼时间",
    "面积（㎡）",
]


def archive_scope(estate_title, building_title=""):
    """The estate of that title, or its building of that title, as commands name them;
    a LookupError saying which one the archive does not have."""
    estate = Estate.objects.filter(title=estate_title).first()
    if estate is None:
        raise LookupError(f"档案库中没有小区“{estate_title}”。")
    if not building_title:
        return estate
    building = Building.objects.child_of(estate).filter(title=building_title).first()
    if building is None:
        raise LookupError(f"{estate_title} 没有楼栋“{building_title}”。")
    return building


def buildings_of(scope):
    """Buildings of an estate, one building, or the whole archive, in tree order."""
    buildings = Building.objects.all()
    if scope is not None:
        buildings = buildings.filter(path__startswith=scope.path)
    return buildings.order_by("path")


def catalogue_households(scope=None, households=None):
    """Households of ``scope`` (estate or building page), building by building in room order,
    each with its current owners, building and estate attached."""
    households = households if households is not None else HouseholdArchive.objects.all()
    current_owners = Prefetch(
        "owners", queryset=Owner.objects.filter(is_current=True).order_by("sort_order")
    )
    for building in buildings_of(scope):
        batch = attach_parents(
            households.child_of(building).in_room_order().prefetch_related(current_owners)
        )
        yield from batch


def catalogue_row(number, household):
    return [
        number,
        household.estate.title,
        household.building.title,
        household.unit,
        household.room,
        household.owner_names,
        household.address,
        household.handover_date,
        float(household.floor_area) if household.floor_area is not None else None,
    ]


def write_catalogue_xlsx(households, stream, progress=None):
    """Write an Excel catalogue; returns the households written (for the register)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("业户档案目录")
    sheet.append(CATALOGUE_HEADERS)
    written = []
    for number, household in enumerate(households, start=1):
        sheet.append(catalogue_row(number, household))
        written.append(household)
        if progress is not None:
            progress.update(1)
    workbook.save(stream)
    return written


def write_catalogue_csv(households, stream, progress=None):
    """``stream`` is a text stream; Excel opens the UTF-8 BOM file in Chinese correctly."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(CATALOGUE_HEADERS)
    written = []
    for number, household in enumerate(households, start=1):
        row = catalogue_row(number, household)
        row[7] = row[7].isoformat() if row[7] else ""
        writer.writerow(row)
        written.append(household)
        if progress is not None:
            progress.update(1)
    return written


def register_export(user, households, request=None):
    """One register line per exported household, in a single insert, linked into the
    register's hash chain like every other reading."""
    if households:
        record_accesses(user, households, AccessRecord.Via.EXPORT, request=request)


def grant_label(grant):
    if grant is None:
        return "档案员直接查阅"
    if grant.break_glass:
        return f"经理紧急自行开启 #{grant.pk}：{grant.reason}"
    return str(grant.pk)
