"""What a question asks about: the topics a conversation carries from turn to turn.

A topic is one of the things the article says about each stage. Most are a section of
it (goal, action plan, KPIs, duration…); a few are fields the article keeps apart inside
one section, because a manager asks about them separately and confusing them gives a
wrong answer with a right-looking citation: the budget and a project's period both live
in "项目执行", and a stage's duration is not the period of one project in it.

Each topic knows how it is asked about (general vocabulary, in both languages) and how
to ask about it for a given stage: those standalone questions are what a follow-up
("那阶段四呢?", "What are its KPIs?") is rewritten into, and what the suggested next
questions say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.knowledge.chunks import STAGE_NAMES_ZH


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    pattern: re.Pattern[str]
    zh: str  # a standalone question; {stage} is "阶段三"
    en: str  # {n} is the stage number

    def question(self, stage: int, language: str) -> str:
        if language == "zh":
            return self.zh.format(stage=STAGE_NAMES_ZH[stage])
        return self.en.format(n=stage)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# Order matters: the first topic whose pattern matches wins, so the narrower field comes
# before the wider one (a project's period before the stage's duration; "cost reduction",
# a KPI, before "cost", a budget).
TOPICS: tuple[Topic, ...] = (
    Topic("project_period", "execution",
          _re(r"项目.{0,6}(?:周期|多久|多长|几个月|时间)|周期.{0,4}项目|"
              r"\b(?:projects?|pilots?)\b.{0,40}\b(?:how long|last|run|period|duration|months?|length)\b|"
              r"\b(?:how long|length|duration|period)\b.{0,30}\b(?:projects?|pilots?)\b"),
          "{stage}的项目周期是多久?", "How long should a project in stage {n} run?"),
    Topic("kpis", "kpis",
          _re(r"KPI|指标|成果|考核|衡量|达标|合格|达到什么|(?:达|做|要|提)到多少|多少才算|满意度|效果|(?:完成|做)(?:几个|多少)|降本增效|(?:提高|提升|增长|降低|减少)了?多少|"
              # "每个人得会用几个大模型": how many tools each person uses is stage 1's measure
              r"(?:熟练|会|能)用(?:几|多少)个|\bmore (?:productive|efficient)\b|(?:怎么|如何)判断.{0,8}(?:成|好|到位)|算(?:是)?(?:做成|成功)|"
              # "Is it enough if each employee only uses ChatGPT?": a yardstick, unless money or time
              r"\bis (?:it|that|this) enough\b(?!.{0,40}\b(?:budget|money|spend|yuan|rmb|months?|years?|weeks?)\b)|"
              # "how much shoud it go up": the verb may be misspelt, the rise is what is asked
              r"\bhow much\b.{0,40}\b(?:improve|increase|rise|grow|drop|fall|"
              r"go up|go down)|"
              r"\b(?:kpis?|metrics?|measures?|measured|measurable|indicators?|targets?|results?|"
              r"outcomes?|success|succeed(?:ed|s)?|which numbers|satisfaction|cost reduction|reduce costs?|cost[- ]savings?|"
              r"efficiency gains?)\b"),
          "{stage}的KPI是什么?", "What are the KPIs of stage {n}?"),
    Topic("budget", "execution",
          _re(r"预算|花多少|多少钱|成本|费用|投入|投资|花费|贵|砸.{0,4}(?:钱|万)|[几十百千]+万|"
              r"\b(?:budget|costs?|spend|spending|money|invest|investment|price|afford|expensive|cheap|cheaper|pricey|costly)\b"),
          "{stage}需要多少预算?", "What budget does stage {n} need?"),
    Topic("duration", "duration",
          _re(r"多长时间|多久|几个月|几年|需要.{0,3}时间|花.{0,2}时间|时长|更久|"
              r"[一二两三四五六七八九十半\d]+个?(?:月|周|年)(?:内|之内)?(?:能|可以|够|就能|就够|搞定|做完)|"
              r"\b(?:is|are) (?:\w+ ){0,2}(?:months?|weeks?|years?) enough\b|"
              r"\b(?:how long|duration|time ?frame|timeline|how many (?:months|years))\b"
              r"|\b(?:takes?|lasts?) (?:longer|less time|as long)\b"
              # a length put to the article: "only takes a couple of weeks, right?", "要搞两年左右对吧"
              r"|\b(?:takes?|lasts?|taking|lasting|wraps? up|finish(?:es)?|is done|completes?)\b.{0,20}\b(?:weeks?|months?|years?)\b"
              r"|(?:要|需要|花|搞|用)(?:上|个)?.{0,2}[一两二三四五六七八九十半几\d]+个?(?:年|月|星期|周)(?:左右|多)?(?:就|才)?(?:够|行|对|吧|吗|是)"),
          "{stage}需要多长时间?", "How long does stage {n} take?"),
    Topic("project_team", "execution",
          _re(r"谁.{0,4}(?:负责|牵头|带头|主导|领导|带领|管理|主持)|项目经理|项目团队|团队成员|项目管理|(?:怎么|如何)管(?:理)?|"
              r"\bhow (?:should|do|can|would) (?:we|i|you) (?:manage|run|organi[sz]e)\b|\bproject management\b|"
              r"\b(?:what kind of|what sort of|which kind of) (?:person|people|manager|leader)\b|\bPMs?\b|"
              r"\bwho\b.{0,30}\b(?:lead|leads|run|runs|own|owns|manage|manages|drive|drives|in charge|"
              r"responsible)\b|\bproject (?:manager|team|lead)s?\b"),
          "{stage}由谁来牵头负责?", "Who should lead the work in stage {n}?"),
    Topic("transition", "transition",
          _re(r"过渡|下一(?:个)?阶段|进入下一|升级到|可以进入|标志|什么时候.{0,6}(?:进入|转|开始下)|接下来|之后.{0,4}做|"
              r"下一步|\b(?:move on|moving on|next stage|next steps?|next (?:\w+ )?move|transition|ready for|graduate|"
              r"ready to (?:go|move|step up|progress)|"
              r"advance|comes? next|what(?:'s| is) next|outgr[eo]wn?|outgrowing|ready to move|shift next)\b"),
          "什么标志着可以从{stage}进入下一阶段?", "What marks the move from stage {n} to the next stage?"),
    Topic("data_security", "data_security",
          # Where the models run is how the article keeps data safe ("do we need our own servers?").
          _re(r"服务器|本地部署|私有化|\bservers?\b|\bon[- ]?prem\w*|\bself[- ]host\w*|\blocal(?:ly)? (?:deploy\w*|host\w*|run)|"
              r"数据安全|隐私|数据的?保护|保护.{0,8}数据|数据.{0,6}敏感|敏感.{0,4}数据|泄露|\b(?:data security|security|privacy|"
              r"data protection|leak)|\bdata\b.{0,12}\b(?:safe|secure|protected)\b|\bprotect\w*\b.{0,30}\bdata\b|"
              r"\bdata\b.{0,90}\bkeep (?:it|them|this|that) (?:safe|secure|private)\b|\bsafeguard\w*\b.{0,30}\bdata\b"),
          "{stage}如何确保数据安全?", "How is data security ensured in stage {n}?"),
    Topic("cautions", "cautions",
          _re(r"注意|风险|避免|坑|合规|合法|遇到(?:哪些|什么)(?:问题|困难|挑战)|\b(?:cautions?|watch out|risks?|pitfalls?|avoid|careful|"
              r"legal|compliance|compliant)\b"),
          "{stage}有哪些注意事项?", "What should we watch out for in stage {n}?"),
    Topic("culture", "culture",
          _re(r"文化|氛围|价值观|心态|\b(?:cultur(?:e|al|ally)|mindset|atmosphere|values)\b"),
          "{stage}要培养什么样的企业文化?", "What company culture should stage {n} build?"),
    Topic("examples", "actions",
          _re(r"例子|举例|案例|比如|哪些(?:AI|大语言|垂直)?(?:工具|模型|应用)|什么工具|用什么|"
              r"\b(?:examples?|ideas?|for instance|such as|which (?:ai )?(?:tools|models|llms|apps)|"
              r"what tools|use cases?|what (?:sorts?|kinds?|types?) of (?:\w+ )?(?:tasks|things|work|jobs|projects)|"
              r"what else does (?:it|the article) (?:name|list|mention)|(?:tools?|apps?) (?:the article|it) (?:lists?|names?)|"
              r"tool list|(?:is|are) (?:each of )?(?:it|they|them) used for)\b|用来(?:做|干)(?:什么|啥)|(?:干|做)(?:什么|啥)用的"
              r"|哪些(?:工作|事情|任务|场景)|什么(?:样的)?(?:工作|事情|任务|场景)"),
          "{stage}有哪些例子?", "What examples does the article give for stage {n}?"),
    Topic("goal", "goal",
          _re(r"目标|目的|为了什么|\b(?:goals?|objectives?|aims?|purpose|end ?game|achieve)\b|\babout\s*[?？]*\s*$"
              r"|\b(?:what's|what is) the point of\b"),
          "{stage}的目标是什么?", "What is the goal of stage {n}?"),
    Topic("actions", "actions",
          _re(r"行动|怎么做|做(?:些)?什么|做哪些|该做|负责(?:什么|哪些|啥)|措施|步骤|计划|怎么推进|如何开展|建议|和谁|跟谁|与谁|"
              r"活动|咋整|搞(?:点)?(?:啥|什么)|拉上|哪些(?:外部)?(?:伙伴|合作方|合作伙伴)|"
              r"\b(?:actions?|steps?|plan|activities|what should|how do|how to|do in|recommends?|advises?|"
              r"(?:have|has|need|needs) to do|must do|supposed to do|"
              # "who do we team up with": whom the stage works with is in its action plan
              r"suggests?|team up|partner (?:up )?with|work with whom)\b"),
          "{stage}的行动计划是什么?", "What is the action plan for stage {n}?"),
)

BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}
SECTION_TOPIC: dict[str, str] = {
    "goal": "goal", "actions": "actions", "execution": "budget", "data_security": "data_security",
    "kpis": "kpis", "duration": "duration", "culture": "culture", "cautions": "cautions",
    "transition": "transition",
}


def detect_topic(text: str) -> str | None:
    """The topic ``text`` asks about, or None when it names none of them."""
    for topic in TOPICS:
        if topic.pattern.search(text):
            return topic.key
    return None


def topic_of_section(section: str | None) -> str | None:
    """The topic a passage's section stands for (the budget for "项目执行")."""
    return SECTION_TOPIC.get(section or "")
