"""Keyword retrieval: jieba tokens, stopwords, the English glossary, BM25 ranking."""

from __future__ import annotations

import pytest

from advisor.knowledge.stage_document import chunk_stage_document
from advisor.knowledge.stages import load_stage_book
from advisor.retrieval.keywords import Glossary, KeywordIndex, expand_chinese, tokenize
from tests.conftest import KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def book():
    return load_stage_book(KNOWLEDGE_DIR / "stages.yaml")


@pytest.fixture(scope="module")
def glossary(book):
    return Glossary((entry.en, entry.zh) for entry in book.glossary)


@pytest.fixture(scope="module")
def stage_chunks():
    return chunk_stage_document((KNOWLEDGE_DIR / "stage_document.zh.txt").read_text(encoding="utf-8"))


def test_tokenize_chinese_into_words_without_function_words():
    tokens = tokenize("阶段三的预期所需时间是什么?")
    assert {"阶段", "预期", "时间"} <= set(tokens)
    assert not {"的", "是", "什么", "?"} & set(tokens)


def test_tokenize_english_lowercases_and_drops_stopwords():
    tokens = tokenize("What are the KPIs of Stage 4?")
    assert tokens == ["kpis", "stage", "4"]


def test_tokenize_keeps_numbers_percentages_and_mixed_terms():
    tokens = tokenize("订购 1-3 个云端 SaaS 工具,效率提升 15%-20%")
    assert "saas" in tokens and "云端" in tokens
    assert "15%" in tokens and "20%" in tokens


def test_tokenize_nothing_searchable():
    assert tokenize("") == []
    assert tokenize("的 了 吗 ??? the of") == []


def test_glossary_translates_how_long(glossary):
    terms = glossary.translate("How long does stage 3 take?")
    assert "预期所需时间" in terms
    assert "阶段三" in terms
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What is the budget for stage 3?", "投资"),
        ("What are the KPIs?", "预期成果"),
        ("How do we protect data security?", "数据安全"),
        ("Which SaaS tools should we subscribe to?", "云端"),
    ],
)
def test_glossary_maps_other_topics(glossary, question, term):
    assert term in glossary.translate(question)


def test_glossary_matches_whole_words_only(glossary):
    # "time" must not be found inside "sometimes", nor "ip" inside "tips".
    assert glossary.translate("sometimes tips") == []
    assert glossary.translate("What's the weather in Paris?") == []


def test_the_parts_of_a_hyphenated_word_are_words_too(glossary):
    assert "部门" in glossary.translate("When have we outgrown the department-only phase?")
    assert "跨部门" in glossary.translate("What is a cross-department project?"), "the whole still counts"
    assert glossary.translate("a well-known brand-new cafe") == [], "still whole words only"


def test_chinese_question_words_map_to_document_headings():
    assert expand_chinese("阶段三需要多久?") == ["预期所需时间"]
    assert expand_chinese("今天天气怎么样?") == []


def test_bm25_ranks_the_stage_three_duration_passage_high(stage_chunks):
    index = KeywordIndex([c.text for c in stage_chunks])
    hits = index.search(tokenize("阶段三 所需时间"), k=len(stage_chunks))
    ranked = [stage_chunks[i] for i, _ in hits]
    # The duration passages do not name their stage ("预期所需时间: 约6个月至1年。"), so
    # BM25 alone ranks all five durations first; the stage filter then picks stage 3.
    assert {c.section for c in ranked[:5]} == {"duration"}
    assert [c for c in ranked if c.stage == 3][0].section == "duration"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert all(score > 0 for _, score in hits)


def test_bm25_finds_an_exact_term(stage_chunks):
    index = KeywordIndex([c.text for c in stage_chunks])
    best = stage_chunks[index.search(tokenize("SaaS 年费用"), k=1)[0][0]]
    assert (best.stage, best.section) == (3, "execution")


def test_bm25_nothing_for_unrelated_or_empty_queries(stage_chunks):
    index = KeywordIndex([c.text for c in stage_chunks])
    assert index.size == len(stage_chunks)
    assert index.search([], k=5) == []
    assert index.search(tokenize("weather Paris 天气"), k=5) == []
    assert KeywordIndex([]).search(["ai"], k=5) == []
