"""The figures a manager gives for a criterion: a percentage or a count of projects,
in digits or in words ("两成", "百分之三十", "a fifth", "three more projects").

A figure is read from the statement that speaks of the criterion only: a profile that
says "sales saved 25% of their time" and "customer satisfaction is 92%" gives each
criterion its own number. A figure that is a goal ("目标是提升20%", "we hope to save
30%") is no measurement, and is not read.
"""

from __future__ import annotations

import re

from advisor.answering.figures import zh_number

_EN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_FRACTIONS = {"a tenth": 10, "one tenth": 10, "an eighth": 12, "one eighth": 12, "a sixth": 17, "one sixth": 17,
              "a fifth": 20, "one fifth": 20, "a quarter": 25, "one quarter": 25, "a third": 33, "one third": 33,
              "half": 50, "two thirds": 67, "three quarters": 75, "一半": 50, "三分之一": 33, "四分之一": 25,
              "五分之一": 20, "翻倍": 100, "翻了一番": 100, "doubled": 100, "double": 100}

# "an AI early check-in planner that cut overtime costs by 18%": a planner is a tool, and
# "AI load planning" a task; "we're planning to" is a plan.
GOAL = re.compile(r"目标|希望|计划|打算|想要|争取|预计|期望|指望|\btarget|\bgoal|\baim|\bhop(?:e|ing)|(?<![-\w])plan(?!ners?\b|ning\b)|"
                  r"\b(?:am|are|is|was|were|'re|'m|still|now|currently)\s+planning\b|\bplanning\s+(?:to|a|an|on)\b|"
                  r"\bexpect|\bwant|\bwould like|\bwish", re.I)

_ZH_NUMBER = r"[零一二两三四五六七八九十百]+"
_EN_NUMBER = (r"(?:(?:" + "|".join(_EN_TENS) + r")(?:[- ](?:" + "|".join(list(_EN_UNITS)[:9]) + r"))?|"
              + "|".join(sorted(_EN_UNITS, key=len, reverse=True)) + ")")
# A gain said as a multiple; the diagnosis's mentions read it as a saving too.
GAIN_MULTIPLE = r"\b(?:doubled|tripled|quadrupled)\b|翻了?(?:一|两|二)?番|翻倍"
_PERCENT = re.compile(
    r"(?P<digits>\d+(?:\.\d+)?)(?:\s*(?:-|–|~|至|到|to)\s*\d+(?:\.\d+)?)?\s*(?:%|\uff05|percent\b|per cent\b|pct\b|个百分点)"
    r"|百分之(?P<zh_pct>" + _ZH_NUMBER + r"|\d+(?:\.\d+)?)"
    # "提了二十二个点": points, as managers say a percentage aloud.
    r"|(?P<points>" + _ZH_NUMBER + r"|\d+(?:\.\d+)?)\s*个(?:百分)?点(?![子心钟])"
    # "两成" is 20%, "一成六" 16%: a digit after 成 is the next place.
    r"|(?P<tenths>[一二两三四五六七八九]|\d)(?:\s*(?:-|到|至)\s*[一二两三四五六七八九\d])?\s*成"
    r"(?P<hundredths>[一二三四五六七八九](?![个项名位家人次倍年月天]))?(?![本功立长为果熟员交绩品型都])"
    r"|\b(?P<en_pct>" + _EN_NUMBER + r")\s*(?:percent|per cent)\b"
    r"|(?P<out_of>\d+)\s*(?:out of(?: every)?|in every|of (?:the |our |all )?|/|in)\s*(?P<total>\d+)\b"
    r"(?!\s*(?:%|percent|years?|months?))"
    r"|(?P<zh_total>\d+)\s*(?:个人|人|位)?(?:里|中)(?:有)?\s*(?P<zh_part>\d+)\s*(?:个|位|人)"
    # "nine in ten", "eight out of 10": a share said in words.
    r"|\b(?P<word_part>" + _EN_NUMBER + r")\s+(?:out of|in)\s+(?:every\s+)?(?P<word_total>" + _EN_NUMBER + r"|\d+)\b"
    r"(?!\s*(?:%|percent|years?|months?|weeks?|days?))"
    # "nearly two fifths", "three-tenths", "五分之二": any fraction of more than one part
    # (one part, "a fifth", is in _FRACTIONS: "a third" may also be the third of a series)
    r"|\b(?P<parts>two|three|four|five|six|seven|eight|nine)[- ](?P<whole>thirds|fifths|sixths|sevenths|eighths"
    r"|ninths|tenths)\b"
    r"|(?P<zh_whole>[二三四五六七八九十])分之(?P<zh_parts>[一二两三四五六七八九])"
    # "it's about half done", "做了一半": how far a project has got, not a gain
    r"|(?<!做了)(?<!完成了)(?<!进行了)(?<!过了)(?P<fraction>" + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r")"
    r"(?!\s*(?:done|finished|complete\w*|built|way|through|a year|an hour|the time)\b)"
    # "lessons booked per staff hour roughly doubled", "效率翻了一番": a gain of 100%
    r"|(?P<times>" + GAIN_MULTIPLE + r")",
    re.I,
)
_WHOLES = {"thirds": 3, "fifths": 5, "sixths": 6, "sevenths": 7, "eighths": 8, "ninths": 9, "tenths": 10}
# 翻两番 is "doubled twice": four times as much, a gain of 300%.
_TIMES = {"doubled": 100.0, "tripled": 200.0, "quadrupled": 300.0}
_PROJECTS = re.compile(
    r"(?<![第A-Za-z0-9])(?P<count>\d+|" + _ZH_NUMBER + r"|好几|几|" + _EN_NUMBER + r"|another|a couple of|several)"
    # "前几年从个人使用、部门内项目做到…": years are no count of projects
    r"(?!\s*(?:年|个月|个星期|星期|天|周|次|倍|岁))\s*"
    r"(?P<more>more\s+)?(?:个|项)?\s*(?:other\s+)?(?:[^\s,\uff0c、。;\uff1b.!?\uff01\uff1f]{0,10}?|(?:[\w-]+\s+){0,3}?)"
    r"(?:项目|跨部门的|projects?|ones?|initiatives?)"
    r"|(?P<tail>好几|[两二三四五六七八九十几\d]+)\s*(?:个|项)(?=\s*(?:$|[,\uff0c。;\uff1b.!?\uff01\uff1f]))"
    r"|(?P<bare>\d+|" + _ZH_NUMBER + r"|" + _EN_NUMBER + r")\s+more\b(?!\s+(?:time|hours?|days?|money|people|staff))",
    re.I,
)
_MORE = re.compile(r"又|再|另外|后续|接着|之后|随后|\bmore\b|\banother\b|\bfollow|\bsince\b|\bafter\b|\bother\b", re.I)


def _zh_value(text: str) -> float | None:
    return float(text) if text.replace(".", "", 1).isdigit() else zh_number(text)


def _en_value(text: str) -> float | None:
    words = re.split(r"[- ]", text.lower())
    value = 0
    for w in words:
        if w in _EN_TENS:
            value += _EN_TENS[w]
        elif w in _EN_UNITS:
            value += _EN_UNITS[w]
        else:
            return None
    return float(value)


def _count(text: str) -> float | None:
    """A number said in digits (decimals too), in Chinese or in English words; or one of
    the vague counts ("another", "a couple of", "几", "several")."""
    text = text.lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text in ("another",):
        return 1.0
    if text in ("a couple of", "几"):
        return 2.0
    if text in ("several", "好几"):  # "好几个": several, more than "几个"
        return 3.0
    return _zh_value(text) if re.fullmatch(_ZH_NUMBER, text) else _en_value(text)


def percentages(text: str) -> list[float]:
    """Every percentage ``text`` states, in order; a range counts by its lower end."""
    return [value for value, _ in percentages_at(text)]


# A time said before and after ("six weeks instead of the usual ten", "from 40 minutes to 30
# minutes per report", "10→8 days", "从10天缩短到8天"): the time saved, as a percentage.
_TIME_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
_ZH_TIME_UNIT = r"(?:分钟|小时|个?钟头|天|周|个?星期|个?月)"
_AMOUNT = r"\d+(?:\.\d+)?|" + _EN_NUMBER
_ZH_AMOUNT = r"\d+(?:\.\d+)?|" + _ZH_NUMBER
TIME_SAVED = re.compile(
    r"\b(?P<new>" + _AMOUNT + r")\s*" + _TIME_UNIT + r"?\s+instead of\s+(?:the\s+)?(?:usual\s+|normal\s+|previous\s+|old\s+)?"
    r"(?P<old>" + _AMOUNT + r")\b"
    r"|\bfrom\s+(?:about\s+|around\s+)?(?P<old2>" + _AMOUNT + r")\s*" + _TIME_UNIT + r"(?:\s+(?:per|a|each)\s+\w+)?"
    r"\s+(?:down\s+)?to\s+(?:about\s+|around\s+|just\s+|only\s+)?(?P<new2>" + _AMOUNT + r")\b"
    # "10→8 days", "5天→4天": the unit may stand after both figures
    r"|(?P<old3>\d+(?:\.\d+)?)\s*(?:" + _TIME_UNIT + r"|" + _ZH_TIME_UNIT + r")?\s*(?:→|->|=>|—>)\s*(?P<new3>\d+(?:\.\d+)?)\s*"
    r"(?:" + _TIME_UNIT + r"|" + _ZH_TIME_UNIT + r")"
    r"|从(?P<old4>" + _ZH_AMOUNT + r")\s*" + _ZH_TIME_UNIT + r"(?:缩短|减少|降低|降|压缩|减)(?:了)?(?:到|至)(?P<new4>" + _ZH_AMOUNT + r")"
    r"|原来(?:要|需要|得)?(?P<old5>" + _ZH_AMOUNT + r")\s*" + _ZH_TIME_UNIT + r"[,，]?\s*现在(?:只)?(?:要|需要|需|用)?(?P<new5>"
    + _ZH_AMOUNT + r")",
    re.I)


def _time_saved_at(text: str) -> list[tuple[float, int]]:
    found = []
    for m in TIME_SAVED.finditer(text):
        pair = next((m.group(f"old{k}"), m.group(f"new{k}")) for k in ("", "2", "3", "4", "5") if m.group(f"old{k}"))
        old, new = (_count(x) for x in pair)
        if old and new is not None and 0 < new < old:
            found.append((float(round(100 * (old - new) / old)), m.start()))
    return found


def percentages_at(text: str) -> list[tuple[float, int]]:
    """Every percentage ``text`` states, with where it starts; a time said before and
    after counts as the share of it saved."""
    found = _time_saved_at(text)
    for m in _PERCENT.finditer(text):
        if m.group("digits"):
            value = float(m.group("digits"))
        elif m.group("zh_pct") or m.group("points"):
            value = _zh_value(m.group("zh_pct") or m.group("points"))
        elif m.group("tenths"):
            value = 10 * _zh_value(m.group("tenths")) + (_zh_value(m.group("hundredths")) if m.group("hundredths") else 0)
        elif m.group("en_pct"):
            value = _en_value(m.group("en_pct"))
        elif m.group("out_of"):
            part, total = float(m.group("out_of")), float(m.group("total"))
            value = 100 * part / total if 0 < part <= total else None
        elif m.group("word_part"):
            part, total = _en_value(m.group("word_part")), _count(m.group("word_total"))
            value = 100 * part / total if part and total and 0 < part <= total else None
        elif m.group("zh_total"):
            part, total = float(m.group("zh_part")), float(m.group("zh_total"))
            value = 100 * part / total if 0 < part <= total else None
        elif m.group("parts"):
            value = float(round(100 * _en_value(m.group("parts")) / _WHOLES[m.group("whole").lower()]))
        elif m.group("zh_whole"):
            value = float(round(100 * zh_number(m.group("zh_parts")) / zh_number(m.group("zh_whole"))))
        elif m.group("times"):
            said = m.group("times").lower()
            value = _TIMES.get(said, 300.0 if re.search("[两二]番", said) else 100.0)
        else:
            value = float(_FRACTIONS[m.group("fraction").lower()])
        if value is not None and 0 <= value <= 1000:
            found.append((value, m.start()))
    return sorted(found, key=lambda pair: pair[1])


def more_projects(text: str) -> float | None:
    """How many further projects ``text`` says followed the first: "two more", "又做了两个"
    read as they stand; a total ("three cross-department projects") counts the first too."""
    for m in _PROJECTS.finditer(text):
        if m.group("bare"):
            return _count(m.group("bare"))
        if m.group("tail"):  # "之后又做了能耗和排产两个": the projects named before the count
            count = _count(m.group("tail"))
            return count if _MORE.search(text[:m.start()]) else max(count - 1, 0.0)
        count = _count(m.group("count"))
        if count is None:
            continue
        if m.group("more") or m.group("count").lower() == "another" or _MORE.search(text[:m.start()]):
            return count
        return max(count - 1, 0.0)
    if _FIRST_ONLY.search(text):
        return 0.0
    return None


_FIRST_ONLY = re.compile(r"第一个|首个|唯一|只有一个|只做了一个|\bfirst\b|\bonly (?:one|thing)\b|\bthe only\b"
                         # "No other cross-dept projects yet", "没有其他跨部门项目"
                         r"|\bno (?:other|more|further|second) (?:[\w-]+ ){0,2}projects?\b"
                         r"|没有?(?:其他|别的|更多|第二个)(?:的)?(?:跨部门)?(?:AI)?项目", re.I)


def measured(text: str) -> bool:
    """Whether figures in ``text`` are results, not goals."""
    return not GOAL.search(text)
