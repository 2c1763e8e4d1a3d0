"""Chinese text analysis done in Python, shared by indexing and querying.

The Elasticsearch server core has no CJK analysis (no analysis-common module),
so text is folded and cut into tokens here and stored in whitespace-analysed
fields. Indexing and querying call the same functions, so both sides always
agree.
"""

import re
from functools import lru_cache

import opencc

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OTHER_WORD = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=1)
def _t2s():
    return opencc.OpenCC("t2s")


def to_simplified(text):
    """Fold Traditional characters to Simplified (業戶投訴 → 业户投诉)."""
    return _t2s().convert(text or "")


def normalise(text):
    return to_simplified(text).lower()


def char_bigrams(text):
    """Overlapping character pairs of each Chinese run, plus Latin words and numbers.

    A lone Chinese character stays a token of its own so one-character queries
    still match.
    """
    text = normalise(text)
    tokens = []
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(_OTHER_WORD.findall(text))
    return tokens


def bigram_field(text):
    """The value stored in (and searched against) a whitespace-analysed bigram field."""
    return " ".join(char_bigrams(text))
