"""Stage diagnosis: which of the five stages a company is in, and the plan for it.

questionnaire -> answers -> ``diagnose`` (deterministic scoring, gates) ->
``build_roadmap`` -> report (Markdown + SVG chart) and history (SQLite).
"""

from advisor.diagnosis.gates import GATE_IDS, Gate
from advisor.diagnosis.history import AssessmentDiff, AssessmentHistory, HistoryError, KpiProgress
from advisor.diagnosis.questionnaire import Answer, AnswerError, Answers, Question, Questionnaire
from advisor.diagnosis.report import render_report, write_report
from advisor.diagnosis.chart import render_stage_chart
from advisor.diagnosis.roadmap import Roadmap, build_roadmap
from advisor.diagnosis.scoring import Diagnosis, diagnose

__all__ = [
    "GATE_IDS",
    "Answer",
    "AnswerError",
    "Answers",
    "AssessmentDiff",
    "AssessmentHistory",
    "Diagnosis",
    "Gate",
    "HistoryError",
    "KpiProgress",
    "Question",
    "Questionnaire",
    "Roadmap",
    "build_roadmap",
    "diagnose",
    "render_report",
    "render_stage_chart",
    "write_report",
]
