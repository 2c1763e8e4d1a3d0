"""What a user reads on a rendered admin page, and the English words left in it.

What a user reads or hears: text nodes, input placeholders, and the tooltips and labels a
screen reader speaks (``title``, ``aria-label``, ``alt``); not other attributes, scripts,
styles or elements marked ``hidden``. The allow-list is short on purpose: brand and file-format
names, keyboard keys, and technical identifiers an administrator has to type."""

import re
from html.parser import HTMLParser

SKIPPED_TAGS = {"script", "style", "noscript", "svg"}
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
ALLOWED_WORDS = {
    # brands and file formats
    "wagtail", "excel", "word", "pdf", "csv", "xlsx", "docx", "sha", "api", "javascript",
    # keyboard keys named in shortcut hints
    "ctrl", "shift", "alt", "esc", "enter", "tab",
}  # fmt: skip
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Hex digests (SHA-256 of an issued notice), setting names (NOTICE_SIGNING_P12), command
# names (manage.py make_signing_certificate), file names (范本.docx), pinyin search examples (gkpw) and
# link paths given to owners (/survey/…/) are typed or copied, not read.
TECHNICAL = re.compile(
    r"\b[0-9a-f]{16,}\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[a-z]+(?:_[a-z]+)+\b"
    r"|\S+\.(?:docx|xlsx|pdf|csv|zip)\b|\b[a-z]{2,6}\b(?=（↑↓)|(?<!\S)/[\w/-]+/(?!\S)|\bmanage\.py\b"
)


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = []
        self.pieces = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or tag in SKIPPED_TAGS or "hidden" in attributes:
            if tag not in VOID_TAGS:
                self.skipping.append(tag)
            return
        self.pieces.extend(attributes[name] for name in READ_ATTRIBUTES if attributes.get(name))

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.pieces.append(" ".join(data.split()))


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.pieces


def english_in(text):
    """The English words of a piece of text that are not on the allow-list."""
    text = TECHNICAL.sub(" ", text)
    return [word for word in ENGLISH_WORD.findall(text) if word.lower() not in ALLOWED_WORDS]


def english_pieces(html, also_allowed=()):
    """Pieces of visible text that still hold English, e.g. ['Save changes']."""
    return [
        piece
        for piece in visible_text(html)
        if [word for word in english_in(piece) if word not in also_allowed]
    ]


def english_lines(rendered_text):
    """Lines of text as a browser renders it (innerText) that still hold English."""
    return [line for line in rendered_text.splitlines() if english_in(line)]
