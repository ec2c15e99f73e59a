"""The article's own sentence for a question, shown before the model writes.

When a question names a stage and a topic (its duration, budget, KPIs, what marks the
move on…), the stage book holds the exact fact, quoted from the article and cited by its
passage. Shown first, it reaches the manager in a fraction of a second, with no model
call; for an English question it is the stage book's faithful English rendering. It also
stands in for the model where the model falls short: when the model says the passages
do not cover a question they do, or writes a figure the passages do not hold, the answer
is the quoted fact rather than a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.knowledge.chunks import STAGE_NAMES_ZH
from advisor.knowledge.stage_document import SECTIONS

LEAD = {"zh": "文档原文:", "en": "From the article: "}
MAX_ITEMS = 4  # a list (actions, KPIs) is quoted up to this many items


@dataclass(frozen=True)
class KeyFact:
    """A fact of one stage (or of the closing advice, ``stage`` None), in both languages,
    with the label of its passage.

    ``stands_alone``: the fact answers the question by itself, so it is the answer when
    retrieval or the model would decline. A stage's fact on the topic asked about does;
    a piece of the closing advice matched by shared words only accompanies an answer.
    """

    stage: int | None
    section: str
    zh: str
    en: str
    stands_alone: bool = True

    @property
    def label(self) -> str:
        where = STAGE_NAMES_ZH[self.stage] if self.stage else "stage_document"
        return f"[{where} · {SECTIONS[self.section].zh}]"

    def line(self, language: str) -> str:
        """The fact as the first line of an answer: lead, text, citation."""
        lang = "zh" if language == "zh" else "en"
        return f"{LEAD[lang]}{self.zh if lang == 'zh' else self.en} {self.label}"


def _number(value: float) -> str:
    return f"{value:g}"


def _kpi_text(kpi, language: str) -> str:
    if language == "zh":
        return kpi.quote.rstrip("。")
    target = kpi.target
    if target is None or target.min is None:
        return kpi.name.en
    unit = target.unit or ""
    joined = "" if unit == "%" else " "
    if target.max is not None:
        figure = f"{_number(target.min)}-{_number(target.max)}{joined}{unit}"
    else:
        figure = f"at least {_number(target.min)}{joined}{unit}"
    return f"{kpi.name.en}: {figure}"


def _join(texts: list[str], language: str) -> str:
    texts = [t.strip().rstrip("。.;；") for t in texts[:MAX_ITEMS] if t.strip()]
    return ("；".join(texts) + "。") if language == "zh" else ("; ".join(texts) + ".")


def _one(item) -> tuple[str, str, str] | None:
    return None if item is None else (item.section, item.zh, item.en)


def _many(items, prefer: str | None = None) -> tuple[str, str, str] | None:
    """Several items of one passage: the preferred section's, else the first one's."""
    items = list(items)
    if not items:
        return None
    sections = [i.section for i in items]
    section = prefer if prefer in sections else sections[0]
    items = [i for i in items if i.section == section]
    return section, _join([i.zh for i in items], "zh"), _join([i.en for i in items], "en")


_LEADS = ("项目经理", "领导", "中高层", "带头", "一把手")


def _words(text: str) -> set[str]:
    """Chinese character pairs and English content words: what a question and a piece
    of advice can share."""
    cjk = "".join(re.findall(r"[\u4e00-\u9fff]+|\s", text))
    pairs = {cjk[i:i + 2] for i in range(len(cjk) - 1) if " " not in cjk[i:i + 2] and cjk[i:i + 2].strip()}
    words = {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}
    return pairs | words


_STOP = frozenset("what does about should with that this from have into they their there which when "
                  "article document says company companies stage stages using used make more".split())


def principle_fact(stage_book, question: str) -> KeyFact | None:
    """The piece of the article's closing advice that shares the most distinctive words
    with ``question`` (a word counts double when no other piece has it), if any shares
    enough: "文章怎么看AI会不会取代员工?" finds "AI技术应为人所用,增强而非取代人的能力"."""
    if stage_book is None or not question:
        return None
    asked = _words(question)
    pieces = [(p, _words(p.zh) | _words(p.en)) for p in stage_book.principles]
    best, best_score = None, 0
    for principle, words in pieces:
        shared = asked & words
        score = sum(2 if sum(w in other for _, other in pieces) == 1 else 1 for w in shared)
        if score > best_score:
            best, best_score = principle, score
    if best is None or best_score < 2:
        return None
    return KeyFact(None, "principles", best.zh, best.en, stands_alone=False)


def key_fact(stage_book, stage: int | None, topic: str | None, question: str = "") -> KeyFact | None:
    """The stage book's fact on ``topic`` for ``stage``, or None when it has none. A
    question that names no stage may match a piece of the closing advice instead."""
    if stage is None and question:
        return principle_fact(stage_book, question)
    if stage_book is None or topic is None or stage is None or not 1 <= stage <= len(stage_book.stages):
        return None
    entry = stage_book.stage(stage)
    if topic == "project_team":
        # Who leads: the project manager where the article names one, else the leaders.
        leads = [a for a in entry.actions if a.section == "execution" and "项目经理" in a.zh]
        leads = leads or [a for a in entry.actions if any(word in a.zh for word in _LEADS)]
        found = _many(leads)
    elif topic == "kpis":
        kpis = [k for k in entry.kpis if k.section == "kpis"]
        found = ("kpis", _join([_kpi_text(k, "zh") for k in kpis], "zh"),
                 _join([_kpi_text(k, "en") for k in kpis], "en")) if kpis else None
    elif topic in ("duration", "project_period", "budget", "goal", "culture"):
        found = _one(getattr(entry, topic))
    elif topic == "data_security":
        found = _many(i for i in entry.items() if getattr(i, "section", None) == "data_security"
                      and hasattr(i, "zh"))
    elif topic in ("actions", "transition", "cautions", "examples"):
        # What marks the move on is partly the stage's KPIs; the transition passage also
        # says what comes next, which is what a manager asking "and then?" wants.
        found = _many(getattr(entry, topic), prefer=topic if topic in ("transition", "actions") else None)
    else:
        found = None
    if found is None:
        return None
    section, zh, en = found
    return KeyFact(stage, section, zh, en)
