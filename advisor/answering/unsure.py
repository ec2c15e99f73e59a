"""Quote when unsure: the article's own sentence instead of a refusal, where a passage is
plainly on point.

A small model sometimes says "the document does not cover this" about a question a
passage answers word for word, or writes a figure the passages do not hold. Declining
then hides a fact the article states; quoting the passage's key sentence (see
:mod:`advisor.answering.key_sentence`) gives it, verbatim and cited. Quoting beside the
point costs more trust than declining, so the rule that a passage is on point is strict:

- Retrieval judged the documents to cover the question (``Retrieval.covered``).
- The question's topic gives the section it asks about (the resolver's topic, as for
  the key facts). A question with no topic gets no quote: nothing says which sentence
  would answer it.
- When the question names a stage, the passage is that stage's passage of that
  section: the question said what it asks and where, no guessing is left.
- Otherwise the top passage must be of that section and share at least
  ``MIN_SHARED_WORDS`` of the question's words, each word counted once with all its
  forms (see ``key_sentence.question_groups``).
- The sentence quoted must share a word with the question (see ``key_sentence``).

Why a section, and why three words: the development set's off-topic questions that
retrieval still covers ("How much does a GPU server cost?", "What will Tencent's stock
price be next week?") reach a budget passage through one word ("cost", "price") and
share nothing else with it, while the on-topic questions that name no stage share three
or more ("做第一个跨部门AI项目,投入要控制在什么范围?": 项目, 投入, 控制). Near-topic questions
with no topic ("我们要做客服专家聊天机器人,训练数据需要标注多少条对话?") share as many words
with a passage as on-topic ones; the section requirement is what declines them. A topic
alone is no evidence either: both off-topic questions above have the budget topic.
tests/unit/test_chain_quotes.py checks that no off-topic question of the development
set or the conversation set gets a quote. A withdrawn leak or obeyed injection is never
quoted over: the guard's decision stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from advisor.answering.key_sentence import PassageQuote, key_sentence, principles_of, question_groups, shared, stage_of

MIN_SHARED_WORDS = 3


def on_point_passage(retrieval, sources: Sequence, section: str | None, groups) -> object | None:
    """The passage plainly on point for the question, or None when none clearly is."""
    if not retrieval.covered or not sources or not section:
        return None
    stage = retrieval.stage if retrieval.stage is not None and 1 <= retrieval.stage <= 5 else None
    if stage is not None:
        return next((s for s in sources if s.stage == stage and s.section == section), None)
    top = sources[0]  # the best passage: sources keep retrieval's ranking
    if top.section != section or shared(groups, top.text) < MIN_SHARED_WORDS:
        return None
    return top


def quote_when_unsure(question: str, retrieval, sources: Sequence, section: str | None, *,
                      glossary, tokenize: Callable[[str], list[str]], zh_terms: dict,
                      stage_book=None) -> PassageQuote | None:
    """The key sentence of the passage on point for ``question``, or None (decline)."""
    if not retrieval.covered or not sources or not section:
        return None  # before tokenising: most declined questions end here
    groups = question_groups(question, retrieval.language, glossary, tokenize, zh_terms)
    passage = on_point_passage(retrieval, sources, section, groups)
    if passage is None:
        return None
    return key_sentence(passage.text, passage.label, groups, stage_of(stage_book, passage.stage),
                        principles_of(stage_book), heading=passage.section_title)
