"""Suggested next questions, from the structure of the stage book, with no model call.

After a stage's duration a manager usually wants its KPIs, what marks the move on, and
the next stage; after its budget, how long a project runs; and so on. The suggestions are
the standalone questions of :mod:`advisor.conversation.topics`, so a click is answered
like any question, and only topics the stage book has for that stage are offered (stages
1 and 2 have no budget or project period).
"""

from __future__ import annotations

from advisor.conversation.topics import BY_KEY

STAGE_COUNT = 5
MAX_SUGGESTIONS = 3

# What tends to come next after each topic: (topic, stage offset). The first entries that
# exist for the stage are offered.
_AFTER: dict[str, tuple[tuple[str, int], ...]] = {
    "duration": (("kpis", 0), ("transition", 0), ("duration", 1), ("goal", 1)),
    "kpis": (("actions", 0), ("duration", 0), ("transition", 0)),
    "goal": (("actions", 0), ("kpis", 0), ("duration", 0)),
    "actions": (("kpis", 0), ("budget", 0), ("culture", 0), ("duration", 0)),
    "examples": (("actions", 0), ("kpis", 0), ("duration", 0)),
    "budget": (("project_period", 0), ("kpis", 0), ("duration", 0)),
    "project_period": (("budget", 0), ("kpis", 0), ("transition", 0)),
    "culture": (("transition", 0), ("kpis", 0), ("cautions", 0)),
    "cautions": (("data_security", 0), ("kpis", 0), ("transition", 0)),
    "data_security": (("cautions", 0), ("budget", 0), ("transition", 0)),
    "transition": (("goal", 1), ("duration", 1), ("kpis", 0)),
}
_DEFAULT = (("goal", 0), ("kpis", 0), ("duration", 0), ("transition", 0))
_GENERAL = {
    "zh": ["阶段一的目标是什么?", "阶段一需要多长时间?", "AI商用有哪些建议?"],
    "en": ["What is the goal of stage 1?", "How long does stage 1 take?",
           "What advice does the article give for using AI in business?"],
}


def _available(stage_book, topic: str, stage: int) -> bool:
    """Whether the stage book has something to say on ``topic`` for ``stage``."""
    if not 1 <= stage <= STAGE_COUNT:
        return False
    if stage_book is None:
        return True
    entry = stage_book.stage(stage)
    if topic == "budget":
        return entry.budget is not None
    if topic == "project_period":
        return entry.project_period is not None
    if topic == "cautions":
        return bool(entry.cautions)
    if topic == "examples":
        return bool(entry.examples)
    if topic == "data_security":
        return any(item.section == "data_security" for item in entry.items())
    return True


def suggest(stage: int | None, topic: str | None, language: str, stage_book=None,
            asked: str = "") -> list[str]:
    """Two or three next questions after an answer about ``topic`` of ``stage``.

    ``asked`` is the question just answered; it is never suggested again.
    """
    language = "zh" if language == "zh" else "en"
    if stage is None or not 1 <= stage <= STAGE_COUNT:
        return [q for q in _GENERAL[language] if q != asked][:MAX_SUGGESTIONS]
    out: list[str] = []
    for key, offset in _AFTER.get(topic or "", _DEFAULT):
        target = stage + offset
        if not _available(stage_book, key, target):
            continue
        question = BY_KEY[key].question(target, language)
        if question != asked and question not in out:
            out.append(question)
        if len(out) == MAX_SUGGESTIONS:
            break
    return out
