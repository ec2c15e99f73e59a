"""``advisor eval`` with a scripted model, and the evaluation arithmetic on hand-made results."""

from __future__ import annotations

import json
import statistics

import pytest
import yaml

from advisor.cli.main import cli
from advisor.evaluation import (DEFAULT_DEVSET, DevItem, DiagnosisProfile, EvaluationSetError, ItemResult, ProfileResult,
                                build_report, load_devset, load_profiles, percentile, summarize,
                                summarize_profiles)
from tests.unit.cli_helpers import REPLY

DEVSET = {"questions": [
    {"id": "zh-duration-stage3", "question": "第三阶段一般需要多长时间?", "language": "zh", "stage": 3,
     "sections": ["duration"], "facts": [["6个月", "半年"], ["1年", "一年"]], "refuse": False},
    # Scripted with a vague English reply (VAGUE): the facts are missing.
    {"id": "en-duration-stage3", "question": "How long does stage 3 take?", "language": "en", "stage": 3,
     "sections": ["duration"], "facts": [["6 months"], ["1 year"]], "refuse": False, "split": "sealed"},
    {"id": "off-weather-en", "question": "What will the weather be like in Paris tomorrow?", "language": "en",
     "stage": None, "sections": [], "facts": [], "refuse": True},
]}
# The profiles below speak of no criterion, so the diagnosis reads them with no model call.


def profile_entry(profile_id: str, language: str, acceptable: list[int]) -> dict:
    text = ("我们是一家二十人的贸易公司,还没有用过任何AI工具。" if language == "zh"
            else "We are a 20-person trading company and have not used any AI tools yet.")
    return {"id": profile_id, "language": language, "expected_stage": acceptable[0],
            "acceptable_stages": acceptable, "profile": text}


@pytest.fixture(autouse=True)
def _model_answers_only(monkeypatch):
    # The scripted replies are scored as the model's answers: no quoted sentence before them.
    monkeypatch.setenv("ADVISOR_EVIDENCE_FIRST", "false")


@pytest.fixture
def devset_file(tmp_path):
    path = tmp_path / "devset.yaml"
    path.write_text(yaml.safe_dump(DEVSET, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def profiles_file(tmp_path):
    # A profile that says nothing, read as all "unknown", is placed in stage 1.
    path = tmp_path / "profiles.yaml"
    entries = [profile_entry("zh-nothing-yet", "zh", [1]), profile_entry("en-claims-stage-two", "en", [2])]
    path.write_text(yaml.safe_dump({"profiles": entries}, allow_unicode=True), encoding="utf-8")
    return path


STAGE4 = "阶段四一般需要约1.5至3年 [阶段四 · 预期所需时间]。"
VAGUE = "Stage 3 takes a while, depending on the company [阶段三 · 预期所需时间]."
CONVERSATIONS = {"conversations": [
    {"id": "zh-01-stage-switch", "language": "zh", "kind": "stage_switch", "split": "sealed",
     "turns": ["阶段三需要多长时间?", "那阶段四呢?"],
     "expect": {"stage": 4, "sections": ["duration"], "facts": [["1.5"]], "refuse": False,
                "resolved_contains": [["阶段四"]], "resolved_excludes": [["阶段三"]]}},
    {"id": "en-01-off-topic", "language": "en", "kind": "off_topic", "split": "tuning",
     "turns": ["How long does stage 3 take?", "What will the weather be like in Paris tomorrow?"],
     "expect": {"stage": None, "sections": [], "facts": [], "refuse": True,
                "resolved_contains": [["weather"]], "resolved_excludes": [["stage 3"]]}},
]}


@pytest.fixture
def conversations_file(tmp_path):
    path = tmp_path / "conversations.yaml"
    path.write_text(yaml.safe_dump(CONVERSATIONS, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def pairs_file(tmp_path):
    path = tmp_path / "pairs.yaml"
    pairs = [{"id": "same", "split": "tuning", "a": "阶段三需要多长时间?", "b": "阶段三需要多长时间？", "same": True},
             {"id": "other-stage", "split": "sealed", "a": "阶段三需要多长时间?", "b": "阶段四需要多长时间?",
              "same": False}]
    path.write_text(yaml.safe_dump({"pairs": pairs}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def questions(built_advisor) -> int:
    return len(built_advisor.questionnaire.questions)


# --- the command ----------------------------------------------------------------------
def test_devset_json_is_one_object_with_every_item(runner, model, devset_file):
    model.enqueue(REPLY, VAGUE)
    result = runner.invoke(cli, ["eval", "--only", "devset", "--devset", str(devset_file), "--json",
                                 "--threads", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert report["model"] == runner.settings_seen[-1].model_path.name and report["threads"] == 3
    assert report["devset_file"] == str(devset_file) and report["profiles"] is None
    items = {i["id"]: i for i in report["devset"]["items"]}
    assert list(items) == [q["id"] for q in DEVSET["questions"]]
    assert items["zh-duration-stage3"]["ok"] and items["zh-duration-stage3"]["errors"] == []
    assert items["zh-duration-stage3"]["hit@1"] is True and items["zh-duration-stage3"]["facts_found"] == 2
    assert not items["en-duration-stage3"]["ok"]
    assert items["en-duration-stage3"]["errors"] == ["facts 0/2"]
    assert items["off-weather-en"]["ok"] and items["off-weather-en"]["refused"] is True
    for item in items.values():
        assert {"first_token_s", "total_s", "retrieval_ms"} <= set(item)
    summary = report["devset"]["summary"]
    assert summary["questions"] == 3 and summary["off_topic_declined"] == "1/1"
    assert summary["fact_recall"] == 0.5 and summary["language_accuracy"] == 1.0
    assert summary["retrieval_ms_p50"] <= summary["retrieval_ms_p90"]
    # Progress, one line per item, goes to stderr.
    lines = result.stderr.strip().splitlines()
    assert [line.split()[:2] for line in lines[-3:]] == [["[1/3]", "ok"], ["[2/3]", "BAD"], ["[3/3]", "ok"]]


def test_limit_takes_the_first_items_of_each_set(runner, model, devset_file, profiles_file, questions,
                                                 conversations_file):
    model.enqueue(REPLY, REPLY, STAGE4)
    result = runner.invoke(cli, ["eval", "--limit", "1", "--json", "--devset", str(devset_file),
                                 "--profiles", str(profiles_file), "--conversations", str(conversations_file)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [i["id"] for i in report["devset"]["items"]] == ["zh-duration-stage3"]
    assert [i["id"] for i in report["profiles"]["items"]] == ["zh-nothing-yet"]
    assert [i["id"] for i in report["conversations"]["items"]] == ["zh-01-stage-switch"]
    assert report["limit"] == 1 and model.replies == []


def test_profiles_only_scores_the_stage_against_the_acceptable_ones(runner, model, profiles_file):
    result = runner.invoke(cli, ["eval", "--only", "profiles", "--profiles", str(profiles_file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["devset"] is None and report["devset_file"] is None
    first, second = report["profiles"]["items"]
    assert (first["stage"], first["ok"], first["model_calls"], first["split"]) == (1, True, 0, "tuning")
    assert (second["stage"], second["ok"]) == (1, False)
    assert second["errors"] == ["stage 1 at confidence 0.00, acceptable [2]"]
    summary = report["profiles"]["summary"]
    assert summary["diagnosis_accuracy"] == 0.5
    assert summary["diagnosis_accuracy_zh"] == 1.0 and summary["diagnosis_accuracy_en"] == 0.0
    # Nothing said: confidence 0, and the one miss is one stage off, at a confidence that says so.
    assert summary["far_misses"] == 0 and summary["confident_wrong"] == 0
    assert summary["reliability"][0] == {"band": "0.0-0.5", "profiles": 2, "accuracy": 0.5}
    assert report["profiles"]["splits"]["tuning"]["profiles"] == 2


def test_default_devset_is_the_development_set(runner, model):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["eval", "--only", "devset", "--limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [i["id"] for i in report["devset"]["items"]] == [load_devset()[0].id]


def test_text_report_has_quality_timing_and_failures(runner, model, devset_file, profiles_file, questions,
                                                     conversations_file, pairs_file, tmp_path):
    # The conversations: stage 3, then a wrong stage-4 answer; stage 3, then the weather.
    model.enqueue(REPLY, VAGUE, REPLY, "阶段四比阶段三需要更长的时间 [阶段四 · 预期所需时间]。",
                  REPLY)
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["eval", "--devset", str(devset_file), "--profiles", str(profiles_file),
                                 "--conversations", str(conversations_file), "--cache-pairs", str(pairs_file),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"Model {runner.settings_seen[-1].model_path.name}" in text
    for heading in ("Questions (the sealed part is the headline", "sealed (1)", "tuning (2)", "all (3)",
                    "retrieval hit@1", "retrieval hit@3", "fact recall", "cited stage", "answer language",
                    "refusal", "covered but declined", "off-topic declined",
                    "answers: figure not in passages", "Diagnosis from free text", "sure+wrong: a wrong stage",
                    "Diagnosis reliability", "Timing",
                    "first token (s)", "answer total (s)", "retrieval (ms)", "profile diagnosis (s)"):
        assert heading in text, heading
    assert "Conversations: final turns correct" in text
    assert "Answer cache: repeated questions" in text
    failed = text[text.index("Failed (3):"):]
    assert "[sealed] en-duration-stage3: facts 0/2" in failed
    assert "zh-01-stage-switch" in failed and "en-01-off-topic" not in failed
    assert "en-claims-stage-two: stage 1 at confidence 0.00, acceptable [2]" in failed
    assert "zh-duration-stage3" not in failed
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["devset"]["summary"]["questions"] == 3 and saved["profiles"]["summary"]["profiles"] == 2
    splits = saved["devset"]["splits"]
    assert splits["sealed"]["questions"] == 1 and splits["sealed"]["fact_recall"] == 0.0
    assert splits["tuning"]["questions"] == 2 and splits["tuning"]["fact_recall"] == 1.0
    assert splits["tuning"]["off_topic_declined"] == "1/1"
    parts = saved["conversations"]["summary"]
    assert parts["sealed"]["final_turn_ok"] == 0.0 and parts["tuning"]["final_turn_ok"] == 1.0
    cache = saved["cache"]["summary"]
    assert cache["tuning"]["repeats_found"] == 1 and cache["sealed"]["wrong_repeats"] == 0


def test_out_holds_the_same_report_as_stdout(runner, model, devset_file, tmp_path):
    model.enqueue(REPLY)
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["eval", "--only", "devset", "--limit", "1", "--devset", str(devset_file),
                                 "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(result.stdout)


@pytest.mark.parametrize("option, content, message", [
    ("--devset", None, "does not exist"),
    ("--profiles", None, "does not exist"),
    ("--devset", "questions: [unclosed", "not valid YAML"),
    ("--devset", "questions: []", "holds no 'questions' list"),
    ("--devset", "questions:\n  - id: q1\n    language: en\n", "q1 lacks question"),
    ("--profiles", "profiles:\n  - id: p1\n    language: en\n    expected_stage: 1\n"
                   "    acceptable_stages: one\n    profile: text\n", "acceptable_stages must be a list"),
])
def test_a_bad_set_file_is_one_clear_error(runner, model, tmp_path, option, content, message):
    path = tmp_path / "set.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["eval", option, str(path), "--json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and message in result.stderr and str(path) in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
    assert runner.settings_seen == [] and model.history == []  # failed before loading anything


def test_out_in_a_missing_folder_fails_before_the_run(runner, model, tmp_path):
    result = runner.invoke(cli, ["eval", "--out", str(tmp_path / "no" / "such" / "report.json")])
    assert result.exit_code == 2 and result.stderr.startswith("Error:") and "not a folder" in result.stderr
    assert model.history == []


def test_limit_must_be_positive(runner):
    result = runner.invoke(cli, ["eval", "--limit", "0"])
    assert result.exit_code == 2 and "--limit" in result.stderr


# --- the arithmetic -------------------------------------------------------------------
def item_result(item_id: str, language: str, *, refuse=False, refused=False, hit1=True, hit3=True,
                facts=(2, 2), cited_ok=True, first=1.0, total=2.0, retrieval=0.01) -> ItemResult:
    item = DevItem(item_id, "q", language, None if refuse else 1, [] if refuse else ["duration"],
                   [] if refuse else [["x"]] * facts[1], refuse)
    errors = [] if refused == refuse else ["refusal"]
    return ItemResult(item, "a", refused, hit1, hit3, 0 if refuse else facts[0], cited_ok, True,
                      first, total, retrieval, errors)


def test_devset_summary_arithmetic():
    results = [
        item_result("a", "zh", first=2.0, total=4.0, retrieval=0.010),
        item_result("b", "en", hit1=False, facts=(1, 2), cited_ok=False, first=4.0, total=8.0, retrieval=0.020),
        item_result("c", "en", refuse=True, refused=True, first=0.05, total=0.05, retrieval=0.030),
        item_result("d", "en", refuse=True, refused=False, first=6.0, total=6.0, retrieval=0.040),
    ]
    summary = summarize(results)
    assert summary["questions"] == 4
    assert (summary["hit@1"], summary["hit@3"]) == (0.5, 1.0)
    assert (summary["hit@1_zh"], summary["hit@1_en"], summary["hit@3_en"]) == (1.0, 0.0, 1.0)
    assert summary["fact_recall"] == 0.75  # 3 of 4 facts
    assert summary["cited_stage_accuracy"] == 0.5 and summary["language_accuracy"] == 1.0
    assert summary["refusal_accuracy"] == 0.75 and summary["off_topic_declined"] == "1/2"
    # Model timings over the answered questions (a, b, d); retrieval over all four.
    assert (summary["first_token_s_p50"], summary["first_token_s_p90"]) == (4.0, 5.6)
    assert (summary["total_s_p50"], summary["total_s_p90"]) == (6.0, 7.6)
    assert (summary["retrieval_ms_p50"], summary["retrieval_ms_p90"]) == (25.0, 37.0)


def profile_result(profile_id: str, language: str, ok: bool, seconds: float) -> ProfileResult:
    profile = DiagnosisProfile(profile_id, language, 2, [2], "text")
    return ProfileResult(profile, 2 if ok else 3, seconds, 5, [] if ok else ["stage 3, acceptable [2]"])


def test_profile_summary_arithmetic():
    results = [profile_result("a", "zh", True, 10.0), profile_result("b", "zh", True, 20.0),
               profile_result("c", "en", False, 30.0), profile_result("d", "en", True, 40.0)]
    summary = summarize_profiles(results)
    assert summary["profiles"] == 4 and summary["diagnosis_accuracy"] == 0.75
    assert summary["diagnosis_accuracy_zh"] == 1.0 and summary["diagnosis_accuracy_en"] == 0.5
    assert (summary["seconds_p50"], summary["seconds_p90"]) == (25.0, 37.0)


def test_percentile_interpolates_and_its_middle_is_the_median():
    values = [7.0, 1.0, 3.0, 10.0, 2.0]
    assert percentile(values, 0.5) == statistics.median(values) == 3.0
    assert percentile(values + [4.0], 0.5) == statistics.median(values + [4.0]) == 3.5
    assert percentile(range(1, 11), 0.9) == pytest.approx(9.1)
    assert percentile([5.0], 0.9) == 5.0 and percentile(values, 1.0) == 10.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_report_keeps_both_sets_keys_and_every_item():
    devset = [item_result("a", "zh"), item_result("b", "en", refuse=True, refused=False)]
    report = build_report(devset, None, model="m.gguf", threads=2)
    assert (report["model"], report["threads"], report["profiles"]) == ("m.gguf", 2, None)
    assert [(i["id"], i["ok"], i["errors"]) for i in report["devset"]["items"]] == [
        ("a", True, []), ("b", False, ["refusal"])]
    assert report["devset"]["items"][0]["retrieval_ms"] == 10.0
    json.dumps(report)  # JSON-ready


def test_the_shipped_sets_load_with_their_ids_unique():
    for items in (load_devset(), load_profiles()):
        ids = [i.id for i in items]
        assert ids and len(ids) == len(set(ids))
    with pytest.raises(EvaluationSetError):
        load_profiles(DEFAULT_DEVSET)  # the question set holds no profiles


def test_split_runs_one_part_of_the_question_set(runner, model, devset_file):
    model.enqueue(REPLY)
    result = runner.invoke(cli, ["eval", "--only", "devset", "--split", "sealed", "--devset", str(devset_file),
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(i["id"], i["split"]) for i in report["devset"]["items"]] == [("en-duration-stage3", "sealed")]
    assert list(report["devset"]["splits"]) == ["sealed"]


def test_a_split_other_than_tuning_or_sealed_is_one_clear_error(runner, tmp_path):
    path = tmp_path / "devset.yaml"
    entries = [dict(DEVSET["questions"][0], split="test")]
    path.write_text(yaml.safe_dump({"questions": entries}, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(cli, ["eval", "--only", "devset", "--devset", str(path)])
    assert result.exit_code == 2
    assert "zh-duration-stage3: split must be 'tuning' or 'sealed'" in result.output


def test_an_answer_in_the_wrong_language_is_reported():
    from types import SimpleNamespace

    from advisor.evaluation import DevItem, score_item

    item = DevItem(id="en-x", question="How long does stage 3 take?", language="en", stage=3,
                   sections=("duration",), facts=(("6个月",),), refuse=False)
    answer = SimpleNamespace(answer="阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。", refused=False, sources=[],
                             question=item.question, timings={"first_token_s": 1.0, "total_s": 2.0, "retrieval_s": 0.1})
    result = score_item(item, answer, SimpleNamespace(passages=[]))
    assert "answered in the wrong language for a en question" in result.errors
