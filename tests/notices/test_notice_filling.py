"""The filling code on hand-made documents: split runs, tables, headers, fonts, dates."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

from doc_templates.filling import (
    MissingValues,
    add_draft_watermark,
    deadline,
    fill_document,
    find_placeholders,
    format_date,
    format_date_upper,
    render,
)
from doc_templates.values import amount_upper


def saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def reopened(data):
    return Document(io.BytesIO(data))


def test_a_placeholder_split_across_runs_is_replaced_with_the_first_runs_formatting():
    document = Document()
    paragraph = document.add_paragraph()
    label = paragraph.add_run("业户：")
    first = paragraph.add_run("{{ 业")
    first.bold = True
    first.font.size = Pt(15)
    second = paragraph.add_run("户姓")
    second.italic = True
    paragraph.add_run("名 }}，请注意。")
    label.underline = True

    assert find_placeholders(document) == {"业户姓名"}
    fill_document(document, {"业户姓名": "张伟"})

    runs = reopened(saved(document)).paragraphs[0].runs
    assert "".join(run.text for run in runs) == "业户：张伟，请注意。"
    value_run = next(run for run in runs if "张伟" in run.text)
    assert value_run.bold and value_run.font.size == Pt(15) and not value_run.italic
    assert runs[0].underline and runs[0].text == "业户："


def test_a_placeholder_partly_inside_a_tracked_insertion_is_filled():
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("整改期限：{{ 整改")
    insertion = parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' w:id="1" w:author="王立新" w:date="2026-11-25T09:00:00Z">'
        "<w:r><w:t>期限 }}</w:t></w:r></w:ins>"
    )
    paragraph._element.append(insertion)

    assert find_placeholders(document) == {"整改期限"}
    fill_document(document, {"整改期限": "2026年12月2日"})
    assert reopened(saved(document)).paragraphs[0].text == "整改期限：2026年12月2日"


def test_placeholders_in_tables_nested_tables_headers_and_footers_are_filled():
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "房号：{{ 房号 }}"
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "{{ 文号 }}"
    document.sections[0].header.paragraphs[0].text = "页眉 {{ 服务中心 }}"
    document.sections[0].footer.paragraphs[0].text = "第 {{ 文号 }} 号"

    data = render(
        saved(document), {"房号": "3栋1201室", "文号": "整改-2026-0007", "服务中心": "翠湖物业"}
    )

    filled = reopened(data)
    assert filled.tables[0].cell(0, 0).text == "房号：3栋1201室"
    assert filled.tables[0].cell(0, 1).tables[0].cell(0, 0).text == "整改-2026-0007"
    assert filled.sections[0].header.paragraphs[0].text == "页眉 翠湖物业"
    assert filled.sections[0].footer.paragraphs[0].text == "第 整改-2026-0007 号"
    assert b"{{" not in data


def test_chinese_runs_get_an_east_asian_font():
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ 业户姓名 }}")
    paragraph.add_run(" 2026 ")

    fill_document(document, {"业户姓名": "李娜"})

    chinese, latin = reopened(saved(document)).paragraphs[0].runs
    assert chinese._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert latin._element.rPr is None or latin._element.rPr.rFonts is None


def test_a_missing_value_is_refused_with_its_name():
    document = Document()
    document.add_paragraph("{{ 业户姓名 }} {{ 整改要求 }}")
    with pytest.raises(MissingValues) as refused:
        fill_document(document, {"业户姓名": "张伟"})
    assert "整改要求" in str(refused.value)


def test_line_breaks_in_a_value_become_breaks_in_the_same_paragraph():
    document = Document()
    document.add_paragraph("{{ 正文 }}")
    fill_document(document, {"正文": "第一段\n第二段"})
    paragraph = reopened(saved(document)).paragraphs[0]
    assert paragraph.text == "第一段\n第二段"
    assert len(paragraph._element.findall(".//" + qn("w:br"))) == 1


def test_a_draft_carries_the_watermark_in_every_section_header():
    document = Document()
    document.add_paragraph("正文")
    document.add_section()
    add_draft_watermark(document)
    data = saved(document)
    for section in reopened(data).sections:
        textpaths = section.header._element.xpath(".//*[local-name()='textpath'][@string]")
        assert [path.get("string") for path in textpaths] == ["草稿"]


@pytest.mark.parametrize(
    ("day", "plain", "upper"),
    [
        (dt.date(2026, 11, 25), "2026年11月25日", "二〇二六年十一月二十五日"),
        (dt.date(2030, 10, 10), "2030年10月10日", "二〇三〇年十月十日"),
        (dt.date(2026, 1, 31), "2026年1月31日", "二〇二六年一月三十一日"),
        (dt.date(2027, 12, 20), "2027年12月20日", "二〇二七年十二月二十日"),
    ],
)
def test_dates_in_both_chinese_forms(day, plain, upper):
    assert format_date(day) == plain
    assert format_date_upper(day) == upper


@pytest.mark.django_db
def test_deadlines_in_working_days_skip_the_national_day_holiday():
    start = dt.date(2026, 9, 30)
    assert deadline(start, 3, working_days=False) == dt.date(2026, 10, 3)
    # Oct 1–7 off, Sat Oct 10 worked: the 3rd working day after Sep 30 is Oct 10.
    assert deadline(start, 3, working_days=True) == dt.date(2026, 10, 10)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("500"), "伍佰元整"),
        (Decimal("1050.50"), "壹仟零伍拾元伍角整"),
        (Decimal("20000.08"), "贰万元零捌分"),
        (Decimal("100010"), "壹拾万零壹拾元整"),
    ],
)
def test_amounts_in_words(amount, words):
    assert amount_upper(amount) == words


def test_bundled_templates_name_chinese_word_fonts_and_simplified_chinese():
    """The fonts a Chinese Word has (仿宋 body, 黑体 title) with zh-CN as the East-Asian
    language, so Word and LibreOffice (through fontconfig) pick the same faces."""
    from doc_templates.build_templates import bundled_template_path

    document = Document(str(bundled_template_path("rectification")))
    normal = document.styles["Normal"].element.rPr
    assert normal.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    title = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title.get(qn("w:eastAsia")) == "黑体"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（盖章）" in text and "{{ 公司名称 }}" in text
    cut = next(p.text for p in document.paragraphs if "沿此线剪开" in p.text)
    assert text.index(cut) < text.index("送达回执")
