"""Conversations with the real default model: follow-ups through the real CLI, a fixed
sample of the conversation set, and article questions that look like diagnosis requests.

The whole conversation set runs in ``make eval`` (``advisor eval --only conversations``);
the sample here is fixed and spans every kind of follow-up, so a regression in the
resolver, the routing or the chain shows up in ``make test`` without an hour's sweep.
"""

from __future__ import annotations

import pytest

from advisor.conversation.evalset import load_conversations, run_conversations
from advisor.evaluation import DEFAULT_CONVERSATIONS
from tests.integration.conftest import json_lines, run_cli

pytestmark = pytest.mark.integration

# Six kinds, both languages and a mixed conversation, both parts of the set; `make eval`
# runs every conversation.
SAMPLE = ("zh-01-stage-switch", "en-02-topic-switch", "zh-03-pronoun", "zh-06-off-topic",
          "en-16-next-stage", "mixed-01-stage-switch")
STAGE4_DURATION = ("1.5", "一年半", "18个月")


def _cites_stage(answer: dict, stage: int) -> bool:
    cited = [s for s in answer["sources"] if s["cited"]] or answer["sources"][:1]
    return any(s["stage"] == stage for s in cited)


def test_a_scripted_conversation_through_the_cli(data_dir, tmp_path):
    saved = tmp_path / "conversation.md"
    result = run_cli("chat", "--json", "--save", str(saved), data_dir=data_dir,
                     input_text="阶段三需要多长时间?\n那阶段四呢?\n")
    assert result.returncode == 0, result.stderr
    first, second = json_lines(result.stdout)  # one object per turn
    assert (first["turn"], second["turn"]) == (1, 2)
    assert first["resolved_question"] == first["question"] == "阶段三需要多长时间?"
    assert "6个月" in first["answer"] and _cites_stage(first, 3)
    assert second["question"] == "那阶段四呢?"
    assert "阶段四" in second["resolved_question"] and "时间" in second["resolved_question"]
    assert any(fact in second["answer"] for fact in STAGE4_DURATION), second["answer"]
    assert _cites_stage(second, 4) and not second["refused"]
    assert 2 <= len(second["suggestions"]) <= 3
    cited = [s for s in second["sources"] if s["cited"]]
    assert cited and any(s["highlights"] for s in cited), cited
    for span in (sp for s in cited for sp in s["highlights"]):
        assert 0 <= span[0] < span[1]
    markdown = saved.read_text(encoding="utf-8")
    assert "阶段三需要多长时间?" in markdown and "那阶段四呢?" in markdown


@pytest.mark.parametrize("message, stage", [
    ("哪个阶段需要自建AI模型?", 4),
    ("What stage includes cross-department projects?", 3),
    ("What comes next after stage 2?", 2),
])
def test_article_questions_that_sound_like_a_diagnosis_are_answered_from_the_article(
        real_advisor, message, stage):
    answer = real_advisor.ask(message)
    assert not answer.refused, answer.answer
    assert "还不知道" not in answer.answer and "don't know your company" not in answer.answer
    assert answer.sources and all(s.source == "stage_document" for s in answer.sources)
    assert stage in [s.stage for s in answer.sources], [s.label for s in answer.sources]


def test_a_fixed_sample_of_conversations(real_advisor):
    cases = [c for c in load_conversations(DEFAULT_CONVERSATIONS) if c.id in SAMPLE]
    assert len(cases) == len(SAMPLE)

    def show(result):
        print(f"{'ok ' if result.ok else 'BAD'} {result.case.id:24s} {result.resolved} "
              f"{result.reasons} {result.answer[:80]!r}")

    results = run_conversations(real_advisor, cases, show)
    # Every rewrite must be right: the rules are deterministic.
    wrong_rewrites = [r.case.id for r in results if any("rewritten" in reason for reason in r.reasons)]
    assert not wrong_rewrites
    ok = sum(r.ok for r in results)
    assert ok >= len(results) - 1, [(r.case.id, r.reasons) for r in results if not r.ok]
