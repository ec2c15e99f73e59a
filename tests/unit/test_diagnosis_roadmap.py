"""The roadmap for each stage: every item cited, targets, timeline, budget and risks."""

from __future__ import annotations

import json
import re

import pytest

from advisor.diagnosis.questionnaire import Questionnaire
from advisor.diagnosis.roadmap import Roadmap, build_roadmap
from advisor.diagnosis.scoring import diagnose
from advisor.knowledge.stages import StageBook
from tests.unit.diagnosis_fixtures import DOCUMENT_TEXT, LABEL_PATTERN, answers_for_stage, real_book


@pytest.fixture(scope="module")
def book() -> StageBook:
    return real_book()


def roadmap_for(book: StageBook, stage: int) -> Roadmap:
    questionnaire = Questionnaire(book)
    return build_roadmap(book, diagnose(book, questionnaire.validate_answers(answers_for_stage(book, stage))))


def _cited_entries(data: dict):
    """Every dict in the roadmap JSON that names a source."""
    if isinstance(data, dict):
        if "source" in data or "label" in data:
            yield data
        for value in data.values():
            yield from _cited_entries(value)
    elif isinstance(data, list):
        for value in data:
            yield from _cited_entries(value)


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_every_roadmap_item_is_cited_verbatim(book: StageBook, stage: int) -> None:
    data = roadmap_for(book, stage).to_dict()
    json.dumps(data, ensure_ascii=False)  # JSON-ready
    entries = list(_cited_entries(data))
    assert len(entries) > 10
    for entry in entries:
        label = entry.get("source") if isinstance(entry.get("source"), str) else entry["label"]
        assert re.match(LABEL_PATTERN, label), label
        assert entry["quote"] in DOCUMENT_TEXT, entry["quote"]
    for section in ("next_steps", "timeline", "risks", "move_on"):
        assert data[section], section
        assert all("source" in item and "quote" in item for item in data[section])
    for key in ("culture", "duration"):
        assert data[key]["source"] and data[key]["quote"] in DOCUMENT_TEXT


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_the_json_has_the_shape_of_the_issue(book: StageBook, stage: int) -> None:
    data = roadmap_for(book, stage).to_dict()
    for key in ("stage", "stage_title", "confidence", "evidence", "unknown", "next_steps", "kpis",
                "timeline", "budget", "sources", "gates", "culture", "risks"):
        assert key in data, key
    assert data["stage"] == stage
    assert all({"name", "target", "source"} <= set(k) for k in data["kpis"])
    labels = [s["label"] for s in data["sources"]]
    assert len(labels) == len({(s["label"], s["quote"]) for s in data["sources"]})


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_plan_follows_the_stage_file(book: StageBook, stage: int) -> None:
    facts = book.stage(stage)
    roadmap = roadmap_for(book, stage)
    assert [s.text.zh for s in roadmap.next_steps] == [a.zh for a in facts.actions]
    assert [k.id for k in roadmap.kpis] == [k.id for k in facts.kpis]
    assert roadmap.duration_months == (facts.duration.min_months, facts.duration.max_months)
    assert roadmap.culture.text.zh == facts.culture.zh
    assert [s.text.zh for s in roadmap.move_on] == [t.zh for t in facts.transition]
    months = [m.month for m in roadmap.timeline]
    assert months == sorted(months) and months[0] == 0 and months[-1] == facts.duration.max_months
    # compliance is carried by every plan
    assert any("法律与合规性" in r.citation.quote for r in roadmap.risks)


def test_stage_three_milestones_budget_and_targets(book: StageBook) -> None:
    roadmap = roadmap_for(book, 3)
    assert [m.month for m in roadmap.timeline] == [0, 1.5, 3, 6, 12]
    assert roadmap.timeline[2].citation.label == "[阶段三 · 预期成果与KPI]"
    assert "1-3" in roadmap.budget.text.zh and "几千元" in roadmap.budget.text.zh
    assert roadmap.budget.citation.label == "[阶段三 · 项目执行]"
    targets = {k.id: k.target for k in roadmap.kpis}
    assert targets == {"first_cross_department_project": "15-20%", "further_cross_department_projects": ">= 2 projects"}


def test_stages_one_and_two_have_no_budget_and_use_their_duration(book: StageBook) -> None:
    for stage in (1, 2):
        roadmap = roadmap_for(book, stage)
        assert roadmap.budget is None and roadmap.to_dict()["budget"] is None
        assert [m.month for m in roadmap.timeline] == [0, 1.5, 3, 6]


def test_later_stages_carry_their_data_security_cautions(book: StageBook) -> None:
    for stage in (4, 5):
        labels = [r.citation.label for r in roadmap_for(book, stage).risks]
        assert f"[阶段{'四五'[stage - 4]} · 数据安全]" in labels
    stage5 = roadmap_for(book, 5)
    assert [m.month for m in stage5.timeline] == [0, 6, 12, 36]  # project period 6-12 months
    assert [m.month for m in roadmap_for(book, 4).timeline] == [0, 4, 8, 18, 36]
    assert stage5.kpis[0].target is None
