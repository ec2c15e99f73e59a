"""What a question tells us before any model runs: its language and the stage it names."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
}
_NUM = r"(\d{1,2}|[一二三四五六七八九十])"
_STAGE_PATTERNS = [
    re.compile(rf"第\s*{_NUM}\s*(?:个)?阶段"),
    # "阶段一般" means "a stage generally": 一 followed by these is a word, not a number.
    re.compile(rf"阶段\s*{_NUM}(?![般样起直旦些致定切下点次同并])"),
    re.compile(r"\b(?:stage|phase|level)\s*#?\s*(\d{1,2}|one|two|three|four|five|six|seven)\b", re.I),
    re.compile(r"\b(first|second|third|fourth|fifth|sixth)\s+(?:stage|phase)\b", re.I),
]


def detect_language(text: str) -> str:
    """'zh' when the question is mainly Chinese, else 'en'.

    A Chinese question often contains English words ("AI", "KPI"), so one Chinese
    character counts as much as one English word.
    """
    cjk = len(_CJK.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    return "zh" if cjk and cjk >= latin_words else "en"


_LAST_STAGE = re.compile(r"最后一个阶段|最后阶段|最高阶段|\b(?:last|final|highest)\s+stage\b", re.I)


def detect_stage(text: str) -> int | None:
    """The stage number a question names (阶段三, 第三阶段, stage 3, third stage), if any.

    Numbers outside 1-5 are returned as they are, so the caller can say that the
    document has no such stage rather than answer about a different one.
    """
    for pattern in _STAGE_PATTERNS:
        match = pattern.search(text)
        if match:
            token = match.group(1).lower()
            if token.isdigit():
                return int(token)
            return _ZH_DIGITS.get(token) or _EN_NUMBERS.get(token)
    if _LAST_STAGE.search(text):
        return 5
    return None


# A stage named by what happens in it rather than by its number: the article's own
# words for each stage and how managers say them in English. Only a question that
# speaks of exactly one stage this way counts; retrieval then favours that stage's
# passages without filtering out the others (a question may mention cross-department
# work while asking about stage 4).
_STAGE_CONTENT = {
    1: r"领导带头|一把手|老板(?:自己|亲自)|个人(?:工作)?效率"
       r"|\b(?:ceo|owner|boss|founder)s? (?:himself|herself|themselves|personally)\b"
       r"|\bpersonal (?:productivity|efficiency)|\bindividual (?:use|productivity|efficiency)",
    2: r"部门内|团队协作|团队工作流程|\bdepartment[- ]only\b|\bwithin (?:a|one|the|each|our) department"
       r"|\bteam (?:workflows?|collaboration)|\bteam[- ]level\b",
    3: r"跨部门|跨团队|\bcross[- ]?(?:department|team|functional)\w*",
    4: r"公司战略|核心业务|专属|自建|自有(?:AI)?(?:模型|应用)"
       r"|\b(?:own|company[- ]specific|custom|proprietary|in[- ]house) (?:ai )?(?:models?|llms?|capabilit\w+)"
       r"|\bcore business|\b(?:company|corporate|business|our) strategy",
    5: r"生态|上下游|合作伙伴|联合研发|行业平台|平台型|颠覆|商业模式|\becosystem|\bpartners?\b"
       r"|\bco-?develop\w*|\bjoint(?:ly)? (?:develop|r&d)|\bother companies\b|\bindustry platform"
       r"|\bdisruptive|\bbusiness model|\bproduct[- ]market fit|\bpmf\b",
}
_STAGE_CONTENT_PATTERNS = {stage: re.compile(p, re.I) for stage, p in _STAGE_CONTENT.items()}


def stage_by_content(text: str) -> int | None:
    """The one stage a question describes by what happens in it ("和上下游企业一起…",
    "the department-only phase"), or None when it describes none or several."""
    found = [stage for stage, pattern in _STAGE_CONTENT_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None
