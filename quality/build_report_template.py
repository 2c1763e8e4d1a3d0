"""Build the audit report template doc_templates/docx/audit_report.docx with python-docx.

    .venv/bin/python -m quality.build_report_template

The file is committed; managers may restyle it in Word as long as the ``{{ 名称 }}``
placeholders and the two tables (indicator scores, findings) stay.
"""

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from doc_templates.build_templates import (
    FORM_SIZE,
    add_body,
    add_footer,
    add_signature,
    new_form_document,
    set_cell,
)

AUDIT_TEMPLATE = Path(__file__).resolve().parent.parent / "doc_templates" / "docx" / "audit_report.docx"
SCORE_HEADINGS = ["一级指标", "分值", "扣分", "得分"]
FINDING_HEADINGS = ["序号", "检查项目", "问题描述", "地点", "涉及人员", "扣分", "整改案件"]


def add_heading_table(document, headings):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        set_cell(cell, heading, bold=True, size=FORM_SIZE)
    return table


def build():
    document = new_form_document(
        "客户服务督导检查报告",
        [
            ("受检小区", "{{ 小区 }}", "检查日期", "{{ 检查日期 }}"),
            ("检查标准", "{{ 检查标准 }}"),
            ("检查人员", "{{ 检查人员 }}"),
            ("总得分", "{{ 总得分 }}", "满分", "{{ 满分 }}"),
        ],
    )
    add_body(document, "一、各项指标得分", indent=False)
    add_heading_table(document, SCORE_HEADINGS)
    add_body(document, "二、检查发现的问题", indent=False)
    add_heading_table(document, FINDING_HEADINGS)
    add_body(document, "三、整改情况：{{ 整改情况 }}", indent=False)
    add_body(document, "四、项目经理意见：{{ 项目经理意见 }}", indent=False)
    add_signature(document, "检查人员签字：________________", "项目经理确认：{{ 项目经理 }}")
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_footer(document, "本报告由物业档案与案件库生成，检查记录以系统为准")
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(11)
    AUDIT_TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    document.save(AUDIT_TEMPLATE)
    return AUDIT_TEMPLATE


if __name__ == "__main__":
    print(build())
