"""The advisor: the one object the CLI and the web UI call.

It routes each message (a question about the article, or a description of the user's
company) and hands the work to the object whose job it is: the answer chain, the
knowledge base (documents and index) or the diagnosis. Interfaces parse input and render
output; every decision lives here or below.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from advisor.answering.chain import Answer, AnswerChain, AnswerEvent
from advisor.answering.question import clean_question, mend_terms
from advisor.conversation.state import Conversation
from advisor.diagnosis.service import DiagnosisService
from advisor.knowledge.base import KnowledgeBase
from advisor.settings import Settings


class Advisor:
    """Answers managers' questions from the stage document and the company's documents,
    and diagnoses their company's stage."""

    def __init__(self, settings: Settings, knowledge: KnowledgeBase, diagnosis: DiagnosisService,
                 retriever, chain: AnswerChain, chat_model, answer_cache=None):
        self.settings = settings
        self.answer_cache = answer_cache  # None: every question goes to the model
        self.knowledge = knowledge
        self.diagnosis = diagnosis
        self.retriever = retriever
        self.chain = chain
        self.chat_model = chat_model
        # What interfaces call directly, named where they look for it.
        self.ensure_index = knowledge.ensure_index
        self.rebuild_index = knowledge.rebuild_index
        self.add_documents = knowledge.add_documents
        self.remove_document = knowledge.remove_document
        self.documents = knowledge.documents
        self.assess = diagnosis.assess
        self.assess_profile = diagnosis.assess_profile
        self.history = diagnosis.history

    @property
    def stage_book(self):
        return self.knowledge.stage_book

    @property
    def index(self):
        return self.knowledge.index

    @property
    def questionnaire(self):
        return self.diagnosis.questionnaire

    def stream(self, message: str, conversation: Conversation | None = None) -> Iterator[AnswerEvent]:
        """Stream the answer to ``message``: ``understood`` (when a follow-up was made
        standalone), ``sources``, ``token`` events, then ``done``.

        Within a ``conversation`` a follow-up ("那阶段四呢?") is resolved from the earlier
        turns before retrieval, and the finished turn is added to it. A message about the
        user's own company goes to the diagnosis, and so does a reply to the questions the
        diagnosis asked in the turn before (it updates that assessment). Raises
        :class:`~advisor.answering.question.QuestionError` for an empty or over-long
        message before any work is done.
        """
        from advisor.answering.evidence import fact_for_question
        from advisor.conversation.resolver import resolve
        from advisor.conversation.routing import answers_open_questions, route
        from advisor.conversation.topics import BY_KEY
        from advisor.conversation.turns import finish_turn
        from advisor.diagnosis.chat import stream_reply

        cleaned = mend_terms(clean_question(message, self.settings.max_question_chars))
        intent = route(cleaned)
        resolution = None
        # Right after the diagnosis asked something, a reply to it updates that assessment.
        open_questions = conversation.open_questions() if conversation is not None else None
        if open_questions is not None and not answers_open_questions(cleaned, intent):
            open_questions = None
        to_diagnosis = intent.to_diagnosis or open_questions is not None
        if to_diagnosis and open_questions is None and self._article_answers_next_steps(cleaned, intent):
            to_diagnosis = False
        if to_diagnosis:
            events = stream_reply(self.diagnosis, cleaned, intent, self.chain.model_name, open_questions)
        else:
            resolution = resolve(cleaned, conversation)
            if resolution.rewritten:
                yield AnswerEvent("understood", text=resolution.question)
            self.ensure_index()
            topic = BY_KEY.get(resolution.topic or "")
            fact = (fact_for_question(self.stage_book, resolution.question, resolution.stage, resolution.topic)
                    if self.settings.evidence_first else None)
            section = fact.section if fact else (topic.section if topic else None)
            events = self._answer(resolution.question, section, fact)
        for event in events:
            if event.kind == "done":
                turn = finish_turn(event.answer, cleaned, resolution, self.stage_book,
                                   route="diagnosis" if to_diagnosis else "document")
                if conversation is not None:
                    conversation.add(turn)
            yield event

    def _article_answers_next_steps(self, message: str, intent) -> bool:
        """Whether "what should we do now?" is better answered from the article than by
        the diagnosis: nothing has been assessed yet, and the message places the company
        in a stage by what happens in it ("AI已经写进我们公司战略了,这个时候重点应该做些什么?")
        without describing it enough to diagnose. The article's advice for that stage is
        then the answer, rather than "I don't know your stage yet"."""
        from advisor.retrieval.query import stage_described_as_current

        if intent.kind != "company_next_steps" or stage_described_as_current(message, moving_on=True) is None:
            return False
        assessment, _ = self.diagnosis.latest_assessment()
        return assessment is None

    def _answer(self, question: str, section: str | None, fact) -> Iterator[AnswerEvent]:
        """The chain's events for the standalone ``question``, or the stored answer to it
        when it was asked before in this edition (see :mod:`advisor.answering.cache`)."""
        cache = self.answer_cache
        if cache is None:
            return self.chain.stream(question, section=section, fact=fact)
        started = time.perf_counter()
        build = self.index.current_build()
        stored = cache.lookup(question, build)
        if stored is not None:
            return cache.replay(stored, started)
        return cache.recording(question, self.chain.stream(question, section=section, fact=fact), build)

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """The complete answer to one question (within ``conversation``, if given)."""
        for event in self.stream(question, conversation):
            if event.kind == "done":
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")  # pragma: no cover

    def warm_up(self) -> dict:
        """Load the chat model and put the fixed start of the prompt into its cache.

        The first time on a machine this reads the fixed start through the model (a few
        seconds on two cores; about half a minute for the 'document' layout's whole
        article) and saves the result; later starts load it in a fraction of a second.
        Chat models without a prompt cache just report that.
        """
        from advisor.llm.protocol import abilities_of

        return abilities_of(self.chat_model).warm_up()

    def describe(self) -> dict[str, str]:
        """The chat and embedding models in use, by name, for the about panel."""
        from advisor.llm.embeddings import embedding_name

        return {"model": self.chain.model_name, "embedding": embedding_name(self.knowledge.embeddings)}

    def write_report(self, assessment, path, company: str, on, lang: str):
        """The assessment's Markdown report and SVG chart (see diagnosis.report)."""
        return self.diagnosis.write_report(assessment.roadmap, path, company, on, lang)

    def feedback(self):
        """The local record of 👍/👎 on answers (SQLite in the data directory)."""
        from advisor.conversation.feedback import FeedbackStore

        return FeedbackStore(self.settings.data_dir / "feedback.sqlite")
