"""A fixed sample of the development set through the real model: facts, citations,
language, refusals.

`make test` asks the 15 questions named below (the whole set of 160 takes 15-40 minutes
on two cores); `make eval` (``advisor eval``) runs the whole set and reports every item,
its sealed and tuning parts side by side. The sample is chosen by id, never at random, so
two runs ask the same questions.

A 1.5B model on a CPU is not perfect, so the suite asserts aggregate floors measured on
this model over the sample and prints every item, so a regression shows which question
broke. The floors are set just under the measured values; raise them as the advisor
improves, never lower them to get green.
"""

from __future__ import annotations

import pytest

from advisor.evaluation import DevItem, load_devset, run_devset, summarize

pytestmark = pytest.mark.integration

# Chinese questions, one per stage and most sections: the article is Chinese, so these
# test retrieval and citation at home. One names its stage only by what the company does
# ("老板刚决定带头用AI"), where the top passage today belongs to another stage and the
# answer must still come from the right one.
ZH_SAMPLE = [
    "zh-duration-boss-starts",       # duration, stage 1 (top passage today: stage 2's)
    "zh-kpis-stage4",                # KPIs, stage 4, two figures
    "zh-budget-first-cross-dept",    # budget (execution), stage 3, two facts
    "zh-transition-stage2",          # when to move on, stage 2
    "zh-data-security-stage4",       # data security, stage 4
    "zh-goal-stage5",                # goal, stage 5
]
# English questions over a Chinese article: each must be answered in English from the
# Chinese passage. The culture question names its stage only by what the company does
# (the other stages' culture passages used to outrank its own); the people question
# belongs to no stage.
EN_SAMPLE = [
    "en-duration-stage4",            # duration, stage 4 named by number, two facts
    "en-kpi-first-cross-dept-project",  # KPIs, stage 3, a figure from a paraphrase
    "en-culture-stage4",             # culture, stage 4 named by its content
    "en-example-cross-dept-projects",  # actions, stage 3: examples, not figures
    "en-principle-people",           # no stage: the principles
]
# Questions the article does not cover, in both languages. The Kimi seat price and the
# stock price pass retrieval (they share tool, cost and KPI words with the article), so
# only the prompt's rule and the figure check decline them; the sixth stage does not
# exist; the data-scientist count sounds like an adoption question.
OFF_TOPIC_SAMPLE = [
    "off-en-n46-kimi-pricing",
    "off-stock-price",
    "off-stage-six",
    "off-data-scientists-zh",
]
SAMPLE = ZH_SAMPLE + EN_SAMPLE + OFF_TOPIC_SAMPLE
SECTIONS_SAMPLED = {"duration", "kpis", "execution", "goal", "culture", "transition", "data_security", "actions"}


def sample_items() -> list[DevItem]:
    """The sampled questions, in the order of :data:`SAMPLE`."""
    by_id = {item.id: item for item in load_devset()}
    missing = [i for i in SAMPLE if i not in by_id]
    if missing:
        pytest.fail(f"The development set has no question(s) {missing}; update the sample.", pytrace=False)
    return [by_id[i] for i in SAMPLE]


@pytest.fixture(scope="module")
def devset_results(real_advisor):
    def show(result):
        status = "ok " if result.ok else "BAD"
        print(f"{status} {result.item.id:34s} {result.first_token_s:5.1f}s {result.errors} {result.answer[:90]!r}")

    results = run_devset(real_advisor, sample_items(), show)
    print(summarize(results))
    return results


def test_devset_has_both_languages_and_off_topic_questions():
    items = load_devset()
    answerable = [i for i in items if not i.refuse]
    assert len([i for i in answerable if i.language == "zh"]) >= 10
    assert len([i for i in answerable if i.language == "en"]) >= 10
    assert len([i for i in items if i.refuse]) >= 5


def test_sample_names_questions_of_each_kind_from_the_set():
    ids = {item.id for item in load_devset()}
    assert [i for i in SAMPLE if i not in ids] == [], "renamed or removed questions"
    assert len(set(SAMPLE)) == len(SAMPLE)
    items = {item.id: item for item in sample_items()}
    for group, language, refuse in ((ZH_SAMPLE, "zh", False), (EN_SAMPLE, "en", False)):
        assert len(group) >= 5
        assert all(items[i].language == language and not items[i].refuse for i in group), group
    assert len(OFF_TOPIC_SAMPLE) >= 4 and all(items[i].refuse for i in OFF_TOPIC_SAMPLE)
    assert {items[i].language for i in OFF_TOPIC_SAMPLE} == {"zh", "en"}
    answerable = [items[i] for i in ZH_SAMPLE + EN_SAMPLE]
    assert {i.stage for i in answerable} >= {1, 2, 3, 4, 5}
    assert SECTIONS_SAMPLED <= {s for i in answerable for s in i.sections}


def test_retrieval_finds_the_right_section(devset_results):
    summary = summarize(devset_results)
    # Measured on the sample: zh 1.00 (6/6), en 1.00 (5/5).
    assert summary["hit@3_zh"] >= 0.9, summary
    assert summary["hit@3_en"] >= 0.85, summary


def test_every_off_topic_question_is_declined(devset_results):
    wrongly_answered = [r.item.id for r in devset_results if r.item.refuse and not r.refused]
    assert not wrongly_answered


def test_covered_questions_are_answered_with_their_facts(devset_results):
    summary = summarize(devset_results)
    declined = [r.item.id for r in devset_results if not r.item.refuse and r.refused]
    assert len(declined) <= 1, declined  # measured 0 of 11
    assert summary["fact_recall"] >= 0.75, summary  # measured 0.88 (15 of 17 facts)


def test_answers_cite_the_right_stage_in_the_right_language(devset_results):
    summary = summarize(devset_results)
    assert summary["cited_stage_accuracy"] >= 0.85, summary  # measured 1.00 (11/11)
    assert summary["language_accuracy"] >= 0.85, summary  # measured 0.91 (10/11)
