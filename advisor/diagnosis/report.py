"""The assessment report: a Markdown file (Chinese or English) and its SVG chart.

The report restates the diagnosis and the roadmap with a citation on every item, and ends
with the quoted passages, so a manager can check each claim against the document. The
company name comes from the user (and, in free-text diagnosis, from a model): it and every
other piece of text are escaped, so HTML or Markdown in them is shown, never run.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from advisor.diagnosis.chart import render_stage_chart
from advisor.diagnosis.roadmap import Roadmap, Step
from advisor.knowledge.chunks import STAGE_NAMES_ZH
from advisor.knowledge.stages import Bilingual, StageBook

# Characters that would start Markdown markup (emphasis, links, code, tables, headings)
# inside a line; html.escape has already made < > & inert.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")

_WORDS = {
    "title": ("AI 应用阶段评估报告", "AI adoption assessment"),
    "date": ("日期", "Date"),
    "stage": ("所处阶段", "Stage"),
    "confidence": ("置信度", "Confidence"),
    "basis": ("已回答的相关条件", "relevant criteria answered"),
    "inconsistent": ("与阶段顺序不一致的回答", "answers out of stage order"),
    "evidence": ("依据", "Evidence"),
    "met": ("已达到", "met"),
    "not_met": ("未达到", "not met"),
    "unknown": ("待确认的问题", "Questions to ask next"),
    "none": ("无", "None"),
    "gates": ("暂缓事项", "Not yet"),
    "roadmap": ("路线图", "Roadmap"),
    "next_steps": ("下一步行动", "Next steps"),
    "kpis": ("KPI 与目标", "KPIs and targets"),
    "no_target": ("无量化目标", "no numeric target"),
    "duration": ("预期所需时间", "Expected duration"),
    "timeline": ("里程碑", "Milestones"),
    "month": ("第 {m} 个月", "Month {m}"),
    "budget": ("预算", "Budget"),
    "no_budget": ("文档未给出本阶段的预算。", "The document gives no budget for this stage."),
    "risks": ("风险与合规", "Risks and compliance"),
    "culture": ("企业文化", "Culture to build"),
    "move_on": ("进入下一阶段的标志", "What marks the move to the next stage"),
    "sources": ("来源", "Sources"),
    "chart": ("阶段进度与里程碑", "Stage progress and milestones"),
    "answer": ({"yes": "是", "partly": "部分", "no": "否", "unknown": "不知道"},
               {"yes": "yes", "partly": "partly", "no": "no", "unknown": "don't know"}),
}


def md_text(text: str) -> str:
    """``text`` made inert for Markdown: HTML escaped, markup characters backslashed, and
    line breaks folded so a value cannot open a heading or a list of its own."""
    one_line = " ".join(str(text).split())
    # quote=False: quotes are harmless once < and > are escaped, and readable raw.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


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
    i = 0 if lang == "zh" else 1

    def w(key: str):
        return _WORDS[key][i]

    def t(text: Bilingual) -> str:
        return md_text(text.zh if lang == "zh" else text.en)

    def step(s: Step) -> str:
        return f"- {t(s.text)} {md_text(s.citation.label)}"

    d = roadmap.diagnosis
    stage_name = STAGE_NAMES_ZH[d.stage] if lang == "zh" else f"Stage {d.stage}"
    basis = d.confidence_basis
    out = [
        f"# {w('title')}: {md_text(company)}",
        "",
        f"{w('date')}: {on.isoformat()}",
        "",
        f"## {w('stage')}",
        "",
        f"**{stage_name}: {t(d.stage_title)}**",
        "",
        f"{w('confidence')}: {d.confidence:.2f} "
        f"({w('basis')}: {basis['relevant_answered']}/{basis['relevant_criteria']}; "
        f"{w('inconsistent')}: {basis['later_met']})",
        "",
    ]
    if chart_file:
        out += [f"![{w('chart')}]({md_text(chart_file)})", ""]

    out += [f"## {w('evidence')}", ""]
    answers = w("answer")
    for e in d.evidence:
        figure = f", {e.answer.number:g}" if e.answer.number is not None else ""
        status = w("met") if e.met else w("not_met")
        out.append(
            f"- [{status}] {md_text(e.question.text.zh if lang == 'zh' else e.question.text.en)} "
            f"— {answers[e.answer.value]}{figure} {md_text(e.question.citation.label)}"
        )
    out += ([] if d.evidence else [f"- {w('none')}"]) + ["", f"## {w('unknown')}", ""]
    asks = [f"- {t(u.question.text)} {md_text(u.question.citation.label)}" for u in d.unknown]
    out += asks or [f"- {w('none')}"]

    out += ["", f"## {w('gates')}", ""]
    for gate in d.gates:
        labels = " ".join(md_text(c.label) for c in gate.citations)
        out.append(f"- **{t(gate.title)}**: {t(gate.advice)} {labels}")
    out += [] if d.gates else [f"- {w('none')}"]

    out += ["", f"## {w('roadmap')}", "", f"### {w('next_steps')}", ""]
    out += [step(s) for s in roadmap.next_steps]
    out += ["", f"### {w('kpis')}", ""]
    for k in roadmap.kpis:
        target = md_text(k.target) if k.target else w("no_target")
        out.append(f"- {t(k.name)}: {target} {md_text(k.citation.label)}")
    out += ["", f"### {w('duration')}", "", step(roadmap.duration), "", f"### {w('timeline')}", ""]
    for m in roadmap.timeline:
        out.append(f"- {w('month').format(m=f'{m.month:g}')}: {t(m.title)} {md_text(m.citation.label)}")
    out += ["", f"### {w('budget')}", "", step(roadmap.budget) if roadmap.budget else f"- {w('no_budget')}"]
    out += ["", f"### {w('risks')}", ""] + [step(s) for s in roadmap.risks]
    out += ["", f"### {w('culture')}", "", step(roadmap.culture)]
    out += ["", f"### {w('move_on')}", ""] + [step(s) for s in roadmap.move_on]

    out += ["", f"## {w('sources')}", ""]
    for c in roadmap.citations:
        out.append(f"> {md_text(c.quote)} — {md_text(c.label)}")
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
