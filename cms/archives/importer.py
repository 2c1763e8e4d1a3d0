"""Import of households and owners from the Excel sheets centres keep today.

All or nothing: every row is checked first and any error (listed per row and
field, in Chinese) means nothing is written. Re-importing the same file changes
nothing: rooms already filed are compared and left alone when equal.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.archives.actions import change_owners_by_import, save_imported_revision
from cms.archives.filing import copies, file_households, insert_rows
from cms.archives.models import (
    ArchiveChange,
    Building,
    Estate,
    HeldRecordRefused,
    Hold,
    HouseholdArchive,
    Owner,
    room_label,
    room_slug,
)
from search.indexing import deferred_sync

# Column title → (key, required)
COLUMNS = {
    "小区": ("estate", True),
    "楼栋": ("building", True),
    "单元": ("unit", False),
    "楼层": ("floor", True),
    "房号": ("room", True),
    "面积": ("floor_area", False),
    "物业类型": ("property_type", False),
    "收楼时间": ("handover_date", False),
    "入住时间": ("move_in_date", False),
    "业主姓名": ("owner_name", False),
    "性别": ("owner_gender", False),
    "证件类型": ("owner_id_type", False),
    "证件号码": ("owner_id_number", False),
    "联系电话": ("owner_phone", False),
    "备用电话": ("owner_phone_alt", False),
    "籍贯": ("owner_native_place", False),
    "共有人姓名": ("co_owner_name", False),
    "共有人证件号码": ("co_owner_id_number", False),
    "共有人电话": ("co_owner_phone", False),
}
HOUSE_FIELDS = [
    "unit",
    "floor",
    "room",
    "floor_area",
    "property_type",
    "handover_date",
    "move_in_date",
]
OWNER_FIELDS = ["name", "gender", "id_type", "id_number", "phone", "phone_alt", "native_place"]
LABELS = {key: title for title, (key, _) in COLUMNS.items()}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"第 {self.row} 行［{self.column}］：{self.message}"


class ImportFailed(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"导入失败，共 {len(errors)} 处错误，未导入任何数据。")


@dataclass
class StoredRoom:
    """A room already filed, as the comparison needs it: its house values, the
    (name, identity number) of each current owner with the owner's id, and how many
    owners its card holds, former ones included."""

    pk: int
    house: dict
    current_owners: dict
    card_size: int


@dataclass
class ParsedRow:
    number: int
    building: Building
    house: dict
    owners: list = field(default_factory=list)
    existing: StoredRoom | None = None
    slug: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"新建 {self.created} 户，更新 {self.updated} 户，未变 {self.unchanged} 户"


def text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    cleaned = text(value).replace("/", "-").replace(".", "-")
    for year_mark, month_mark, day_mark in (("年", "月", "日"),):
        cleaned = cleaned.replace(year_mark, "-").replace(month_mark, "-").replace(day_mark, "")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in cleaned.split("-")))
    except ValueError as error:
        raise ValidationError("日期格式不正确，应为 2024-03-01") from error


def parse_decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(text(value)).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValidationError("应为数字，如 89.50") from error


def choice_value(choices, label, default):
    if not label:
        return default
    for value, choice_label in choices:
        if label in (value, choice_label):
            return value
    raise ValidationError("可选值为：" + "、".join(choice_label for _, choice_label in choices))


def read_rows(path):
    """(row number, {key: cell}) for every non-empty row; headers in the first row."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True)
    headers = [text(cell) for cell in next(rows, [])]
    missing = [
        title for title, (_, required) in COLUMNS.items() if required and title not in headers
    ]
    if missing:
        workbook.close()
        raise ImportFailed([RowError(1, title, "缺少此列") for title in missing])
    keys = [COLUMNS.get(header, (None,))[0] for header in headers]
    for number, cells in enumerate(rows, start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        yield number, {key: cell for key, cell in zip(keys, cells, strict=False) if key}
    workbook.close()


class Importer:
    """Imports a sheet on behalf of ``by``, the archivist named in every revision and
    change it makes."""

    def __init__(self, *, by, progress=None):
        if by is None:
            raise ValueError("导入业户档案须指明经办人。")
        self.by = by
        self.progress = progress
        self.errors = []
        self.buildings = {
            (estate.title, building.title): building
            for estate in Estate.objects.all()
            for building in Building.objects.child_of(estate)
        }
        self.existing = stored_rooms()
        # Page addresses already taken under each building: two rooms whose numbers
        # differ only in punctuation (1-101 and 1101) would share one.
        self.taken_slugs = {
            (path[: -household_steplen()], slug)
            for path, slug in HouseholdArchive.objects.values_list("path", "slug")
        }

    def error(self, row, key, message):
        self.errors.append(RowError(row, LABELS.get(key, key), message))

    def run(self, path, source_name=""):
        rows = list(read_rows(path))
        if self.progress is not None:
            self.progress.reset(total=len(rows))
        parsed = self.check(rows)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.write(parsed, source_name or str(path))

    # Checking: every row, every field, before anything is written.
    def check(self, rows):
        parsed, seen = [], {}
        for number, cells in rows:
            row = self.check_row(number, cells)
            if row is None:
                continue
            key = (row.building.pk, row.house["unit"], row.house["room"])
            if key in seen:
                self.error(number, "room", f"与第 {seen[key]} 行房号重复")
                continue
            seen[key] = number
            row.existing = self.existing.get(
                (row.building.path, row.house["unit"], row.house["room"])
            )
            if row.existing is None and not self.take_slug(row):
                self.error(number, "room", "与本楼栋已有房号的页面地址相同，请核对单元和房号")
                continue
            parsed.append(row)
        self.refuse_changes_to_held(parsed)
        return parsed

    def refuse_changes_to_held(self, parsed):
        """保全 freezes a room's archive against every path, this sheet included; a held
        room the sheet leaves as it is passes."""
        changing = {row.existing.pk: row for row in parsed if row.existing and differences(row)}
        for hold in Hold.objects.active().filter(
            content_type=ContentType.objects.get_for_model(HouseholdArchive),
            object_id__in=changing,
        ):
            self.error(
                changing[hold.object_id].number, "room", str(HeldRecordRefused(hold).message)
            )

    def take_slug(self, row):
        row.slug = room_slug(row.house["unit"], row.house["room"])
        slug = (row.building.path, row.slug)
        if slug in self.taken_slugs:
            return False
        self.taken_slugs.add(slug)
        return True

    def check_row(self, number, cells):
        errors_before = len(self.errors)
        for title, (key, required) in COLUMNS.items():
            if required and text(cells.get(key)) == "":
                self.error(number, key, f"“{title}”不能为空")
        building = self.buildings.get((text(cells.get("estate")), text(cells.get("building"))))
        if building is None and text(cells.get("building")):
            self.error(
                number,
                "building",
                f"档案库中没有“{text(cells.get('estate'))} {text(cells.get('building'))}”",
            )
        house = self.check_house(number, cells)
        owners = [
            owner
            for prefix in ("owner", "co_owner")
            if (owner := self.check_owner(number, cells, prefix)) is not None
        ]
        if len(self.errors) > errors_before:
            return None
        return ParsedRow(number, building, house, owners)

    def check_house(self, number, cells):
        house = {"unit": text(cells.get("unit")), "room": text(cells.get("room"))}
        converters = {
            "floor": lambda v: int(text(v)) if text(v).lstrip("-").isdigit() else _bad_floor(),
            "floor_area": parse_decimal,
            "property_type": lambda v: choice_value(
                HouseholdArchive.PropertyType.choices,
                text(v),
                HouseholdArchive.PropertyType.RESIDENCE,
            ),
            "handover_date": parse_date,
            "move_in_date": parse_date,
        }
        for key, convert in converters.items():
            if key == "floor" and text(cells.get(key)) == "":
                continue
            try:
                house[key] = convert(cells.get(key))
            except ValidationError as error:
                self.error(number, key, error.messages[0])
        for key, messages in field_errors(
            HouseholdArchive, {key: house.get(key) for key in HOUSE_FIELDS}
        ).items():
            self.error(number, key, messages[0])
        return house

    def check_owner(self, number, cells, prefix):
        name = text(cells.get(f"{prefix}_name"))
        if not name:
            return None
        fields = {
            "name": name,
            "gender": "",
            "id_number": text(cells.get(f"{prefix}_id_number")).upper(),
            "phone": text(cells.get(f"{prefix}_phone")),
            "phone_alt": text(cells.get(f"{prefix}_phone_alt")),
            "native_place": text(cells.get(f"{prefix}_native_place")),
            "id_type": Owner.IdType.MAINLAND,
        }
        try:
            gender = text(cells.get(f"{prefix}_gender"))
            fields["gender"] = choice_value(Owner.Gender.choices, gender, "") if gender else ""
            fields["id_type"] = choice_value(
                Owner.IdType.choices, text(cells.get(f"{prefix}_id_type")), Owner.IdType.MAINLAND
            )
        except ValidationError as error:
            self.error(number, f"{prefix}_id_type", error.messages[0])
        self.validate_model(number, Owner(**fields), OWNER_FIELDS, prefix=f"{prefix}_")
        return fields

    def validate_model(self, number, instance, fields, prefix):
        excluded = [f.name for f in instance._meta.fields if f.name not in fields]
        checks = [lambda: instance.clean_fields(exclude=excluded)]
        if isinstance(instance, Owner):
            checks.append(instance.clean)
        for check in checks:
            try:
                check()
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    self.error(
                        number, f"{prefix}{field_name}" if prefix else field_name, messages[0]
                    )

    # Writing: one transaction; equal rooms are left untouched, new rooms are filed in
    # bulk (filing.py). Imported rows refer to no other object, so Wagtail's reference
    # index has nothing to learn from them. The search index gets the imported
    # households after commit in one bulk request.
    @deferred_sync()
    @transaction.atomic
    @disable_reference_index_auto_update()
    def write(self, parsed, source_name):
        result = ImportResult()
        new_rooms = [
            (row.building, new_house(row), row.owners) for row in parsed if row.existing is None
        ]
        changes = file_households(new_rooms, self.by)
        result.created = len(changes)
        self.advance(len(changes))
        for row in parsed:
            if row.existing is None:
                continue
            if self.update(row, source_name):
                result.updated += 1
                # Read again: the revision must hold the card as it now is.
                household = HouseholdArchive.objects.get(pk=row.existing.pk)
                changes.append(household)
                save_imported_revision(household, self.by)
            else:
                result.unchanged += 1
            self.advance(1)
        template = ArchiveChange(
            kind=ArchiveChange.Kind.IMPORTED,
            changed_by=self.by,
            reason=f"批量导入：{source_name}"[:300],
            after={"source": source_name},
        )
        insert_rows(
            ArchiveChange,
            list(copies(template, ({"household_id": household.pk} for household in changes))),
        )
        return result

    def advance(self, rows):
        if self.progress is not None:
            self.progress.update(rows)

    def update(self, row, source_name):
        """Brings a filed room in line with its row; an equal room is compared with its
        stored values only and never read as a page.

        The row's owners are who owns the room now: a current owner it no longer lists
        ends (kept on the card as a former owner), one it newly lists is added. A row
        without owner names leaves the card alone."""
        stored = row.existing
        found = differences(row)
        if found is None:
            return False
        changed, new_owners, ended_ids = found
        household = HouseholdArchive.objects.get(pk=stored.pk)
        for key in changed:
            setattr(household, key, row.house.get(key))
        if changed:
            household.save()
        change_owners_by_import(
            household,
            self.by,
            source_name,
            ended=list(Owner.objects.filter(pk__in=ended_ids).order_by("sort_order", "pk")),
            added=[
                Owner(sort_order=stored.card_size + i, **owner)
                for i, owner in enumerate(new_owners)
            ],
            on=timezone.localdate(),
        )
        return True


def differences(row):
    """What a row changes in its filed room: the house fields, the owners it newly lists,
    and the current owners it no longer lists (a row without owner names lists none)."""
    stored = row.existing
    changed = [k for k in HOUSE_FIELDS if stored.house[k] != row.house.get(k)]
    listed = {(owner["name"], owner["id_number"]) for owner in row.owners}
    new_owners = [o for o in row.owners if (o["name"], o["id_number"]) not in stored.current_owners]
    ended_ids = [
        pk for key, pk in stored.current_owners.items() if row.owners and key not in listed
    ]
    if changed or new_owners or ended_ids:
        return changed, new_owners, ended_ids
    return None


def stored_rooms():
    """Every filed room by (building path, unit, room), read as values in two queries."""
    current, card_sizes = {}, {}
    for owner_id, household_id, name, id_number, is_current in Owner.objects.values_list(
        "pk", "household_id", "name", "id_number", "is_current"
    ):
        card_sizes[household_id] = card_sizes.get(household_id, 0) + 1
        if is_current:
            current.setdefault(household_id, {})[(name, id_number)] = owner_id
    steplen = household_steplen()
    return {
        (path[:-steplen], values[0], values[2]): StoredRoom(
            pk,
            dict(zip(HOUSE_FIELDS, values, strict=True)),
            current.get(pk, {}),
            card_sizes.get(pk, 0),
        )
        for pk, path, *values in HouseholdArchive.objects.order_by().values_list(
            "pk", "path", *HOUSE_FIELDS
        )
    }


def new_house(row):
    """The values of a room not yet filed, with the title and page address it is filed under."""
    unit, room = row.house["unit"], row.house["room"]
    return {
        **{key: row.house.get(key) for key in HOUSE_FIELDS},
        "title": room_label(unit, room),
        "slug": row.slug,
    }


def field_errors(model, values):
    """What ``clean_fields()`` says of these values of ``model``, without making a
    page object for every row: {field: messages}."""
    errors = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.blank and value in field.empty_values:
            continue
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    return errors


def household_steplen():
    return HouseholdArchive.steplen


def _bad_floor():
    raise ValidationError("楼层应为整数")
