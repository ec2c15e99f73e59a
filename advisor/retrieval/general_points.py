"""Which of the article's points outside the five stages a question asks about.

Besides the stages, the article makes a few general points: whom it is written for and
the question it answers (the introduction), six principles (its closing advice), and
where the stages lead (the conclusion). A manager asks about them in words of their own
("Will AI replace our people?", "为什么不能一上来就自建模型?", "is this meant for companies
our size?"), rarely in the article's. Each point is recognised here by what a question
about it says: retrieval lifts the part of the article it is in (see
:mod:`advisor.retrieval.retriever`), and the stage book holds its sentence in both
languages (see :mod:`advisor.answering.evidence`).

Only a question that names no stage and describes none is matched: "阶段三的人才要求"
asks about stage 3. And a point's sentence only follows an answer the model gives, never
stands in for a declined one: "实施AI需要招聘多少名数据科学家?" speaks of hiring, but the
article gives no such number.
"""

from __future__ import annotations

import re

# Each point by the opening of its sentence in the stage book (``principles`` and
# ``overview``), with what a question about it says, Chinese and English. Order breaks
# ties: the first point with the most matches wins.
_POINTS: dict[str, str] = {
    # Consistency and continuity: one stage after another, from tool to partner.
    "一致性与连贯性": r"循序渐进|一步一步|一步步|一个阶段一个阶段|逐个阶段|跳过.{0,4}阶段|跳级|跳阶段|越级"
                     r"|一步到位|一上来就|一开始就(?:自建|上|做)|直接跳|战略伙伴|从工具到"
                     r"|\bstep[- ]by[- ]step\b|\bone stage at a time\b|\bgradual\w*"
                     r"|\bskip(?:ping|ped)?\b.{0,20}\b(?:stages?|steps?)\b"
                     r"|\bjump(?:ing)? (?:straight|directly|ahead)\b|\bgo(?:ing)? straight to\b"
                     r"|\bstrategic partner|\bfrom (?:a |just a )?tool to\b",
    # People stay central: AI augments, never replaces.
    "强调人的核心作用": r"取代|替代|代替|替掉|顶替|换掉|人的(?:核心)?作用|人(?:有|的)(?:哪些|什么)?能力|创造力|决策力|道德|伦理"
                       r"|饭碗|失业|裁员|抢.{0,3}工作"
                       r"|\breplac\w*\b.{0,30}\b(?:people|humans?|staff|workers|employees|jobs|us|team)\b"
                       r"|\b(?:people|humans?|staff|workers|employees|jobs)\b.{0,20}\breplac\w*"
                       r"|\b(?:ai|machines?|robots?|automation)\b.{0,25}\breplac\w*"
                       r"|\brole of (?:people|humans?|staff|employees)\b|\bhuman (?:role|judg\w*|touch|element|side)\b"
                       r"|\bcreativity\b|\bethic\w*|\bmoral\w*|\blay(?:ing)? (?:people )?off\b|\blayoffs?\b|\bjob (?:loss|cuts?)\b",
    # Talent is key.
    "人才是关键": r"人才|招人|引进.{0,6}人|培养.{0,6}人"
                 r"|\btalent\w*|\bhir(?:e|ing)\b|\brecruit\w*|\bskilled (?:people|staff)\b|\bskills? gap",
    # Clear goals and measurable KPIs, to judge the return.
    "明确阶段目标和KPI": r"(?:为什么|为何|何必|干嘛|有必要|有没有必要|意义|用处|有什么用|有啥用).{0,15}(?:KPI|指标)"
                        r"|(?:KPI|指标).{0,15}(?:意义|必要|有什么用|有啥用|形式主义|走过场)|投资回报|回报率"
                        r"|\bwhy\b.{0,40}\b(?:kpis?|metrics?|targets?|measur\w*)\b"
                        r"|\b(?:kpis?|metrics?|targets?)\b.{0,40}\b(?:point|worth|paperwork|bureaucra\w*|box[- ]ticking)\b"
                        r"|\breturn on\b|\broi\b",
    # A culture of collaboration: open, trusting, sharing.
    "培养协作文化": r"协作文化|合作文化|跨团队协作|信任|开放.{0,4}(?:文化|氛围)|共享经验|分享经验|经验分享"
                   r"|\bcollaborat\w* culture\b|\bculture of (?:collaboration|sharing|trust|openness)\b|\btrust\w*"
                   r"|\bopenness\b|\bshar(?:e|ing) (?:their |our )?(?:experience|knowledge)\b",
    # Law and compliance.
    "法律与合规性": r"法律|合规|法规|隐私|违法|监管"
                   r"|\blegal\w*|\blaws?\b|\bcomplian\w*|\bregulat\w*|\bprivacy\b",
    # The introduction: SMEs, limited resources, a return on AI.
    "对于中小企业来说": r"(?:写给|适合|面向|针对|适用于?)(?:什么|哪些|哪类|哪种|谁)|(?:什么|哪些|哪类|哪种)(?:企业|公司).{0,6}(?:看|适用|适合)"
                       r"|(?:解决|帮).{0,12}(?:什么|哪些|啥)问题|核心问题|有限的?资源|资源有限|预算有限"
                       r"|(?:文章|这篇|本文).{0,8}(?:主要|核心|目的|讲(?:的)?(?:是)?什么|说(?:的)?(?:是)?什么)"
                       r"|\b(?:meant|written|intended|aimed|designed|suitable|relevant)\b.{0,30}\b(?:for|to|at)\b"
                       r"|\bwho (?:is|was) (?:this|the article|it|the framework)\b.{0,20}\bfor\b"
                       r"|\blimited (?:resources|budgets?|money|means)\b|\bdilemma\b"
                       r"|\bwhat (?:is|'s) (?:the|this) (?:article|framework) (?:about|for)\b",
    # The conclusion: where the five stages lead.
    "通过AI应用的五个阶段": r"结语|总结|最终(?:目的|目标)|归根结底|战略资源|(?:五个阶段|这条路|整个路径).{0,10}(?:最终|走完|带来|意味)"
                          r"|结尾|文末|最后(?:一段|部分|那段)|只是(?:一种|一个|个)?工具|不仅(?:仅)?是(?:一种|一个)?工具"
                          r"|\bclosing (?:remarks|words|section|thoughts|paragraph|lines)\b|\bin closing\b"
                          r"|\bfinal (?:words|remarks|thoughts|paragraph)\b|\b(?:just|only|merely) (?:another |a )?tool\b"
                          r"|\bconclu\w*|\bsum (?:it )?up\b|\bsummar\w*|\btakeaway|\bbig picture\b|\bultimately\b"
                          r"|\bstrategic (?:resource|asset)\b|\bwhere (?:do|does) (?:all )?(?:the )?(?:five )?stages lead\b",
}
_PATTERNS = {point: re.compile(p, re.I) for point, p in _POINTS.items()}
# The part of the article each point is in; the six principles are its closing advice.
_SECTION = {"对于中小企业来说": "introduction", "通过AI应用的五个阶段": "conclusion"}


def general_point(question: str) -> str | None:
    """The general point ``question`` asks about (the opening of its sentence in the
    stage book), or None. The caller makes sure the question is not about a stage."""
    best, most = None, 0
    for point, pattern in _PATTERNS.items():
        found = len(pattern.findall(question))
        if found > most:
            best, most = point, found
    return best


def point_item(stage_book, point: str | None):
    """The stage book's item (a principle or an overview point) for ``point``, or None."""
    if stage_book is None or point is None:
        return None
    return next((item for item in (*stage_book.principles, *stage_book.overview)
                 if item.zh.startswith(point)), None)


def point_section(question: str) -> str | None:
    """The part of the article (``principles``, ``introduction`` or ``conclusion``) of the
    general point ``question`` asks about, or None."""
    point = general_point(question)
    return None if point is None else _SECTION.get(point, "principles")
