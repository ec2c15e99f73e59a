"""Chunking the five-stage document by stage and section.

The document is small (about 3,500 characters) and strongly structured: a heading per
stage, then labelled parts (目标, 行动计划, 预期成果与KPI …), some of them nested as
bullets (``● 项目执行:``). Chunking along that structure, and prefixing each chunk with its
stage and section titles in both languages, retrieved far better than a generic splitter,
and it gives every passage the citation a manager can check: ``[阶段三 · 预期所需时间]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from advisor.knowledge.chunks import STAGE_DOCUMENT_SOURCE, STAGE_NAMES_ZH, Chunk


@dataclass(frozen=True)
class Section:
    key: str
    zh: str
    en: str


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section("introduction", "引言", "Introduction"),
        Section("goal", "目标", "Goal"),
        Section("actions", "行动计划", "Action plan"),
        Section("execution", "项目执行", "Project execution, period and budget"),
        Section("data_security", "数据安全", "Data security and compliance"),
        Section("kpis", "预期成果与KPI", "Expected results and KPIs"),
        Section("duration", "预期所需时间", "Expected duration, how long it takes"),
        Section("culture", "培养企业文化", "Company culture to build"),
        Section("cautions", "注意事项", "Cautions, legal compliance"),
        Section("transition", "过渡到下一阶段", "Moving to the next stage"),
        Section("principles", "AI 商用的哲学思考与建议", "Principles and advice for business AI"),
        Section("conclusion", "结语", "Conclusion"),
    )
}

_STAGE_HEADING = re.compile(r"^阶段([一二三四五]):?\s*$")
_STAGE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}

# A line that opens a section; bullets (●) mark the nested ones. Order matters only in
# that each pattern is anchored at the line start.
_SECTION_OPENERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^目标\s*[:：]"), "goal"),
    (re.compile(r"^行动计划\s*[:：]"), "actions"),
    (re.compile(r"^●?\s*项目执行\s*[:：]"), "execution"),
    (re.compile(r"^●?\s*(确保数据安全|数据保护与合规性)\s*[:：]"), "data_security"),
    (re.compile(r"^预期成果与\s*KPI\s*[:：]"), "kpis"),
    (re.compile(r"^预期所需时间\s*[:：]"), "duration"),
    (re.compile(r"^●?\s*培养企业文化\s*[:：]"), "culture"),
    (re.compile(r"^注意事项\s*[:：]"), "cautions"),
    (re.compile(r"^过渡到下一阶段\s*[:：]"), "transition"),
    (re.compile(r"^AI\s*商用的哲学思考与建议"), "principles"),
    (re.compile(r"^通过AI应用的五个阶段"), "conclusion"),
]


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
    return spans


def _embed_text(stage: int | None, stage_title: str, section: Section, body: str) -> str:
    if stage is None:
        head = f"{section.zh} ({section.en})"
    else:
        head = f"{STAGE_NAMES_ZH[stage]} Stage {stage}: {stage_title} · {section.zh} ({section.en})"
    return f"{head}\n{body}"


def chunk_stage_document(text: str, stage_titles_en: dict[int, str] | None = None) -> list[Chunk]:
    """Split the stage document into one chunk per (stage, section).

    ``text[chunk.start:chunk.end]`` is always the chunk's text (stripped of the trailing
    newline). ``stage_titles_en`` adds English stage titles to the embedded text.
    """
    stage_titles_en = stage_titles_en or {}
    # (start offset, stage, section key, stage title) of every section opening.
    openings: list[tuple[int, int | None, str, str]] = [(0, None, "introduction", "")]
    stage: int | None = None
    stage_title = ""
    spans = _line_spans(text)
    for i, (start, end) in enumerate(spans):
        line = text[start:end].strip()
        heading = _STAGE_HEADING.match(line)
        if heading:
            stage = _STAGE_NUMBERS[heading.group(1)]
            next_line = text[spans[i + 1][0] : spans[i + 1][1]].strip() if i + 1 < len(spans) else ""
            stage_title = next_line
            if stage in stage_titles_en:
                stage_title = f"{next_line} ({stage_titles_en[stage]})"
            # The stage heading and its title belong to the goal chunk that follows.
            openings.append((start, stage, "goal", stage_title))
            continue
        for pattern, key in _SECTION_OPENERS:
            if pattern.match(line):
                if key in ("principles", "conclusion"):
                    stage, stage_title = None, ""
                last_start, last_stage, last_key, _ = openings[-1]
                # "目标" right after the stage heading continues the goal chunk.
                if not (key == "goal" and last_key == "goal" and last_stage == stage):
                    openings.append((start, stage, key, stage_title))
                break

    chunks: list[Chunk] = []
    for n, (start, stage_no, key, title) in enumerate(openings):
        end = openings[n + 1][0] if n + 1 < len(openings) else len(text)
        body = text[start:end]
        stripped = body.rstrip()
        lead = len(body) - len(body.lstrip())
        if not stripped.strip():
            continue
        section = SECTIONS[key]
        chunk_text = stripped[lead:]
        chunks.append(
            Chunk(
                text=chunk_text,
                source=STAGE_DOCUMENT_SOURCE,
                section=key,
                section_title=section.zh,
                start=start + lead,
                end=start + lead + len(chunk_text),
                stage=stage_no,
                embed_text=_embed_text(stage_no, title, section, chunk_text),
            )
        )
    return chunks


STAGE_DOCUMENT_FILE = "stage_document.zh.txt"


def read_stage_passages(knowledge_dir: Path, stage_book) -> list[Chunk]:
    """The passages of the stage document kept in ``knowledge_dir``, in document order."""
    text = (Path(knowledge_dir) / STAGE_DOCUMENT_FILE).read_text(encoding="utf-8")
    return chunk_stage_document(text, {s.id: s.title.en for s in stage_book.stages})
