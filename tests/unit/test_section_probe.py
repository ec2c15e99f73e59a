"""The section probe: fitted on the tuning part only, loaded only for its embedding model
and its list of sections, and a ranking of the article's passages by stage and section."""

from __future__ import annotations

import json

import numpy as np

from advisor.evaluation import DevItem
from advisor.fitting import fit_softmax, softmax
from advisor.knowledge.chunks import STAGE_DOCUMENT_SOURCE, Chunk
from advisor.retrieval.section_probe import (
    DEFAULT_SECTION_PROBE,
    SECTION_CLASSES,
    STAGE_CLASSES,
    SectionProbe,
    features,
    load_section_probe,
)
from advisor.retrieval.section_training import fingerprint, fit, targets, tuning_questions


def _item(id_, stage, sections, split="tuning", refuse=False):
    return DevItem(id=id_, question=f"q {id_}", language="en", stage=stage, sections=sections, facts=[],
                   refuse=refuse, split=split, route="document")


def test_the_shipped_probe_was_fitted_on_the_tuning_part_as_it_is_now():
    probe = load_section_probe()
    assert probe is not None, f"{DEFAULT_SECTION_PROBE} is missing: run make section-probe"
    items = tuning_questions()
    assert items and all(i.split == "tuning" and not i.refuse for i in items)
    assert (probe.trained_on, probe.questions) == (fingerprint(items), len(items)), (
        "the tuning part changed since the section probe was fitted: run make section-probe")


def test_a_sealed_question_would_change_the_fingerprint():
    from advisor.evaluation import load_devset

    sealed = next(i for i in load_devset() if i.split == "sealed" and i.sections and not i.refuse)
    assert fingerprint(tuning_questions() + [sealed]) != load_section_probe().trained_on


def test_the_probe_belongs_to_its_embedding_model_and_sections(tmp_path):
    shipped = load_section_probe()
    assert load_section_probe(embedding=shipped.embedding) is not None
    assert load_section_probe(embedding="st-some-other-model-0123") is None
    assert load_section_probe(tmp_path / "missing.json") is None
    data = json.loads(DEFAULT_SECTION_PROBE.read_text(encoding="utf-8"))
    data["sections"] = data["sections"][:-1]
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_section_probe(tmp_path / "old.json") is None, "fitted on another list of sections"
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert load_section_probe(tmp_path / "bad.json") is None


def test_targets_spread_over_the_sections_a_question_accepts():
    stages, sections = targets([_item("a", 3, ["kpis", "goal"]), _item("b", None, ["conclusion"])])
    assert stages.shape == (2, STAGE_CLASSES) and sections.shape == (2, len(SECTION_CLASSES))
    assert stages[0, 3] == 1.0 and stages[1, 0] == 1.0 and stages.sum() == 2.0
    assert sections[0, SECTION_CLASSES.index("kpis")] == 0.5 == sections[0, SECTION_CLASSES.index("goal")]
    assert sections[1, SECTION_CLASSES.index("conclusion")] == 1.0


def test_fitting_is_deterministic_and_learns_both_parts():
    rng = np.random.default_rng(3)
    dims = 16
    rows, items = [], []
    # Stage s and section k each have a direction of their own.
    for n in range(60):
        stage, section = 1 + n % 5, SECTION_CLASSES[n % 3]
        rows.append(np.eye(dims)[stage] + np.eye(dims)[8 + n % 3] + rng.normal(0, 0.1, dims))
        items.append(_item(str(n), stage, [section]))
    x = np.vstack([features(r) for r in rows])
    stages, sections = targets(items)
    one, two = fit(x, stages, sections), fit(x, stages, sections)
    assert np.array_equal(one.stage_weights, two.stage_weights)
    assert np.array_equal(one.section_weights, two.section_weights)
    chances = one.chances(np.eye(dims)[4] + np.eye(dims)[9])
    assert int(np.argmax(chances[0])) == 4
    assert max(chances[1], key=chances[1].get) == SECTION_CLASSES[1]
    assert one.chances(np.ones(dims + 1)) is None, "a vector of another size is not judged"


def _probe(stage_chances, section_chances) -> SectionProbe:
    # Biases only: the chances are the same for every question.
    dims = 4
    return SectionProbe(np.zeros((dims, STAGE_CLASSES)), np.log(np.asarray(stage_chances)),
                        np.zeros((dims, len(SECTION_CLASSES))),
                        np.log(np.asarray([section_chances.get(s, 1e-6) for s in SECTION_CLASSES])),
                        "e", "t", 0)


def _chunk(stage, section, n=0):
    return Chunk(text=f"{stage}{section}{n}", source=STAGE_DOCUMENT_SOURCE, section=section, section_title=section,
                 start=n, end=n + 1, stage=stage)


def test_the_ranking_multiplies_the_chance_of_stage_and_section():
    chunks = [_chunk(1, "goal"), _chunk(2, "kpis"), _chunk(3, "kpis"), _chunk(3, "goal"), _chunk(None, "conclusion")]
    probe = _probe([0.1, 0.1, 0.2, 0.5, 0.1, 1e-6], {"kpis": 0.6, "goal": 0.3, "conclusion": 0.1})
    ranked = probe.ranking(np.ones(4), chunks)
    assert ranked[:3] == [chunks[2].id, chunks[3].id, chunks[1].id]
    # stage 3 kpis .30, stage 3 goal .15, stage 2 kpis .12, stage 1 goal .03, no stage conclusion .01
    assert ranked[3:] == [chunks[0].id, chunks[4].id]
    # A stage the question names: only its passages, by section.
    assert probe.ranking(np.ones(4), chunks, stage=2) == [chunks[1].id]
    assert probe.ranking(np.ones(5), chunks) == [], "an embedding of another size ranks nothing"


def test_softmax_rows_sum_to_one_and_the_fit_moves_toward_the_target():
    x = np.eye(3) * 5
    w, b = fit_softmax(x, np.eye(3), l2=0.1, steps=300)
    p = softmax(x @ w + b)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert (np.argmax(p, axis=1) == [0, 1, 2]).all()
