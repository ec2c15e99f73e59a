"""The stage resemblance: fitted on the tuning profiles only, heard only where the criteria
leave the stage open, and then only settling what they left open."""

from __future__ import annotations

import json

import numpy as np
import pytest

from advisor.fitting import items_fingerprint

from advisor.diagnosis import Questionnaire, diagnose
from advisor.diagnosis.extraction import ExtractedAnswer, Extraction
from advisor.diagnosis.resemblance import DEFAULT_RESEMBLANCE, SURE_AT, fit, load_resemblance, settle_open_criteria
from advisor.diagnosis.resemblance_training import batch_of, tuning_profiles
from tests.unit.diagnosis_fixtures import real_book


@pytest.fixture(scope="module")
def book():
    return real_book()


@pytest.fixture(scope="module")
def questionnaire(book):
    return Questionnaire(book)


def test_the_shipped_resemblance_was_fitted_on_the_tuning_profiles_as_they_are_now():
    fitted = load_resemblance()
    assert fitted is not None, f"{DEFAULT_RESEMBLANCE} is missing: run make resemblance"
    profiles = tuning_profiles()
    assert profiles and all(p.split == "tuning" for p in profiles)
    assert (fitted.trained_on, fitted.profiles) == (
        items_fingerprint((p.id, p.text, p.expected_stage) for p in profiles), len(profiles)), (
        "the tuning profiles changed since the resemblance was fitted: run make resemblance")


def test_the_resemblance_belongs_to_its_embedding_model(tmp_path):
    fitted = load_resemblance()
    assert load_resemblance(embedding=fitted.embedding) is not None
    assert load_resemblance(embedding="st-another-model-42") is None
    assert load_resemblance(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text(json.dumps({"embedding": fitted.embedding}), encoding="utf-8")
    assert load_resemblance(tmp_path / "bad.json") is None
    assert fitted.probabilities([1.0, 0.0]) is None, "a vector of another size is not judged"


def test_fitting_is_deterministic_and_finds_each_stage():
    rng = np.random.default_rng(3)
    centres = np.eye(6)[:5] * 3
    x = np.vstack([centres[s] + rng.normal(0, 0.2, (12, 6)) for s in range(5)])
    stages = np.repeat(np.arange(1, 6), 12)
    w1, b1 = fit(x, stages)
    w2, b2 = fit(x, stages)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    assert ((x @ w1 + b1).argmax(axis=1) + 1 == stages).all()
    assert batch_of("en-b14-s5-skiresort") == "b14" and batch_of("zh-stage1-bakery") == "first"


def _extraction(questionnaire, answers: dict[str, tuple[str, str]]) -> Extraction:
    """Every criterion unknown, except ``answers``: id -> (answer, basis)."""
    extraction = Extraction()
    for q in questionnaire.questions:
        answer, basis = answers.get(q.id, ("unknown", "not mentioned"))
        extraction.answers[q.id] = ExtractedAnswer(q.id, answer, "", basis=basis)
    return extraction


def _placed(book, questionnaire, extraction):
    return diagnose(book, questionnaire.validate_answers(extraction.questionnaire_answers()), questionnaire)


def _reads_like(stage: int, chance: float = 0.9) -> np.ndarray:
    p = np.full(5, (1 - chance) / 4)
    p[stage - 1] = chance
    return p


def test_a_description_that_reads_like_a_later_stage_has_the_criteria_before_it_assumed(book, questionnaire):
    first = [q.id for q in questionnaire.questions if q.stage == 1]
    extraction = _extraction(questionnaire, {first[0]: ("yes", "stated")})
    before = _placed(book, questionnaire, extraction)
    assert before.stage == 1 and before.confidence < 0.5
    assert settle_open_criteria(extraction, questionnaire, before.stage, _reads_like(3)) == 3
    after = _placed(book, questionnaire, extraction)
    assert after.stage == 3 and after.confidence < 0.5, "assumed answers count for less"
    assumed = [q.id for q in questionnaire.questions if extraction.answers[q.id].basis == "assumed"]
    assert assumed and {next(q for q in questionnaire.questions if q.id == i).stage for i in assumed} == {1, 2}
    assert all("stage 3" in extraction.answers[i].note for i in assumed)
    assert extraction.answers[first[0]].basis == "stated", "what was said stays"


def test_a_criterion_said_unmet_on_the_way_stops_the_move(book, questionnaire):
    second = [q.id for q in questionnaire.questions if q.stage == 2]
    extraction = _extraction(questionnaire, {second[0]: ("no", "stated")})
    placed = _placed(book, questionnaire, extraction).stage
    assert settle_open_criteria(extraction, questionnaire, placed, _reads_like(4)) is None
    assert not any(a.basis == "assumed" for a in extraction.answers.values())


@pytest.mark.parametrize("said", ["no", "partly"])
def test_a_criterion_said_partly_met_on_the_way_stops_the_move_too(book, questionnaire, said):
    fourth = [q.id for q in questionnaire.questions if q.stage == 4]
    extraction = _extraction(questionnaire, {fourth[0]: (said, "stated")})
    placed = _placed(book, questionnaire, extraction).stage
    assert settle_open_criteria(extraction, questionnaire, placed, _reads_like(5)) is None


def test_a_statement_the_model_found_silent_does_not_stop_the_move(book, questionnaire):
    # The model read a statement about a stage-4 criterion and answered "unknown": the
    # description does not say it is unmet, so the resemblance may still settle it.
    fourth = [q.id for q in questionnaire.questions if q.stage == 4]
    extraction = _extraction(questionnaire, {fourth[0]: ("unknown", "stated")})
    placed = _placed(book, questionnaire, extraction)
    assert placed.stage == 1
    assert settle_open_criteria(extraction, questionnaire, placed.stage, _reads_like(5)) == 5
    assert extraction.answers[fourth[0]].basis == "assumed"
    assert _placed(book, questionnaire, extraction).stage == 5


def test_an_earlier_stage_undoes_only_what_was_assumed(book, questionnaire):
    answers = {q.id: ("yes", "assumed") for q in questionnaire.questions if q.stage in (1, 2)}
    third = [q for q in questionnaire.questions if q.stage == 3]
    answers.update({q.id: ("yes", "stated") for q in third})
    extraction = _extraction(questionnaire, answers)
    assert _placed(book, questionnaire, extraction).stage == 4
    assert settle_open_criteria(extraction, questionnaire, 4, _reads_like(2)) == 2
    assert _placed(book, questionnaire, extraction).stage == 2
    assert all(extraction.answers[q.id].basis == "not mentioned" for q in questionnaire.questions if q.stage == 2)
    # A stage whose criteria the description affirms is not undone.
    assert settle_open_criteria(extraction, questionnaire, 4, _reads_like(3)) is None


def test_nothing_moves_unless_the_resemblance_is_sure_and_differs(questionnaire):
    extraction = _extraction(questionnaire, {})
    assert settle_open_criteria(extraction, questionnaire, 1, _reads_like(3, SURE_AT - 0.05)) is None
    assert settle_open_criteria(extraction, questionnaire, 3, _reads_like(3)) is None
    assert all(a.answer == "unknown" for a in extraction.answers.values())


class _Embeddings:
    name = "test-embedding"

    def embed_query(self, text):
        return [1.0, 0.0]


class _ReadsLike:
    def __init__(self, stage):
        self.stage = stage

    def probabilities(self, vector):
        return _reads_like(self.stage)


def test_the_composition_root_loads_the_resemblance_only_when_switched_on(make_advisor):
    assert make_advisor().diagnosis.resemblance is not None
    assert make_advisor(stage_resemblance=False).diagnosis.resemblance is None


@pytest.mark.parametrize("switched_on", [True, False])
def test_the_service_hears_the_resemblance_only_where_the_criteria_leave_the_stage_open(
        book, questionnaire, tmp_path, switched_on):
    from advisor.diagnosis.service import DiagnosisService
    from advisor.settings import Settings

    # The composition root gives the service no resemblance when it is switched off.
    service = DiagnosisService(Settings(data_dir=tmp_path, stage_resemblance=switched_on), book, None, _Embeddings(),
                               _ReadsLike(3) if switched_on else None)
    first = [q.id for q in questionnaire.questions if q.stage == 1]
    open_ = _extraction(questionnaire, {first[0]: ("yes", "stated")})
    assert service._second_reading("words", open_) == (3 if switched_on else None)
    assert (_placed(book, questionnaire, open_).stage == 3) is switched_on
    # Criteria that place the company surely are not second-guessed.
    sure = _extraction(questionnaire, {q.id: ("yes", "stated") for q in questionnaire.questions if q.stage == 1}
                       | {q.id: ("no", "stated") for q in questionnaire.questions if q.stage == 2})
    before = _placed(book, questionnaire, sure)
    assert before.stage == 2 and before.confidence >= 0.5
    service._second_reading("words", sure)
    assert _placed(book, questionnaire, sure).stage == 2


def test_the_service_hands_a_sure_reading_to_the_scoring_even_where_the_criteria_decide(book, questionnaire,
                                                                                        tmp_path):
    from advisor.diagnosis.service import DiagnosisService
    from advisor.settings import Settings

    sure = _extraction(questionnaire, {q.id: ("yes", "stated") for q in questionnaire.questions if q.stage == 1}
                       | {q.id: ("no", "stated") for q in questionnaire.questions if q.stage == 2})
    far = DiagnosisService(Settings(data_dir=tmp_path), book, None, _Embeddings(), _ReadsLike(5))
    assert far._second_reading("words", sure) == 5
    plain = far.assess(sure.questionnaire_answers())
    doubted = far.assess(sure.questionnaire_answers(), reads_like=5)
    assert plain.diagnosis.stage == doubted.diagnosis.stage == 2
    assert doubted.diagnosis.confidence < plain.diagnosis.confidence and doubted.diagnosis.unsure
    # A reading it is not sure of is not handed on.
    unsure = DiagnosisService(Settings(data_dir=tmp_path), book, None, _Embeddings(), _Unsure())
    assert unsure._second_reading("words", sure) is None


class _Unsure:
    def probabilities(self, vector):
        return np.full(5, 0.2)


@pytest.mark.parametrize("description, far_from", [
    ("我们是一家做冷链物流的公司,三年前就用自己的数据微调了调度模型,部署在自己的服务器上;去年还和两家"
     "上游供应商一起做了AI驱动的联合预测平台,对外收费。", 1),
    ("Our owner tried ChatGPT for the first time last week to write a supplier email. Nobody else here "
     "uses any AI yet.", 4),
])
def test_the_shipped_resemblance_reads_plain_descriptions_far_from_the_wrong_end(e5, description, far_from):
    from advisor.diagnosis.resemblance import stage_read
    from advisor.diagnosis.scoring import READS_UNLIKE_DISTANCE

    read = stage_read(load_resemblance(embedding=e5.name).probabilities(e5.embed_query(description)))
    # Sure of a stage far from the other end of the scale: a placement there would be doubted.
    assert read is not None and abs(read - far_from) >= READS_UNLIKE_DISTANCE
