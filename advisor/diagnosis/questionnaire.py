"""The stage questionnaire, generated from the criteria for moving on in the stage file.

One question per criterion, in stage order. Answers are ``yes`` / ``partly`` / ``no`` /
``unknown``, optionally with a measured figure (e.g. personal efficiency +12 %) where the
criterion has a numeric target. Anything else is rejected with a message naming the
question and the fault, because a silently dropped answer would move the stage found.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from advisor.diagnosis.citations import Citation, cite
from advisor.errors import AdvisorError
from advisor.knowledge.stages import Bilingual, Criterion, CriterionNumber, StageBook

AnswerValue = Literal["yes", "partly", "no", "unknown"]
ANSWER_VALUES: tuple[str, ...] = ("yes", "partly", "no", "unknown")

# Words people type for "don't know"; they all mean the same thing to the scoring.
_UNKNOWN_ALIASES = {"unknown", "dont_know", "don't know", "dont know", "not sure", "?", ""}


class AnswerError(AdvisorError, ValueError):
    """Answers that do not fit the questionnaire; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid answers:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, tied to the criterion it checks."""

    id: str
    stage: int
    text: Bilingual
    key: bool
    number: CriterionNumber | None
    citation: Citation

    @classmethod
    def from_criterion(cls, stage: int, criterion: Criterion) -> Question:
        return cls(
            id=criterion.id,
            stage=stage,
            text=criterion.question,
            key=criterion.key,
            number=criterion.number,
            citation=cite(stage, criterion.section, criterion.quote),
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "stage": self.stage,
            "question": {"zh": self.text.zh, "en": self.text.en},
            "key": self.key,
            "number": self.number.model_dump() if self.number else None,
            "source": self.citation.label,
            "quote": self.citation.quote,
        }


@dataclass(frozen=True)
class Answer:
    """A manager's answer to one question; ``number`` is a measured figure, if any."""

    value: AnswerValue = "unknown"
    number: float | None = None
    assumed: bool = False
    """Not said, but implied by a met key criterion of a later stage (free-text diagnosis
    only); it counts as met, and for less in the confidence."""

    def to_dict(self) -> dict:
        data: dict = {"answer": self.value, "number": self.number}
        if self.assumed:
            data["assumed"] = True
        return data


@dataclass(frozen=True)
class Answers:
    """Validated answers keyed by question id; a question not answered reads ``unknown``."""

    by_id: Mapping[str, Answer]

    def get(self, question_id: str) -> Answer:
        return self.by_id.get(question_id, Answer())

    def to_dict(self) -> dict:
        """JSON-ready form, in a stable order, that ``validate_answers`` reads back."""
        return {qid: self.by_id[qid].to_dict() for qid in sorted(self.by_id)}


class Questionnaire:
    """The questions, in stage order, and the validation of answers to them."""

    def __init__(self, book: StageBook):
        self.questions: list[Question] = [
            Question.from_criterion(stage.id, criterion) for stage, criterion in book.criteria()
        ]
        self._by_id = {q.id: q for q in self.questions}

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError naming the known ids otherwise."""
        try:
            return self._by_id[question_id]
        except KeyError:
            raise KeyError(f"no question {question_id!r}; known ids: {', '.join(self._by_id)}") from None

    def validate_answers(self, raw: Mapping) -> Answers:
        """Check raw answers (e.g. from a JSON file) and return them as ``Answers``.

        Each value is either an answer word (``"yes"``) or a mapping
        ``{"answer": "partly", "number": 12}``. Raises ``AnswerError`` listing every
        unknown id, bad answer word and bad number, so one run shows all the fixes.
        """
        if not isinstance(raw, Mapping):
            raise AnswerError([f"expected a mapping of question id to answer, got {type(raw).__name__}"])
        problems: list[str] = []
        answers: dict[str, Answer] = {}
        for qid, given in raw.items():
            question = self._by_id.get(qid)
            if question is None:
                problems.append(f"{qid!r} is not a question id; known ids: {', '.join(self._by_id)}")
                continue
            answer = self._parse_one(question, given, problems)
            if answer is not None:
                answers[qid] = answer
        if problems:
            raise AnswerError(problems)
        return Answers(answers)

    def _parse_one(self, question: Question, given, problems: list[str]) -> Answer | None:
        number = None
        assumed = False
        if isinstance(given, Mapping):
            extra = set(given) - {"answer", "number", "assumed"}
            if extra:
                problems.append(
                    f"{question.id}: unexpected field(s) {sorted(extra)}; use 'answer' and 'number'"
                )
                return None
            assumed = given.get("assumed", False)
            if not isinstance(assumed, bool):
                problems.append(f"{question.id}: 'assumed' must be true or false; got {assumed!r}")
                return None
            if "answer" not in given:
                problems.append(f"{question.id}: missing 'answer' (yes, partly, no or unknown)")
                return None
            number = given.get("number")
            given = given["answer"]
        if not isinstance(given, str):
            problems.append(f"{question.id}: answer must be one of yes, partly, no, unknown; got {given!r}")
            return None
        word = given.strip().lower()
        if word in _UNKNOWN_ALIASES:
            word = "unknown"
        if word not in ANSWER_VALUES:
            problems.append(f"{question.id}: {given!r} is not an answer; use yes, partly, no or unknown")
            return None
        if number is not None:
            if question.number is None:
                problems.append(f"{question.id}: this question takes no number (got {number!r})")
                return None
            # bool is an int in Python; "true" as a figure is a mistake, not 1.
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                problems.append(
                    f"{question.id}: number must be a finite figure in {question.number.unit}; "
                    f"got {number!r}"
                )
                return None
            number = float(number)
        if assumed and word != "yes":
            problems.append(f"{question.id}: only a 'yes' can be assumed; got {given!r}")
            return None
        return Answer(word, number, assumed)  # type: ignore[arg-type]
