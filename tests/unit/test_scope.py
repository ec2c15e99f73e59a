"""Whether a question speaks of anything the stage article is about."""

from __future__ import annotations

import pytest

from advisor.retrieval.scope import speaks_of_the_article


@pytest.mark.parametrize("question", [
    "第三阶段一般需要多长时间?",
    "老板让我搞个考核指标,参考啥?",
    "How long does stage 3 take?",
    "pretty much everyone here already uses chatbots on their own. ok, so what comes next?",
    "tl;dr - what's the closing message of the article?",
    "Who is this playbook written for?",
    "注意事项呢?",
    "What should the first cross-functional pilot look like?",
])
def test_a_question_on_the_article_speaks_of_it(question):
    assert speaks_of_the_article(question)


@pytest.mark.parametrize("question", [
    "下个月想去云南玩五天,帮我排一条旅游路线呗",
    "明天深圳天气怎么样?",
    "Can you recommend a good hotpot place near Chengdu East railway station?",
    "Write me a limerick about my cat.",
])
def test_a_question_on_something_else_does_not(question):
    assert not speaks_of_the_article(question)
