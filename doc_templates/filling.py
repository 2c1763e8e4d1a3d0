"""Fill a .docx template's ``{{ 名称 }}`` placeholders with python-docx.

Word splits text into runs wherever formatting, spell-checking or editing
history changes, so a placeholder typed as one word may be stored as
``{{ 业`` + ``户姓名 }}``. Each paragraph's run texts are therefore joined, the
placeholders found in the joined text, and every replacement written into the
run where its placeholder starts (so the value takes that run's formatting);
the rest of the placeholder is cut out of the following runs, whose other text
and formatting stay as they were. Paragraphs in the body, in tables (nested
too), text boxes, headers and footers are all covered.
"""

import datetime as dt
import io
import re

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from doc_templates.kinds import PLACEHOLDER

DEFAULT_EAST_ASIAN_FONT = "宋体"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class MissingValues(ValueError):
    """The template names placeholders for which no value was given."""

    def __init__(self, names):
        self.names = sorted(names)
        super().__init__("模板中以下占位符没有对应的值：" + "、".join(self.names))


def open_document(template):
    """A python-docx Document from a path, bytes or a binary file object."""
    if isinstance(template, bytes | bytearray):
        template = io.BytesIO(template)
    return Document(template)


def _xml_parts(document):
    """The root elements that hold text: the body, then every header and footer."""
    yield document.element.body
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part.element


def iter_paragraphs(document):
    for root in _xml_parts(document):
        for element in root.iter(qn("w:p")):
            yield Paragraph(element, None)


def _run_spans(texts):
    spans, offset = [], 0
    for text in texts:
        spans.append((offset, offset + len(text)))
        offset += len(text)
    return spans


# Runs of a paragraph in reading order, including those Word wraps in tracked
# insertions, hyperlinks, smart tags and inline content controls.
_TEXT_RUNS = "./w:r | ./w:ins/w:r | ./w:hyperlink/w:r | ./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r"


def text_runs(paragraph):
    return [Run(element, paragraph) for element in paragraph._element.xpath(_TEXT_RUNS)]


def paragraph_placeholders(paragraph):
    text = "".join(run.text for run in text_runs(paragraph))
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]


def find_placeholders(document):
    """Every placeholder name in the document, however Word split it into runs."""
    names = set()
    for paragraph in iter_paragraphs(document):
        names.update(paragraph_placeholders(paragraph))
    return names


def _fill_paragraph(paragraph, values, missing):
    runs = text_runs(paragraph)
    texts = [run.text for run in runs]
    matches = list(PLACEHOLDER.finditer("".join(texts)))
    if not matches:
        return
    spans = _run_spans(texts)
    changed = set()
    # Right to left, so the offsets of the matches still to do stay valid.
    for match in reversed(matches):
        name = match.group(1)
        if name not in values:
            missing.add(name)
            continue
        start, end = match.span()
        touched = [i for i, (lo, hi) in enumerate(spans) if lo < end and hi > start]
        for position, index in enumerate(touched):
            run_start = spans[index][0]
            cut_from = max(start, run_start) - run_start
            cut_to = min(end, spans[index][1]) - run_start
            replacement = str(values[name]) if position == 0 else ""
            texts[index] = texts[index][:cut_from] + replacement + texts[index][cut_to:]
            changed.add(index)
    for index in changed:
        runs[index].text = texts[index]


def fill_document(document, values):
    """Replace every placeholder in ``document``; raise MissingValues for names without
    a value, so nothing unreplaced can reach a notice."""
    missing = set()
    for paragraph in iter_paragraphs(document):
        _fill_paragraph(paragraph, values, missing)
    if missing:
        raise MissingValues(missing)
    set_east_asian_font(document)


def set_east_asian_font(document, default=DEFAULT_EAST_ASIAN_FONT):
    """Make every run with Chinese text name an East-Asian font (w:rFonts/@w:eastAsia),
    otherwise Word falls back to a Latin font's metrics for the Chinese glyphs."""
    for root in _xml_parts(document):
        for run in root.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if not CJK.search(text):
                continue
            run_properties = run.get_or_add_rPr()
            fonts = run_properties.get_or_add_rFonts()
            if not fonts.get(qn("w:eastAsia")):
                fonts.set(qn("w:eastAsia"), default)


WATERMARK_TEXT = "草稿"

_WATERMARK_XML = (
    '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office">'
    "<w:r><w:pict>"
    # Word's own text-watermark shape type (WordArt, spt 136), so Word and LibreOffice
    # both draw the text path.
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"'
    ' o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="DraftWatermark" o:spid="_x0000_s2049" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:400pt;height:160pt;'
    "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" stroked="f">'
    '<v:fill opacity=".5"/>'
    '<v:textpath on="t" fitshape="t" style="font-family:&quot;{font}&quot;;font-size:1pt" string="{text}"/>'
    "</v:shape></w:pict></w:r></w:p>"
)


def add_draft_watermark(document, text=WATERMARK_TEXT):
    """Put a large grey diagonal 草稿 behind every page (a VML watermark in each
    section's header, the way Word itself does it)."""
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        watermark = parse_xml(_WATERMARK_XML.format(font=DEFAULT_EAST_ASIAN_FONT, text=text))
        header._element.append(watermark)


def render(template, values, *, draft=False):
    """The filled document as .docx bytes; ``draft`` adds the 草稿 watermark."""
    document = open_document(template)
    fill_document(document, values)
    if draft:
        add_draft_watermark(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# Dates -----------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def format_date(day):
    """2026年11月25日"""
    return f"{day.year}年{day.month}月{day.day}日"


def _small_number_upper(n):
    """1..31 in Chinese numerals: 十, 十一, 二十, 二十五, 三十一."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    prefix = "" if tens == 1 else _DIGITS[tens]
    return prefix + "十" + (_DIGITS[units] if units else "")


def format_date_upper(day):
    """二〇二六年十一月二十五日, the form used on formal notices."""
    year = "".join(_DIGITS[int(digit)] for digit in str(day.year))
    return f"{year}年{_small_number_upper(day.month)}月{_small_number_upper(day.day)}日"


def deadline(start, days, *, working_days):
    """The date ``days`` calendar days or working days (the case calendar) after ``start``."""
    if isinstance(start, dt.datetime):
        start = start.date()
    if working_days:
        from cases.calendar import add_working_days

        return add_working_days(start, days)
    return start + dt.timedelta(days=days)


def deadline_text(start, days, *, working_days):
    """自签发之日起5个工作日内（2026年12月2日前）"""
    due = deadline(start, days, working_days=working_days)
    unit = "个工作日" if working_days else "日"
    return f"自签发之日起{days}{unit}内（{format_date(due)}前）", due
