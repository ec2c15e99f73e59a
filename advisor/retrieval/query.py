"""What a question tells us before any model runs: its language and the stage it names."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_NUMBERS = {
    "yi": 1, "er": 2, "san": 3, "si": 4, "wu": 5,  # pinyin
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
}
_NUM = r"(\d{1,2}|[零一二三四五六七八九十])"  # 阶段零 is no stage, like 阶段六
_STAGE_PATTERNS = [
    re.compile(rf"第\s*{_NUM}\s*(?:个)?阶段"),
    # "阶段一般" means "a stage generally": 一 followed by these is a word, not a number.
    # After a measure word or a determiner ("一个阶段一个阶段来", "这个阶段一个人"),
    # 阶段 is "a stage", and the numeral belongs to what follows.
    re.compile(rf"(?<![个这每各哪该此本])阶段\s*{_NUM}(?![般样起直旦些致定切下点次同并])"),
    re.compile(r"\b(?:stage|phase|level)\s*#?\s*(\d{1,2}|one|two|three|four|five|six|seven)\b", re.I),
    re.compile(r"\b(first|second|third|fourth|fifth|sixth)\s+(?:stage|phase)\b", re.I),
    # Pinyin ("jieduan 3") and the short form a slide uses ("S3预算"); not AWS's S3.
    re.compile(r"\bjieduan\s*(\d|yi|er|san|si|wu)\b", re.I),
    re.compile(r"(?<![A-Za-z0-9])(?<!AWS )(?<!aws )[Ss]([1-5])(?![0-9A-Za-z])"),
    # A step counts as a stage where it is the roadmap's ("the third step of the roadmap",
    # "第三步"); "the first step" alone, and 第一步, usually mean "to begin with".
    re.compile(r"\b(first|second|third|fourth|fifth)\s+step\b(?=\s+(?:of|in|on)\s+(?:the|this|your|their|its)\s+"
               r"(?:roadmap|article|framework|model|journey|path|ladder|five|5|adoption|ai\b))", re.I),
    re.compile(r"第\s*([二三四五2-5])\s*步(?!骤)"),
]


def detect_language(text: str) -> str:
    """'zh' when the question is mainly Chinese, else 'en'.

    A Chinese question often contains English words ("AI", "KPI"), so one Chinese
    character counts as much as one English word.
    """
    cjk = len(_CJK.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    return "zh" if cjk and cjk >= latin_words else "en"


# An aside in brackets or quotes is the original beside the English ("6 to 12 months
# (6-12个月)"), and a citation label is Chinese in every answer: neither is the answer's
# language.
_ASIDES = re.compile(r"\[[^\]]*\]|\([^)]*\)|（[^）]*）|“[^”]*”|\"[^\"]*\"")


def answer_language(answer: str) -> str:
    """The language an answer is written in, ignoring citation labels and quotes: an
    English answer may quote the Chinese original in parentheses and cites Chinese
    labels, and neither makes it a Chinese answer."""
    return detect_language(_ASIDES.sub(" ", answer))


_LAST_STAGE = re.compile(r"最后(?:一|那|这)?个?阶段|最后一步|最高(?:的|那个)?阶段|\b(?:last|final|highest)\s+(?:stage|phase)\b",
                         re.I)


def _stage_number(token: str) -> int | None:
    """The number a stage pattern caught: "3", "三", "three", "third"."""
    token = token.lower()
    if token.isdigit():
        return int(token)
    return _ZH_DIGITS[token] if token in _ZH_DIGITS else _EN_NUMBERS.get(token)


def detect_stage(text: str) -> int | None:
    """The stage number a question names (阶段三, 第三阶段, stage 3, third stage), if any.

    Numbers outside 1-5 are returned as they are, so the caller can say that the
    document has no such stage rather than answer about a different one.
    """
    for pattern in _STAGE_PATTERNS:
        match = pattern.search(text)
        if match:
            return _stage_number(match.group(1))
    if _LAST_STAGE.search(text):
        return 5
    return None


def stages_named(text: str) -> list[int]:
    """Every stage number a question names, in the order it names them ("阶段四和阶段五的
    项目周期", "stage 3 vs stage 5"); the first is :func:`detect_stage`'s."""
    found: list[tuple[int, int]] = []
    for pattern in _STAGE_PATTERNS:
        for match in pattern.finditer(text):
            number = _stage_number(match.group(1))
            if number is not None:
                found.append((match.start(), number))
    found += [(match.start(), 5) for match in _LAST_STAGE.finditer(text)]  # "the last stage"
    ordered = [number for _, number in sorted(found)]
    first = detect_stage(text)
    if first is not None and ordered and ordered[0] != first:
        ordered.insert(0, first)  # detect_stage's order of patterns decides which comes first
    return list(dict.fromkeys(ordered))


# A stage named by what happens in it rather than by its number: the article's own
# words for each stage and how managers say them in English. Only a question that
# speaks of exactly one stage this way counts; retrieval then favours that stage's
# passages without filtering out the others (a question may mention cross-department
# work while asking about stage 4).
_STAGE_CONTENT = {
    1: r"人\s*\+\s*AI|\b(?:people|person|human)\s*\+\s*AI\b|领导带头|一把手|(?:老板|领导)(?:自己|亲自|.{0,6}带头)|个人(?:工作)?效率|个人(?:和|与|及)团队"
       r"|刚起步|起步阶段|刚开始(?:引入|用|使用|接触)|(?:老板|领导|一把手).{0,6}(?:拍板|下决心|决定要)"
       # what each person uses is stage 1's measure ("每个人起码得会用几个大模型")
       r"|(?:几|多少)个大(?:语言)?模型|\bhow many (?:\w+ )?(?:llms|chatbots|language models)\b"
       r"|\b(?:ceo|owner|boss|founder)s? (?:himself|herself|themselves|personally)\b"
       r"|\b(?:ceo|owner|boss|founder)s?\b.{0,30}\bpersonally\b|\bleader[- ]led\b"
       r"|\bvertical (?:ai )?(?:tools?|apps?|applications?)\b|垂直(?:应用)?(?:的)?(?:AI)?工具"
       # the vertical tools the article names for stage 1
       r"|奇灵|讯飞听见|剪映|\b(?:midjourney|qiling|tingjian|jianying)\b"
       r"|\bpersonal (?:productivity|efficiency)|\bindividual (?:ai )?(?:use|productivity|efficiency)"
       r"|\b(?:learn\w*|uses?|using|try\w*|play\w*)\b.{0,25}\bon their own\b|\bby themselves\b"
       # "the awareness-building phase where the boss goes first"
       r"|\bawareness[- ]building\b|\b(?:boss|ceo|owner|leaders?|management)\s+(?:goes|go|going)\s+first\b",
    2: r"人\s*\+\s*团队\s*\+\s*AI|\b(?:people|person|human)\s*\+\s*team\s*\+\s*AI\b|部门内|部门里|部门层面|团队协作|团队工作流程|\bdepartment[- ]only\b|\bin[- ]department\b"
       r"|\b(?:within|to|in|inside) (?:a|one|the|each|our) (?:single )?department\b"
       r"|\bteam[- ](?:workflows?|collaboration)|\bteam[- ]level\b"
       # the middle and senior managers who lead its discussions
       r"|中层|中高层|\bmiddle (?:managers?|management)\b",
    3: r"跨部门|跨团队|\bcross[- ]?(?:department|dept|team|functional)\w*"
       # its goal: break down the walls between departments
       r"|部门墙|部门壁垒|打破部门|\bdepartment(?:al)? (?:walls|silos|barriers)\b|\bbreak(?:ing)? down (?:the )?silos\b"
       r"|\bjoint (?:ai )?(?:projects?|pilots?)\b|\bdepartments?\b.{0,30}\bpair(?:ing)? up\b"
       r"|(?:几个|多个|好几个|不同|各个|两个|三个)部门.{0,12}(?:一起|协作|合作|联合|配合)"
       r"|\b(?:several|multiple|different|two|three) departments (?:\w+ ){0,3}(?:together|collaborat\w*)",
    4: r"公司战略|核心业务|专属|自建|自有(?:AI)?(?:模型|应用)|自己的(?:AI)?(?:大?模型|应用)"
       r"|\b(?:own|company[- ]specific|custom|proprietary|in[- ]house) (?:ai )?(?:models?|llms?|capabilit\w+|apps?|applications?)"
       r"|\bbuild(?:ing)?[- ](?:your|our|its|their)[- ]own[- ]ai\b|\bbuild(?:ing)? (?:\w+ )?ai in[- ]house\b|\bin[- ]house ai\b"
       r"|\bcore business|\b(?:company|corporate|business|our) strategy",
    5: r"生态|上下游|合作伙伴|联合研发|行业平台|平台型|颠覆|商业模式|\becosystem|\bpartners?\b"
       r"|\bco-?develop\w*|\bco-?build\w*|\bco-?creat\w*|\bjoint(?:ly)? (?:develop|r&d)|\bother companies\b|\bindustry platform"
       r"|\bsuppliers?,? and customers\b|\bcustomers?,? and suppliers\b|供应商[和、与及,]+客户|客户[和、与及,]+供应商"
       r"|(?:别的|其他|不同)行业的?(?:公司|企业)|跨行业|\bcross[- ]industry\b|\bother industries\b"
       r"|\bdisruptive|\bbusiness model|\bproduct[- ]market fit|\bpmf\b",
}
_STAGE_CONTENT_PATTERNS = {stage: re.compile(p, re.I) for stage, p in _STAGE_CONTENT.items()}


def stage_by_content(text: str) -> int | None:
    """The one stage a question describes by what happens in it ("和上下游企业一起…",
    "the department-only phase"), or None when it describes none or several."""
    found = [stage for stage, pattern in _STAGE_CONTENT_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def stages_described(text: str) -> list[int]:
    """Every stage a question describes by what happens in it, in the order it speaks of
    them ("the team-workflow phase … the first leader-led phase": 2, 1)."""
    first = {stage: m.start() for stage, pattern in _STAGE_CONTENT_PATTERNS.items() if (m := pattern.search(text))}
    return sorted(first, key=first.get)


# Where a question is heading rather than where the company is: a stage described after
# the last of these words is the destination ("ready to move from individual use to team
# workflows"), and one described before "before/之前" is not there yet.
_DESTINATION = re.compile(r"\b(?:to|into|towards?)\b|进入|迈向|走向|转向|过渡到|升级到|转到", re.I)
# "…before building our own AI" looks ahead; "just confirming before it goes into the board
# deck" does not.
_NOT_YET = re.compile(r"\b(?:before|prior to|ahead of)\b(?!\s+(?:it|this|that|they|i|the (?:board|meeting|deadline))\b)|之前|以前|前(?:要|需要|应该)", re.I)


def stage_described_as_current(text: str, moving_on: bool) -> int | None:
    """The one stage a question describes as the company's own by what happens in it.

    ``moving_on``: the question asks what marks the move to the next stage; then the
    stage described as the destination does not count, only the one being left.
    """
    if _NOT_YET.search(text):
        return None
    if moving_on:
        parts = _DESTINATION.split(text)
        text = " ".join(parts[:-1]) if len(parts) > 1 else text
    return stage_by_content(text)


# The parts of the article outside the five stages, named by how a reader refers to them
# ("文章最后的哲学思考", "the closing advice", "the intro"). Such a question is about the
# article even when it shares few words with it.
_SECTION_NAMES = {
    # "文章最后的建议", "作者的几条建议"; not "文章建议员工使用…", where 建议 is a verb.
    "principles": r"哲学|商用的?(?:思考|建议)|(?:文章|文中|作者)?(?:最后|结尾)的?.{0,4}建议"
                  r"|(?:文章|文中|作者)的.{0,4}建议"
                  r"|\bphilosoph\w*|\bprinciples?\b|\b(?:closing|final|general|overall) (?:advice|recommendations?)\b",
    "conclusion": r"结语|结尾|\bconclu\w*|\bclosing (?:words|remarks|paragraph|section)\b",
    "introduction": r"引言|开头|开篇|\bintro(?:duction)?\b|\bopening (?:paragraph|section|lines?)\b",
}
_SECTION_NAME_PATTERNS = {section: re.compile(p, re.I) for section, p in _SECTION_NAMES.items()}


def section_named(text: str) -> str | None:
    """The one part of the article outside the stages a question names (``principles``,
    ``conclusion`` or ``introduction``), or None when it names none or several."""
    found = [section for section, pattern in _SECTION_NAME_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None
