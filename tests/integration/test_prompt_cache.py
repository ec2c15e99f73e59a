"""The saved prompt prefix with the real model.

The fixed start of every prompt (the rules; in the ``document`` layout the whole stage
article as well) is evaluated once, saved, and restored by later processes. These tests
check that the restored state is the same state, not merely fast. They run the default
``passages`` layout: the save, check and restore are the same code for both layouts, and
reading the article's 2,900 tokens twice more would cost minutes on an AVX2-only CPU
(``ADVISOR_PROMPT_LAYOUT=document make bench`` times that layout with the real model; the
unit tests check its prompts).
"""

from __future__ import annotations

import pytest

from advisor.settings import Settings

pytestmark = pytest.mark.integration

QUESTION = "How long does stage 3 take?"


def _advisor(settings: Settings):
    from advisor.container import build_advisor

    return build_advisor(settings)


def test_saved_prefix_is_restored_by_a_new_model_and_answers_identically(real_settings, tmp_path):
    settings = real_settings.model_copy(update={"cache_dir": tmp_path / "cache", "prompt_layout": "passages"})
    first = _advisor(settings)
    first.ensure_index()
    warm = first.chat_model.warm_up()
    assert warm["prefix"] == "evaluated"
    states = list(settings.prompt_state_dir.glob("*.state"))
    assert len(states) == 1 and states[0].stat().st_size > 1_000_000  # the rules' KV cache
    assert first.chat_model.warm_up()["prefix"] == "memory"
    answer_first = first.ask(QUESTION)

    second = _advisor(settings)  # a new Llama: as a new process would start
    restored = second.chat_model.warm_up()
    assert restored["prefix"] == "disk" and restored["seconds"] < 5
    answer_second = second.ask(QUESTION)
    assert answer_second.answer == answer_first.answer  # temperature 0: same state, same text
    assert "6" in answer_second.answer and not answer_second.refused
    assert any(s.stage == 3 and s.cited for s in answer_second.sources)
    # The whole prompt counts: the restored rules and what came with the question.
    assert answer_second.timings["prompt_tokens"] > (warm.get("prefix_tokens") or 300)


def test_another_prompt_evicts_the_prefix_and_it_comes_back_from_disk(real_advisor):
    model = real_advisor.chat_model
    model.warm_up()
    from langchain_core.messages import HumanMessage, SystemMessage

    model.invoke([SystemMessage("Reply with one word."), HumanMessage("Say yes.")], max_tokens=3)
    assert model.warm_up()["prefix"] == "disk"
    assert model.warm_up()["prefix"] == "memory"


def test_a_damaged_state_file_is_replaced_not_trusted(real_settings, tmp_path):
    settings = real_settings.model_copy(update={"cache_dir": tmp_path / "cache", "prompt_layout": "passages"})
    folder = settings.prompt_state_dir
    advisor = _advisor(settings)
    advisor.chat_model.warm_up()
    (state,) = folder.glob("*.state")
    state.write_bytes(state.read_bytes()[:4096])  # truncated, as by a crash or a full disk
    again = _advisor(settings)
    assert again.chat_model.warm_up()["prefix"] == "evaluated"
    answer = again.ask(QUESTION)
    assert not answer.refused and any(s.stage == 3 and s.cited for s in answer.sources)
