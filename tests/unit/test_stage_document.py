"""Chunking the five-stage document: offsets, sections per stage, labels, embed text."""

from __future__ import annotations

import pytest

from advisor.knowledge.chunks import STAGE_DOCUMENT_SOURCE
from advisor.knowledge.stage_document import SECTIONS, chunk_stage_document
from advisor.knowledge.stages import load_stage_book
from tests.conftest import KNOWLEDGE_DIR

TEXT = (KNOWLEDGE_DIR / "stage_document.zh.txt").read_text(encoding="utf-8")
CORE_SECTIONS = {"goal", "actions", "kpis", "duration", "culture"}


@pytest.fixture(scope="module")
def chunks():
    book = load_stage_book(KNOWLEDGE_DIR / "stages.yaml")
    return chunk_stage_document(TEXT, {s.id: s.title.en for s in book.stages})


def by(chunks, stage, section):
    found = [c for c in chunks if c.stage == stage and c.section == section]
    assert len(found) == 1, f"stage {stage} {section}: {len(found)} chunks"
    return found[0]


def test_thirty_eight_chunks_from_the_stage_document(chunks):
    assert len(chunks) == 38
    assert {c.source for c in chunks} == {STAGE_DOCUMENT_SOURCE}


def test_offsets_give_back_the_chunk_text(chunks):
    for chunk in chunks:
        assert TEXT[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text


def test_chunks_are_in_document_order_and_do_not_overlap(chunks):
    for before, after in zip(chunks, chunks[1:]):
        assert before.end <= after.start
    # Everything between chunks is whitespace: no text is lost.
    covered = "".join(TEXT[a.end : b.start] for a, b in zip(chunks, chunks[1:]))
    assert covered.strip() == ""
    assert chunks[0].start == 0 and TEXT[chunks[-1].end :].strip() == ""


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_every_stage_has_its_core_sections(chunks, stage):
    sections = {c.section for c in chunks if c.stage == stage}
    assert CORE_SECTIONS <= sections


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_stages_one_to_four_have_a_transition(chunks, stage):
    assert "过渡到下一阶段" in by(chunks, stage, "transition").text


def test_stage_five_is_the_last_and_has_no_transition(chunks):
    # The document ends stage 5 with its duration and goes on to the principles:
    # there is no next stage to move to (stages.yaml uses the PMF KPI instead).
    assert not [c for c in chunks if c.stage == 5 and c.section == "transition"]


def test_stage_three_duration_and_execution(chunks):
    assert "约6个月至1年" in by(chunks, 3, "duration").text
    execution = by(chunks, 3, "execution").text
    assert "1-3 个云端 SaaS" in execution
    assert "约6个月至1年" not in execution


@pytest.mark.parametrize("stage", [4, 5])
def test_later_stages_have_data_security(chunks, stage):
    text = by(chunks, stage, "data_security").text
    assert "本地部署" in text


def test_only_the_later_stages_have_data_security(chunks):
    assert {c.stage for c in chunks if c.section == "data_security"} == {4, 5}


def test_introduction_principles_and_conclusion_have_no_stage(chunks):
    assert [c.section for c in chunks if c.stage is None] == ["introduction", "principles", "conclusion"]
    assert chunks[0].section == "introduction"


def test_labels_name_stage_and_section(chunks):
    assert by(chunks, 3, "duration").label == "[阶段三 · 预期所需时间]"
    assert by(chunks, 1, "kpis").label == "[阶段一 · 预期成果与KPI]"
    assert by(chunks, 4, "data_security").label == "[阶段四 · 数据安全]"
    for chunk in chunks:
        assert chunk.section_title == SECTIONS[chunk.section].zh
    labels = [c.label for c in chunks]
    assert len(set(labels)) == len(labels), "a label must point to one passage"


def test_stage_headings_belong_to_the_goal_chunk(chunks):
    goal = by(chunks, 3, "goal")
    assert goal.text.startswith("阶段三:")
    assert "启动小型跨部门AI项目" in goal.text and "目标:" in goal.text


def test_embed_text_has_english_stage_and_section_titles(chunks):
    duration = by(chunks, 3, "duration")
    assert "Stage 3" in duration.embed_text
    assert "Expected duration" in duration.embed_text
    assert "cross-department" in duration.embed_text  # the English stage title
    assert duration.embed_text.endswith(duration.text)
    for chunk in chunks:
        assert SECTIONS[chunk.section].en in chunk.embed_text
        assert (f"Stage {chunk.stage}" in chunk.embed_text) == (chunk.stage is not None)


def test_chunk_ids_are_unique_and_stable(chunks):
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids)
    again = chunk_stage_document(TEXT)  # without English titles: same passages, same ids
    assert [c.id for c in again] == ids
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)


def test_a_changed_passage_changes_only_its_own_id(chunks):
    changed = chunk_stage_document(TEXT.replace("约6个月至1年", "约7个月至1年"))
    old, new = {c.id for c in chunks}, {c.id for c in changed}
    assert len(old - new) == 1 and len(new - old) == 1
