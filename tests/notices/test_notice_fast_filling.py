"""The prepared-template filling (``render``) against python-docx filling the template
afresh (``render_with_python_docx``): the same package, part by part, on random
templates and values, and on the shapes Word gives placeholders."""

import io
import itertools
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from doc_templates.build_templates import bundled_template_path
from doc_templates.filling import (
    MissingValues,
    iter_paragraphs,
    prepared_template,
    render,
    render_with_python_docx,
    text_runs,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMES = ["业户姓名", "房号", "文号", "整改期限", "服务中心"]


def canonical_parts(data):
    """Every entry of a .docx, XML in canonical form (namespace declarations and
    attribute order do not count), whatever order the entries are stored in."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {}
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                content = etree.tostring(etree.fromstring(content), method="c14n")
            parts[name] = content
        return parts


def assert_same_notice(template, values, draft=False):
    fast = render(template, values, draft=draft)
    reference = render_with_python_docx(template, values, draft=draft)
    assert canonical_parts(fast) == canonical_parts(reference)
    return fast


def saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def texts(data):
    """Each paragraph's text as the reader sees it, content controls and insertions included."""
    document = Document(io.BytesIO(data))
    return ["".join(run.text for run in text_runs(p)) for p in iter_paragraphs(document)]


def test_a_placeholder_split_across_runs_keeps_the_first_runs_formatting():
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("业户：")
    first = paragraph.add_run("{{ 业")
    first.bold = True
    first.font.size = Pt(15)
    paragraph.add_run("户姓").italic = True
    paragraph.add_run("名 }}，请注意。")

    data = assert_same_notice(saved(document), {"业户姓名": "张伟"})

    runs = Document(io.BytesIO(data)).paragraphs[0].runs
    value_run = next(run for run in runs if "张伟" in run.text)
    assert value_run.bold and value_run.font.size == Pt(15) and not value_run.italic
    assert value_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_placeholders_in_content_controls_tracked_insertions_and_hyperlinks():
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("房号：{{ 房")
    paragraph._element.append(
        parse_xml(
            f'<w:sdt xmlns:w="{W}"><w:sdtContent><w:r><w:t>号 }}}}，文号 {{{{ 文</w:t></w:r>'
            "</w:sdtContent></w:sdt>"
        )
    )
    paragraph._element.append(
        parse_xml(
            f'<w:ins xmlns:w="{W}" w:id="1" w:author="王"><w:r><w:t>号 }}}}</w:t></w:r></w:ins>'
        )
    )

    data = assert_same_notice(saved(document), {"房号": "3栋1201室", "文号": "整改-2026-0001"})
    assert texts(data)[0] == "房号：3栋1201室，文号 整改-2026-0001"


def test_placeholders_in_text_boxes_headers_and_footers():
    document = Document()
    document.add_paragraph().add_run()._element.append(
        parse_xml(
            f'<w:pict xmlns:w="{W}" xmlns:v="urn:schemas-microsoft-com:vml"><v:shape>'
            "<v:textbox><w:txbxContent><w:p><w:r><w:t>文号 {{ 文号 }}</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict>"
        )
    )
    document.sections[0].header.paragraphs[0].text = "页眉 {{ 服务中心 }}"
    document.sections[0].footer.paragraphs[0].text = "第 {{ 文号 }} 号"

    values = {"文号": "整改-2026-0007", "服务中心": "翠湖物业"}
    data = assert_same_notice(saved(document), values)
    assert "文号 整改-2026-0007" in texts(data)
    assert "页眉 翠湖物业" in texts(data) and "第 整改-2026-0007 号" in texts(data)
    assert b"{{" not in data


def test_the_bundled_notices_and_their_drafts_match(tmp_path):
    template = bundled_template_path("rectification").read_bytes()
    values = {name: f"{name}的值 & <内容>" for name in prepared_template(template).names}
    assert_same_notice(template, values)
    assert_same_notice(template, values, draft=True)


def test_a_missing_value_is_refused_by_the_prepared_template_too():
    document = Document()
    document.add_paragraph("{{ 业户姓名 }} {{ 整改期限 }}")
    with pytest.raises(MissingValues) as refused:
        render(saved(document), {"业户姓名": "张伟"})
    assert refused.value.names == ["整改期限"]


def test_a_value_with_a_control_character_is_refused_in_chinese():
    document = Document()
    document.add_paragraph("{{ 业户姓名 }}")
    with pytest.raises(ValueError, match="控制字符"):
        render(saved(document), {"业户姓名": "张\x07伟"})


# Random templates ---------------------------------------------------------------

fragments = st.one_of(
    st.sampled_from(NAMES).map(lambda name: "{{ " + name + " }}"),
    st.sampled_from(["{{", "}}", " ", "：", "请", "整改", "Room ", "\u3000", "2026"]),
)
paragraph_texts = st.lists(fragments, min_size=1, max_size=6).map("".join)
cuts = st.lists(st.integers(min_value=0, max_value=40), max_size=4)
wrappers = st.sampled_from(["run", "ins", "sdt", "hyperlink"])
formats = st.sampled_from(["plain", "bold", "east_asian", "size"])
value_text = st.text(
    alphabet=st.sampled_from(list("张伟翠湖&<>\"' \t\n\r\u3000ab12{}")), max_size=12
)


def _add_run(paragraph, text, wrapper, formatting):
    run = paragraph.add_run(text)
    if formatting == "bold":
        run.bold = True
    elif formatting == "east_asian":
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    elif formatting == "size":
        run.font.size = Pt(14)
    if wrapper == "run":
        return
    element = run._element
    container = {
        "ins": f'<w:ins xmlns:w="{W}" w:id="9" w:author="王"/>',
        "sdt": f'<w:sdt xmlns:w="{W}"><w:sdtContent/></w:sdt>',
        "hyperlink": f'<w:hyperlink xmlns:w="{W}" w:anchor="a"/>',
    }[wrapper]
    wrapper_element = parse_xml(container)
    element.addprevious(wrapper_element)
    target = wrapper_element[0] if wrapper == "sdt" else wrapper_element
    target.append(element)


@st.composite
def templates(draw):
    document = Document()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = draw(st.sampled_from(["body", "table", "header", "footer"]))
        if where == "body":
            paragraph = document.add_paragraph()
        elif where == "table":
            paragraph = document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0]
        elif where == "header":
            paragraph = document.sections[0].header.add_paragraph()
        else:
            paragraph = document.sections[0].footer.add_paragraph()
        text = draw(paragraph_texts)
        bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in draw(cuts))})
        for start, end in itertools.pairwise(bounds):
            _add_run(paragraph, text[start:end], draw(wrappers), draw(formats))
    return saved(document)


def assert_same_notice_or_same_refusal(template, values, draft=False):
    """Random text can make a placeholder of words (「{{请}}」) that no value fills: then both
    ways must refuse the template, naming the same placeholders."""
    try:
        render_with_python_docx(template, values, draft=draft)
    except MissingValues as refused:
        with pytest.raises(MissingValues) as fast_refused:
            render(template, values, draft=draft)
        assert fast_refused.value.names == refused.names
    else:
        assert_same_notice(template, values, draft=draft)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=templates(), values=st.fixed_dictionaries({n: value_text for n in NAMES}))
def test_the_prepared_template_writes_what_python_docx_writes(template, values):
    assert_same_notice_or_same_refusal(template, values)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=templates(), values=st.fixed_dictionaries({n: value_text for n in NAMES}))
def test_drafts_from_the_prepared_template_match_too(template, values):
    assert_same_notice_or_same_refusal(template, values, draft=True)
