"""Chinese text analysis done in Python, shared by indexing and querying.

The Elasticsearch server core has no CJK analysis (no analysis-common module),
so text is folded and cut into tokens here and stored in whitespace-analysed
fields. Indexing and querying call the same functions, so both sides always
agree.

A query is read the way a caller speaks: filler and emotion (真是的, 烦死了) and
room numbers (12楼) are set aside, the rest becomes concepts (words or lexicon
terms, each with its synonyms), character bigrams for strict matching and a
pinyin syllable stream (Chinese characters and typed pinyin alike) for homophone
typos and mixed queries such as 快递gui满了.
"""

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape
from pathlib import Path

import opencc
from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.seg.simpleseg import seg as pinyin_seg

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OTHER_WORD = re.compile(r"[0-9a-z]+")
_SEGMENT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z]+|[0-9]+")
_CLAUSE = re.compile(r"[^\s,.;:!?，。；：！？、()（）“”\"'《》\[\]【】/|\\-]+")

# Words a caller says around the matter itself: they never decide what matches.
FILLER = [
    "真是的",
    "麻烦你们",
    "麻烦你",
    "烦死了",
    "烦死",
    "气死了",
    "气死",
    "受不了了",
    "受不了",
    "怎么回事",
    "好几次了",
    "好几次",
    "真的是",
    "真的",
    "到底",
    "究竟",
    "请问一下",
    "请问",
    "问一下",
    "想问",
    "我想问",
    "我想",
    "你好",
    "您好",
    "谢谢",
    "你们",
    "我们",
    "咱们",
    "一下",
    "一点",
    "有点",
    "有没有",
    "是不是",
    "能不能",
    "可不可以",
    "可以吗",
    "行不行",
    "怎么",
    "怎么样",
    "为什么",
    "凭什么",
    "什么",
    "这个",
    "那个",
    "这样",
    "那样",
    "就是",
    "还是",
    "而且",
    "然后",
    "还有",
    "老是",
    "总是",
    "天天",
    "每天",
    "一直",
    "已经",
    "现在",
    "今天",
    "昨天",
    "刚才",
    "最近",
    "经常",
    "好久",
    "又",
    "也",
    "都",
    "还",
    "就",
    "在",
    "了",
    "的",
    "得",
    "地",
    "着",
    "过",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "哦",
    "嘛",
    "啦",
    "哎",
    "唉",
    "我",
    "你",
    "他",
    "她",
    "它",
    "我家",
    "你家",
    "他家",
    "我的",
    "你的",
    "家里",
    "自己",
    "人家",
    "有人",
    "别人",
    "谁",
    "给",
    "把",
    "被",
    "让",
    "对",
    "跟",
    "和",
    "与",
    "是",
    "有",
    "很",
    "太",
    "要",
    "会",
    "能",
    "去",
    "说",
    "看",
    "想",
    "帮",
    "帮忙",
    "一个",
    "个",
    "些",
    "那",
    "这",
    "哪",
    "啥",
]
_FILLER_SET = frozenset(FILLER)

# What callers add on the phone and scripts never say (快来看看, 好多遍, 干嘛): set aside in
# queries only, so the index stays as it is.
CALLER_FILLER = [
    "三天两头",
    # How a call opens and runs on (喂喂听得到吗, 我跟你说, 说实话, 没别的事): talk around the
    # matter that no script says.
    "喂喂",
    "喂",
    "听得到吗",
    "听得见吗",
    "听到吗",
    "小伙子",
    "小姑娘",
    "美女",
    "帅哥",
    "我跟你说",
    "跟你说",
    "说实话",
    "说真的",
    "没别的事",
    "是这样的",
    "就是想",
    "就想",
    "问问",
    "问下",
    "估计",
    "好像",
    "感觉",
    "哈",
    "嗯",
    "呃",
    "上个月",
    "下个月",
    "这几天",
    "这两天",
    "前几天",
    "前两天",
    "刚刚",
    "刚",
    "快来看看",
    "快来",
    "看看",
    "快点",
    "赶紧",
    "马上",
    "干嘛",
    "干什么",
    "怎么搞的",
    "搞什么",
    "好多遍",
    "好几遍",
    "好几回",
    "没有啊",
    "里",
    "里面",
    "上面",
    "下面",
    "那边",
    "这边",
    "那里",
    "这里",
    "几个",
    "全是",
    "来",
    "快",
    "一样",
    "比较",
    "特别",
    "非常",
    "根本",
    "老",
    "总",
    "再",
    "才",
    "点",
    "家",
]
_QUERY_FILLER = _FILLER_SET | frozenset(CALLER_FILLER)

# When it happened (半个小时, 一个多礼拜, 凌晨两点) tells how long, not what; like an address it
# stays out of matching.
_WHEN = re.compile(
    r"(?:[0-9]+|[一二三四五六七八九十两几半好整]+)(?:个多|个|多)?"
    r"(?:小时|钟头|分钟|天|晚上|晚|夜|个月|月|年|周|礼拜|星期|点钟|点|遍|回)"
)

# Addresses in a call (12楼, 3栋, 1801室, 负二层) tell where, not what; they stay out of matching.
_ADDRESS = re.compile(
    r"(?:[0-9]+|[一二三四五六七八九十两负]+)(?:号楼|楼|层|栋|幢|单元|室|号|期)|[a-z][0-9]+|[0-9]+"
)

# Near-shape slips that sound different, so pinyin cannot catch them (停车埸 for 停车场).
_NEAR_SHAPE = str.maketrans({"埸": "场", "塲": "场", "汙": "污"})


@lru_cache(maxsize=1)
def _t2s():
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars():
    """The characters whose presence lets OpenCC's t2s change a text: those it converts on
    their own, plus the one differing character of each phrase that changes without any such
    character (回覆 → 回复). A text with none of them comes back as it is."""
    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    found = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            target = targets.split(" ")[0]
            if source == target or any(char in found for char in source):
                continue
            differing = {a for a, b in zip(source, target, strict=False) if a != b}
            found.update(differing or source)
    return frozenset(found)


def to_simplified(text):
    """Fold Traditional characters to Simplified (業戶投訴 → 业户投诉).

    Most text staff type is Simplified already; it skips the converter, which costs
    about as much as the rest of the analysis together."""
    text = text or ""
    if _traditional_chars().isdisjoint(text):
        return text
    return _t2s().convert(text)


@lru_cache(maxsize=200_000)
def normalise(text):
    """Simplified, half-width, lower case. Cached: imports repeat titles and phrases a lot."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).lower()


def clauses(text):
    """The text cut at punctuation: no token ever spans two clauses."""
    return _CLAUSE.findall(normalise(text))


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


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    for term in lexicon_terms():
        if len(term) > 1 and CJK_RUN.fullmatch(term):
            jieba.add_word(term, freq=2000)
    return jieba


@lru_cache(maxsize=200_000)
def _run_syllables(run):
    """Toneless pinyin of a Chinese run, read word by word as pypinyin itself cuts it: the
    words recur across scripts far more than whole runs do, so their readings are cached."""
    return tuple(syllable for word in pinyin_seg(run) for syllable in _word_syllables(word))


@lru_cache(maxsize=100_000)
def _word_syllables(word):
    return tuple(lazy_pinyin(word, errors="ignore"))


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


def syllable_bigrams(syllables):
    """Neighbouring syllables joined (ting_che che_fei): homophones and typed pinyin meet here."""
    if len(syllables) == 1:
        return [syllables[0]]
    return [f"{a}_{b}" for a, b in itertools.pairwise(syllables)]


# The token streams analyse_text() can make of a text, as the index stores them.
TOKEN_STREAMS = ("bigrams", "pinyin", "pybigrams", "initials")
_READINGS = ("pinyin", "pybigrams", "initials")


@lru_cache(maxsize=300_000)
def _clause_bigrams(clause):
    return tuple(char_bigrams(clause))


@lru_cache(maxsize=300_000)
def _clause_readings(clause):
    """Pinyin runs, syllable pairs and initials of one clause; cached, since scripts repeat
    their phrases a lot."""
    runs = [syllables for syllables in map(_run_syllables, CJK_RUN.findall(clause)) if syllables]
    return {
        "pinyin": tuple(" ".join(run) for run in runs),
        "pybigrams": tuple(token for run in runs for token in syllable_bigrams(run)),
        "initials": tuple(" ".join(syllable[0] for syllable in run) for run in runs),
    }


def analyse_text(text, streams=TOKEN_STREAMS):
    """The derived values of one text field, as stored in the index. Only the ``streams``
    asked for are made: a long answer needs its character pairs, not its pinyin."""
    parts = clauses(text)
    analysed = {}
    if "bigrams" in streams:
        analysed["bigrams"] = " ".join(token for part in parts for token in _clause_bigrams(part))
    wanted = [name for name in _READINGS if name in streams]
    readings = [_clause_readings(part) for part in parts] if wanted else []
    for name in wanted:
        tokens = [token for part in readings for token in part[name]]
        # Pinyin and initials keep one value per run, so a phrase never spans punctuation.
        analysed[name] = " ".join(tokens) if name == "pybigrams" else tokens
    return analysed


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


def split_pinyin(letters, allow_partial=True):
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
            if piece in syllables or (allow_partial and end == n and piece in prefixes):
                candidate = [*best[start], piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


# --- The domain lexicon and admin synonyms ---------------------------------------------

_SEPARATORS = re.compile(r"[,，、;；\s/|]+")


def parse_synonyms(line):
    """One synonym group as admins type it: 业主，业户、住户 客户."""
    return [term for term in (normalise(part) for part in _SEPARATORS.split(line or "")) if term]


def _lexicon_lines():
    path = Path(__file__).resolve().parent / "data" / "lexicon.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


# A lexicon line starting with "?" holds ways of asking (怎么办, 怎么处理): they say what the
# caller wants done, not what the matter is, so they only reorder what the matter found.
_QUESTION_MARK = "?"


@lru_cache(maxsize=1)
def lexicon_groups():
    """The shipped property-service lexicon (search/data/lexicon.txt), one group per line."""
    groups = []
    for line in _lexicon_lines():
        group, _, broader = line.removeprefix(_QUESTION_MARK).partition("=>")
        terms = parse_synonyms(group)
        if len(terms) > 1 or broader:
            groups.append((tuple(dict.fromkeys(terms)), tuple(parse_synonyms(broader))))
    return tuple(groups)


@lru_cache(maxsize=1)
def question_forms():
    """The terms of the lexicon's question-form lines."""
    return frozenset(
        term
        for line in _lexicon_lines()
        if line.startswith(_QUESTION_MARK)
        for term in parse_synonyms(line.removeprefix(_QUESTION_MARK).partition("=>")[0])
    )


@lru_cache(maxsize=1)
def lexicon_terms():
    return frozenset(term for group, _broader in lexicon_groups() for term in group)


class Thesaurus:
    """Lexicon and admin groups merged: every term with the other terms of its groups."""

    def __init__(self, groups=()):
        self.alternatives = {}
        for group, broader in (*lexicon_groups(), *((tuple(group), ()) for group in groups)):
            for term in group:
                others = self.alternatives.setdefault(term, [])
                wider = [*broader, *(other for other in group if other != term)]
                others.extend(other for other in wider if other not in others)
        self.longest = max((len(term) for term in self.alternatives), default=1)
        self.question_forms = question_forms()

    def concept(self, term, implied=False):
        """The concept of one term with its synonyms (at most 16)."""
        return Concept(term, list(self.alternatives.get(term, []))[:16], implied=implied)

    def all_at(self, text, start):
        """The lexicon terms (two characters or more) that begin at ``start`` of ``text``."""
        sizes = range(2, min(self.longest, len(text) - start) + 1)
        pieces = (text[start : start + size] for size in sizes)
        return [piece for piece in pieces if piece in self.alternatives]


@lru_cache(maxsize=64)
def _thesaurus(groups):
    return Thesaurus(groups)


def warm_up():
    """Load the dictionaries and the lexicon now (before forking workers, or before the
    first call on the phone)."""
    _jieba()
    _t2s()
    _traditional_chars()
    pinyin_syllables()
    _terms_by_pinyin()


# --- Queries --------------------------------------------------------------------------


@dataclass
class Concept:
    """One meaningful piece of the query and the other ways a script may put it."""

    term: str
    alternatives: list = field(default_factory=list)
    # Read from the form of the question (怎么交 asks for the way to pay) rather than said.
    implied: bool = False
    # A lexicon word that sounds like what was typed (物叶费 → 物业费): a guess, weighed less.
    heard: bool = False

    @property
    def single_character(self):
        return len(self.term) == 1 and CJK_RUN.fullmatch(self.term) is not None


@dataclass
class AnalysedQuery:
    """What the query analysis hands to the query builder and the highlighter."""

    text: str
    simplified: str = ""
    core: str = ""
    concepts: list = field(default_factory=list)
    syllables: list = field(default_factory=list)
    latin_syllables: list | None = None
    initials: list | None = None
    numbers: list = field(default_factory=list)

    @property
    def variants(self):
        """The query text and every synonym it may have been matched through (for marking)."""
        terms = [self.core or self.simplified]
        for concept in self.concepts:
            terms += [concept.term, *concept.alternatives]
        return [term for term in dict.fromkeys(terms) if term]

    @property
    def is_empty(self):
        # A room alone (3栋1201) still asks for something: the household or its cases.
        return not (self.core or self.concepts or self.syllables or self.initials or self.numbers)

    @property
    def latin_only(self):
        return self.latin_syllables is not None or self.initials is not None


# Filler of three characters or more (真是的, 好几次了, 怎么回事) is a set phrase no real word
# contains, yet jieba cuts some of them apart (真是/的, 好/几次/了); those go as a whole first.
_FILLER_PHRASES = re.compile(
    "|".join(
        sorted(
            (re.escape(word) for word in (*FILLER, *CALLER_FILLER) if len(word) >= 3),
            key=len,
            reverse=True,
        )
    )
)


def _kept_pieces(text):
    """Per clause, the runs of words left once filler and emotion are set aside."""
    clauses_kept = []
    for clause in _CLAUSE.findall(text):
        pieces, piece = [], []
        for word in _jieba().cut(_FILLER_PHRASES.sub(" ", clause)):
            if word in _QUERY_FILLER or not word.strip():
                pieces.append("".join(piece))
                piece = []
            else:
                piece.append(word)
        pieces.append("".join(piece))
        clauses_kept.append([piece for piece in pieces if piece])
    return [pieces for pieces in clauses_kept if pieces]


def _core(pieces):
    """What the caller said without filler; a gap where filler was, so the strict tier never
    asks for a character pair the caller did not say together."""
    return " ".join(piece for clause in pieces for piece in clause)


def _lexicon_spans(run, terms):
    """Every lexicon term in the run that no longer one found there contains. Terms may
    overlap: 乱停车位 holds both 乱停 and 车位, and taking 乱停车 whole would lose the 车位."""
    spans = [
        (start, start + len(term), term)
        for start in range(len(run))
        for term in terms.all_at(run, start)
    ]
    return [
        (start, end, term)
        for start, end, term in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    ]


def _run_terms(run, terms, gaps):
    """Lexicon terms where the lexicon knows the words (also across removed filler: 水都没有
    is 水没有), jieba words for what is left, cut only between the gaps (邻居家的狗 never
    gives 家狗), in order."""
    spans = _lexicon_spans(run, terms)
    covered = {position for start, end, _ in spans for position in range(start, end)}
    found, rest = [], []
    for position, char in enumerate(run):
        if position in covered or position in gaps:
            found.append((position, _plain_words("".join(rest))))
            rest = []
        if position not in covered:
            rest.append(char)
    found.append((len(run), _plain_words("".join(rest))))
    found += [(start, [term]) for start, _end, term in spans]
    return [term for _position, words in sorted(found, key=lambda item: item[0]) for term in words]


def _runs_with_gaps(pieces):
    """The Chinese runs of each clause with filler taken out, and where the filler was."""
    for clause in pieces:
        joined = "".join(clause)
        gaps = set(itertools.accumulate(len(piece) for piece in clause))
        for match in CJK_RUN.finditer(joined):
            yield (
                match.group(),
                {gap - match.start() for gap in gaps if match.start() < gap < match.end()},
            )


def _concepts(pieces, terms):
    """Lexicon terms first, jieba words for the rest; two words of one synonym group
    (对门邻居) are one concept, counted once."""
    found = (term for run, gaps in _runs_with_gaps(pieces) for term in _run_terms(run, terms, gaps))
    concepts = []
    for term in dict.fromkeys(found):
        alternatives = terms.alternatives.get(term, [])
        same = next(
            (
                concept
                for concept in concepts
                if term in concept.alternatives and concept.term in alternatives
            ),
            None,
        )
        if same is None:
            concepts.append(terms.concept(term, implied=term in terms.question_forms))
    return concepts


# Particles jieba sometimes glues onto the word before them (凶得很 → 凶得, 黄了 → 黄了).
_TRAILING_PARTICLES = "的得地了着过很"


def _plain_words(text):
    if not text:
        return []
    words = (_without_particles(word) for word in _jieba().cut(text))
    return [word for word in words if word and word not in _QUERY_FILLER]


def _without_particles(word):
    """A word jieba does not know, without the particles stuck to its end: 凶得 is 凶."""
    if len(word) < 2 or _jieba().dt.FREQ.get(word):
        return word
    return word.rstrip(_TRAILING_PARTICLES) or word


def _syllable_stream(simplified):
    """Syllables of the whole query in order: Chinese characters read out, typed pinyin split."""
    syllables = []
    for segment in _SEGMENT.findall(simplified):
        if CJK_RUN.fullmatch(segment):
            syllables += _run_syllables(segment)
        elif segment.isalpha():
            syllables += split_pinyin(segment, allow_partial=False) or []
    return syllables


def _latin_concepts(core, terms):
    """Typed pinyin inside a Chinese query (快递gui满了, 物业fei) read as the lexicon words it
    spells together with the characters around it."""
    stream, typed = [], []
    for segment in _SEGMENT.findall(core):
        if CJK_RUN.fullmatch(segment):
            syllables = _run_syllables(segment)
            typed += [False] * len(syllables)
        elif segment.isalpha():
            syllables = split_pinyin(segment, allow_partial=False) or []
            typed += [True] * len(syllables)
        else:
            continue
        stream += syllables
    spelled, by_pinyin = [], _terms_by_pinyin()
    for size in (4, 3, 2):
        for start in range(len(stream) - size + 1):
            if any(typed[start : start + size]):
                spelled += by_pinyin.get(tuple(stream[start : start + size]), ())
    spelled = list(dict.fromkeys(spelled))[:4]
    return [terms.concept(term) for term in spelled]


HOMOPHONE_TERMS = 3


def _homophone_concepts(core, concepts, terms):
    """Lexicon words that read like characters the lexicon does not know (电悌 → 电梯,
    物叶费 → 物业费): a typed homophone then finds what the right word finds, synonyms
    included. Words written right are left alone, so their homophones never creep in."""
    said = {concept.term for concept in concepts}
    by_pinyin, heard = _terms_by_pinyin(), []
    for run in CJK_RUN.findall(core):
        syllables = _run_syllables(run)
        if len(syllables) != len(run):
            continue
        known = {
            position
            for start in range(len(run))
            for term in terms.all_at(run, start)
            for position in range(start, start + len(term))
        }
        for size in (4, 3, 2):
            for start in range(len(run) - size + 1):
                if all(position in known for position in range(start, start + size)):
                    continue
                written = run[start : start + size]
                heard += [
                    term
                    for term in by_pinyin.get(tuple(syllables[start : start + size]), ())
                    if term != written and term not in said
                ]
    heard = list(dict.fromkeys(heard))[:HOMOPHONE_TERMS]
    return [replace(terms.concept(term), heard=True) for term in heard]


# 怎么交, 如何申请: the caller asks for the way to do something, and the script answering that
# names 方式 or 办法. Not 怎么办 or 怎么回事, which ask what to do about a matter.
_HOW_TO = re.compile(
    r"(?:怎么|怎样|如何|咋)(?!办|回事|样|了|搞|会|还|又|都|也|这么|那么|不|没)[\u3400-\u9fff]"
)
METHOD_TERM = "方式"


# A clock time said (早上七点, 八点不到, 一大早) asks about the hours something is allowed at:
# the script giving those hours names 时间.
_CLOCK = re.compile(r"(?:[0-9]+|[一二三四五六七八九十两几]+)点(?!儿)|一大早|大清早|清早")
TIME_TERM = "时间"


def _time_concepts(text, concepts, terms):
    if not _CLOCK.search(text) or any(concept.term == TIME_TERM for concept in concepts):
        return []
    return [terms.concept(TIME_TERM, implied=True)]


def _method_concepts(text, concepts, terms):
    if not _HOW_TO.search(text) or any(concept.term == METHOD_TERM for concept in concepts):
        return []
    return [terms.concept(METHOD_TERM, implied=True)]


@lru_cache(maxsize=1)
def _terms_by_initials():
    spelled = {}
    for syllables, found in _terms_by_pinyin().items():
        spelled.setdefault("".join(syllable[0] for syllable in syllables), []).extend(found)
    return spelled


def _spelled_concepts(letters, syllables, terms):
    """Lexicon words the typed letters spell, in full (wuyefei) or by initials (wyf, gkpw):
    a script may hold the word where its initials are not indexed (the body, mid-title)."""
    spelled = list(_terms_by_pinyin().get(tuple(syllables or ()), ()))
    by_initials = _terms_by_initials()
    # The whole of the letters first, then the words of three letters or more inside them
    # (wyfzmj: 物业费 and 怎么交), so initials of a whole question still find its words.
    for size in range(len(letters), 2, -1) if len(letters) <= MAX_INITIALS else ():
        for start in range(len(letters) - size + 1):
            spelled += by_initials.get(letters[start : start + size], ())
    if len(letters) == 2:
        spelled += by_initials.get(letters, ())
    return [terms.concept(term) for term in list(dict.fromkeys(spelled))[:SPELLED_TERMS]]


SPELLED_TERMS = 6
MAX_INITIALS = 12


@lru_cache(maxsize=1)
def _terms_by_pinyin():
    spelled = {}
    for term in lexicon_terms():
        if CJK_RUN.fullmatch(term):
            spelled.setdefault(_run_syllables(term), []).append(term)
    return spelled


@lru_cache(maxsize=5_000)
def _analyse(text, groups):
    terms = _thesaurus(groups)
    simplified = normalise(text).translate(_NEAR_SHAPE).strip()
    query = AnalysedQuery(text=text, simplified=simplified)
    letters = "".join(simplified.split())
    if re.fullmatch(r"[a-z]+", letters):
        query.latin_syllables = split_pinyin(letters)
        if 2 <= len(letters) <= MAX_INITIALS:
            query.initials = list(letters)
        spaced = [split_pinyin(word, allow_partial=False) for word in simplified.split()]
        query.syllables = [s for word in spaced if word for s in word] or (
            query.latin_syllables or []
        )
        query.concepts = _spelled_concepts(letters, query.latin_syllables, terms)
        return query
    # Numbers still find a room or a case number, at a weight that never outranks the matter.
    query.numbers = list(dict.fromkeys(re.findall(r"[0-9]+", simplified)))
    without_address = _ADDRESS.sub(" ", _WHEN.sub(" ", simplified))
    pieces = _kept_pieces(without_address)
    query.core = _core(pieces)
    query.concepts = _concepts(pieces, terms) + _latin_concepts(query.core, terms)
    query.concepts += _homophone_concepts(query.core, query.concepts, terms)
    query.concepts += _method_concepts(without_address, query.concepts, terms)
    query.concepts += _time_concepts(simplified, query.concepts, terms)
    query.syllables = _syllable_stream(query.core)
    return query


def analyse_query(text, synonym_groups=()):
    text = (text or "").strip()[:100]
    return _analyse(text, tuple(tuple(group) for group in synonym_groups))


def synonym_explanations(query, text):
    """Which synonyms a hit was found through: [(typed term, term in the script)]."""
    folded = normalise(text)
    explained = []
    for concept in query.concepts:
        if concept.implied or concept.term in folded:
            continue
        for alternative in concept.alternatives:
            if alternative in folded:
                explained.append((concept.term, alternative))
                break
    return explained


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


@lru_cache(maxsize=20_000)
def _readings(folded):
    """The toneless pinyin of each character ("" for others); kept, as the scripts callers ask
    about most are highlighted again and again."""
    return tuple(
        (_run_syllables(char) or ("",))[0] if CJK_RUN.fullmatch(char) else "" for char in folded
    )


def _mark_pinyin(readings, wanted, marks, use_initials):
    """Mark characters whose pinyin spells the typed syllables (or initials)."""
    if use_initials:
        readings = tuple(reading[:1] for reading in readings)
    wanted, size = tuple(wanted), len(wanted)
    for start in range(len(readings) - size + 1):
        if size > 1 and readings[start] != wanted[0]:
            continue
        window = readings[start : start + size]
        if window[:-1] == wanted[:-1] and window[-1] and window[-1].startswith(wanted[-1]):
            marks[start : start + size] = [True] * size


def query_marks(text, query):
    """Which characters of the original text the query matched."""
    folded = _folded_chars(text)
    marks = [False] * len(text)
    for token in char_bigrams(query.core):
        if len(token) > 1:
            _mark_substrings(folded, token, marks)
    for concept in query.concepts:
        # Synonyms are marked only where they appear whole.
        for term in (concept.term, *concept.alternatives):
            _mark_substrings(folded, term, marks)
    readings = _readings(folded)
    if query.latin_syllables:
        _mark_pinyin(readings, query.latin_syllables, marks, use_initials=False)
    if query.initials and not any(marks):
        _mark_pinyin(readings, query.initials, marks, use_initials=True)
    if not query.latin_only:
        # A homophone typo (高空抛无) matches through pinyin, so mark words by their pinyin too.
        for term in (query.core, *(concept.term for concept in query.concepts)):
            for run in CJK_RUN.findall(term):
                if len(run) > 1:
                    _mark_pinyin(readings, list(_run_syllables(run)), marks, use_initials=False)
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
    # Escaped a run of equally marked characters at a time, not character by character.
    pieces, position = [], start
    for marked, run in itertools.groupby(marks[start:end]):
        size = len(list(run))
        piece = escape(text[position : position + size])
        pieces.append(f"<mark>{piece}</mark>" if marked else piece)
        position += size
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix
