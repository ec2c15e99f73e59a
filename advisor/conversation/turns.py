"""A finished answer becomes a turn of the conversation: what it was understood as, the
stage and topic in focus after it, the spans of each passage it used, and what to ask
next."""

from __future__ import annotations

from collections import Counter

from advisor.answering.chain import Answer
from advisor.conversation.highlights import highlight_spans
from advisor.conversation.resolver import Resolution
from advisor.conversation.state import Turn
from advisor.conversation.suggestions import suggest
from advisor.conversation.topics import detect_topic, topic_of_section


def _cited_stage(answer: Answer) -> int | None:
    """The one stage the answer's citations point to, if they agree on one."""
    cited = [s.stage for s in answer.sources if s.cited and s.stage]
    stages = Counter(cited or [s.stage for s in answer.sources[:1] if s.stage])
    if not stages:
        return None
    (stage, count), *rest = stages.most_common()
    return stage if not rest or count > rest[0][1] else None


def _focus(answer: Answer, resolution: Resolution | None) -> tuple[int | None, str | None]:
    """The stage and topic a follow-up to this answer refers to."""
    stage = resolution.stage if resolution is not None else None
    topic = resolution.topic if resolution is not None else None
    if answer.refused:
        return stage, topic
    if stage is None or not 1 <= stage <= 5:
        stage = _cited_stage(answer)
    if topic is None and resolution is not None:
        cited = [s for s in answer.sources if s.cited] or answer.sources[:1]
        topic = topic_of_section(cited[0].section) if cited else None
    return stage, topic


def finish_turn(answer: Answer, message: str, resolution: Resolution | None, stage_book,
                route: str = "document") -> Turn:
    """Complete ``answer`` for the conversation and return the turn it makes.

    ``resolution`` is None for a message the diagnosis answered; the stage in focus is
    then the company's stage, which the roadmap's citations carry.
    """
    answer.question = message
    answer.resolved_question = resolution.question if resolution is not None else message
    stage, topic = _focus(answer, resolution)
    if answer.refused:
        answer.suggestions = suggest(None, None, answer.language, stage_book)
    else:
        answer.suggestions = suggest(stage, topic or detect_topic(answer.resolved_question),
                                     answer.language, stage_book, asked=answer.resolved_question)
        for source in answer.sources:
            source.highlights = highlight_spans(answer.answer, source.text)
    return Turn(
        message=message,
        resolved_question=answer.resolved_question,
        route=route,
        language=answer.language,
        stage=stage,
        topic=topic,
        answer=answer.answer,
        refused=answer.refused,
        sources=[s.to_dict() for s in answer.sources],
        suggestions=list(answer.suggestions),
        cached=answer.cached,
        diagnosis=answer.diagnosis,
    )
