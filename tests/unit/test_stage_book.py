"""The structured stage file agrees with the stage document, and bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.knowledge.stages import SECTIONS, StageBook, StageBookError, load_stage_book

KNOWLEDGE = Path(__file__).parents[2] / "knowledge"
STAGE_FILE = KNOWLEDGE / "stages.yaml"
DOCUMENT = KNOWLEDGE / "stage_document.zh.txt"


@pytest.fixture(scope="module")
def book() -> StageBook:
    return load_stage_book(STAGE_FILE)


def test_five_stages_in_order(book: StageBook) -> None:
    assert [stage.id for stage in book.stages] == [1, 2, 3, 4, 5]
    assert book.stage(3).id == 3
    with pytest.raises(KeyError):
        book.stage(6)


def test_every_quote_is_verbatim_in_the_document(book: StageBook) -> None:
    document = DOCUMENT.read_text(encoding="utf-8")
    assert book.validate_quotes(document) == []


def test_validate_quotes_reports_a_quote_missing_from_the_document(book: StageBook) -> None:
    quote = book.stage(4).duration.quote
    document = DOCUMENT.read_text(encoding="utf-8").replace(quote, "")
    assert book.validate_quotes(document) == [quote]


def test_every_section_key_is_one_the_chunker_uses(book: StageBook) -> None:
    assert {item.section for item in book.items()} <= SECTIONS


def test_stage_titles_are_the_document_headings(book: StageBook) -> None:
    document = DOCUMENT.read_text(encoding="utf-8")
    for stage in book.stages:
        assert f"{stage.title.zh}({stage.collaboration.zh})" in document


@pytest.mark.parametrize(
    ("stage", "min_months", "max_months"),
    [(1, 3, 6), (2, 3, 6), (3, 6, 12), (4, 18, 36), (5, 12, 36)],
)
def test_durations(book: StageBook, stage: int, min_months: int, max_months: int) -> None:
    duration = book.stage(stage).duration
    assert (duration.min_months, duration.max_months) == (min_months, max_months)
    assert duration.section == "duration"


def test_project_periods(book: StageBook) -> None:
    assert book.stage(1).project_period is None
    periods = {n: book.stage(n).project_period for n in (3, 4, 5)}
    assert {n: (p.min_months, p.max_months) for n, p in periods.items()} == {3: (3, 3), 4: (4, 8), 5: (6, 12)}


def _kpi(book: StageBook, stage: int, zh_fragment: str):
    matches = [kpi for kpi in book.stage(stage).kpis if zh_fragment in kpi.name.zh]
    assert len(matches) == 1, f"stage {stage}: expected one KPI naming {zh_fragment!r}, found {len(matches)}"
    return matches[0]


def test_key_kpi_targets(book: StageBook) -> None:
    first_project = _kpi(book, 3, "第一个跨部门项目")
    assert (first_project.target.min, first_project.target.max, first_project.target.unit) == (15, 20, "%")
    assert _kpi(book, 4, "客户满意度").target.min == 95
    assert _kpi(book, 2, "团队协作满意度").target.min == 90
    assert _kpi(book, 1, "大语言模型").target.min == 2
    assert book.stage(5).kpis[0].target is None  # PMF has no figure


def test_budgets(book: StageBook) -> None:
    assert book.stage(1).budget is None
    stage3 = book.stage(3).budget
    assert "1-3" in stage3.zh and "SaaS" in stage3.zh and "几千元" in stage3.zh
    assert "1-3" in stage3.en and "SaaS" in stage3.en
    assert "合理加大投资" in book.stage(4).budget.zh
    assert "加大 AI 投资" in book.stage(5).budget.zh


@pytest.mark.parametrize("stage", [4, 5])
def test_later_stages_carry_a_data_security_caution(book: StageBook, stage: int) -> None:
    assert any(c.section == "data_security" and "本地部署" in c.zh for c in book.stage(stage).cautions)


def test_stage_one_caution_is_legal_compliance(book: StageBook) -> None:
    assert [c.section for c in book.stage(1).cautions] == ["cautions"]
    assert "合法合规" in book.stage(1).cautions[0].zh


def test_every_stage_has_transition_criteria(book: StageBook) -> None:
    assert all(stage.transition for stage in book.stages)
    assert any("PMF" in item.zh for item in book.stage(5).transition)


def test_principles_and_glossary(book: StageBook) -> None:
    assert len(book.principles) == 6
    assert all(item.section == "principles" for item in book.principles)
    assert 30 <= len(book.glossary) <= 50
    assert all(word == word.lower() for entry in book.glossary for word in entry.en)
    talent = [entry for entry in book.glossary if "talent" in entry.en]
    assert talent and "人才" in talent[0].zh


def test_a_malformed_file_names_the_file_and_the_fault(tmp_path: Path) -> None:
    bad = tmp_path / "stages.yaml"
    text = STAGE_FILE.read_text(encoding="utf-8").replace("min_months: 18", "min_months: soon", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(StageBookError) as caught:
        load_stage_book(bad)
    message = str(caught.value)
    assert str(bad) in message
    assert "stage 4.duration.min_months" in message


def test_invalid_yaml_and_missing_file_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("stages: [unclosed\n", encoding="utf-8")
    with pytest.raises(StageBookError, match="broken.yaml: not valid YAML"):
        load_stage_book(broken)
    with pytest.raises(StageBookError, match="missing.yaml: cannot read"):
        load_stage_book(tmp_path / "missing.yaml")
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n", encoding="utf-8")
    with pytest.raises(StageBookError, match="scalar.yaml: expected a mapping"):
        load_stage_book(scalar)
