"""Build the bundled Word templates (doc_templates/docx/*.docx) with python-docx.

    .venv/bin/python -m doc_templates.build_templates

The generated files are committed; managers open and edit them in Word and
upload new versions in the admin. Placeholders use the ``{{ 名称 }}`` syntax
(doc_templates/kinds.py lists the names each kind may use).
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from doc_templates.kinds import TEMPLATE_FILES, NoticeKind

OUTPUT_DIR = Path(__file__).resolve().parent / "docx"

# Font names as Chinese Word installations know them; on the server fontconfig maps
# them to Simplified-Chinese faces from Debian's packages (scripts/fontconfig/), so
# the PDF looks like the .docx opened in Word.
BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
EAST_ASIAN_LANGUAGE = "zh-CN"
BODY_SIZE = Pt(14)
FORM_SIZE = Pt(12)
FORM_WIDTHS = (Cm(3.2), Cm(4.7), Cm(3.2), Cm(4.7))


def new_document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal_fonts = normal.element.get_or_add_rPr()
    normal_fonts.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    language = normal_fonts.makeelement(qn("w:lang"), {})
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)
    normal_fonts.append(language)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.5
    return document


def add_run(paragraph, text, *, font=BODY_FONT, size=BODY_SIZE, bold=False):
    run = paragraph.add_run(text)
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def add_title(document, text):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(12)
    add_run(paragraph, text, font=TITLE_FONT, size=Pt(22), bold=True)
    return paragraph


def add_number_line(document):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(6)
    add_run(paragraph, "文号：{{ 文号 }}", size=Pt(12))


def add_body(document, *parts, indent=True, align=None):
    """A paragraph from text parts; a part is a string or (string, run options)."""
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        paragraph.alignment = align
    for part in parts:
        text, options = (part, {}) if isinstance(part, str) else part
        add_run(paragraph, text, **options)
    return paragraph


def add_signature(document, *lines):
    for line in lines:
        add_body(document, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)


def add_issuer_block(document, *, date="{{ 签发日期大写 }}"):
    """Company, centre, the place for the seal (盖章) and the date, right-aligned, with
    room above the date for the stamp."""
    company = add_body(document, "{{ 公司名称 }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    company.paragraph_format.space_before = Pt(12)
    add_signature(document, "{{ 签发单位 }}")
    seal = add_body(
        document, ("（盖章）", {"size": FORM_SIZE}), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    seal.paragraph_format.space_after = Pt(12)
    add_signature(document, date)


def add_cut_line(document):
    """A dashed line to cut along: the receipt below it goes back to the centre."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(0)
    dashes = "- " * 18
    add_run(paragraph, f"{dashes}沿此线剪开 {dashes}".strip(), size=Pt(9))


def set_cell(cell, text, *, bold=False, size=FORM_SIZE, align=None):
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    add_run(paragraph, text, size=size, bold=bold)


def add_form_table(document, rows, widths=FORM_WIDTHS):
    """A bordered form: each row is (label, value) spanning the width, or
    (label, value, label, value) in two halves."""
    table = document.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
        if len(cells) == 2:
            value_cell = row.cells[1].merge(row.cells[3])
            set_cell(row.cells[0], cells[0], bold=True)
            set_cell(value_cell, cells[1])
        else:
            for index, text in enumerate(cells):
                set_cell(row.cells[index], text, bold=index % 2 == 0)
    return table


def add_footer(document, text):
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, text, size=Pt(9))


def build_rectification():
    document = new_document()
    add_title(document, "整改通知书")
    add_number_line(document)
    addressee = document.add_paragraph()
    # Word often stores a placeholder in two runs after editing; the bundled template
    # does the same here so every fill exercises the split-run path.
    add_run(addressee, "{{ 收件")
    add_run(addressee, "人 }}：")
    # How the facts were learned (巡查发现 / 接业户投诉 / 接报) opens the sentence.
    add_body(document, "{{ 事实来源 }}：{{ 违规事实 }}")
    add_body(document, "上述行为不符合{{ 依据 }}。")
    # The deadline is stated once: its date, with the period it was counted from.
    add_body(
        document,
        "整改期限：",
        ("{{ 整改期限 }}", {"bold": True}),
        "（{{ 期限说明 }}）。请您在此之前完成以下整改：{{ 整改要求 }}",
    )
    add_body(document, "{{ 后果 }}")
    add_body(document, "特此通知。")
    add_issuer_block(document)

    add_cut_line(document)
    add_body(
        document,
        ("送达回执", {"font": TITLE_FONT, "size": Pt(16), "bold": True}),
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    add_form_table(
        document,
        [
            ("通知书文号", "{{ 文号 }}"),
            ("收件人", "{{ 收件人 }}"),
            ("业户签收", "", "签收日期", "    年   月   日"),
        ],
    )
    refusal = add_body(
        document,
        ("拒签记录", {"font": TITLE_FONT, "bold": True}),
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    refusal.paragraph_format.space_before = Pt(8)
    add_form_table(
        document,
        [
            ("送达时间", "", "送达人", ""),
            ("拒签情况", "□ 业户拒绝签收    □ 已现场拍照    □ 见证人在场"),
            ("见证人", "", "见证单位", ""),
        ],
    )
    add_footer(document, "{{ 服务中心 }} · {{ 文号 }}")
    return document


def build_tri_party():
    document = new_document()
    add_title(document, "{{ 标题 }}")
    add_number_line(document)
    add_body(document, "{{ 致 }}：", indent=False)
    add_body(document, "{{ 正文 }}")
    add_body(document, "特此提示。")
    add_body(document, "")
    # The three parties stand side by side in equal columns with identical runs:
    # none is placed above or before the others in size, weight or position.
    table = document.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, ("居委会", "业委会", "物业服务中心"), strict=True):
        cell.width = Cm(5.2)
        set_cell(cell, "{{ " + name + " }}", size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_body(document, "")
    add_body(document, "{{ 签发日期大写 }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    return document


def build_violation_ticket():
    document = new_document()
    add_title(document, "业户违规处理通知单")
    add_number_line(document)
    add_form_table(
        document,
        [
            ("业户姓名", "{{ 业户姓名 }}", "房号", "{{ 房号 }}"),
            ("发现时间", "{{ 发现时间 }}"),
            ("违规事实", "{{ 违规事实 }}"),
            ("处理依据", "{{ 依据 }}"),
            ("处理措施", "{{ 处理措施 }}"),
            ("金额", "{{ 金额 }}（大写：{{ 金额大写 }}）"),
            ("经办人", "{{ 经办人 }}", "日期", "{{ 签发日期 }}"),
            ("审批人（签字）", "{{ 审批人 }}"),
        ],
    )
    add_body(
        document, "本通知单经上级审批签字后生效。如有异议，请于收到之日起三日内向物业服务中心提出。"
    )
    add_body(document, "")
    add_signature(document, "{{ 公司名称 }}", "{{ 服务中心 }}")
    add_body(
        document, ("（盖章）", {"size": FORM_SIZE}), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    return document


def build_clutter_reminder():
    document = new_document()
    add_title(document, "温馨提示（{{ 提示次数 }}）")
    add_number_line(document)
    add_body(document, "尊敬的{{ 房号 }}住户：", indent=False)
    add_body(
        document,
        "我们在日常巡查中看到，{{ 堆放位置 }}放有{{ 堆放物品 }}。楼道和通道是大家共用的"
        "逃生路线，物品长期占用既妨碍邻居通行，也存在消防隐患。",
    )
    add_body(document, "请您在", ("{{ 清理期限 }}", {"bold": True}), "前将物品自行清理。")
    add_body(document, "{{ 逾期处理 }}")
    add_body(document, "感谢您的理解与配合！")
    add_signature(document, "{{ 服务中心 }}", "{{ 签发日期 }}")
    return document


def new_form_document(title, rows):
    """A titled form (记录表, 检查报告): the title, then the bordered form of ``rows``."""
    document = new_document()
    add_title(document, title)
    add_form_table(document, rows)
    return document


def placeholder(name):
    return "{{ " + name + " }}"


def build_case_record(title, *, category, party, origin, account):
    """A case's 处理记录表: every kind opens with the case number, its category, the party
    and room and when it was accepted, and closes with who handled it; ``account`` names
    the rows in between, each filled by the placeholder of the same name."""
    return new_form_document(
        title,
        [
            ("案件编号", placeholder("案件编号"), *category),
            (party, placeholder(party), "房号", placeholder("房号")),
            ("受理时间", placeholder("受理时间"), *origin),
            *[(label, placeholder(label)) for label in account],
            ("经办人", placeholder("经办人"), "打印日期", placeholder("打印日期")),
        ],
    )


def build_complaint_record():
    return build_case_record(
        "顾客投诉处理记录表",
        category=("投诉类别", placeholder("类别")),
        party="投诉人",
        origin=("来源", placeholder("来源")),
        account=("投诉内容", "处理经过", "处理结果", "顾客意见"),
    )


def build_dispute_record():
    return build_case_record(
        "邻里纠纷处理记录表",
        category=("纠纷类别", placeholder("纠纷类别")),
        party="当事人",
        origin=("地点", placeholder("地点")),
        account=("纠纷情况", "处理经过", "参与单位", "处理结果"),
    )


BUILDERS = {
    NoticeKind.RECTIFICATION: build_rectification,
    NoticeKind.TRI_PARTY: build_tri_party,
    NoticeKind.VIOLATION_TICKET: build_violation_ticket,
    NoticeKind.CLUTTER_REMINDER: build_clutter_reminder,
    NoticeKind.COMPLAINT_RECORD: build_complaint_record,
    NoticeKind.DISPUTE_RECORD: build_dispute_record,
}


def bundled_template_path(kind):
    return OUTPUT_DIR / TEMPLATE_FILES[kind]


def build_all(output_dir=OUTPUT_DIR):
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, builder in BUILDERS.items():
        path = output_dir / TEMPLATE_FILES[kind]
        builder().save(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in build_all():
        print(written)
