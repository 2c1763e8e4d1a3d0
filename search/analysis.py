"""Chinese text analysis done in Python, shared by indexing and querying.

The Elasticsearch server core has no CJK analysis (no analysis-common module),
so text is folded and cut into tokens here and stored in whitespace-analysed
fields. Indexing and querying call the same functions, so both sides always
agree.
"""

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

import opencc
from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OTHER_WORD = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=1)
def _t2s():
    return opencc.OpenCC("t2s")


def to_simplified(text):
    """Fold Traditional characters to Simplified (業戶投訴 → 业户投诉)."""
    return _t2s().convert(text or "")


@lru_cache(maxsize=50_000)
def normalise(text):
    # Cached: indexing folds the same title, keywords and phrases several times per document.
    return to_simplified(text).lower()


def char_bigrams(text):
    """Overlapping character pairs of each Chinese run, plus Latin words and numbers.

    A lone Chinese character stays a token of its own so one-character queries
    still match.
    """
    text = normalise(text)
    tokens = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(_OTHER_WORD.findall(text))
    return tokens


def bigram_field(text):
    """The value stored in (and searched against) a whitespace-analysed bigram field."""
    return " ".join(char_bigrams(text))


# --- Words, pinyin, synonyms and highlighting (issue 5) -------------------------------

_LATIN_QUERY = re.compile(r"^[a-z]+$")
_SEPARATORS = re.compile(r"[,，、;；\s/|]+")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    return jieba


def words(text):
    """Words of the text cut by jieba in search mode (业主委员会 → 业主, 委员, 委员会, 业主委员会)."""
    text = normalise(text)
    return [
        word
        for word in _jieba().cut_for_search(text)
        if CJK_RUN.fullmatch(word) or _OTHER_WORD.fullmatch(word)
    ]


def word_field(text):
    return " ".join(words(text))


@lru_cache(maxsize=100_000)
def _run_syllables(run):
    return tuple(lazy_pinyin(run, errors="ignore"))


def pinyin_runs(text):
    """Toneless pinyin of each Chinese run, one syllable per character ("gao kong pao wu").

    Each run becomes one value of a multi-valued field, so a phrase never
    matches across punctuation. Tones are dropped on purpose: a homophone typo
    (高空抛无) then still finds the right text.
    """
    return [" ".join(_run_syllables(run)) for run in CJK_RUN.findall(normalise(text))]


def initials_runs(text):
    """First letters of the pinyin of each Chinese run ("g k p w" for 高空抛物)."""
    return [" ".join(syllable[0] for syllable in run.split()) for run in pinyin_runs(text)]


@lru_cache(maxsize=1)
def pinyin_syllables():
    """Every toneless pinyin syllable pypinyin knows (about 420)."""
    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllables.add(to_normal(reading, v_to_u=False))
    return frozenset(syllable for syllable in syllables if syllable.isalpha())


@lru_cache(maxsize=1)
def _syllable_prefixes():
    return frozenset(s[:i] for s in pinyin_syllables() for i in range(1, len(s) + 1))


def split_pinyin(letters):
    """Split typed pinyin into syllables, fewest first (gaokongpaowu → gao kong pao wu).

    The last piece may be an unfinished syllable (gaokongp → gao kong p), so
    pinyin works while typing. Returns None when the letters are not pinyin.
    """
    syllables, prefixes = pinyin_syllables(), _syllable_prefixes()
    n = len(letters)
    best = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            if best[start] is None:
                continue
            piece = letters[start:end]
            if piece in syllables or (end == n and piece in prefixes):
                candidate = [*best[start], piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


def parse_synonyms(line):
    """One synonym group as admins type it: 业主，业户、住户 客户."""
    return [term for term in (normalise(part) for part in _SEPARATORS.split(line or "")) if term]


@dataclass
class AnalysedQuery:
    """What the query analysis hands to the query builder and the highlighter."""

    text: str
    variants: list = field(default_factory=list)
    syllables: list | None = None
    initials: list | None = None

    @property
    def simplified(self):
        return self.variants[0] if self.variants else ""

    @property
    def is_empty(self):
        return not (self.simplified or self.syllables or self.initials)


def expand_synonyms(text, groups, limit=8):
    """The query and its variants with each synonym swapped in (业主 → 业户, 住户, 客户)."""
    variants = [text]
    for group in groups:
        for term in group:
            if term not in text:
                continue
            for variant in list(variants):
                for other in group:
                    if other != term and term in variant:
                        replaced = variant.replace(term, other)
                        if replaced not in variants:
                            variants.append(replaced)
            break
    return variants[:limit]


def analyse_query(text, synonym_groups=()):
    text = (text or "").strip()[:100]
    simplified = normalise(text).strip()
    query = AnalysedQuery(text=text, variants=expand_synonyms(simplified, synonym_groups))
    letters = "".join(simplified.split())
    if _LATIN_QUERY.fullmatch(letters):
        query.syllables = split_pinyin(letters)
        if 2 <= len(letters) <= 8:
            query.initials = list(letters)
    return query


# --- Highlighting on the original text ------------------------------------------------


def _folded_chars(text):
    """Simplified lower-case text aligned character for character with the original."""
    folded = normalise(text)
    if len(folded) == len(text):
        return folded
    return "".join((normalise(char) or char)[:1] for char in text)


def _mark_substrings(folded, term, marks):
    start = folded.find(term)
    while term and start != -1:
        marks[start : start + len(term)] = [True] * len(term)
        start = folded.find(term, start + 1)


def _mark_pinyin(folded, wanted, marks, use_initials):
    """Mark characters whose pinyin spells the typed syllables (or initials)."""
    readings = [
        (_run_syllables(char) or ("",))[0] if CJK_RUN.fullmatch(char) else "" for char in folded
    ]
    if use_initials:
        readings = [reading[:1] for reading in readings]
    size = len(wanted)
    for start in range(len(readings) - size + 1):
        window = readings[start : start + size]
        if window[:-1] == wanted[:-1] and window[-1] and window[-1].startswith(wanted[-1]):
            marks[start : start + size] = [True] * size


def query_marks(text, query):
    """Which characters of the original text the query matched."""
    folded = _folded_chars(text)
    marks = [False] * len(text)
    for variant in query.variants:
        for run in CJK_RUN.findall(variant):
            _mark_substrings(folded, run, marks)
        for token in char_bigrams(variant):
            if len(token) > 1 or len(variant) == 1:
                _mark_substrings(folded, token, marks)
    if query.syllables:
        _mark_pinyin(folded, query.syllables, marks, use_initials=False)
    if query.initials and not any(marks):
        _mark_pinyin(folded, query.initials, marks, use_initials=True)
    # A homophone typo (高空抛无) matches through pinyin, so mark whole runs by their pinyin too.
    for run in pinyin_runs(query.simplified) if not query.syllables else ():
        if len(run.split()) > 1:
            _mark_pinyin(folded, run.split(), marks, use_initials=False)
    return marks


def highlight(text, query, fragment_size=None):
    """The original text, escaped, with matched characters wrapped in <mark>.

    With ``fragment_size`` only a window around the first match is returned.
    """
    text = text or ""
    marks = query_marks(text, query)
    start, end = 0, len(text)
    if fragment_size and len(text) > fragment_size:
        first = marks.index(True) if any(marks) else 0
        start = max(0, first - fragment_size // 4)
        end = min(len(text), start + fragment_size)
    pieces, open_mark = [], False
    for position in range(start, end):
        if marks[position] != open_mark:
            pieces.append("<mark>" if marks[position] else "</mark>")
            open_mark = marks[position]
        pieces.append(escape(text[position]))
    if open_mark:
        pieces.append("</mark>")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix
