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

import copy
import datetime as dt
import io
import re
import zipfile
from functools import lru_cache

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


def _text_parts(document):
    """The package parts that hold text: the main document, then every header and footer."""
    yield document.part
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part


def _xml_parts(document):
    """The root elements that hold text: the body, then every header and footer."""
    yield document.element.body
    for part in list(_text_parts(document))[1:]:
        yield part.element


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


def _replace_in_paragraph(paragraph, replacement_for):
    """Put ``replacement_for(name)`` in place of each placeholder (a name answered with
    None is left as it is), in the run where the placeholder starts."""
    runs = text_runs(paragraph)
    texts = [run.text for run in runs]
    matches = list(PLACEHOLDER.finditer("".join(texts)))
    if not matches:
        return
    spans = _run_spans(texts)
    changed = set()
    # Right to left, so the offsets of the matches still to do stay valid.
    for match in reversed(matches):
        replacement = replacement_for(match.group(1))
        if replacement is None:
            continue
        start, end = match.span()
        touched = [i for i, (lo, hi) in enumerate(spans) if lo < end and hi > start]
        for position, index in enumerate(touched):
            run_start = spans[index][0]
            cut_from = max(start, run_start) - run_start
            cut_to = min(end, spans[index][1]) - run_start
            kept = replacement if position == 0 else ""
            texts[index] = texts[index][:cut_from] + kept + texts[index][cut_to:]
            changed.add(index)
    for index in changed:
        runs[index].text = texts[index]


def fill_document(document, values):
    """Replace every placeholder in ``document``; raise MissingValues for names without
    a value, so nothing unreplaced can reach a notice."""
    missing = set()

    def value_of(name):
        if name not in values:
            missing.add(name)
            return None
        return str(values[name])

    for paragraph in iter_paragraphs(document):
        _replace_in_paragraph(paragraph, value_of)
    if missing:
        raise MissingValues(missing)
    set_east_asian_font(document)


def set_east_asian_font(document, default=DEFAULT_EAST_ASIAN_FONT):
    """Make every run with Chinese text name an East-Asian font (w:rFonts/@w:eastAsia),
    otherwise Word falls back to a Latin font's metrics for the Chinese glyphs. Only the
    run's own text counts: a text box inside a run has runs of its own."""
    for root in _xml_parts(document):
        for run in root.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.findall(qn("w:t")))
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


def render_with_python_docx(template, values, *, draft=False):
    """The filled document as .docx bytes, built by python-docx from the template each
    time: the reference that ``render`` must match."""
    document = open_document(template)
    fill_document(document, values)
    if draft:
        add_draft_watermark(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def render(template, values, *, draft=False):
    """The filled document as .docx bytes; ``draft`` adds the 草稿 watermark.

    The template is prepared once per version (see ``PreparedTemplate``), so each
    notice only writes its values into ready-made XML."""
    return prepared_template(_template_bytes(template), draft).render(values)


def _template_bytes(template):
    if isinstance(template, bytes | bytearray):
        return bytes(template)
    if hasattr(template, "read"):
        return template.read()
    with open(template, "rb") as file:
        return file.read()


# Prepared templates ------------------------------------------------------------
#
# Everything python-docx does for a notice that does not depend on the values is done
# once per template version: opening the package, finding the placeholders across
# Word's runs, cutting them out of the runs, the East-Asian fonts of the fixed text
# and the draft watermark. What is left is XML text with holes: a run that holds a
# value is kept in two forms (as it is, and with w:eastAsia added, for a value with
# Chinese in it), and its text is written at fill time exactly as python-docx's
# ``Run.text`` would write it (w:t, w:tab for tabs, w:br for line breaks).

_VALUE_MARK = "\ue000{}\ue001"
_VALUE_HOLE = re.compile("\ue000(\\d+)\ue001")
_RUN_MARK = "\ue002{}{}\ue003"
_RUN_HOLE = re.compile("<w:t>\ue002(\\d+)([PE])\ue003</w:t></w:r>")
_RUN_CONTROLS = re.compile("([\t\r\n])")
# What lxml refuses in XML text: C0 controls other than tab and line ends, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run_content(text):
    """The run content python-docx writes for ``text`` (see docx.oxml.text.run)."""
    pieces = []
    for piece in _RUN_CONTROLS.split(text):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            pieces.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            pieces.append(f"<w:t{space}>{_escape(piece)}</w:t>")
    return "".join(pieces)


class _ValueRun:
    """A run whose text holds values: its opening (w:r with w:rPr) as it is and with
    the East-Asian font, and its text as fixed pieces around placeholder names."""

    __slots__ = ("east_asian_opening", "pieces", "plain_opening")

    def __init__(self, text, names):
        self.pieces = _VALUE_HOLE.split(text)
        # Odd pieces are placeholder indexes; replace them with the names.
        for index in range(1, len(self.pieces), 2):
            self.pieces[index] = names[int(self.pieces[index])]
        self.plain_opening = self.east_asian_opening = ""

    def write(self, values, out):
        pieces = self.pieces[:]
        for index in range(1, len(pieces), 2):
            pieces[index] = values[pieces[index]]
        text = "".join(pieces)
        out.append(self.east_asian_opening if CJK.search(text) else self.plain_opening)
        out.append(_run_content(text))
        out.append("</w:r>")


class PreparedTemplate:
    """A template version ready to be filled: the package's unchanged entries as
    bytes, and the text parts as XML pieces with runs to fill."""

    def __init__(self, template_bytes, draft=False):
        document = open_document(template_bytes)
        names = []

        def mark(name):
            if name not in names:
                names.append(name)
            return _VALUE_MARK.format(names.index(name))

        for paragraph in iter_paragraphs(document):
            _replace_in_paragraph(paragraph, mark)
        value_runs = self._mark_value_runs(document, names)
        set_east_asian_font(document)
        if draft:
            add_draft_watermark(document)
        self.names = frozenset(names)
        text_parts = {part.partname.lstrip("/") for part in _text_parts(document)}
        # The unchanged entries are compressed once, here; each notice appends its
        # text parts to a copy of this package (the order of entries means nothing to
        # Word), so only those few kilobytes are compressed per notice.
        unchanged = io.BytesIO()
        self.text_parts = []
        with zipfile.ZipFile(unchanged, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in _saved_entries(document):
                if name in text_parts:
                    self.text_parts.append((name, self._pieces(data.decode("utf-8"), value_runs)))
                else:
                    package.writestr(name, data)
        self.unchanged_package = unchanged.getvalue()

    @staticmethod
    def _mark_value_runs(document, names):
        """Replace each run holding a value by two marked runs: as it is, and with
        the East-Asian font; their openings are cut out of the saved XML later."""
        value_runs = []
        for root in _xml_parts(document):
            for element in list(root.iter(qn("w:r"))):
                run = Run(element, None)
                text = run.text
                if not _VALUE_HOLE.search(text):
                    continue
                index = len(value_runs)
                value_runs.append(_ValueRun(text, names))
                run.text = _RUN_MARK.format(index, "P")
                east_asian = copy.deepcopy(element)
                east_asian.tail = None
                fonts = east_asian.get_or_add_rPr().get_or_add_rFonts()
                if not fonts.get(qn("w:eastAsia")):
                    fonts.set(qn("w:eastAsia"), DEFAULT_EAST_ASIAN_FONT)
                Run(east_asian, None).text = _RUN_MARK.format(index, "E")
                element.addnext(east_asian)
        return value_runs

    @staticmethod
    def _pieces(xml, value_runs):
        """The part's XML as fixed text and the runs to fill, in order."""
        pieces, position = [], 0
        for hole in _RUN_HOLE.finditer(xml):
            index, form = int(hole.group(1)), hole.group(2)
            opening_at = max(
                xml.rfind("<w:r>", 0, hole.start()), xml.rfind("<w:r ", 0, hole.start())
            )
            opening = xml[opening_at : hole.start()]
            value_run = value_runs[index]
            if form == "P":
                value_run.plain_opening = opening
                pieces.append(xml[position:opening_at])
                pieces.append(value_run)
            else:
                value_run.east_asian_opening = opening
            position = hole.end()
        pieces.append(xml[position:])
        return pieces

    def render(self, values):
        missing = self.names - values.keys()
        if missing:
            raise MissingValues(missing)
        texts = {name: str(values[name]) for name in self.names}
        for text in texts.values():
            if _NOT_XML.search(text):
                raise ValueError("文书内容含有无法写入 Word 文件的控制字符，请删去后再试。")
        output = io.BytesIO(self.unchanged_package)
        with zipfile.ZipFile(output, "a", zipfile.ZIP_DEFLATED) as package:
            for name, pieces in self.text_parts:
                package.writestr(name, self._filled(pieces, texts))
        return output.getvalue()

    @staticmethod
    def _filled(pieces, texts):
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            else:
                piece.write(texts, out)
        return "".join(out).encode("utf-8")


@lru_cache(maxsize=16)
def prepared_template(template_bytes, draft=False):
    """The prepared form of a template version, kept for the next notices."""
    return PreparedTemplate(template_bytes, draft)


def _saved_entries(document):
    output = io.BytesIO()
    document.save(output)
    with zipfile.ZipFile(output) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


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
