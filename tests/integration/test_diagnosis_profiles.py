"""Free-text diagnosis through the real model on a fixed sample of the development profiles.

`make test` diagnoses the 4 profiles named below (14-72 s each on two cores, the whole
set being the longest part of the suite); `make eval` (``advisor eval``) diagnoses every
profile and reports each one. The sample is chosen by id, never at random.

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

# Stages 1-4 in both languages, each placed by a gate a careless reading gets wrong: a
# figure just under its KPI target, a boss who does not use AI himself. A later stage
# means more criteria to read, so more model calls: the stage-5 and ambiguous profiles
# (the slowest) are left to `make eval`.
SAMPLE = [
    "zh-stage1-packaging-printer",       # stage 1: staff use AI, the boss does not
    "en-stage2-marketing-agency",        # stage 2: team satisfaction 70%, under the 90% target
    "en-stage3-hvac-distributor",        # stage 3: first joint project gained only 5-8%
    "zh-stage4-baby-ecommerce",          # stage 4: customer satisfaction 90%, under 95%
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
    assert {p.expected_stage for p in profiles} == {1, 2, 3, 4}
    assert {p.language for p in profiles} == {"zh", "en"}


def test_free_text_diagnosis_accuracy(diagnosed):
    accuracy = sum(r.ok for r in diagnosed) / len(diagnosed)
    print(summarize_profiles(diagnosed))
    # Measured 1.00 (4/4) on the sample with the default model (the whole set: 0.81,
    # 13/16); one wrong stage is allowed, as it is over the whole set.
    assert accuracy >= 0.75


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
            if extracted.note.startswith("assumed"):
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
