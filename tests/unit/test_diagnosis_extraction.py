"""Free-text diagnosis with a scripted model: what is believed, what is not, when to stop."""

from __future__ import annotations

import json

import pytest

from advisor.diagnosis.extraction import MAX_PROFILE_CHARS, ProfileError, ProfileReader
from tests.fakes import ScriptedChatModel

PROFILE = (
    "We are a 40-person logistics firm. Our CEO uses ChatGPT every day. "
    "Most staff use two chat assistants plus CapCut and speech-to-text tools. "
    "Personal productivity went up about 18%."
)


def reply(answer: str, evidence: str = "", number=None) -> str:
    return json.dumps({"answer": answer, "evidence": evidence, "number": number})


@pytest.fixture
def questionnaire(built_advisor):
    return built_advisor.questionnaire


def stage_ids(questionnaire, stage: int) -> list[str]:
    return [q.id for q in questionnaire.questions if q.stage == stage]


def test_stops_after_the_first_stage_with_a_criterion_not_met(questionnaire):
    model = ScriptedChatModel(replies=[
        reply("yes", "Our CEO uses ChatGPT every day"),
        reply("no", "Most staff use two chat assistants"),
        reply("unknown"),
    ])
    extraction = ProfileReader(model, questionnaire).read(PROFILE)
    assert list(extraction.answers) == stage_ids(questionnaire, 1)
    assert extraction.model_calls == len(model.history) == 3
    assert extraction.answers[stage_ids(questionnaire, 1)[0]].answer == "yes"


def test_a_yes_without_words_from_the_profile_is_not_believed(questionnaire):
    model = ScriptedChatModel(replies=[reply("yes", "The CEO founded an AI lab in 2019"), reply("yes", ""),
                                       reply("no", "Most staff use two chat assistants")])
    extraction = ProfileReader(model, questionnaire).read(PROFILE)
    first, second = (extraction.answers[q] for q in stage_ids(questionnaire, 1)[:2])
    assert first.answer == "unknown" and "supporting phrase" in first.note
    assert second.answer == "unknown"


def test_a_figure_quoted_in_the_evidence_is_read_when_the_model_leaves_number_empty(questionnaire):
    ids = stage_ids(questionnaire, 1)
    numbered = next(q for q in questionnaire.questions if q.stage == 1 and q.number is not None)
    replies = []
    for qid in ids:
        if qid == numbered.id:
            replies.append(reply("no", "Personal productivity went up about 18%"))
        else:
            replies.append(reply("yes", "Our CEO uses ChatGPT every day"))
    # Stage 1 is then fully met (18% >= 15%), so stage 2 is asked: script its answers.
    replies += [reply("unknown")] * len(questionnaire.questions)  # later stages: nothing said
    extraction = ProfileReader(ScriptedChatModel(replies=replies), questionnaire).read(PROFILE)
    assert extraction.answers[numbered.id].number == 18.0
    assert set(stage_ids(questionnaire, 2)) <= set(extraction.answers)
    assert all(a.answer == "unknown" for q, a in extraction.answers.items() if q not in ids)


def test_an_unknown_does_not_stop_the_reading_but_a_no_does(questionnaire):
    replies = [reply("unknown")] * len(stage_ids(questionnaire, 1))
    replies += [reply("no", "Our CEO uses ChatGPT every day")] * len(stage_ids(questionnaire, 2))
    extraction = ProfileReader(ScriptedChatModel(replies=replies), questionnaire).read(PROFILE)
    assert set(extraction.answers) == set(stage_ids(questionnaire, 1)) | set(stage_ids(questionnaire, 2))


def test_gaps_before_a_met_later_key_criterion_are_assumed_and_marked(questionnaire):
    key3 = next(q for q in questionnaire.questions if q.stage == 3 and q.key)
    replies = []
    for q in questionnaire.questions:
        if q.stage > 3:
            break
        if q.id == key3.id:
            replies.append(reply("yes", "Personal productivity went up about 18%"))
        elif q.stage == 3:
            replies.append(reply("no", "Our CEO uses ChatGPT every day"))
        else:
            replies.append(reply("unknown"))
    extraction = ProfileReader(ScriptedChatModel(replies=replies), questionnaire).read(PROFILE)
    earlier = [a for q, a in extraction.answers.items() if q in stage_ids(questionnaire, 1) + stage_ids(questionnaire, 2)]
    assert earlier and all(a.answer == "yes" and a.note.startswith("assumed") for a in earlier)
    said_no = [a for q, a in extraction.answers.items() if q in stage_ids(questionnaire, 3) and q != key3.id]
    assert all(a.answer == "no" for a in said_no)


def test_a_figure_the_profile_does_not_state_is_dropped(questionnaire):
    numbered = next(q for q in questionnaire.questions if q.stage == 1 and q.number is not None)
    replies = [reply("yes", "Personal productivity went up about 18%", 40 if q.id == numbered.id else None)
               if q.id == numbered.id else reply("no", "Our CEO uses ChatGPT every day")
               for q in questionnaire.questions if q.stage == 1]
    extraction = ProfileReader(ScriptedChatModel(replies=replies), questionnaire).read(PROFILE)
    assert extraction.answers[numbered.id].number is None


def test_broken_json_counts_as_unknown(questionnaire):
    model = ScriptedChatModel(replies=["this is not json", reply("no", "Most staff use two chat assistants"),
                                       reply("no", "Most staff use two chat assistants")])
    extraction = ProfileReader(model, questionnaire).read(PROFILE)
    assert extraction.answers[stage_ids(questionnaire, 1)[0]].answer == "unknown"


def test_the_model_is_asked_for_schema_constrained_json_with_the_profile_first(questionnaire):
    model = ScriptedChatModel(replies=[reply("no", "Our CEO uses ChatGPT every day")] * 3)
    ProfileReader(model, questionnaire).read(PROFILE)
    first, second = model.history[0], model.history[1]
    assert first[0].content == second[0].content  # the same system prompt
    assert first[1].content.split("Question:")[0] == second[1].content.split("Question:")[0]
    assert PROFILE in first[1].content


@pytest.mark.parametrize("profile", ["", "   \n", "x" * (MAX_PROFILE_CHARS + 1)])
def test_empty_or_huge_profiles_are_refused_before_the_model_runs(questionnaire, profile):
    model = ScriptedChatModel()
    with pytest.raises(ProfileError):
        ProfileReader(model, questionnaire).read(profile)
    assert model.history == []


def test_assess_profile_runs_the_same_scoring_and_saves_history(make_advisor, private_root):
    from tests.conftest import make_settings
    from advisor.container import build_advisor

    advisor = make_advisor()
    advisor = build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(replies=[
        reply("yes", "Our CEO uses ChatGPT every day"),
        reply("partly", "Most staff use two chat assistants"),
        reply("no", "Personal productivity went up about 18%"),
    ]), embeddings=advisor.knowledge.embeddings)
    assessment = advisor.assess_profile(PROFILE, company="Logistics Co")
    data = assessment.to_dict()
    assert data["stage"] == 1 and assessment.history_id is not None
    assert data["extracted"] and data["timings"]["model_calls"] == 3
    assert [a.company for a in advisor.history().assessments()] == ["Logistics Co"]


def test_a_figure_for_a_criterion_without_a_target_is_ignored(questionnaire):
    plain = next(q for q in questionnaire.questions if q.stage == 1 and q.number is None)
    replies = [reply("no", "Our CEO uses ChatGPT every day 40", 40) if q.id == plain.id
               else reply("no", "Most staff use two chat assistants") for q in questionnaire.questions if q.stage == 1]
    extraction = ProfileReader(ScriptedChatModel(replies=replies), questionnaire).read(PROFILE)
    assert extraction.answers[plain.id].number is None
    questionnaire.validate_answers(extraction.questionnaire_answers())  # accepted as it is
