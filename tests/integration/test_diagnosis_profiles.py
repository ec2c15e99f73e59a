"""Free-text diagnosis through the real model on the development profiles.

The model only reads answers out of each profile; the deterministic scoring places the
company. The floor is set just under the measured accuracy; raise it as the advisor
improves, never lower it to get green.
"""

from __future__ import annotations

import difflib
import json
import statistics
from pathlib import Path

import pytest
import yaml

from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

PROFILES = Path(__file__).resolve().parents[1] / "data" / "profiles.yaml"


def load_profiles() -> list[dict]:
    data = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    return data["profiles"] if isinstance(data, dict) else data


@pytest.fixture(scope="module")
def diagnosed(real_advisor):
    results = []
    for profile in load_profiles():
        assessment = real_advisor.assess_profile(profile["profile"])
        ok = assessment.stage in profile["acceptable_stages"]
        results.append((profile, assessment, ok))
        print(f"{'ok ' if ok else 'BAD'} {profile['id']:36s} expected {profile['acceptable_stages']} "
              f"got {assessment.stage} in {assessment.extraction.seconds:.1f}s "
              f"({assessment.extraction.model_calls} calls)")
    return results


def test_profiles_cover_every_stage_in_both_languages():
    profiles = load_profiles()
    assert len(profiles) >= 12
    assert {p["expected_stage"] for p in profiles} == {1, 2, 3, 4, 5}
    assert {p["language"] for p in profiles} == {"zh", "en"}


def test_free_text_diagnosis_accuracy(diagnosed):
    accuracy = sum(ok for _, _, ok in diagnosed) / len(diagnosed)
    seconds = [a.extraction.seconds for _, a, _ in diagnosed]
    print(f"accuracy {accuracy:.2f}, median {statistics.median(seconds):.1f}s per profile")
    assert accuracy >= 0.75  # measured 0.81 (13/16) with the default model


def _longest_shared_run(a: str, b: str) -> int:
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size


def test_every_believed_answer_quotes_the_profile(diagnosed):
    """An answer the model gave is backed by a phrase taken from the profile; an answer
    filled in from later-stage evidence says so and quotes nothing."""
    for profile, assessment, _ in diagnosed:
        text = "".join(profile["profile"].split()).lower()
        for extracted in assessment.extraction.answers.values():
            if extracted.answer == "unknown":
                continue
            if extracted.note.startswith("assumed"):
                assert extracted.evidence == ""
                continue
            quote = "".join(extracted.evidence.split()).lower()
            # Small slips are allowed ("我每天用" for "我自己每天都用"), inventions are not:
            # most of the phrase must stand in the profile as one unbroken run.
            assert quote and _longest_shared_run(quote, text) >= 0.5 * len(quote), (profile["id"], quote)


def test_assess_profile_cli_prints_the_issue_json(tmp_path):
    profile = load_profiles()[0]["profile"]
    result = run_cli("assess", "--profile", profile, "--json", "--company", "Test Co", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("stage", "stage_title", "confidence", "evidence", "unknown", "next_steps", "kpis",
                "timeline", "budget", "sources"):
        assert key in data
    assert 1 <= data["stage"] <= 5 and data["history_id"] == 1
