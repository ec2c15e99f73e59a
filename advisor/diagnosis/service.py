"""The diagnosis as a service: questionnaire answers or a free-text description in,
an assessment with its roadmap out, saved to the local history when a company is named.

The model only reads a description into questionnaire answers; the stage is always
placed by the same deterministic scoring, so both ways agree on the same facts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from advisor.settings import Settings


class DiagnosisService:
    """Assessments, their history and their reports, for one stage book."""

    def __init__(self, settings: Settings, stage_book, chat_model, embeddings=None, resemblance=None):
        self.settings = settings
        self.stage_book = stage_book
        self.chat_model = chat_model
        # The stage a description reads like, where its criteria leave the stage open
        # (see advisor.diagnosis.resemblance); None when switched off or not fitted for
        # these embeddings.
        self.embeddings = embeddings
        self.resemblance = resemblance
        self._questionnaire = None

    @property
    def questionnaire(self):
        from advisor.diagnosis import Questionnaire

        if self._questionnaire is None:
            self._questionnaire = Questionnaire(self.stage_book)
        return self._questionnaire

    def history(self):
        """The local record of assessments and KPI check-ins (SQLite in the data directory)."""
        from advisor.diagnosis import AssessmentHistory

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return AssessmentHistory(self.settings.data_dir / "assessments.sqlite", self.stage_book)

    def assess(self, answers: dict, company: str | None = None, on: date | None = None,
               reads_like: int | None = None):
        """Diagnose the stage from questionnaire answers and plan the next steps.

        With ``company`` the assessment is saved to the history; ``reads_like`` is the
        stage a description reads like (see advisor.diagnosis.resemblance). Raises
        :class:`~advisor.diagnosis.AnswerError` listing every bad answer.
        """
        from advisor.diagnosis import build_roadmap, diagnose
        from advisor.diagnosis.assessment import Assessment

        validated = self.questionnaire.validate_answers(answers)
        roadmap = build_roadmap(self.stage_book,
                                diagnose(self.stage_book, validated, self.questionnaire, reads_like))
        assessment = Assessment(validated, roadmap)
        if company:
            assessment.history_id = self.history().save(
                company, on or date.today(), validated.to_dict(), roadmap.to_dict()
            )
        return assessment

    def assess_profile(self, profile: str, company: str | None = None, on: date | None = None,
                       on_answer=None):
        """Diagnose from a free-text description: the model reads the answers, one criterion
        at a time; the same deterministic scoring as the questionnaire places the company."""
        from advisor.answering.question import mend_terms
        from advisor.diagnosis.extraction import ProfileReader

        mended = mend_terms(profile)
        extraction = ProfileReader(self.chat_model, self.questionnaire).read(mended, on_answer)
        reads_like = self._second_reading(mended, extraction)
        assessment = self.assess(extraction.questionnaire_answers(), company, on, reads_like=reads_like)
        assessment.extraction = extraction
        return assessment

    def _second_reading(self, profile: str, extraction) -> int | None:
        """The resemblance's part (see advisor.diagnosis.resemblance): where the criteria
        leave the stage open, settle them toward the stage the description reads like,
        when that is clear; and that stage, when it is sure of it, for the scoring to
        weigh against the placement. None when there is no resemblance."""
        from advisor.diagnosis import diagnose
        from advisor.diagnosis.resemblance import UNSURE_BELOW, settle_open_criteria, stage_read

        if self.resemblance is None or self.embeddings is None:
            return None
        chances = self.resemblance.probabilities(self.embeddings.embed_query(profile))
        if chances is None:
            return None
        answers = self.questionnaire.validate_answers(extraction.questionnaire_answers())
        placed = diagnose(self.stage_book, answers, self.questionnaire)
        if placed.confidence < UNSURE_BELOW:
            settle_open_criteria(extraction, self.questionnaire, placed.stage, chances)
        return stage_read(chances)

    def update_profile(self, state: dict, reply: str):
        """The assessment of a chat's earlier description (``state``: what was read and
        asked, see ``Extraction.state``) updated with the user's ``reply``."""
        from advisor.diagnosis.extraction import Extraction, ProfileReader

        previous = Extraction.from_state(state.get("answers"), self.questionnaire)
        by_id = {q.id: q for q in self.questionnaire.questions}
        asked = [by_id[qid] for qid in state.get("asked") or [] if isinstance(qid, str) and qid in by_id]
        extraction = ProfileReader(self.chat_model, self.questionnaire).read_reply(reply, asked, previous)
        assessment = self.assess(extraction.questionnaire_answers())
        assessment.extraction = extraction
        return assessment

    def latest_assessment(self):
        """The newest saved assessment, scored again with today's rules, and its record;
        ``(None, None)`` when nothing is saved yet."""
        saved = self.history().assessments()
        if not saved:
            return None, None
        return self.assess(saved[-1].answers), saved[-1]

    def write_report(self, roadmap, path: Path, company: str, on: date, lang: str) -> tuple[Path, Path]:
        """The Markdown report and its SVG stage chart, written next to each other."""
        from advisor.diagnosis.report import write_report

        return write_report(self.stage_book, roadmap, path, company, on, lang)
