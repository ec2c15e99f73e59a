"""The assessment report: a Markdown file (Chinese or English) and its SVG chart.

The report restates the diagnosis and the roadmap with a citation on every item, and ends
with the quoted passages, so a manager can check each claim against the document. The
company name comes from the user (and, in free-text diagnosis, from a model): it and every
other piece of text are escaped, so HTML or Markdown in it is shown, never run.

The items are written by the functions below, which the web page's card and roadmap use
as well, so an item reads the same in the report and on the page.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from advisor.diagnosis.chart import render_stage_chart
from advisor.diagnosis.roadmap import Roadmap
from advisor.diagnosis.view import EvidenceLine, GateLine, KpiLine, Line, MilestoneLine, roadmap_view
from advisor.diagnosis.words import answer_word, word
from advisor.escaping import md_text
from advisor.knowledge.stages import StageBook


# --- one item of the assessment, as a Markdown list item ------------------------------
def cited_item(line: Line) -> str:
    return f"- {md_text(line.text)} {md_text(line.source)}"


def evidence_item(evidence: EvidenceLine, lang: str) -> str:
    status = word(lang, "met" if evidence.met else "not_met")
    figure = f", {evidence.number:g}" if evidence.number is not None else ""
    return (f"- [{status}] {md_text(evidence.question)} — {answer_word(lang, evidence.answer)}{figure} "
            f"{md_text(evidence.source)}")


def gate_item(gate: GateLine) -> str:
    labels = " ".join(md_text(label) for label in gate.sources)
    return f"- **{md_text(gate.title)}**: {md_text(gate.advice)} {labels}"


def kpi_item(kpi: KpiLine, no_target: str) -> str:
    """The KPI, its target (``no_target`` where the document gives none) and its source."""
    return f"- {md_text(kpi.name)}: {md_text(kpi.target or no_target)} {md_text(kpi.source)}"


def milestone_item(milestone: MilestoneLine, lang: str) -> str:
    month = word(lang, "month", m=f"{milestone.month:g}")
    return f"- {month}: {md_text(milestone.title)} {md_text(milestone.source)}"


def items_or_none(items: list[str], lang: str) -> list[str]:
    return items or [f"- {word(lang, 'none')}"]


# --- the report -----------------------------------------------------------------------
def render_report(
    book: StageBook,
    roadmap: Roadmap,
    company: str,
    on: date,
    lang: str = "zh",
    chart_file: str | None = None,
) -> str:
    """The Markdown report; ``chart_file`` (a relative path) is embedded as an image."""
    if lang not in ("zh", "en"):
        raise ValueError(f"report language must be 'zh' or 'en', got {lang!r}")

    def w(key: str) -> str:
        return word(lang, key)

    v = roadmap_view(roadmap, lang)
    out = [
        f"# {w('title')}: {md_text(company)}",
        "",
        f"{w('date')}: {on.isoformat()}",
        "",
        f"## {w('stage')}",
        "",
        f"**{v.stage_name}: {md_text(v.stage_title)}**",
        "",
        f"{w('confidence')}: {v.confidence:.2f} "
        f"({w('basis')}: {v.relevant_answered}/{v.relevant_criteria}; {w('inconsistent')}: {v.later_met})",
        "",
    ]
    if chart_file:
        out += [f"![{w('chart')}]({md_text(chart_file)})", ""]

    out += [f"## {w('evidence')}", ""]
    out += items_or_none([evidence_item(e, lang) for e in v.evidence], lang)
    out += ["", f"## {w('unknown')}", ""] + items_or_none([cited_item(u) for u in v.unknown], lang)
    out += ["", f"## {w('gates')}", ""] + items_or_none([gate_item(g) for g in v.gates], lang)

    out += ["", f"## {w('roadmap')}", "", f"### {w('next_steps')}", ""]
    out += [cited_item(s) for s in v.next_steps]
    out += ["", f"### {w('kpis')}", ""] + [kpi_item(k, w("no_target")) for k in v.kpis]
    out += ["", f"### {w('duration')}", "", cited_item(v.duration), "", f"### {w('timeline')}", ""]
    out += [milestone_item(m, lang) for m in v.timeline]
    out += ["", f"### {w('budget')}", "", cited_item(v.budget) if v.budget else f"- {w('no_budget')}"]
    out += ["", f"### {w('risks')}", ""] + [cited_item(s) for s in v.risks]
    out += ["", f"### {w('culture')}", "", cited_item(v.culture)]
    out += ["", f"### {w('move_on')}", ""] + [cited_item(s) for s in v.move_on]

    out += ["", f"## {w('sources')}", ""]
    for quote in v.quotes:
        out.append(f"> {md_text(quote.text)} — {md_text(quote.source)}")
        out.append(">")
    if out[-1] == ">":
        out.pop()
    return "\n".join(out) + "\n"


def write_report(
    book: StageBook, roadmap: Roadmap, out: Path, company: str, on: date, lang: str = "zh"
) -> tuple[Path, Path]:
    """Write the report to ``out`` and its chart beside it (same name, ``.svg``)."""
    out = Path(out)
    chart = out.with_suffix(".svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    chart.write_text(render_stage_chart(book, roadmap, company, lang), encoding="utf-8")
    out.write_text(render_report(book, roadmap, company, on, lang, chart_file=chart.name), encoding="utf-8")
    return out, chart
