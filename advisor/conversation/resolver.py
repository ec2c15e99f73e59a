"""Follow-ups made standalone before retrieval, by rules, without a model call.

"阶段三需要多长时间?" then "那阶段四呢?" means "阶段四需要多长时间?"; after it, "它的KPI呢?"
means "阶段四的KPI是什么?". Retrieval, the prompt and the citations all need the
standalone question: the message alone names no topic, or no stage.

The rules look at what the message itself carries (a stage, a topic, see
:mod:`advisor.conversation.topics`) and at how it refers back: an elliptical opening or
ending ("那…呢", "And…", "What about…"), a pronoun ("它", "该阶段", "it", "that stage"), an
ordinal or relative stage ("the fifth one", "下一个阶段"). What is missing is taken from
the stage and topic in focus in the last turns. A message that brings a subject of its
own that is neither a stage nor a topic ("那天气呢?") is not completed from the old
topic, so a new subject is never polluted by the previous one.

Rules decide every case they recognise in microseconds. A rewrite by the 1.5B model
would cost seconds on two cores for each message; it is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.conversation.state import Conversation, Turn
from advisor.conversation.topics import BY_KEY, detect_topic
from advisor.knowledge.chunks import STAGE_NAMES_ZH
from advisor.retrieval.query import detect_language, detect_stage

_ZH_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
           "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}

_ELLIPTICAL = re.compile(
    r"^\s*(?:那么?|还有|再说说|再问一下|同样)|呢\s*[?？]?\s*$|"
    r"^\s*(?:and|so|then|also|what about|how about|and what about|what of|same (?:for|question for))\b",
    re.I,
)
# "that"/"this" refer back when they stand alone ("Who should lead that?"), not before a
# noun of their own ("this company").
_REFERRING = re.compile(
    r"它的|它|这个阶段|那个阶段|该阶段|这一阶段|此阶段|这阶段|"
    r"\b(?:that|this|the same) (?:stage|phase|one)\b|\bits\b|\bit\b|\b(?:that|this)(?=\s*[?？.!。]*\s*$)",
    re.I,
)
_ORDINAL = re.compile(
    r"第\s*([一二三四五六1-6])\s*个(?!阶段)|"
    r"\bthe\s+(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th)\s+one\b|"
    r"^\s*(?:那|and|what about|how about)?\s*([1-6一二三四五六])\s*(?:呢|\?|？)",
    re.I,
)
_NEXT = re.compile(r"下一个阶段|下一阶段|后一个阶段|\b(?:the )?next (?:one|stage|phase)\b|\bthe one after\b", re.I)
_PREVIOUS = re.compile(r"上一个阶段|上一阶段|前一个阶段|前一阶段|\b(?:the )?(?:previous|prior|earlier) "
                       r"(?:one|stage|phase)\b|\bthe one before\b", re.I)
_STAGE_WORDS = re.compile(
    r"第\s*[一二三四五六七八九十\d]+\s*(?:个)?阶段|阶段\s*[一二三四五六七八九十\d]+|"
    r"\b(?:stage|phase|level)\s*#?\s*(?:\d+|one|two|three|four|five|six)\b|"
    r"\b(?:first|second|third|fourth|fifth|sixth|last|final)\s+(?:stage|phase)\b",
    re.I,
)
# Words that carry no subject of their own in a follow-up.
_FILLER = re.compile(
    r"那么|那|呢|吗|么|的|在|还有|再说说|再问一下|同样|怎么样|请问|一下|呀|啊|吧|"
    r"\b(?:and|so|then|also|what|about|how|of|the|a|an|for|in|at|during|same|question|one|ones)\b|"
    r"[\s?？,，.。!！:：;；、'\"“”‘’()（）]",
    re.I,
)
# A short message that names a topic and nothing else ("KPI是什么?", "Budget?") is a
# follow-up on the stage in focus.
_SHORT_ZH_CHARS = 10
_SHORT_EN_WORDS = 5


@dataclass(frozen=True)
class Resolution:
    """A message made standalone: the question to answer, and the stage and topic in
    focus. ``carried`` names what came from earlier turns ("stage", "topic")."""

    message: str
    question: str
    language: str
    stage: int | None
    topic: str | None
    carried: tuple[str, ...] = ()

    @property
    def rewritten(self) -> bool:
        return self.question != self.message


def _focus(conversation: Conversation | None) -> Turn | None:
    """The latest turn that had a stage or a topic in focus."""
    if conversation is None:
        return None
    for turn in conversation.recent():
        if turn.stage is not None or turn.topic is not None:
            return turn
    return None


def _referred_stage(message: str, focus_stage: int | None) -> int | None:
    """A stage named by ordinal ("the fifth one") or relative to the one in focus."""
    match = _ORDINAL.search(message)
    if match:
        token = next(g for g in match.groups() if g).lower()
        return int(token) if token.isdigit() else _ZH_NUM.get(token) or _EN_ORD.get(token)
    if focus_stage is not None:
        if _NEXT.search(message):
            return focus_stage + 1
        if _PREVIOUS.search(message):
            return focus_stage - 1
    return None


def _residue(message: str) -> str:
    """What the message says besides referring back: its own subject, if any."""
    text = _STAGE_WORDS.sub(" ", message)
    for pattern in (_ORDINAL, _NEXT, _PREVIOUS, _REFERRING):
        text = pattern.sub(" ", text)
    return _FILLER.sub("", text)


def _is_short(message: str, language: str) -> bool:
    if language == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", message)) <= _SHORT_ZH_CHARS
    return len(re.findall(r"[A-Za-z]+", message)) <= _SHORT_EN_WORDS


def _stage_name(stage: int, language: str) -> str:
    if language == "zh":
        return STAGE_NAMES_ZH.get(stage, f"阶段{stage}")
    return f"stage {stage}"


def _substitute(message: str, stage: int, language: str) -> str:
    """The message with its pronoun replaced by the stage ("Who should lead stage 3?")."""
    name = _stage_name(stage, language)

    def replace(match: re.Match) -> str:
        word = match.group(0)
        if word.lower() == "its":
            return f"{name}'s"
        if word == "它的":
            return f"{name}的"
        return name

    return _REFERRING.sub(replace, message, count=1)


def _topic_question(topic: str, stage: int, language: str) -> str:
    if not 1 <= stage <= 5:
        # No such stage: ask about it plainly, so retrieval says the article has five.
        return f"{_stage_name(stage, language)}呢?" if language == "zh" else f"What about stage {stage}?"
    return BY_KEY[topic].question(stage, language)


def _swap_stage(question: str, old: int, new: int, language: str) -> str | None:
    """The previous question about another stage, when it names the old one plainly."""
    if detect_language(question) != language:
        return None
    swapped = _STAGE_WORDS.sub(lambda m: _stage_name(new, language) if detect_stage(m.group(0)) == old
                               else m.group(0), question, count=1)
    return swapped if detect_stage(swapped) == new else None


def resolve(message: str, conversation: Conversation | None = None) -> Resolution:
    """``message`` as a standalone question, given the conversation so far."""
    language = detect_language(message)
    own_stage = detect_stage(message)
    own_topic = detect_topic(message)
    standalone = Resolution(message, message, language, own_stage, own_topic)
    focus = _focus(conversation)
    if focus is None or (own_stage is not None and own_topic is not None):
        return standalone
    elliptical = bool(_ELLIPTICAL.search(message))
    referring = bool(_REFERRING.search(message))
    if own_topic is not None and elliptical and not _residue(message) and (
            _NEXT.search(message) or _PREVIOUS.search(message)):
        own_topic = None  # "下一个阶段呢?" names a stage, not the move to the next stage
    stage = own_stage
    if stage is None and own_topic != "transition":  # "进入下一阶段" is the move, not a stage
        stage = _referred_stage(message, focus.stage)
    # "When can we move on?" is always about the stage in focus: moving on is relative.
    follows = (elliptical or referring or stage is not None or own_topic == "transition"
               or (own_topic is not None and _is_short(message, language)))
    if not follows:
        return standalone
    residue = _residue(message)

    if own_topic is None:
        # Nothing asked of its own: the old topic for the stage named now ("那阶段四呢?"),
        # unless the message brings a subject that is not a topic ("那天气呢?").
        if residue and not (referring and not elliptical):
            return standalone
        if stage is None or stage == focus.stage:
            if referring and focus.stage is not None and not elliptical:
                question = _substitute(message, focus.stage, language)  # "Who should lead that?"
                return Resolution(message, question, language, focus.stage, None, ("stage",))
            return standalone
        # The earlier question with the new stage keeps what exactly was asked ("团队项目
        # 效率要提高多少" rather than all the KPIs); across languages, the topic's question.
        swapped = (_swap_stage(focus.resolved_question, focus.stage, stage, language)
                   if focus.stage is not None and 1 <= stage <= 5 else None)
        topic = focus.topic or (detect_topic(swapped) if swapped else None) or "goal"
        question = swapped or _topic_question(topic, stage, language)
        return Resolution(message, question, language, stage, topic, ("topic",))

    # A topic of its own, the stage from the conversation ("它的KPI呢?", "预算呢?").
    if stage is None:
        stage = focus.stage
    if stage is None:
        return standalone
    if referring and not elliptical:
        question = _substitute(message, stage, language)  # keeps the manager's own words
    else:
        question = _topic_question(own_topic, stage, language)
    return Resolution(message, question, language, stage, own_topic, ("stage",))
