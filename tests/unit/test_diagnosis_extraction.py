"""Free-text diagnosis with a scripted model: what is read, what the model is asked,
what is believed, and how a later stage stands for earlier ones."""

from __future__ import annotations

import json

import pytest

from advisor.diagnosis.extraction import MAX_PROFILE_CHARS, Extraction, ProfileError, ProfileReader
from advisor.diagnosis.questionnaire import Questionnaire
from tests.fakes import ScriptedChatModel
from tests.unit.diagnosis_fixtures import real_book


def reply(answer: str) -> str:
    return json.dumps({"answer": answer})


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire(real_book())


def read(questionnaire, profile: str, *replies: str) -> tuple[Extraction, ScriptedChatModel]:
    model = ScriptedChatModel(replies=list(replies))
    return ProfileReader(model, questionnaire).read(profile), model


def test_what_nothing_speaks_of_is_unknown_without_asking_the_model(questionnaire):
    extraction, model = read(questionnaire, "We are a family bakery with six shops in Leeds. Business is good.")
    assert model.history == [] and extraction.model_calls == 0
    assert set(extraction.answers) == {q.id for q in questionnaire.questions}
    assert {(a.answer, a.basis) for a in extraction.answers.values()} == {("unknown", "not mentioned")}


def test_plain_statements_and_figures_settle_criteria_without_the_model(questionnaire):
    profile = ("Our CEO uses ChatGPT every day. Most staff use ChatGPT, Claude, Otter and Canva. "
               "Personal productivity went up about 18%.")
    extraction, model = read(questionnaire, profile)
    assert model.history == []
    answers = extraction.answers
    assert (answers["leader_uses_ai"].answer, answers["leader_uses_ai"].evidence) == (
        "yes", "Our CEO uses ChatGPT every day.")
    assert answers["staff_use_llms_and_tools"].answer == "yes"
    assert (answers["personal_efficiency_gain"].answer, answers["personal_efficiency_gain"].number,
            answers["personal_efficiency_gain"].basis) == ("yes", 18.0, "figure")


@pytest.mark.parametrize("profile, expected", [
    ("个人工作效率提高了两成。", 20.0),
    ("大家的个人效率提升了百分之十二。", 12.0),
    ("Individually people are about a fifth faster on routine work.", 20.0),
    ("Personal productivity is up twenty-five percent.", 25.0),
])
def test_figures_in_words_are_read(questionnaire, profile, expected):
    extraction, _ = read(questionnaire, profile)
    assert extraction.answers["personal_efficiency_gain"].number == expected


def test_of_two_figures_in_a_statement_the_one_by_the_criterions_words_counts(questionnaire):
    extraction, _ = read(questionnaire, "Our sales team ran a joint AI project on quotes, 21% faster, "
                                        "and nine in ten of them said they were satisfied.",
                         *[reply("yes")] * 4)  # what the figures do not settle
    assert extraction.answers["team_collaboration_satisfaction"].number == 90.0
    assert extraction.answers["team_project_efficiency"].number == 21.0


def test_a_figure_said_twice_in_its_own_sentence_is_read_at_its_lower_reading(questionnaire):
    profile = ("The first project that crossed departmental lines was maintenance, production and purchasing "
               "together: an AI tool now orders spare parts before they fail. Over the year the cost of "
               "downtime came down by just under a fifth, roughly eighteen percent.")
    extraction, _ = read(questionnaire, profile, *[reply("unknown")] * 6)
    result = extraction.answers["cross_department_project_result"]
    assert (result.number, result.basis) == (18.0, "figure")


def test_two_different_figures_in_their_own_sentence_settle_nothing(questionnaire):
    profile = ("The first project that crossed departmental lines was maintenance, production and purchasing "
               "together. Downtime came down by a fifth, and spare-part stock by half.")
    extraction, _ = read(questionnaire, profile, *[reply("unknown")] * 6)
    assert extraction.answers["cross_department_project_result"].basis != "figure"


def test_a_team_project_tried_and_given_up_is_a_no_without_the_model(questionnaire):
    extraction, model = read(questionnaire, "We had a go at getting the growing team to use an AI forecast "
                                            "add-on together as a group, but it kept failing and we stopped "
                                            "after a month.")
    project = extraction.answers["team_ai_project"]
    assert (project.answer, project.basis, model.history) == ("no", "stated", [])


def test_a_goal_is_no_measured_figure(questionnaire):
    extraction, model = read(questionnaire, "We hope AI will raise personal productivity by 30% next year.",
                             reply("unknown"))
    assert extraction.answers["personal_efficiency_gain"].number is None
    assert extraction.answers["personal_efficiency_gain"].answer == "unknown"


def test_the_model_reads_only_the_statements_about_the_criterion(questionnaire):
    profile = ("We are a 40-person logistics firm. We have not launched any new AI product or service yet. "
               "Our CEO tried ChatGPT for his speeches last month.")
    extraction, model = read(questionnaire, profile, reply("yes"), reply("no"))
    first, second = model.history
    assert first[0].content == second[0].content  # one fixed system prompt, kept in the cache
    assert "Our CEO tried ChatGPT" in first[1].content and "logistics" not in first[1].content
    assert "not launched any new AI product" in second[1].content and "CEO" not in second[1].content
    # "We have not launched a product" is no answer about the staff: they stay unknown.
    assert extraction.answers["staff_use_llms_and_tools"].answer == "unknown"
    assert extraction.answers["ai_new_offering"].answer == "no"


def test_a_no_to_words_that_deny_nothing_is_not_believed(questionnaire):
    extraction, _ = read(questionnaire, "Our CEO tried ChatGPT for his speeches last month.", reply("no"))
    leader = extraction.answers["leader_uses_ai"]
    assert (leader.answer, leader.basis) == ("unknown", "not believed") and "deny nothing" in leader.note


def test_a_yes_to_words_that_deny_it_is_not_believed(questionnaire):
    extraction, _ = read(questionnaire, "Our staff never touch ChatGPT.", reply("yes"))
    assert extraction.answers["staff_use_llms_and_tools"].answer == "unknown"


@pytest.mark.parametrize("profile", [
    "Our boss never touches ChatGPT.",
    "On the AI side: our owner, Sam, says he won't use it, he prints his emails.",
    "说到AI,我们老板自己从来不用。",
])
def test_a_leader_who_refuses_ai_is_a_plain_no_without_the_model(questionnaire, profile):
    extraction, model = read(questionnaire, profile)
    leader = extraction.answers["leader_uses_ai"]
    assert (leader.answer, leader.basis, model.history) == ("no", "stated", [])


def test_a_refusal_by_the_staff_is_not_the_leaders(questionnaire):
    extraction, model = read(questionnaire, "Our owner uses ChatGPT daily but the staff never touch it.",
                             reply("yes"), reply("no"))
    assert len(model.history) == 2  # the leader is asked about, not settled as a plain "no"
    assert extraction.answers["leader_uses_ai"].answer != "no"
    assert extraction.answers["staff_use_llms_and_tools"].answer == "no"


def test_a_yes_without_the_figure_a_target_needs_is_unknown(questionnaire):
    extraction, _ = read(questionnaire, "Our sales team ran an AI project and it got much faster.",
                         reply("yes"), reply("yes"))
    assert extraction.answers["team_ai_project"].answer == "yes"
    assert extraction.answers["team_project_efficiency"].answer == "unknown"


def test_a_met_later_key_criterion_stands_for_the_unknown_earlier_ones(questionnaire):
    profile = "We fine-tuned Qwen on our own claims data and run it on our own servers. 我们老板不用AI。"
    extraction, model = read(questionnaire, profile, reply("no"))
    assert extraction.answers["local_models_on_own_data"].answer == "yes"
    earlier = [a for qid, a in extraction.answers.items()
               if questionnaire.question(qid).stage < 4 and qid != "leader_uses_ai"]
    assert earlier and all(a.answer == "yes" and a.basis == "assumed" for a in earlier)
    # What the profile says is not met is never overridden.
    assert extraction.answers["leader_uses_ai"].answer == "no"
    assert extraction.questionnaire_answers()["team_ai_project"] == {"answer": "yes", "assumed": True}


def test_a_plain_denial_that_anything_crossed_departments_settles_the_result_without_the_model(questionnaire):
    extraction, model = read(questionnaire, "Each department does its own thing; no AI project was ever done between them.")
    result = extraction.answers["cross_department_project_result"]
    assert (result.answer, result.basis, model.history) == ("no", "stated", [])
    # A denial of further projects is no denial of the first one, whose figure decides.
    extraction, _ = read(questionnaire, "Our first cross-department project cut costs by 20%. "
                                        "No other project has crossed departments since.")
    assert extraction.answers["cross_department_project_result"].number == 20.0


def test_a_key_figure_below_its_target_stands_for_no_earlier_stage(questionnaire):
    # "Yes" is the model's word, but 8% is under the stage-3 target: nothing is assumed.
    profile = "Sales and finance ran a joint AI project across departments; it saved about 8%."
    extraction, _ = read(questionnaire, profile)
    assert extraction.answers["cross_department_project_result"].number == 8.0
    assert all(a.basis != "assumed" for a in extraction.answers.values())


def test_counts_of_further_cross_department_projects(questionnaire):
    profile = ("Our first cross-department project, sales and finance together, cut costs by 18%. "
               "Within six months two more like it followed. Nobody has started another joint project since.")
    extraction, _ = read(questionnaire, profile)
    assert extraction.answers["cross_department_project_result"].number == 18.0
    assert extraction.answers["more_cross_department_projects"].number == 2.0


def test_full_width_punctuation_reads_as_ascii_does(questionnaire):
    ascii_profile = "我们老板每天用豆包写方案,大部分员工都在用Kimi和豆包!个人效率提高了20%。"
    full_width = ascii_profile.replace(",", "\uff0c").replace("!", "\uff01").replace("%", "\uff05")
    first, _ = read(questionnaire, ascii_profile)
    second, _ = read(questionnaire, full_width)
    assert {q: (a.answer, a.number) for q, a in first.answers.items()} == {
        q: (a.answer, a.number) for q, a in second.answers.items()}
    assert first.answers["personal_efficiency_gain"].number == 20.0


@pytest.mark.parametrize("profile", ["", "   \n", "x" * (MAX_PROFILE_CHARS + 1)])
def test_empty_or_huge_profiles_are_refused_before_the_model_runs(questionnaire, profile):
    model = ScriptedChatModel()
    with pytest.raises(ProfileError):
        ProfileReader(model, questionnaire).read(profile)
    assert model.history == []


def test_a_reply_to_the_questions_asked_updates_the_same_extraction(questionnaire):
    first, _ = read(questionnaire, "Our CEO uses ChatGPT every day.")
    asked = [questionnaire.question("staff_use_llms_and_tools"), questionnaire.question("personal_efficiency_gain")]
    model = ScriptedChatModel()
    updated = ProfileReader(model, questionnaire).read_reply("1. yes 2. about 25%", asked, first)
    assert model.history == []  # a plain yes and a figure need no model
    assert updated.answers["leader_uses_ai"].answer == "yes"  # kept from the description
    assert updated.answers["staff_use_llms_and_tools"].answer == "yes"
    assert updated.answers["personal_efficiency_gain"].number == 25.0


def test_a_one_word_reply_answers_the_one_question_asked(questionnaire):
    first, _ = read(questionnaire, "我们老板每天用豆包写方案。")
    updated = ProfileReader(ScriptedChatModel(), questionnaire).read_reply(
        "没有", [questionnaire.question("staff_use_llms_and_tools")], first)
    assert updated.answers["staff_use_llms_and_tools"].answer == "no"


def test_the_kept_state_round_trips_and_malformed_state_is_dropped(questionnaire):
    first, _ = read(questionnaire, "Our CEO uses ChatGPT every day. Personal productivity is up 18%.")
    state = first.state(["staff_use_llms_and_tools"])
    again = Extraction.from_state(json.loads(json.dumps(state))["answers"], questionnaire)
    assert {q: (a.answer, a.number, a.basis) for q, a in again.answers.items()} == {
        q: (a.answer, a.number, a.basis) for q, a in first.answers.items()}
    broken = Extraction.from_state({"leader_uses_ai": {"answer": "maybe"}, "nope": {"answer": "yes"},
                                    "personal_efficiency_gain": {"answer": "yes", "number": "lots"}}, questionnaire)
    assert set(broken.answers) == {"personal_efficiency_gain"}
    assert broken.answers["personal_efficiency_gain"].number is None
    assert Extraction.from_state("not a mapping", questionnaire).answers == {}


def test_assess_profile_runs_the_same_scoring_and_saves_history(make_advisor, private_root):
    from advisor.container import build_advisor
    from tests.conftest import make_settings

    advisor = make_advisor()
    advisor = build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(replies=[reply("partly")]),
                            embeddings=advisor.knowledge.embeddings)
    assessment = advisor.assess_profile("Our CEO uses ChatGPT every day. Some of our staff tried Copilot.",
                                        company="Logistics Co")
    data = assessment.to_dict()
    assert data["stage"] == 1 and assessment.history_id is not None
    assert data["extracted"]["staff_use_llms_and_tools"]["answer"] == "partly"
    assert data["timings"]["model_calls"] == 1
    assert [a.company for a in advisor.history().assessments()] == ["Logistics Co"]


def test_a_team_projects_measured_gain_means_the_project_was_done(questionnaire):
    profile = "Team project efficiency is up about 25%, but no project spans two departments yet."
    extraction, _ = read(questionnaire, profile, reply("no"), reply("no"), reply("no"))
    project = extraction.answers["team_ai_project"]
    assert project.answer == "yes" and project.basis == "assumed" and "measured" in project.note
    # …and, a key criterion of stage 2 met, stage 1's unknowns are taken as met too.
    assert extraction.answers["leader_uses_ai"].basis == "assumed"


def test_a_team_project_said_not_done_is_not_overridden_by_a_figure(questionnaire):
    profile = "None of the departments ever ran its own AI project. Team project efficiency is up 25%."
    extraction, _ = read(questionnaire, profile, reply("no"), reply("no"), reply("no"))
    assert extraction.answers["team_ai_project"].answer == "no"


def test_further_projects_given_up_count_as_none(questionnaire):
    from advisor.diagnosis.mentions import mentions, statements

    text = ("Our booking and front-desk teams built a shared AI booking assistant and bookings doubled, "
            "but the two follow-up cross-team projects planned for this season were both shelved.")
    found = statements(text)
    question = next(q for q in questionnaire.questions if q.id == "more_cross_department_projects")
    reader = ProfileReader(ScriptedChatModel(), questionnaire)
    number, _ = reader._figure(question, mentions(found, question.id), found)
    assert number == 0.0
