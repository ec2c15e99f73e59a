"""One view of an assessment, one table of its words, and the four places that show it
(the terminal, the chat, the web page, the report) showing the same items."""

from __future__ import annotations

import string
from datetime import date

import pytest

from advisor.cli.assess import print_assessment
from advisor.diagnosis.assessment import Assessment
from advisor.diagnosis.chat import roadmap_answer
from advisor.diagnosis.questionnaire import ANSWER_VALUES, Questionnaire
from advisor.diagnosis.report import render_report
from advisor.diagnosis.roadmap import build_roadmap
from advisor.diagnosis.scoring import diagnose
from advisor.diagnosis.view import assessment_view, roadmap_view
from advisor.diagnosis.words import ANSWERS, WORDS, answer_word, word
from advisor.escaping import md_text
from advisor.knowledge.stages import StageBook
from tests.unit.diagnosis_fixtures import answers_for_stage, real_book


@pytest.fixture(scope="module")
def book() -> StageBook:
    return real_book()


def assessment_for(book: StageBook, raw: dict) -> Assessment:
    questionnaire = Questionnaire(book)
    answers = questionnaire.validate_answers(raw)
    return Assessment(answers, build_roadmap(book, diagnose(book, answers, questionnaire)))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_word_has_both_languages_with_the_same_blanks():
    for key, (zh, en) in WORDS.items():
        assert zh.strip() and en.strip(), key
        assert placeholders(zh) == placeholders(en), key
    assert set(ANSWERS) == set(ANSWER_VALUES)
    assert [answer_word("zh", v) for v in ANSWER_VALUES] == ["是", "部分", "否", "不知道"]
    assert [answer_word("en", v) for v in ANSWER_VALUES] == ["yes", "partly", "no", "don't know"]
    assert word("zh", "month", m="6") == "第 6 个月" and word("en", "month", m="6") == "Month 6"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stage", [1, 3, 5])
def test_the_view_is_the_roadmap_in_one_language_with_every_source(book: StageBook, stage: int, lang: str):
    assessment = assessment_for(book, answers_for_stage(book, stage))
    assessment.history_id = 4
    view = assessment_view(assessment, lang)
    roadmap = assessment.roadmap

    def pick(bilingual):
        return bilingual.zh if lang == "zh" else bilingual.en

    assert (view.lang, view.stage, view.history_id) == (lang, stage, 4)
    assert view.stage_title == pick(book.stage(stage).title)
    assert view.stage_name == ("阶段" + "一二三四五"[stage - 1] if lang == "zh" else f"Stage {stage}")
    assert [(s.text, s.source) for s in view.next_steps] == [(pick(s.text), s.citation.label)
                                                             for s in roadmap.next_steps]
    assert [(k.name, k.target) for k in view.kpis] == [(pick(k.name), k.target) for k in roadmap.kpis]
    assert [e.answer for e in view.evidence] == [e.answer.value for e in roadmap.diagnosis.evidence]
    assert [g.sources for g in view.gates] == [tuple(c.label for c in g.citations) for g in roadmap.gates]
    assert [(q.text, q.source) for q in view.quotes] == [(c.quote, c.label) for c in roadmap.citations]
    assert (view.budget is None) == (roadmap.budget is None)
    assert roadmap_view(roadmap, lang, 4) == view


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terminal_the_chat_the_page_and_the_report_show_the_same_items(book: StageBook, lang: str, capsys):
    from ui.diagnosis_view import result_card, roadmap_markdown

    assessment = assessment_for(book, answers_for_stage(book, 3))
    view = assessment_view(assessment, lang)
    print_assessment(assessment, lang)
    terminal = capsys.readouterr().out
    chat = roadmap_answer(assessment, lang, "")
    page = result_card(view) + "\n" + roadmap_markdown(view)
    report = render_report(book, assessment.roadmap, "Acme", date(2026, 1, 1), lang)
    for step in view.next_steps[:4]:  # the chat names the first four
        assert f"{step.text}  {step.source}" in terminal and f"- {step.text} {step.source}" in chat
        assert f"- {md_text(step.text)} {md_text(step.source)}" in page and page.count(md_text(step.text)) == 1
        assert f"- {md_text(step.text)} {md_text(step.source)}" in report
    for kpi in view.kpis:
        shown = f"{kpi.name}: {kpi.target or '-'}"
        assert shown in terminal and md_text(shown) in page
        assert (f"- {shown} {kpi.source}" in chat) == bool(kpi.target)
    assert view.budget is not None and view.budget.text in terminal and view.budget.text in chat
    for gate in view.gates:  # with the passages that set the order, everywhere
        labels = " ".join(gate.sources)
        assert f"{gate.title}: {gate.advice}  {labels}" in terminal
        assert " ".join(md_text(label) for label in gate.sources) in page and md_text(gate.advice) in report


@pytest.mark.parametrize("lang, words", [("zh", ("否", "是")), ("en", ("no", "yes"))])
def test_the_page_names_each_answer_as_the_report_does(book: StageBook, lang: str, words):
    from ui.diagnosis_view import result_card

    assessment = assessment_for(book, answers_for_stage(book, 2))
    card = result_card(assessment_view(assessment, lang))
    report = render_report(book, assessment.roadmap, "Acme", date(2026, 1, 1), lang)
    evidence = [line for line in card.splitlines() if " — " in line]
    assert evidence and all(line in report for line in evidence)
    assert {line.split(" — ")[1].split(" ")[0] for line in evidence} == set(words)



@pytest.mark.parametrize("lang, said", [("zh", "更像阶段4"), ("en", "reads more like a company in stage 4")])
def test_the_chat_and_the_page_say_when_the_description_reads_like_another_stage(book: StageBook, lang, said):
    from ui.diagnosis_view import result_card

    questionnaire = Questionnaire(book)
    answers = questionnaire.validate_answers({q.id: "no" for q in questionnaire})
    doubted = Assessment(answers, build_roadmap(book, diagnose(book, answers, questionnaire, reads_like=4)))
    view = assessment_view(doubted, lang)
    assert view.reads_like == 4 and view.to_ask
    chat, card = roadmap_answer(doubted, lang, ""), result_card(view)
    assert said in chat and md_text(said) in card
    plain = assessment_for(book, {q.id: "no" for q in questionnaire})
    assert assessment_view(plain, lang).reads_like == 0 and said not in roadmap_answer(plain, lang, "")
