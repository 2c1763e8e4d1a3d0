"""Exports that open well in Excel: a title row saying what and when, the header frozen
under it, columns wide enough for Chinese text. One mixin for every admin listing export."""

import datetime as dt
from io import BytesIO
from itertools import chain, islice

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from wagtail.admin.views import generic

from core.downloads import XLSX, attachment_header, download_response

# A Chinese character is about two Latin ones wide in Excel's default font.
MIN_WIDTH, MAX_WIDTH = 8, 60
SAMPLED_ROWS = 200


def display_width(value):
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def column_widths(rows):
    widths = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), display_width(value))
    return {index: min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for index, width in widths.items()}


class TitledExportMixin:
    """For a Wagtail IndexView with list_export: the .xlsx gets a title row and a frozen,
    bold header, with widths measured from the header and the first rows."""

    export_title = ""

    def preprocess_field_value(self, field, value, export_format):
        # Times as the centre reads them on the screen (Wagtail's default writes UTC).
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
            return value if export_format == self.FORMAT_XLSX else value.strftime("%Y-%m-%d %H:%M")
        return super().preprocess_field_value(field, value, export_format)

    def write_xlsx_response(self, queryset):
        output = BytesIO()
        self.write_xlsx(queryset, output)
        output.seek(0)
        return download_response(output, f"{self.get_filename()}.xlsx", XLSX)

    def write_csv_response(self, queryset):
        # Wagtail writes the file name into the header as it is, which breaks on Chinese names.
        response = super().write_csv_response(queryset)
        response["Content-Disposition"] = attachment_header(f"{self.get_filename()}.csv")
        return response

    def get_export_title(self):
        title = self.export_title or str(self.model._meta.verbose_name_plural)
        return f"{title}（导出于 {timezone.localtime():%Y-%m-%d %H:%M}）"

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True, iso_dates=True)
        sheet = workbook.create_sheet(title=str(self.model._meta.verbose_name_plural)[:31])
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (self.to_row_dict(item) for item in queryset.iterator())
        sample = list(islice(rows, SAMPLED_ROWS))
        for index, width in column_widths([headings, *[r.values() for r in sample]]).items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"
        title = WriteOnlyCell(sheet, value=self.get_export_title())
        title.font = Font(bold=True, size=14)
        sheet.append([title])
        sheet.append([self._heading_cell(sheet, heading) for heading in headings])
        for row in chain(sample, rows):
            sheet.append(self.generate_xlsx_row(sheet, row, date_format="yyyy-mm-dd hh:mm"))
        workbook.save(output)

    @staticmethod
    def _heading_cell(sheet, heading):
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
        return cell


class TitledIndexView(TitledExportMixin, generic.IndexView):
    """A viewset's listing whose Excel and CSV exports are the shared ones."""
