"""The figures of a text, each with the thing it counts: "3-6个月", "1-3 SaaS tools", "20%".

A number alone says little: the article's "1-3 个云端 SaaS 的 AI 工具" and an answer's
"1-3 thousand yuan" share the digits and nothing else. Each figure is read with its unit
or noun, in Chinese and in English, and put into one vocabulary (months, percent, yuan,
tools…) with its value in that unit: years and 半年 become months, 万元 and "thousand
yuan" become yuan. A range ("3至6个月", "3 to 6 months", "1-3千元") gives each end the
unit written after the last one.

Words for numbers ("三个月", "six months") count before a unit of time or money only:
elsewhere "一" and "one" are mostly articles ("一种工具", "one of the tools").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTH, WEEK, DAY, PERCENT, YUAN, DOLLAR, TIMES = "month", "week", "day", "percent", "yuan", "dollar", "times"
TOOL, MODEL, PROJECT, PERSON, STAGE = "tool", "model", "project", "person", "stage"
TIME_UNITS = frozenset({MONTH, WEEK, DAY})
# Units a number written in words is read with; elsewhere such words are mostly articles.
_WORDED_UNITS = TIME_UNITS | {YUAN, DOLLAR, TIMES}

# Full-width digits, signs and punctuation as ASCII, one character for one, so that the
# patterns below need only the ASCII forms (models write "，" and "（" as often as ",").
_FULL_WIDTH = str.maketrans(
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff05\uff0e\uff0d\uff5e"
    "\uff0c\uff1b\uff1a\uff08\uff09\uff01\uff1f\u3010\u3011",
    "0123456789%.-~,;:()!?[]")
_ZH_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_WORD = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20,
            "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}

# One number as written: digits (1,000 / 1.5), Chinese numerals, an English number word,
# or a half year. A digit glued to a Latin word ("Qwen2.5", "e5") is part of a name.
_NUMBER = re.compile(
    r"(?P<half>半年|half[- ]a[- ]year|half[- ]year)"
    r"|(?<![A-Za-z\d.])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<zh>[一二两三四五六七八九十][一二两三四五六七八九十百千万]*)"
    r"|\b(?P<en>" + "|".join(_EN_WORD) + r")\b",
    re.I,
)
_CONNECTOR = re.compile(r"\s*(?:-|–|—|~|〜|至|到|\bto\b|\band\b)\s*", re.I)
_SCALE = re.compile(r"\s*(?P<scale>万|千|百万|亿|thousand\b|k\b|million\b)", re.I)
_SCALES = {"万": 1e4, "千": 1e3, "百万": 1e6, "亿": 1e8, "thousand": 1e3, "k": 1e3, "million": 1e6}
# Units written right after a number, most specific first: (pattern, unit, factor, +value).
_UNITS: list[tuple[re.Pattern[str], str, float, float]] = [
    (re.compile(p, re.I), unit, factor, extra) for p, unit, factor, extra in (
        (r"个百分点|%|percent\b|per cent\b|percentage points?\b|pct\b", PERCENT, 1, 0),
        (r"年半", MONTH, 12, 0.5),
        (r"个多?月|月(?!份)|months?\b|mos?\b", MONTH, 1, 0),
        (r"个?星期|周(?![期边围末])|weeks?\b", WEEK, 1, 0),
        (r"年|years?\b|yrs?\b", MONTH, 12, 0),
        (r"天|days?\b", DAY, 1, 0),
        (r"倍|times\b|-?fold\b|x\b", TIMES, 1, 0),
        (r"元|块钱?|人民币|yuan\b|rmb\b|cny\b|renminbi\b", YUAN, 1, 0),
        (r"美元|dollars?\b|usd\b", DOLLAR, 1, 0),
        (r"名|位|人(?!民币)|people\b|persons?\b|employees?\b|staff\b|members?\b|headcount\b", PERSON, 1, 0),
        (r"个?阶段|stages?\b|phases?\b", STAGE, 1, 0),
    )
]
_CURRENCY_BEFORE = re.compile(r"(?:¥|￥|rmb|cny|人民币|us\$|\$)\s*$", re.I)
_CURRENCY_OF = {"$": DOLLAR, "us$": DOLLAR}
_STAGE_BEFORE = re.compile(r"(?:阶段|\bstage|\bphase|\blevel|\bstep)\s*#?\s*$", re.I)
_ORDINAL_BEFORE = re.compile(r"(?:第|每)\s*$")
# "1. 项目周期…", "2) …" at the start of a line: a list position.
_LIST_MARKER_BEFORE = re.compile(r"(?:^|\n)[ \t●•*-]*$")
_LIST_MARKER_AFTER = re.compile(r"[.)、](?!\d)")
# A counted noun after a classifier ("3 个…工具") or a few words ("1-3 cloud SaaS tools").
_CLASSIFIER = re.compile(r"\s*(?:个|款|种|项|家|套)")
_NOUNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), unit) for p, unit in (
        (r"大?语言模型|模型|\bllms?\b|\bmodels?\b", MODEL),
        (r"工具|应用|软件|saas|\btools?\b|\bapps?\b|\bapplications?\b|\bsoftware\b|\bsubscriptions?\b", TOOL),
        (r"项目|\bprojects?\b|\bpilots?\b", PROJECT),
        (r"^人(?!工)|员工|成员|同事|\bpeople\b|\bemployees?\b|\bstaff\b|\bmembers?\b", PERSON),
    )
]
_ZH_NOUN_WINDOW = re.compile(r"[^,。.;:、/\n\d!?()]{0,14}")
_EN_NOUN_WINDOW = re.compile(r"(?:\s*[A-Za-z][\w-]*){1,4}")
# Words that end the noun phrase after an English number: what follows belongs elsewhere.
_EN_PHRASE_END = re.compile(
    r"\b(?:of|to|for|in|on|at|by|with|and|or|is|are|was|were|be|that|which|per|from|than|"
    r"within|over|under|into|a|an|the|takes?|lasts?|runs?|should|will|can)\b", re.I)


@dataclass(frozen=True)
class Figure:
    """One number of a text with what it counts.

    ``value`` is in ``unit`` (months for any span of months or years, yuan for money);
    ``unit`` is None for a bare number. ``raw`` is the number as written, before any
    scale or conversion ("1.5" of "1.5年"). ``text`` is the whole figure as written, the
    range it belongs to included ("3至6个月").
    """

    text: str
    value: float
    raw: float
    unit: str | None
    start: int
    end: int
    worded: bool = False  # written in words ("三", "six") or as a half year


@dataclass
class _Token:
    start: int
    end: int
    raw: float
    worded: bool
    unit: str | None = None
    factor: float = 1.0
    extra: float = 0.0  # 年半: half a unit more
    scale: float = 1.0
    scaled: bool = False
    unit_end: int = 0
    drop: bool = False
    range_start: int | None = None  # where the range this number ends starts
    prefix_start: int | None = None  # where a currency written before it starts ("RMB 5")


def normalise(text: str) -> str:
    """``text`` with full-width digits, signs and punctuation as ASCII; positions hold."""
    return text.translate(_FULL_WIDTH)


def zh_number(text: str) -> float | None:
    """A Chinese numeral ("三", "十二", "两千", "一万五千") as a number."""
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _ZH_DIGIT:
            digit = _ZH_DIGIT[char]
        elif char == "十":
            section += (digit or 1) * 10
            digit = 0
        elif char == "百":
            section += digit * 100
            digit = 0
        elif char == "千":
            section += digit * 1000
            digit = 0
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            return None
    return float(total + section + digit)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if match.group("half"):
            tokens.append(_Token(start, end, 6.0, True, MONTH, unit_end=end))
            continue
        if match.group("digits"):
            raw, worded = float(match.group("digits").replace(",", "")), False
        elif match.group("zh"):
            raw, worded = zh_number(match.group("zh")), True
        else:
            raw, worded = float(_EN_WORD[match.group("en").lower()]), True
        if raw is None:
            continue
        tokens.append(_Token(start, end, raw, worded))
    return tokens


def _read_unit(text: str, token: _Token) -> None:
    """Fill in the scale, unit and noun written after ``token`` (and a currency before it)."""
    position = token.end
    scale = _SCALE.match(text, position)
    if scale and not token.worded:
        token.scale, token.scaled = _SCALES[scale.group("scale").lower()], True
        position = scale.end()
    rest = text[position:]
    stripped = rest.lstrip()
    offset = position + len(rest) - len(stripped)
    for pattern, unit, factor, extra in _UNITS:
        found = pattern.match(stripped)
        if found:
            token.unit, token.factor, token.extra = unit, factor, extra
            token.unit_end = offset + found.end()
            return
    before = text[:token.start]
    currency = _CURRENCY_BEFORE.search(before)
    if currency:
        token.unit = _CURRENCY_OF.get(currency.group(0).strip().lower(), YUAN)
        token.unit_end, token.prefix_start = position, currency.start()
        return
    if _STAGE_BEFORE.search(before):
        token.unit, token.unit_end = STAGE, token.end
        return
    noun = _noun_after(text, position)
    if noun is not None:
        token.unit, token.unit_end = noun


def _noun_after(text: str, position: int) -> tuple[str, int] | None:
    """The counted noun right after a number: after a classifier in Chinese ("个云端 SaaS
    的 AI 工具"), or among the next few words in English ("cloud SaaS AI tools")."""
    classifier = _CLASSIFIER.match(text, position)
    start = classifier.end() if classifier else position
    window = _ZH_NOUN_WINDOW.match(text, start).group(0)
    english = _EN_NOUN_WINDOW.match(text, start)
    if english and not classifier:
        phrase = english.group(0)
        ends = _EN_PHRASE_END.search(phrase)
        window = phrase[: ends.start()] if ends else phrase
    elif not classifier:
        window = window[:6]  # a noun glued to the number: "3人团队", "2大语言模型"
    found = [(m.start(), unit, m.end()) for pattern, unit in _NOUNS for m in [pattern.search(window)] if m]
    if not found:
        return None
    _, unit, end = min(found)
    return unit, start + end


def figures_in(text: str) -> list[Figure]:
    """Every figure of ``text``, in order; the ends of a range are two figures."""
    text = normalise(text)
    tokens = _tokens(text)
    for token in tokens:
        before = text[:token.start]
        if _ORDINAL_BEFORE.search(before) or (
                _LIST_MARKER_AFTER.match(text, token.end) and _LIST_MARKER_BEFORE.search(before)):
            token.drop = True  # 第三, 每一天, "1. …": a position or a rate, not an amount
            continue
        if token.unit is None:
            _read_unit(text, token)
    # A range gives its first end the unit and scale written after the last one.
    for head, tail in reversed(list(zip(tokens, tokens[1:]))):
        if head.drop or tail.drop or not _CONNECTOR.fullmatch(text[max(head.end, head.unit_end):tail.start]):
            continue
        if head.unit is None and tail.unit is not None:
            if not head.scaled:
                head.scale = tail.scale
            head.unit, head.factor, head.extra = tail.unit, tail.factor, tail.extra
            head.unit_end = tail.unit_end
        elif tail.unit is None and head.prefix_start is not None:  # "RMB 1-3": the currency leads
            tail.unit, tail.scale, tail.unit_end = head.unit, head.scale, tail.end
            head.unit_end = tail.end
        if head.unit == tail.unit:
            tail.range_start = head.range_start if head.range_start is not None else head.start
    figures = []
    for token in tokens:
        if token.drop or (token.worded and token.unit not in _WORDED_UNITS):
            continue
        start = token.range_start if token.range_start is not None else token.start
        currency = [t.prefix_start for t in tokens if t.start == start and t.prefix_start is not None]
        start = min([start, *currency])  # "RMB 1-3" shows its currency
        end = max(token.unit_end, token.end)
        value = (token.raw * token.scale + token.extra) * token.factor
        figures.append(Figure(text[start:end].strip(), value, token.raw, token.unit,
                              token.start, end, token.worded))
    return figures
