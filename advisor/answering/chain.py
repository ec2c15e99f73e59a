"""The retrieval chain (LCEL): question -> passages -> prompt -> chat model -> cited answer.

The chain streams: the retrieval result comes out first (so a UI can show sources while
the model is still writing), then the answer token by token. When retrieval decides
the documents do not cover the question, or the question tells the advisor to set the
document or its rules aside, the model is not called at all: the refusal is a fixed
sentence, never an invented answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from advisor.answering.answer import Answer, AnswerEvent, Source
from advisor.answering.english import in_english
from advisor.answering.evidence import KeyFact
from advisor.answering.focus import focus
from advisor.answering.guard import NOT_FOLLOWED, WITHDRAWN_LEAK, OutputGuard, overrides_rules
from advisor.answering.key_sentence import question_groups
from advisor.answering.prompts import (
    ANSWER_START,
    NOT_COVERED,
    SCOPE_HINT,
    SYSTEM_PROMPT,
    build_messages,
    cited_labels,
    document_system_prompt,
    says_not_covered,
    with_canary,
)
from advisor.answering.stopping import (
    answer_complete,
    squash,
    without_other_stages,
    without_pasted_sections,
    without_repeated_line,
)
from advisor.answering.unsure import quote_when_unsure
from advisor.answering.verdict import settle
from advisor.answering.yardstick import LengthCheck, Yardstick, length_check, yardstick
from advisor.knowledge.chunks import STAGE_NAMES_ZH, Chunk
from advisor.knowledge.stage_document import SECTIONS
from advisor.llm.protocol import abilities_of
from advisor.llm.timing import Stopwatch
from advisor.retrieval.keywords import ZH_QUESTION_TERMS, tokenize
from advisor.retrieval.query import detect_language, detect_stage
from advisor.retrieval.retriever import Retrieval, Retriever

__all__ = ["Answer", "AnswerChain", "AnswerEvent", "Source"]  # the answer types live in answer.py

INSTRUCTION_REASON = "the question tells the advisor to set aside the document or its rules"


class AnswerChain:
    """Builds and runs the LCEL retrieval chain over one retriever and one chat model."""

    def __init__(self, retriever: Retriever, chat_model: BaseChatModel, context_size: int,
                 max_answer_tokens: int, model_name: str, article: Sequence[Chunk] = (),
                 repeated_passages: int = 0, canary: str | None = None, stage_book=None,
                 focused_passages: bool = False):
        """``article``: the stage document's passages, for the ``document`` prompt layout
        (see :mod:`advisor.answering.prompts`); empty for the ``passages`` layout.
        ``repeated_passages``: how many of the best passages that layout still repeats in
        full beside the question. ``canary``: a secret marker put into the system prompt;
        an answer containing it is withdrawn (see :mod:`advisor.answering.guard`).
        ``stage_book``: the article's facts in both languages, for quoting a passage's
        sentence in English (see :mod:`advisor.answering.key_sentence`).
        ``focused_passages``: the model reads the passages on point whole and only the
        line of each other passage that speaks to the question (see
        :mod:`advisor.answering.focus`)."""
        self.retriever = retriever
        self.chat_model = chat_model
        self.context_size = context_size
        self.max_answer_tokens = max_answer_tokens
        self.model_name = model_name
        self.repeated_passages = repeated_passages
        self.focused_passages = focused_passages
        self._words = functools.partial(tokenize, cache_dir=retriever.cache_dir)  # Chinese words, as retrieval splits them
        self.article = list(article)
        self._article_by_label = {squash(c.label): c for c in self.article}
        self.system_prompt = with_canary(
            document_system_prompt(self.article) if self.article else SYSTEM_PROMPT, canary)
        self.guard = OutputGuard(self.system_prompt, canary)
        self.stage_book = stage_book
        self._abilities = abilities_of(chat_model)
        # Remembered counts: the system prompt (the whole article, in the document layout)
        # is the same for every question and is tokenised once, not twice per question.
        self._count_tokens = (functools.lru_cache(maxsize=32)(self._abilities.count_tokens)
                              if self._abilities.counts_tokens else None)
        self._abilities.keep_prefix(self.system_prompt)
        self.runnable: Runnable = (
            RunnablePassthrough.assign(retrieval=RunnableLambda(self._retrieve))
            | RunnablePassthrough.assign(prompt=RunnableLambda(self._prompt))
            | RunnablePassthrough.assign(answer=RunnableLambda(self._route))
        )

    # --- chain steps ---------------------------------------------------------------------
    def _retrieve(self, inputs: dict) -> Retrieval:
        question = inputs["question"]
        if overrides_rules(question):
            # Declined before anything is looked up: what such a question asks for is the
            # model's obedience, not a passage (see advisor.answering.guard).
            return Retrieval(question, detect_language(question), detect_stage(question), [], False,
                             reason=INSTRUCTION_REASON)
        return self.retriever.retrieve(question)

    def _prompt(self, inputs: dict) -> dict:
        retrieval: Retrieval = inputs["retrieval"]
        if not retrieval.covered:
            return {"messages": [], "passages": [], "prefill": "", "tokens": 0}
        count = self._count_tokens
        budget = self.context_size - self.max_answer_tokens
        answer_start = self._abilities.supports_prefill
        passages = [p.chunk for p in retrieval.passages]
        shown = None
        if self.focused_passages and not self.article:  # the document layout has its own knob
            # The section asked about, else the part of the article the section probe takes
            # the question to ask about, among the passages kept.
            section, stage = inputs.get("section"), retrieval.stage
            if section is None and retrieval.extra.get("probed_part"):
                probed_stage, section = retrieval.extra["probed_part"]
                stage = probed_stage if stage is None else stage
            focused = focus(passages, self._question_groups(retrieval), section, stage)
            passages = [f.chunk for f in focused]
            shown = {f.chunk.id: f.text for f in focused}
        repeated = {c.id for c in passages[: self.repeated_passages]}
        messages, kept = build_messages(
            retrieval.question, retrieval.language, passages,
            count_tokens=count, token_budget=budget, answer_start=answer_start,
            system_prompt=self.system_prompt,
            in_system_prompt=frozenset(c.id for c in self.article if c.id not in repeated),
            shown=shown,
        )
        tokens = sum(count(str(m.content)) for m in messages) if count else 0
        prefill = ANSWER_START[retrieval.language] if answer_start else ""
        return {"messages": messages, "passages": kept, "prefill": prefill, "tokens": tokens}

    def _route(self, inputs: dict) -> Runnable:
        retrieval: Retrieval = inputs["retrieval"]
        if not retrieval.covered:
            lang = retrieval.language
            if retrieval.reason == INSTRUCTION_REASON:
                hint = NOT_FOLLOWED[lang]
            elif retrieval.outside is not None:
                hint = retrieval.outside.line(lang)  # what the article does and does not hold
            else:
                hint = SCOPE_HINT[lang]
            text = f"{NOT_COVERED[lang]} {hint}"
            return RunnableLambda(lambda _: AIMessageChunk(content=text))
        messages = inputs["prompt"]["messages"]
        return RunnableLambda(lambda _: messages) | self.chat_model

    # --- running -------------------------------------------------------------------------
    def _question_groups(self, retrieval: Retrieval):
        """The question's words with the article's terms for them (see key_sentence)."""
        return question_groups(retrieval.question, retrieval.language, self.retriever.glossary,
                               self._words, ZH_QUESTION_TERMS)

    def prompt_messages(self, question: str, section: str | None = None) -> list[BaseMessage]:
        """The messages the chat model would get for ``question`` (empty when declined)."""
        retrieval = self._retrieve({"question": question})
        return self._prompt({"retrieval": retrieval, "section": section})["messages"]

    def stream(self, question: str, section: str | None = None, fact: KeyFact | None = None
               ) -> Iterator[AnswerEvent]:
        """Stream events for ``question`` (already cleaned by the caller).

        ``section``: the section the question asks about, when known; the answer stays on
        it (see :mod:`advisor.answering.stopping`), as it stays on a stage the question names.
        ``fact``: the article's own sentence that answers the question, when the stage
        book has it (see :mod:`advisor.answering.evidence`). It is streamed right after
        the sources, before the model writes, and it is the answer when the model says
        the passages do not cover the question or writes a figure they do not hold. A
        fact of a stage the question describes but does not name is weaker evidence: it
        follows an answer the model gives, and stands in for none.
        Without one, the key sentence of a passage plainly on point plays that part (see
        :mod:`advisor.answering.verdict`).
        """
        watch = Stopwatch()
        retrieval: Retrieval | None = None
        sources: list[Source] = []
        parts: list[str] = []
        model_timings: dict = {}
        usage: dict = {}
        prefill, prompt_tokens = "", 0
        shown = 0  # characters of the answer given out as tokens so far
        section_cut = False
        sections_by_label: dict[str, str] = {}  # each passage's section, by its label
        quoted = ""  # the article's sentence streamed before the model's answer
        measure: Yardstick | LengthCheck | None = None  # the question's figure against the quoted one
        held: KeyFact | None = None  # the article's sentence to follow the model's answer
        quote_only = False
        evidence_first_s: float | None = None
        leaked = False
        for chunk in self.runnable.stream({"question": question, "section": section}):
            if "retrieval" in chunk:
                retrieval = chunk["retrieval"]
            if "prompt" in chunk and retrieval is not None:
                prefill = chunk["prompt"]["prefill"]
                prompt_tokens = chunk["prompt"]["tokens"]
                sources = self._sources(retrieval, chunk["prompt"]["passages"])
                if retrieval.reason == INSTRUCTION_REASON or retrieval.outside is not None:
                    # Nothing is quoted to a question that tells the advisor to drop its
                    # rules, nor beside "the article gives no payback period".
                    fact = None
                elif fact is not None and (fact.stage is None or fact.stage != retrieval.stage):
                    # A stage the question only describes ("our first cross-department
                    # project"), or a general point it speaks of ("hiring"), is too little
                    # to answer on its own: an off-topic question may describe one too.
                    # Its fact follows an answer the model gives.
                    held, fact = fact, None
                if fact is not None:
                    for label in fact.labels:
                        sources = self._with_passage(sources, label)
                sections_by_label = {squash(s.label): s.section for s in sources}
                yield AnswerEvent("sources", sources=sources)
                if fact is not None:
                    quoted = fact.line(retrieval.language)
                    measure = self._yardstick(question, fact)
                    if measure is not None:
                        quoted = f"{quoted}\n{measure.line(retrieval.language)}"
                    yield AnswerEvent("token", text=quoted + "\n\n")
                    evidence_first_s = watch.elapsed_s()
                    # Declined by retrieval: the quote is the answer. The chain still runs
                    # to its end (a fixed sentence, no model call): a stream left
                    # half-read is closed later, from wherever it is collected.
                    quote_only = not retrieval.covered
            message = chunk.get("answer")
            if message is None or quote_only:
                continue
            if message.content:
                prefilled = not parts and message.content == prefill
                if not prefilled:
                    watch.token()
                parts.append(message.content)
                so_far = "".join(parts)
                if self.guard.leaks_canary(so_far) or self.guard.leaked_rule(so_far):
                    leaked = True  # stop at once; the answer is withdrawn below
                    break
                # Text that may be the start of the canary waits for the next piece.
                safe = len(so_far) - self.guard.holds_canary_prefix(so_far)
                if safe > shown:
                    yield AnswerEvent("token", text=so_far[shown:safe])
                    shown = safe
                trimmed = without_repeated_line(so_far)
                if trimmed is None and retrieval is not None:
                    trimmed = without_other_stages(so_far, retrieval.stage)
                if trimmed is None:
                    trimmed = without_pasted_sections(so_far, section, sections_by_label)
                    section_cut = trimmed is not None
                if trimmed is not None:
                    parts = [trimmed]  # the final answer drops the repeat
                if trimmed is not None or answer_complete(so_far):
                    break
            if message.response_metadata.get("timings"):
                model_timings = message.response_metadata["timings"]
            if message.usage_metadata:
                usage = dict(message.usage_metadata)
        assert retrieval is not None
        text = "".join(parts)
        on_stage = without_other_stages(text, retrieval.stage, final=True)
        if on_stage is not None:
            text = on_stage
        on_section = without_pasted_sections(text, section, sections_by_label, final=True)
        if on_section is not None:
            text, section_cut = on_section, True
        if section_cut and text.strip() and not cited_labels(text):
            # Cut before any label: cite the passage of the section asked about, which the
            # kept text came from.
            own = next((s for s in sources if s.section == section), None)
            if own is not None:
                text = text.rstrip() + f" {own.label}"
        if not leaked and len(text) > shown:
            yield AnswerEvent("token", text=text[shown:])
        text = text.strip()
        refused = not retrieval.covered or says_not_covered(text)
        # The passage of a fact that follows the answer is evidence for it too: a figure
        # the model took from it ("6 to 12 months", stage 5's project period) is grounded.
        evidence = list(sources)
        for label in held.labels if held is not None else ():
            evidence = self._with_passage(evidence, label)
        held_passages = [s.text for s in evidence[len(sources):]]
        problem = None
        if retrieval.covered and (leaked or not refused):
            problem = self.guard.problem(text, question, [s.text for s in evidence])
        if problem is not None:
            lang = retrieval.language
            text = f"{NOT_COVERED[lang]} {WITHDRAWN_LEAK[lang]}"
            refused = True
            yield AnswerEvent("retract", text=text)
        else:
            if not refused:
                sources = sources + self._cited_article_passages(text, sources)
            verdict = settle(text, refused, question, retrieval.language,
                             [s.text for s in sources] + held_passages, quoted,
                             lambda: self.quote_on_point(question, retrieval, sources, section))
            text, refused = verdict.text, verdict.refused
            if verdict.retract is not None:
                yield AnswerEvent("retract", text=verdict.retract)
            elif retrieval.language == "en" and not refused and text.strip():
                english = self._in_english(text, retrieval, fact or held)
                if english != text:
                    if english is None and (quoted or held):
                        # Still mostly Chinese: the article's sentence answers instead, the
                        # quote shown first or the one that follows below.
                        english = ""
                    elif english is None:
                        # Without one, the passage's on point; with none of that, the
                        # answer stays as written.
                        on_point = self.quote_on_point(question, retrieval, sources, section)
                        english = on_point.line("en") if on_point is not None else text
                    text = english
                    if text or quoted:  # else the sentence that follows takes its place below
                        yield AnswerEvent("retract", text=f"{quoted}\n\n{text}".strip() if quoted else text)
            if held is not None and not refused and verdict.retract is None:
                line = held.line(retrieval.language)
                held_measure = self._yardstick(question, held)
                if held_measure is not None:
                    line = f"{line}\n{held_measure.line(retrieval.language)}"
                if _answers_another_stage(text, held) or (held_measure is not None
                                                          and held_measure.contradicted_by(text)):
                    # "The 'build your own AI' stage lasts 3 to 6 months [阶段二 · 预期所需时间]"
                    # above stage four's 1.5 to 3 years: two answers that contradict each
                    # other. The article's own sentence for the stage described stays.
                    yield AnswerEvent("retract", text=line)
                    text = line
                elif text.strip():
                    yield AnswerEvent("token", text=f"\n\n{line}")
                    text = f"{text}\n\n{line}"
                else:
                    yield AnswerEvent("retract", text=line)  # the model's Chinese went
                    text = line
                for label in held.labels:
                    sources = self._with_passage(sources, label)
        if quoted and problem is None:
            if measure is not None and not refused and measure.contradicted_by(text):
                # "12%, which is within the target range of 15%-20%": the quote and the
                # worked-out comparison stand, the model's answer goes.
                yield AnswerEvent("retract", text=quoted)
                text = ""
            if refused and text.strip() and retrieval.covered:
                yield AnswerEvent("retract", text=quoted)  # drop "not covered": the quote answers
            text = quoted if refused or not text.strip() else f"{quoted}\n\n{text}"
            refused = False
        cited = {squash(label) for label in cited_labels(text)}
        for source in sources:
            source.cited = squash(source.label) in cited
        watch.stop()
        # Timings count what the model generated, not a prefilled answer start; when the
        # answer was cut short the model never reported, so the chain's own counts stand.
        timings = {
            "retrieval_s": round(retrieval.seconds, 4),
            "first_token_s": watch.first_token_s(),
            "total_s": watch.total_s(),
            "prompt_tokens": model_timings.get("prompt_tokens", usage.get("input_tokens", prompt_tokens)),
            "generated_tokens": model_timings.get("generated_tokens", usage.get("output_tokens", watch.tokens)),
            "decode_tokens_per_s": model_timings.get("decode_tokens_per_s",
                                                     watch.decode_tokens_per_s(to_last_token=True)),
            # When the article's own sentence was shown before the model wrote.
            "evidence_first_s": evidence_first_s,
            # Wall-clock time of the first token the model wrote: lets a caller measure
            # from process start (see bench/oneoff.py).
            "first_token_unix": watch.first_token_unix_s(),
        }
        answer = Answer(question, text, retrieval.language, refused, sources, timings,
                        self.model_name, reason=retrieval.reason)
        yield AnswerEvent("done", answer=answer)

    def _in_english(self, text: str, retrieval: Retrieval, fact: KeyFact | None) -> str | None:
        """An English answer with the article's Chinese lines in the stage book's English,
        or None when it still reads as Chinese (see :mod:`advisor.answering.english`)."""
        if self.stage_book is None:
            return text
        stages = [retrieval.stage, fact.stage if fact is not None else None,
                  *(_stage_and_section(label)[0] for label in sorted(cited_labels(text)))]
        return in_english(text, self.stage_book, stages)

    def _yardstick(self, question: str, fact: KeyFact) -> Yardstick | LengthCheck | None:
        """The company's own figure against the KPI ``fact`` quotes, or the length of time
        the question gives against the period it quotes (see :mod:`advisor.answering.yardstick`)."""
        if fact.section == "kpis":
            return yardstick(question, self.stage_book, fact.stage)
        if self.stage_book is None or fact.stage is None or not 1 <= fact.stage <= len(self.stage_book.stages):
            return None
        entry = self.stage_book.stage(fact.stage)
        period = entry.project_period if fact.section == "execution" else entry.duration
        if period is None or period.zh != fact.zh:
            return None  # the fact is not that period (the budget is in 项目执行 too)
        return length_check(question, period)

    def quote_on_point(self, question: str, retrieval: Retrieval, sources: Sequence, section: str | None):
        """The key sentence of the passage plainly on point for ``question``, or None
        (see :mod:`advisor.answering.unsure`)."""
        return quote_when_unsure(
            question, retrieval, sources, section, glossary=self.retriever.glossary,
            tokenize=self._words,
            zh_terms=ZH_QUESTION_TERMS, stage_book=self.stage_book)

    def _cited_article_passages(self, text: str, sources: list[Source]) -> list[Source]:
        """Article passages the answer cites that retrieval did not choose.

        In the ``document`` layout the model sees the whole article and may rightly cite a
        passage outside the top few; it is listed (score 0) so every citation can be
        traced, and its text counts as evidence for the grounding check.
        """
        shown = {squash(s.label) for s in sources}
        extra = []
        for label in sorted(cited_labels(text)):
            chunk = self._article_by_label.get(squash(label))
            if chunk is not None and squash(chunk.label) not in shown:
                shown.add(squash(chunk.label))
                extra.append(Source(chunk.id, chunk.stage, chunk.section, chunk.section_title,
                                    chunk.label, chunk.source, chunk.text, 0.0))
        return extra

    def _with_passage(self, sources: list[Source], label: str) -> list[Source]:
        """``sources`` and the passage labelled ``label``, added (score 0) when retrieval
        did not choose it: a quoted fact is always shown with its passage."""
        if any(squash(s.label) == squash(label) for s in sources):
            return sources
        for chunk in self.retriever.index.chunks:
            if squash(chunk.label) == squash(label):
                return sources + [Source(chunk.id, chunk.stage, chunk.section, chunk.section_title,
                                         chunk.label, chunk.source, chunk.text, 0.0)]
        return sources

    @staticmethod
    def _sources(retrieval: Retrieval, kept) -> list[Source]:
        if not retrieval.covered:
            return []  # nothing was used, so nothing is cited
        kept_ids = {c.id for c in kept}
        return [
            Source(p.chunk.id, p.chunk.stage, p.chunk.section, p.chunk.section_title,
                   p.chunk.label, p.chunk.source, p.chunk.text, p.score)
            for p in retrieval.passages
            if p.chunk.id in kept_ids
        ]


def _answers_another_stage(text: str, fact: KeyFact) -> bool:
    """Whether ``text`` cites the section of ``fact`` only for stages other than the one
    the fact quotes: the model answered the same question for another stage."""
    if fact.stage is None:
        return False
    cited = [_stage_and_section(label) for label in cited_labels(text)]
    if any(stage == fact.stage for stage, _ in cited):
        return False
    return any(section == fact.section and stage is not None for stage, section in cited)


_STAGE_BY_NAME = {name: stage for stage, name in STAGE_NAMES_ZH.items()}
_SECTION_BY_NAME = {squash(section.zh): key for key, section in SECTIONS.items()}


def _stage_and_section(label: str) -> tuple[int | None, str | None]:
    """The stage and section a label names ("[阶段二 · 预期所需时间]" -> 2, "duration")."""
    where, _, section = label.strip("[]").partition("·")
    return _STAGE_BY_NAME.get(where.strip()), _SECTION_BY_NAME.get(squash(section))
