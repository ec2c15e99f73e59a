"""The diagnosis in chat: "what should we do next?" answered from the company's stage.

Such a question has no answer in the document alone: it depends on where the company
stands. So the chat first finds the stage (the latest saved assessment, or the
description in the message itself, read by the free-text diagnosis), says what it
assumed, and answers from the roadmap, every line cited. The text is composed from the
roadmap, not generated, so the advice is exactly the document's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from advisor.diagnosis.view import assessment_view
from advisor.diagnosis.words import word

# Which messages come here is decided by advisor.conversation.routing.


def stream_reply(diagnosis, message: str, intent, model_name: str, open_questions: dict | None = None) -> Iterator:
    """The chat reply to a message routed to the diagnosis, as answer events: the
    company's stage from the description in ``message`` (``intent.kind ==
    "company_description"``), from the assessment of the turn before updated with
    ``message`` (``open_questions``: that turn's state, when it asked something), or from
    the latest saved assessment; then its roadmap."""
    from advisor.answering.chain import Answer, AnswerEvent, Source
    from advisor.retrieval.query import detect_language

    started = time.perf_counter()
    language = detect_language(message)
    assessment = None
    if open_questions is not None:
        assessment = diagnosis.update_profile(open_questions, message)
        assumption = word(language, "updated_from_reply")
    elif intent.kind == "company_description":
        assessment = diagnosis.assess_profile(message)
        assumption = word(language, "assumed_from_message")
    else:
        assessment, latest = diagnosis.latest_assessment()
        if assessment is not None:
            assumption = word(language, "assumed_from_history", on=latest.on.isoformat(), id=latest.id,
                              company=latest.company)
    sources: list[Source] = []
    if assessment is None:
        text = word(language, "no_assessment")
    else:
        text = roadmap_answer(assessment, language, assumption)
        seen = set()
        for c in assessment.roadmap.citations:
            if (c.label, c.quote) in seen:
                continue
            seen.add((c.label, c.quote))
            sources.append(Source(f"{c.stage}-{c.section}-{len(seen)}", c.stage, c.section,
                                  c.label.strip("[]").split(" · ")[-1], c.label, "stage_document",
                                  c.quote, 1.0, cited=c.label in text))
    yield AnswerEvent("sources", sources=sources)
    first = time.perf_counter() - started
    for line in text.splitlines(keepends=True):
        yield AnswerEvent("token", text=line)
    total = time.perf_counter() - started
    timings = {"retrieval_s": 0.0, "first_token_s": round(first, 3), "total_s": round(total, 3),
               "prompt_tokens": 0, "generated_tokens": 0, "decode_tokens_per_s": None}
    if assessment is not None and assessment.extraction is not None:
        timings["extraction_s"] = round(assessment.extraction.seconds, 2)
    state = None
    if assessment is not None and assessment.extraction is not None:
        timings["model_calls"] = assessment.extraction.model_calls
        state = assessment.extraction.state([a.question.id for a in assessment.diagnosis.to_ask])
    yield AnswerEvent("done", answer=Answer(message, text, language, False, sources, timings, model_name,
                                            diagnosis=state))


def roadmap_answer(assessment, language: str, assumption: str) -> str:
    """The next steps for the assessed stage, cited, after what was assumed."""
    lang = "zh" if language == "zh" else "en"
    view = assessment_view(assessment, lang)

    def cited(line) -> str:
        return f"{line.text} {line.source}"

    lines = [assumption, "",
             word(lang, "you_are_in", stage=view.stage, title=view.stage_title, confidence=view.confidence),
             f"{word(lang, 'next_steps')}:"]
    lines += [f"- {cited(step)}" for step in view.next_steps[:4]]
    kpis = [k for k in view.kpis if k.target]
    if kpis:
        lines.append(f"{word(lang, 'kpis_short')}:")
        lines += [f"- {k.name}: {k.target} {k.source}" for k in kpis]
    lines.append(f"{word(lang, 'duration')}: {cited(view.duration)}")
    if view.budget:
        lines.append(f"{word(lang, 'budget')}: {cited(view.budget)}")
    if view.to_ask:
        lines += ["", word(lang, "reads_unlike", placed=view.stage, stage=view.reads_like) if view.reads_like
                  else word(lang, "unsure")]
        lines += [f"{n}. {line.text} {line.source}" for n, line in enumerate(view.to_ask, 1)]
    elif view.unknown:
        lines.append(f"{word(lang, 'to_confirm')}: {view.unknown[0].text}")
    return "\n".join(lines)

