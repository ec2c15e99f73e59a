"""An assessment: answers (given or read from a profile) -> diagnosis -> roadmap.

This is what ``Advisor.assess`` returns and what the history stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.diagnosis.extraction import Extraction
from advisor.diagnosis.questionnaire import Answers
from advisor.diagnosis.roadmap import Roadmap


@dataclass
class Assessment:
    """One company's stage, with the answers behind it and the plan for what comes next."""

    answers: Answers
    roadmap: Roadmap
    extraction: Extraction | None = None
    history_id: int | None = None

    @property
    def diagnosis(self):
        return self.roadmap.diagnosis

    @property
    def stage(self) -> int:
        return self.roadmap.diagnosis.stage

    def to_dict(self) -> dict:
        data = self.roadmap.to_dict()
        data["answers"] = self.answers.to_dict()
        if self.extraction is not None:
            data["extracted"] = {qid: a.to_dict() for qid, a in self.extraction.answers.items()}
            data["timings"] = {"extraction_s": round(self.extraction.seconds, 2),
                               "model_calls": self.extraction.model_calls}
        if self.history_id is not None:
            data["history_id"] = self.history_id
        return data
