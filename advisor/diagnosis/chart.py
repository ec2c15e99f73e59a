"""The report's chart, as SVG written by hand: five stages with the current one
highlighted, and the milestone timeline of the roadmap under them.

Hand-written so the report needs no plotting dependency. Every text placed in the SVG
goes through ``xml.sax.saxutils`` escaping: a company name such as
``<script>alert(1)</script>`` must stay text, never markup.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from advisor.diagnosis.roadmap import Roadmap
from advisor.knowledge.chunks import STAGE_NAMES_ZH
from advisor.knowledge.stages import StageBook

WIDTH = 900
_BOX_W, _BOX_H, _GAP, _LEFT, _TOP = 160, 70, 12, 20, 60
_CURRENT, _DONE, _AHEAD = "#1f6feb", "#8fb8f0", "#e6e9ef"


def xml_text(text: str) -> str:
    """``text`` escaped for XML content or attributes, minus the control characters XML 1.0
    forbids (a pasted name containing one would make the whole file unreadable)."""
    cleaned = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(cleaned, {'"': "&quot;"})


def _text(x: float, y: float, body: str, size: int = 13, fill: str = "#1b1f24", anchor: str = "middle",
          weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill={quoteattr(fill)} '
        f'text-anchor={quoteattr(anchor)} font-weight={quoteattr(weight)}>{xml_text(body)}</text>'
    )


def _short(title: str, limit: int = 12) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def render_stage_chart(book: StageBook, roadmap: Roadmap, company: str = "", lang: str = "zh") -> str:
    """An SVG document: the five-stage progress bar and the milestone timeline."""
    stage = roadmap.diagnosis.stage
    parts: list[str] = []
    heading = f"{company} · " if company else ""
    heading += f"{STAGE_NAMES_ZH[stage]} / 5" if lang == "zh" else f"Stage {stage} of 5"
    parts.append(_text(WIDTH / 2, 30, heading, size=18, anchor="middle", weight="bold"))

    titles = [s.title.zh if lang == "zh" else s.title.en for s in book.stages]
    for n in range(1, 6):
        x = _LEFT + (n - 1) * (_BOX_W + _GAP)
        fill = _CURRENT if n == stage else _DONE if n < stage else _AHEAD
        ink = "#ffffff" if n == stage else "#1b1f24"
        marker = ' data-current="true"' if n == stage else ""
        parts.append(
            f'<g id="stage-{n}"{marker}><rect x="{x}" y="{_TOP}" width="{_BOX_W}" height="{_BOX_H}" '
            f'rx="8" fill="{fill}" stroke="#57606a" stroke-width="{3 if n == stage else 1}"/>'
        )
        label = STAGE_NAMES_ZH[n] if lang == "zh" else f"Stage {n}"
        parts.append(_text(x + _BOX_W / 2, _TOP + 28, label, size=15, fill=ink, weight="bold"))
        parts.append(_text(x + _BOX_W / 2, _TOP + 50, _short(titles[n - 1], 12 if lang == "zh" else 22),
                           size=11, fill=ink))
        parts.append("</g>")

    # Timeline: months from now on a line, one tick per milestone.
    line_y, x0, x1 = 230, 60, WIDTH - 60
    last = max(m.month for m in roadmap.timeline) or 1
    parts.append(_text(x0, line_y - 45, "里程碑(月)" if lang == "zh" else "Milestones (months from now)",
                       size=13, anchor="start", weight="bold"))
    parts.append(f'<line x1="{x0}" y1="{line_y}" x2="{x1}" y2="{line_y}" stroke="#57606a" stroke-width="2"/>')
    for i, milestone in enumerate(roadmap.timeline):
        x = x0 + (x1 - x0) * milestone.month / last
        label = milestone.title.zh if lang == "zh" else milestone.title.en
        label = _short(label.split(":")[0].split(":")[0], 14 if lang == "zh" else 28)
        below = line_y + 22 + (i % 2) * 18  # alternate rows so neighbouring labels do not overlap
        parts.append(f'<circle cx="{x:g}" cy="{line_y}" r="6" fill="{_CURRENT}"/>')
        parts.append(_text(x, line_y - 12, f"{milestone.month:g}", size=12))
        # The first and last labels hang inwards so they are not cut off at the edges.
        anchor = "start" if i == 0 else "end" if i == len(roadmap.timeline) - 1 else "middle"
        parts.append(_text(x, below, label, size=11, anchor=anchor))

    body = "\n  ".join(parts)
    title = xml_text(heading)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="300" viewBox="0 0 {WIDTH} 300" '
        'font-family="sans-serif">\n'
        f"  <title>{title}</title>\n"
        f'  <rect width="{WIDTH}" height="300" fill="#ffffff"/>\n'
        f"  {body}\n</svg>\n"
    )

