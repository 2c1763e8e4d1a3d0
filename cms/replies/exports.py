"""Exports of approved scripts: an Excel sheet (same columns as the import) and a Word handbook."""

from itertools import groupby

from django.utils import timezone
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADER = [
    "问题",
    "标准答复",
    "主题",
    "关键词",
    "口语版",
    "依据",
    "应当",
    "禁忌",
    "生效日期",
    "失效日期",
    "审批日期",
]


def scripts_workbook(scripts):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "回复口径"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for script in scripts:
        sheet.append(
            [
                script.question,
                script.answer_text,
                script.topic.path,
                script.keywords,
                script.spoken,
                script.legal_basis,
                script.dos,
                script.donts,
                script.effective_from,
                script.expires_on,
                timezone.localtime(script.last_published_at).date()
                if script.last_published_at
                else None,
            ]
        )
    for column, width in zip(
        "ABCDEFGHIJK", [30, 60, 20, 20, 40, 24, 20, 20, 12, 12, 12], strict=True
    ):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return workbook


def handbook_document(scripts, title="标准回复口径手册"):
    """A printable handbook: one chapter per topic, each script with its answer and notes."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(title, level=0)
    today = timezone.localdate()
    document.add_paragraph(
        f"{today.year}年{today.month}月{today.day}日印制 · 仅限内部使用 · 共 {len(scripts)} 条"
    )
    for topic, items in groupby(
        sorted(scripts, key=lambda s: (s.topic.path, s.question)), key=lambda s: s.topic.path
    ):
        document.add_heading(topic, level=1)
        for script in items:
            document.add_heading(script.question, level=2)
            document.add_paragraph(script.answer_text)
            for label, text in (
                ("口语版", script.spoken),
                ("依据", script.legal_basis),
                ("应当", script.dos),
                ("禁忌", script.donts),
            ):
                if text:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(f"{label}：").bold = True
                    paragraph.add_run(text)
    return document
