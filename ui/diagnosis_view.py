"""The diagnosis as the page shows it: the result card, the roadmap, and the earlier
assessments with what changed since the one before.

Items are written as in the Markdown report (:mod:`advisor.diagnosis.report`), from the
same view of the assessment and in the same words; everything is escaped there.
"""

from __future__ import annotations

from advisor.diagnosis.report import (
    cited_item,
    evidence_item,
    gate_item,
    items_or_none,
    kpi_item,
    milestone_item,
)
from advisor.diagnosis.view import AssessmentView
from advisor.diagnosis.words import word
from advisor.escaping import md_text
from ui.labels import label

HISTORY_ROWS = 20  # the newest assessments the page lists


def result_card(view: AssessmentView) -> str:
    """Stage, confidence, evidence, unknowns and gates, every item with its source."""
    lang = view.lang
    out = [f"### {word(lang, 'stage')} {view.stage}: {md_text(view.stage_title)}",
           f"{word(lang, 'confidence')}: **{view.confidence:.2f}**", ""]
    if view.to_ask:  # unsure: what would settle the stage comes before everything else
        settle = (word(lang, "reads_unlike", placed=view.stage, stage=view.reads_like) if view.reads_like
                  else word(lang, "to_settle"))
        out += [md_text(settle), ""]
        out += [f"{n}. {md_text(line.text)} {md_text(line.source)}" for n, line in enumerate(view.to_ask, 1)] + [""]
    out += [f"#### {word(lang, 'evidence')}"]
    out += items_or_none([evidence_item(e, lang) for e in view.evidence], lang)
    out += ["", f"#### {word(lang, 'unknown')}"] + items_or_none([cited_item(u) for u in view.unknown], lang)
    out += ["", f"#### {word(lang, 'gates')}"] + items_or_none([gate_item(g) for g in view.gates], lang)
    return "\n".join(out)


def roadmap_markdown(view: AssessmentView) -> str:
    """Next steps, KPIs, duration, milestones and budget, each with its source."""
    lang = view.lang
    out = [f"#### {word(lang, 'next_steps')}"] + [cited_item(s) for s in view.next_steps]
    out += ["", f"#### {word(lang, 'kpis')}"] + [kpi_item(k, "-") for k in view.kpis]
    out += ["", f"#### {word(lang, 'duration')}", cited_item(view.duration)]
    out += ["", f"#### {word(lang, 'timeline')}"] + [milestone_item(m, lang) for m in view.timeline]
    if view.budget:
        out += ["", f"#### {word(lang, 'budget')}", cited_item(view.budget)]
    return "\n".join(out)


def history_markdown(rows, change, question_text, lang: str) -> str:
    """Earlier assessments (``rows``, oldest first) as a table, then ``change`` (an
    assessment diff, or None) criterion by criterion; ``question_text(id)`` names one."""
    if not rows:
        return label(lang, "no_history")
    lines = [f"| # | {label(lang, 'company')} | 📅 | {word(lang, 'stage')} | {word(lang, 'confidence')} |",
             "|---|---|---|---|---|"]
    for a in rows[-HISTORY_ROWS:]:
        lines.append(f"| {a.id} | {md_text(a.company)} | {a.on.isoformat()} | {a.stage} | {a.confidence:.2f} |")
    if change is None:
        return "\n".join(lines)
    lines += ["", f"**{label(lang, 'changes')}** (#{change.earlier.id} → #{change.later.id}): "
                  f"{label(lang, 'stage_change')} {change.stage_change:+d}, "
                  f"{label(lang, 'confidence_change')} {change.confidence_change:+.2f}"]
    if change.criteria:
        lines += ["", f"{label(lang, 'changed_criteria')}:"]
    for c in change.criteria:
        before = (c.before or {}).get("answer", "unknown")
        after = (c.after or {}).get("answer", "unknown")
        met = word(lang, "met" if c.met_after else "not_met")
        lines.append(f"- {md_text(question_text(c.id))}: {before} → {after} ({met})")
    return "\n".join(lines)
