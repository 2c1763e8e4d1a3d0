"""Importing a sheet from the admin (业户档案 › 导入档案).

The uploaded file is checked in the archivist's request with the importer's own rules, so a
bad file is answered row by row and nothing is written; a good one is kept in private storage
and filed by a background job through the importer's entry point (``Importer(by=…).run``, as
the command does), on behalf of the archivist who uploaded it. The job's summary workbook is
that archivist's alone."""

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from cms.archives.importer import COLUMNS, Importer, ImportFailed, ImportResult, read_rows
from cms.archives.models import ArchiveChange, HouseholdArchive, Owner, attach_parents
from cms.archives.validators import with_check_digit
from core.people import display_name
from core.spreadsheets import column_widths
from core.storage import PrivateStorage
from jobs.runner import start_job

UPLOADS = PrivateStorage("archive-imports")
TEMPLATE_NAME = "导入模板.xlsx"
JOB = "archive_import"

# One room as an archivist would write it, to show what each column takes.
EXAMPLE_ROW = {
    "小区": "翠湖花园",
    "楼栋": "3栋",
    "单元": "1",
    "楼层": 6,
    "房号": "602",
    "面积": 102.35,
    "物业类型": HouseholdArchive.PropertyType.RESIDENCE.label,
    "收楼时间": "2025-04-12",
    "入住时间": "2025-06-01",
    "业主姓名": "林海峰",
    "性别": Owner.Gender.MALE.label,
    "证件类型": Owner.IdType.MAINLAND.label,
    "证件号码": with_check_digit("44030519850612431"),
    "联系电话": "13760891234",
    "备用电话": "0755-86012345",
    "籍贯": "广东潮州",
    "共有人姓名": "陈晓雯",
    "共有人证件号码": with_check_digit("44030619870923562"),
    "共有人电话": "13928764501",
}
CHOICES = {
    "物业类型": HouseholdArchive.PropertyType.labels,
    "性别": Owner.Gender.labels,
    "证件类型": Owner.IdType.labels,
}


class UnreadableSheet(ValueError):
    """The file looks like a workbook but openpyxl cannot read it."""


def template_workbook():
    """导入模板.xlsx: the columns the importer reads, one example row, and what each column takes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "业户档案"
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE_ROW[title] for title in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求"])
    for title, (_, required) in COLUMNS.items():
        notes.append([title, "必填" if required else "选填", column_note(title)])
    notes.append([])
    notes.append(["说明", "", "第一行为列名，请勿改动；示例行请删除或改为实际业户后再上传。"])
    notes.append(["", "", "小区和楼栋须已在档案库中建立；同一文件重复导入不会重复建档。"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for worksheet in (sheet, notes):
        fit_columns(worksheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column_note(title):
    if title in CHOICES:
        return "可选：" + "、".join(CHOICES[title])
    if title.endswith("时间"):
        return "日期，如 2025-04-12"
    if title == "面积":
        return "平方米，数字，如 102.35"
    if title == "楼层":
        return "整数，地下层写负数"
    if "证件号码" in title:
        return "居民身份证须为 18 位且校验位正确"
    if "电话" in title:
        return "11 位手机号或带区号的固话"
    return ""


def fit_columns(sheet):
    for index, width in column_widths(sheet.iter_rows(values_only=True)).items():
        sheet.column_dimensions[get_column_letter(index)].width = width


def sheet_errors(upload, by):
    """Every problem for which the import would refuse this sheet, found without writing
    anything: the importer's own checks of columns, rows and fields."""
    try:
        rows = list(read_rows(upload))
    except ImportFailed as failure:
        return failure.errors
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableSheet from error
    finally:
        upload.seek(0)
    if not rows:
        raise ValidationError("文件中没有可导入的行：第一行为列名，从第二行起每行一户。")
    importer = Importer(by=by)
    importer.check(rows)
    return first_error_per_cell(importer.errors)


def first_error_per_cell(errors):
    """One reason per cell: a floor written 三楼 is "楼层应为整数", not that and then
    the model field's "这个值不能为 null" for the value it could not become."""
    seen, first = set(), []
    for error in errors:
        if (error.row, error.column) not in seen:
            seen.add((error.row, error.column))
            first.append(error)
    return first


def start_import(upload, source_name, by):
    """Keep the checked file where only the job reads it, and queue its import as ``by``."""
    stored = UPLOADS.save(f"{timezone.now():%Y/%m}/{upload.name}", upload)
    return start_job(
        JOB,
        by=by,
        label=f"导入业户档案：{source_name}",
        upload=stored,
        source_name=source_name,
        user_id=by.pk,
    )


class JobProgress:
    """The importer's progress bar (``reset(total=…)``, ``update(n)``) shown as the job's
    progress, written about once per hundredth of the sheet."""

    def __init__(self, progress):
        self.progress = progress
        self.done = self.total = self.shown = 0

    def reset(self, total):
        self.done, self.total = 0, total
        self.progress(0, total)

    def update(self, rows):
        self.done += rows
        if self.done - self.shown >= max(1, self.total // 100) or self.done >= self.total:
            self.shown = self.done
            self.progress(self.done)


@dataclass
class ImportOutcome:
    source_name: str
    by: object
    result: ImportResult
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    finished_at: object = None

    @property
    def summary(self):
        return f"{self.source_name}：{self.result}，无错误（导入结果仅导入人本人可下载）"

    @property
    def filename(self):
        stem = self.source_name.rsplit(".", 1)[0] if "." in self.source_name else self.source_name
        return f"导入结果-{stem}.xlsx"

    def workbook(self):
        book = Workbook()
        sheet = book.active
        sheet.title = "导入结果"
        sheet.append(["业户档案导入结果"])
        sheet["A1"].font = Font(bold=True, size=14)
        for row in (
            ["文件", self.source_name],
            ["导入人", display_name(self.by)],
            ["完成时间", f"{timezone.localtime(self.finished_at):%Y-%m-%d %H:%M}（北京时间）"],
            ["新建", self.result.created],
            ["更新", self.result.updated],
            ["未变", self.result.unchanged],
            ["错误", 0],
            [],
            ["结果", "业户"],
        ):
            sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.cell(row=sheet.max_row, column=2).font = Font(bold=True)
        for label, households in (("新建", self.new), ("更新", self.changed)):
            for household in households:
                sheet.append([label, household.address])
        fit_columns(sheet)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def import_stored_sheet(stored, source_name, by, progress):
    """File a kept sheet as ``by``. A sheet that no longer passes (a room filed meanwhile
    by a colleague) is refused whole, with every error, and nothing is written."""
    filed_before = set(HouseholdArchive.objects.values_list("pk", flat=True))
    started = timezone.now()
    with UPLOADS.open(stored, "rb") as sheet:
        try:
            result = Importer(by=by, progress=JobProgress(progress)).run(
                sheet, source_name=source_name
            )
        except ImportFailed as failure:
            reasons = map(str, first_error_per_cell(failure.errors))
            raise ValidationError([str(failure), *reasons]) from failure
    touched = HouseholdArchive.objects.filter(
        pk__in=ArchiveChange.objects.filter(
            kind=ArchiveChange.Kind.IMPORTED, changed_by=by, changed_at__gte=started
        ).values("household_id")
    ).in_catalogue_order()
    households = attach_parents(touched)
    return ImportOutcome(
        source_name,
        by,
        result,
        new=[h for h in households if h.pk not in filed_before],
        changed=[h for h in households if h.pk in filed_before],
        finished_at=timezone.now(),
    )
