"""Free-text diagnosis through the real model on a fixed sample of the tuning profiles.

`make test` diagnoses the 11 profiles named below (1-17 s each on two cores); `make eval`
(``advisor eval``) diagnoses every profile, the sealed part too, and reports each one.
The sample is chosen by id, never at random, and only from the tuning part.

The model only reads answers out of each profile; the deterministic scoring places the
company. The floor is set just under the accuracy measured on the sample; raise it as
the advisor improves, never lower it to get green.
"""

from __future__ import annotations

import difflib
import json

import pytest

from advisor.evaluation import DiagnosisProfile, load_profiles, run_profiles, summarize_profiles
from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

# Every stage in both languages, each placed by something a careless reading gets wrong:
# a figure just under its KPI target, a boss who does not use AI himself, figures in
# words, a one-liner, a later stage that says nothing of the earlier ones.
SAMPLE = [
    "zh-stage1-packaging-printer",       # stage 1: staff use AI, the boss does not
    "en-s1-dental-clinic",               # stage 1: a one-liner; nobody but the writer
    "en-stage2-marketing-agency",        # stage 2: team satisfaction 70%, under the 90% target
    "en-stage3-hvac-distributor",        # stage 3: first joint project gained only 5-8%
    "en-s3-accounting-practice",         # stage 3: "thirty percent", "19 of the 20", a 12% saving
    "zh-s3-insurance-brokerage",         # stage 3: 12% saving, "又陆续做了两个跨部门的"
    "en-s3-translation-agency",          # stage 3: own model, but "no AI project was done between them"
    "zh-stage4-baby-ecommerce",          # stage 4: customer satisfaction 90%, under 95%
    "en-s4-respiratory-medical-devices",  # stage 4: terse; own model, nothing of stages 1-3
    "zh-s5-ai-toy-maker",                # stage 5: partners and sales, nothing of stages 1-3
    "en-s5-tomato-greenhouse-grower",    # stage 5: long and rambling, "a third", renewals
]


def sample_profiles() -> list[DiagnosisProfile]:
    """The sampled profiles, in the order of :data:`SAMPLE`."""
    by_id = {profile.id: profile for profile in load_profiles()}
    missing = [i for i in SAMPLE if i not in by_id]
    if missing:
        pytest.fail(f"The development profiles have no {missing}; update the sample.", pytrace=False)
    return [by_id[i] for i in SAMPLE]


@pytest.fixture(scope="module")
def diagnosed(real_advisor):
    def show(result):
        print(f"{'ok ' if result.ok else 'BAD'} {result.profile.id:36s} expected {result.profile.acceptable_stages} "
              f"got {result.stage} in {result.seconds:.1f}s ({result.model_calls} calls)")

    return run_profiles(real_advisor, sample_profiles(), show)


def test_profiles_cover_every_stage_in_both_languages():
    profiles = load_profiles()
    assert len(profiles) >= 12
    assert {p.expected_stage for p in profiles} == {1, 2, 3, 4, 5}
    assert {p.language for p in profiles} == {"zh", "en"}


def test_sample_names_profiles_of_every_stage_in_both_languages():
    ids = {profile.id for profile in load_profiles()}
    assert [i for i in SAMPLE if i not in ids] == [], "renamed or removed profiles"
    assert len(set(SAMPLE)) == len(SAMPLE)
    profiles = sample_profiles()
    assert {p.expected_stage for p in profiles} == {1, 2, 3, 4, 5}
    assert {p.language for p in profiles} == {"zh", "en"}
    assert {p.split for p in profiles} == {"tuning"}


def test_free_text_diagnosis_accuracy(diagnosed):
    accuracy = sum(r.ok for r in diagnosed) / len(diagnosed)
    print(summarize_profiles(diagnosed))
    # Measured 1.00 (10/10) on the sample with the default model; one wrong stage is
    # allowed, since the sealed part shows the reading is not that good on new wordings.
    assert accuracy >= 0.9
    # A wrong stage must never be stated as sure, and must be at most one stage off.
    assert [r.profile.id for r in diagnosed if not r.ok and (r.confidence >= 0.8 or r.distance > 1)] == []


def test_an_unsure_diagnosis_asks_at_most_three_questions(diagnosed):
    for result in diagnosed:
        diagnosis = result.assessment.diagnosis
        assert len(diagnosis.to_ask) <= 3
        assert not diagnosis.to_ask or diagnosis.unsure, result.profile.id  # a sure one asks nothing


def test_a_description_takes_a_few_model_calls(diagnosed):
    # Only the criteria a statement speaks of, and that no figure or plain words settle,
    # are read by the model: 0-4 calls on this sample, against 3-14 before.
    assert max(r.model_calls for r in diagnosed) <= 6


def _longest_shared_run(a: str, b: str) -> int:
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size


def test_every_believed_answer_quotes_the_profile(diagnosed):
    """An answer the model gave is backed by a phrase taken from the profile; an answer
    filled in from later-stage evidence says so and quotes nothing."""
    for result in diagnosed:
        text = "".join(result.profile.text.split()).lower()
        for extracted in result.assessment.extraction.answers.values():
            if extracted.answer == "unknown":
                continue
            if extracted.basis == "assumed":
                assert extracted.evidence == ""
                continue
            quote = "".join(extracted.evidence.split()).lower()
            # Small slips are allowed ("我每天用" for "我自己每天都用"), inventions are not:
            # most of the phrase must stand in the profile as one unbroken run.
            assert quote and _longest_shared_run(quote, text) >= 0.5 * len(quote), (result.profile.id, quote)


def test_assess_profile_cli_prints_the_issue_json(tmp_path):
    profile = load_profiles()[0].text
    result = run_cli("assess", "--profile", profile, "--json", "--company", "Test Co", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("stage", "stage_title", "confidence", "evidence", "unknown", "next_steps", "kpis",
                "timeline", "budget", "sources"):
        assert key in data
    assert 1 <= data["stage"] <= 5 and data["history_id"] == 1


def test_in_chat_an_unsure_diagnosis_asks_and_the_answers_update_it(real_advisor):
    from advisor.conversation.state import Conversation

    conversation = Conversation()
    first = real_advisor.ask("We're a 25-person architecture firm and I use ChatGPT every day for proposals. "
                             "Where do we stand?", conversation)
    assert "stage 1" in first.answer.lower() and "I'm not sure of this yet" in first.answer
    asked = conversation.turns[-1].diagnosis["asked"]
    assert asked[0] == "staff_use_llms_and_tools"
    second = real_advisor.ask("1. Yes, everyone here uses ChatGPT and Copilot. 2. Roughly 20% faster.", conversation)
    assert second.answer.startswith("With your answers I've updated the assessment")
    answers = conversation.turns[-1].diagnosis["answers"]
    assert answers["leader_uses_ai"]["answer"] == "yes"  # from the first message
    assert answers["staff_use_llms_and_tools"]["answer"] == "yes"
    assert answers["personal_efficiency_gain"]["number"] == 20.0
    assert "stage 2" in second.answer.lower()
