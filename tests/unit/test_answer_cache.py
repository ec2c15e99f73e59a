"""The answer cache: a repeated question is answered from the stored answer, marked as
cached, without the model; anything that would change the answer is a miss.

Real e5, a real index and a real SQLite file; only the chat model is scripted, and it
raises when called more often than a test allows, so a cache that fails to answer shows
up as an error, not as a slower pass.
"""

from __future__ import annotations

import time

import pytest

from advisor.answering.cache import AnswerCache
from advisor.answering.cache_pairs import load_pairs, run_pairs, summarize_pairs
from advisor.container import build_advisor
from advisor.conversation.state import Conversation
from tests.conftest import make_settings
from tests.fakes import ScriptedChatModel

STAGE3 = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
STAGE4 = "阶段四一般需要约1.5至3年 [阶段四 · 预期所需时间]。"


@pytest.fixture
def caching(private_root, e5):
    """An advisor with the answer cache on, over its own copy of the index; call it with
    the model's replies (and settings) for each advisor made."""
    def make(*replies: str, **overrides):
        settings = make_settings(private_root, **{"answer_cache": True, **overrides})
        return build_advisor(settings, chat_model=ScriptedChatModel(replies=list(replies)), embeddings=e5)

    return make


def test_a_repeated_question_is_answered_from_the_cache_without_the_model(caching):
    first = caching(STAGE3)
    fresh = first.ask("阶段三需要多长时间?")
    assert not fresh.cached and "6个月至1年" in fresh.answer
    # A new process (a new advisor, the same data folder), and a model with no replies.
    again = caching()
    started = time.perf_counter()
    repeat = again.ask("阶段三需要多长时间？")
    elapsed = time.perf_counter() - started
    assert repeat.cached and repeat.timings["cached"] is True
    assert repeat.answer == fresh.answer
    assert [s.label for s in repeat.sources] == [s.label for s in fresh.sources]
    assert any(s.cited for s in repeat.sources)
    assert repeat.question == "阶段三需要多长时间？"
    assert repeat.to_dict()["cached"] is True
    assert elapsed < 2.0  # no model; the benchmark measures it properly
    assert again.answer_cache.count() == 1


def test_another_stage_or_topic_is_not_taken_for_a_repeat(caching):
    advisor = caching(STAGE3, STAGE4, "阶段三的预算约为每年几千元 [阶段三 · 项目执行]。")
    advisor.ask("阶段三需要多长时间?")
    assert not advisor.ask("阶段四需要多长时间?").cached
    assert not advisor.ask("阶段三需要多少预算?").cached
    assert advisor.answer_cache.count() == 3


def test_a_follow_up_is_cached_by_what_it_was_resolved_into(caching):
    advisor = caching(STAGE3, STAGE4)
    conversation = Conversation()
    advisor.ask("阶段三需要多长时间?", conversation)
    follow_up = advisor.ask("那阶段四呢?", conversation)
    assert follow_up.resolved_question != "那阶段四呢?" and not follow_up.cached
    # Another user, another conversation, the standalone question: the stored answer.
    other = advisor.ask("阶段四需要多长时间?", Conversation())
    assert other.cached and other.answer == follow_up.answer
    # The bare follow-up, with no conversation to resolve it, asks no topic: not a repeat.
    assert advisor.answer_cache.lookup("那阶段四呢?", advisor.index.current_build()) is None


def test_a_changed_index_model_or_setting_is_a_miss(caching, tmp_path):
    advisor = caching(STAGE3)
    advisor.ask("阶段三需要多长时间?")
    # Another setting that shapes answers: a new edition; storing its answer drops the old.
    other = caching(STAGE3, STAGE3, top_k=3)
    assert not other.ask("阶段三需要多长时间?").cached
    assert other.answer_cache.count() == 1
    # A company document changes the index build.
    plan = tmp_path / "plan.md"
    plan.write_text("# 我们的AI计划\n\n财务部今年试用两个AI记账工具,预算五万元。\n", encoding="utf-8")
    other.add_documents([plan])
    assert not other.ask("阶段三需要多长时间?").cached


def test_declined_and_company_messages_are_never_stored(caching):
    advisor = caching()
    declined = advisor.ask("今天北京天气怎么样?")
    assert declined.refused
    assert advisor.answer_cache.count() == 0
    # The diagnosis answers (it asks for a description first); nothing of it is stored.
    reply = advisor.ask("我们公司现在处于哪个阶段?")
    assert not reply.cached and reply.answer
    assert advisor.answer_cache.count() == 0


def test_a_damaged_cache_file_is_replaced_and_the_question_still_answered(caching):
    advisor = caching(STAGE3, STAGE3)
    advisor.ask("阶段三需要多长时间?")
    advisor.answer_cache.path.write_bytes(b"this is not a database" * 100)
    answer = caching(STAGE3).ask("阶段三需要多长时间?")
    assert not answer.cached and "6个月至1年" in answer.answer
    assert caching().ask("阶段三需要多长时间?").cached  # the new file works


def test_sampling_or_switched_off_means_no_cache(caching):
    assert caching(temperature=0.7).answer_cache is None
    assert caching(answer_cache=False).answer_cache is None


def test_the_rule_makes_no_wrong_repeat_on_either_part_of_the_pair_set(e5, tmp_path):
    """Measured with the threshold chosen on the tuning part: tuning 24/30 repeats found,
    sealed 10/15 (11 before the stage a question describes and more of the words for its
    topic joined the signature: the answer now depends on them); no different question
    taken for a repeat on either part."""
    rule = AnswerCache(tmp_path / "unused.sqlite", e5, edition="")
    summary = summarize_pairs(run_pairs(rule, load_pairs()))
    for split in ("tuning", "sealed"):
        assert summary[split]["wrong_repeats"] == 0, summary[split]
    assert summary["tuning"]["repeats_found"] >= 24
    assert summary["sealed"]["repeats_found"] >= 10
    assert not (tmp_path / "unused.sqlite").exists()


def test_pair_set_is_split_once_by_its_rule():
    pairs = load_pairs()
    assert len(pairs) >= 90 and len({p.id for p in pairs}) == len(pairs)
    assert all(p.split == ("sealed" if (i + 1) % 3 == 0 else "tuning") for i, p in enumerate(pairs))
    assert {p.same for p in pairs if p.split == "sealed"} == {True, False}
