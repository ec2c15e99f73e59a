"""The Markdown report and its SVG chart render, cite, and keep hostile text inert."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
# markdown-it-py comes with rich, a required dependency: a Markdown viewer to render with.
from markdown_it import MarkdownIt

from advisor.diagnosis.chart import render_stage_chart
from advisor.diagnosis.questionnaire import Questionnaire
from advisor.diagnosis.report import render_report, write_report
from advisor.diagnosis.roadmap import Roadmap, build_roadmap
from advisor.diagnosis.scoring import diagnose
from advisor.escaping import md_text
from advisor.knowledge.stages import StageBook
from tests.unit.diagnosis_fixtures import answers_for_stage, real_book

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(1))\n# Owned'


@pytest.fixture(scope="module")
def book() -> StageBook:
    return real_book()


def roadmap_for(book: StageBook, stage: int) -> Roadmap:
    questionnaire = Questionnaire(book)
    return build_roadmap(book, diagnose(book, questionnaire.validate_answers(answers_for_stage(book, stage))))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_report_renders_every_section_with_citations(book: StageBook, stage: int, lang: str) -> None:
    roadmap = roadmap_for(book, stage)
    text = render_report(book, roadmap, "Acme Trading", date(2026, 11, 27), lang, chart_file="report.svg")
    title = book.stage(stage).title
    assert (title.zh if lang == "zh" else title.en) in text
    assert "2026-11-27" in text and "![" in text and "(report.svg)" in text
    headings = ["## 依据", "## 待确认的问题", "## 暂缓事项", "## 路线图", "### KPI 与目标", "### 里程碑", "## 来源"]
    if lang == "en":
        headings = ["## Evidence", "## Questions to ask next", "## Not yet", "## Roadmap", "### KPIs and targets",
                    "### Milestones", "## Sources"]
    for heading in headings:
        assert heading in text, heading
    for step in roadmap.next_steps:
        assert md_text(step.citation.label) in text
    sources = text.split(headings[-1], 1)[1]
    assert md_text(book.stage(stage).duration.quote) in sources


def test_stage_three_report_quotes_the_budget(book: StageBook) -> None:
    text = render_report(book, roadmap_for(book, 3), "Acme", date(2026, 1, 2), "en")
    assert "a few thousand RMB a year" in text
    assert "\\[阶段三 · 项目执行\\]" in text


@pytest.mark.parametrize("stage", [1, 3, 5])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_is_valid_svg_with_the_stage_highlighted(book: StageBook, stage: int, lang: str) -> None:
    svg = render_stage_chart(book, roadmap_for(book, stage), "Acme", lang)
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    current = [g.get("id") for g in root.iter(f"{SVG}g") if g.get("data-current") == "true"]
    assert current == [f"stage-{stage}"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert ("阶段" if lang == "zh" else "Stage") in " ".join(texts)
    assert len(list(root.iter(f"{SVG}circle"))) == len(roadmap_for(book, stage).timeline)


def test_hostile_company_name_is_inert_in_markdown_and_svg(book: StageBook, tmp_path: Path) -> None:
    roadmap = roadmap_for(book, 2)
    markdown, chart = write_report(book, roadmap, tmp_path / "out" / "report.md", HOSTILE, date(2026, 1, 1), "en")
    text = markdown.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert "](javascript" not in text  # the link syntax is broken by escaping
    assert "\n# Owned" not in text  # a newline cannot open a heading
    svg = chart.read_text(encoding="utf-8")
    root = ET.fromstring(svg.encode("utf-8"))
    assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("img")]
    assert "<script" not in svg
    assert any(t.text and '<script>alert("x")</script>' in t.text for t in root.iter(f"{SVG}text"))
    assert chart.name == "report.svg" and "(report.svg)" in text


def test_control_characters_in_a_name_do_not_break_the_svg(book: StageBook) -> None:
    svg = render_stage_chart(book, roadmap_for(book, 1), "Acme\x00\x07 Ltd", "en")
    ET.fromstring(svg.encode("utf-8"))


def test_report_language_is_checked(book: StageBook) -> None:
    with pytest.raises(ValueError, match="'zh' or 'en'"):
        render_report(book, roadmap_for(book, 1), "Acme", date(2026, 1, 1), "fr")


def test_hostile_name_stays_text_when_the_markdown_is_rendered_to_html(book: StageBook) -> None:
    text = render_report(book, roadmap_for(book, 3), HOSTILE, date(2026, 1, 1), "zh", chart_file="r.svg")
    page = MarkdownIt("commonmark").render(text)  # html enabled, as a viewer might
    assert "<script" not in page and "<img src=x" not in page
    assert 'href="javascript' not in page
    assert page.count("<h1>") == 1
    assert '<img src="r.svg"' in page  # our own chart link still works
