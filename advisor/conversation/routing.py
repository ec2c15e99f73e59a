"""Which messages go to the stage diagnosis and which are questions about the article.

Only a message about the user's own company goes to the diagnosis:

* a description of it, first-person statements on how the company uses AI ("我们公司…",
  "我司…", "We are a 40-person…", "Our staff use…"), whatever the message then asks;
* a first-person question on where the company stands or what it should do
  ("我们处于哪个阶段?", "What should we do next?", "Where are we?").

Everything else asks what the article says, even in the words of a diagnosis request:
"哪个阶段需要自建AI模型?" asks which stage of the article does something, "What comes
next after stage 2?" asks about the stages in general, and the generic "we" of
"阶段三我们需要多少预算?" or "In stage 2, what should we measure?" asks what the article
says about a stage it names.

The decision reads each clause's grammar: its person (first-person markers, the
company referring to itself), whether it states or asks, and whether it sets a
situation ("when we start cross-department projects", "做跨部门项目时") or names a stage
by number or by what happens in it. It never matches whole known messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from advisor.retrieval.query import detect_stage

KINDS = ("document", "company_description", "company_next_steps")

# A description shorter than this says too little to diagnose from ("我们用AI"). Chinese
# says in one character what English says in about three, so a CJK character weighs 3.
MIN_DESCRIPTION_WEIGHT = 60


@dataclass(frozen=True)
class Route:
    """Where a chat message goes, and why.

    ``kind`` is ``"document"`` (answered from the article), ``"company_description"``
    (the diagnosis reads the description with the model) or ``"company_next_steps"``
    (answered from the latest saved assessment). ``reason`` is one short English phrase
    for logs and tests.
    """

    kind: str
    reason: str

    @property
    def to_diagnosis(self) -> bool:
        """Whether the message is about the user's own company."""
        return self.kind != "document"


# --- the words the grammar is read from -----------------------------------------------
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# First person, singular or plural, and the company naming itself. 我国 is "our country"
# and 自我 "self-", neither the company; "US" in capitals is the country.
_FIRST_PERSON = re.compile(
    r"我们|我司|我方|咱们|咱|俺们|本公司|(?<!自)我(?!国)"
    r"|\b(?:we|we're|we've|we'd|we'll|us|our|ours|ourselves|i|i'm|i've|i'd|i'll|my|me|mine)\b",
    re.I,
)

# Requests about the conversation itself ("can you tell me", "我想知道", "请问") and
# hedges ("I think", "我觉得"): their "I" and "me" are the reader, not the company, so
# they are removed before the person of the rest is read. An embedded question keeps
# its own words ("我想知道我们处于哪个阶段" -> "我们处于哪个阶段").
_META = re.compile(
    r"(?:(?:我|我们)(?:很|也|就)?(?:想|想要|希望|要)(?:知道|了解|问问?|请教|确认|弄清楚|搞清楚|看看)(?:一下|下)?)"
    r"|(?:(?:(?:请|麻烦|你|您|能不能|能否|可以|可不可以|能)+|(?:^|(?<=[。！？!?；;，,\s])))(?:帮|给|告诉|跟)(?:我|我们)"
    r"(?:看看|看一下|说说|讲讲|讲一下|说一下|解释一下|介绍一下|分析一下|判断一下|查一下|一下)?)"
    r"|请问|问一下|问下|想问下|请教一下|请教|顺便问一?下"
    r"|(?:我|我们)(?:都|也|个人)?(?:觉得|认为|感觉|猜|估计|听说|知道)(?:是)?"
    r"|\b(?:i|we)\s*(?:'d|would)\s+like\s+to\s+(?:know|understand|learn|ask|check|find out|figure out|see)"
    r"(?:\s+(?:if|whether))?\b"
    r"|\b(?:i|we)\s+(?:want|wanna|need|wish|am trying|'m trying|are trying|were hoping|was hoping)\s+"
    r"(?:to\s+)?(?:know|understand|learn|ask|check|find out|figure out|see)(?:\s+(?:if|whether))?\b"
    r"|\b(?:i|we)(?:\s+was|\s+were|\s+am|'m|\s+are|'re)?\s+(?:wondering|curious)(?:\s+(?:about|if|whether))?\b"
    r"|\b(?:i|we)\s+wonder(?:\s+(?:if|whether))?\b"
    r"|\b(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|explain(?:\s+to)?|remind|help|give)"
    r"\s+(?:me|us)(?:\s+(?:if|whether))?\b"
    r"|(?:^|(?<=[.?!,]\s)|\bplease\s+)(?:tell|show|explain\s+to|remind|give|help)\s+(?:me|us)"
    r"(?:\s+(?:if|whether))?\b"
    r"|\b(?:do|would)\s+you\s+(?:think|say|reckon)\b"
    r"|\blet(?:'s|\s+us|\s+me)\b"
    r"|\b(?:i|we)\s+(?:think|guess|believe|feel|suppose|reckon|heard|hear|read|noticed|saw|know|understand)"
    r"(?:\s+that)?\b"
    r"|\b(?:my|our|a|one)\s+(?:quick\s+)?question(?:\s+is)?\b|\bquick question\b|\bjust curious\b",
    re.I,
)

# A question passed on from someone else ("My board asks whether…", "老板问…"): the rest
# of its sentence is a question, however it is punctuated, not a description.
_REPORTED = re.compile(
    r"\b(?:my|our)\s+(?:board|boss|ceo|manager|owner|team|staff|colleagues?)\s+(?:keeps?\s+)?"
    r"(?:asks?|asked|is asking|wants? to know|wonders?|is wondering)(?:\s+(?:me|us))?(?:\s+(?:if|whether))?\b"
    r"|(?:老板|领导|董事会|同事|上级)(?:一直|总是|今天)?(?:问|想知道|在问)",
    re.I,
)
_ASKED = "\x00"  # where a reported question was taken out

# Words that open a clause without changing its meaning ("so which stage…", "那么…").
_FILLER = re.compile(
    r"^(?:(?:so|and|but|then|also|anyway|ok|okay|well|hi|hello|hey|thanks|thank you|btw|now|just|please)\b"
    r"|那么|那(?![个些])|所以|但是|但|可是|不过|然后|另外|你好|您好|好的|嗯|哦|对了)[\s,，]*",
    re.I,
)

# A clause that sets a situation instead of stating a fact: "if we…", "when we start…",
# "after stage 2", "做跨部门项目时". "When does…?" and "什么时候" ask, they set nothing.
_NO_AUX = r"(?!(?:should|shall|do|does|did|is|are|was|were|can|could|will|would|must|may|might)\b)"
_SITUATION_EN = re.compile(
    rf"\b(?:when|whenever|once|if|after|before|while|during|until|unless|by the time|as soon as|in case|"
    rf"suppose|supposing|assuming|imagine)\s+{_NO_AUX}",
    re.I,
)
_SITUATION_ZH_START = re.compile(r"^(?:如果|假如|假设|假使|要是|若是?|万一|一旦|等到?|当(?!前|时|初))")
_SITUATION_ZH_END = re.compile(r"(?:(?<![什何同及实按小当准暂临])时|的时候|之后|以后|之前|期间|过程中|(?<![落前然最此])后)$")
_SITUATION_ZH_ANY = re.compile(
    r"如果|假如|假设|要是|一旦|万一|的时候|之后|以后|之前|期间|过程中|(?<![什何同及实按小当准暂临])时(?![候间长期代机])"
)
# A phrase that only qualifies the question after it: "In stage 2, …", "For our first
# cross-department project, …", "对于阶段三, …", "为了保护数据, …". With a subject of its own ("In 2023 we
# started…") it is a statement instead.
_QUALIFIER_EN = re.compile(r"^(?:in|for|at|during|about|regarding|on|with|as for|as to|within|across|to|in order to)\b",
                           re.I)
_SUBJECT_EN = re.compile(r"\b(?:we|i|they|he|she|it|everyone|nobody|staff|people|team|employees|boss|owner|"
                         r"department)\b", re.I)
_QUALIFIER_ZH = re.compile(r"^(?:对于|关于|至于|针对|为了)|^在.{0,12}(?:中|里|上|方面|阶段)$")
# A purpose gives a "what should we do" its topic: "…to protect customer data", "为了…".
_PURPOSE = re.compile(
    r"为了|以便|(?:什么|啥|哪些)(?:来|去)\S|\bin order to\b|\bso that\b"
    r"|\b(?:do|doing)\s+(?:to|about|for|with|regarding)\b",
    re.I,
)

# What happens in a stage, in the article's words: naming it is naming the stage
# ("when we start cross-department projects" is stage three).
_STAGE_CONTENT = re.compile(
    r"跨部门|跨团队|部门内|部门间|部门之间|领导带头|带头|一把手|个人(?:工作)?效率|个人使用|团队(?:项目|协作|工作流程)"
    r"|自建|专属|自有|核心业务|公司战略|生态|上下游|颠覆|创新突破|产品与市场匹配|开源模型|本地部署|联合研发|平台型"
    r"|这个阶段|那个阶段|该阶段|此阶段|每个阶段|各个?阶段|所有阶段|五个阶段|最后一个阶段|第一个阶段"
    r"|\bcross[- ]?(?:department|team|functional)\w*|\bwithin (?:a|one|the|each|our) department"
    r"|\bdepartment(?:al)?\s+(?:projects?|workflows?|level)|\bteam (?:workflows?|projects?|collaboration)"
    r"|\bindividual (?:use|efficiency|productivity|level|ai use)|\bpersonal (?:efficiency|productivity)"
    r"|\b(?:own|company[- ]specific|custom|proprietary|in[- ]house|dedicated|exclusive) (?:ai )?(?:models?|llms?)"
    r"|\bcore business|\b(?:company|corporate|business) strategy|\becosystem|\bpartners?\b|\bdisruptive"
    r"|\bbreakthrough|\bproduct[- ]market fit|\bpmf\b|\bopen[- ]source models?|\blocal deployment"
    r"|\b(?:take|taking|takes) the lead|\blead(?:ing)? by example"
    r"|\b(?:this|that|each|every|the first|the last|the final) (?:stage|phase)|\b(?:five|5|all the|all) stages"
    # A stage named by what it is: "the department-only phase", "this team-level stage".
    r"|\b[\w-]+[- ](?:only|level|wide) (?:stage|phase)\b",
    re.I,
)

# Someone else than the company is the subject: companies in general, the article's
# leaders, "they" ("企业下一步应该做什么?", "What should a company do next?").
_OTHER_SUBJECT = re.compile(
    r"企业|中小企业|一家公司|别的公司|其他公司|大多数公司|很多公司|他们|她们|它们|一般|通常|大家"
    r"|\b(?:companies|company's|a company|the company|a firm|firms|businesses|a business|organi[sz]ations?"
    r"|smes?|most|they|them|their|others?|people|leaders|typically|usually|generally|in general)\b",
    re.I,
)

# Where the company stands. Each form asks (a question word or an inverted verb) and
# ends the clause, so "我们应该在哪个阶段自建模型" (in which stage should we build our
# own models?) and "Which stage should we start X in" are not asking where we are.
_END = r"(?:\s*(?:了|呢|啊|呀|吧|吗|么|嘛|哦|啦|now|currently|right now|today|at the moment|actually|really|"
_END += r"already|exactly|then|still|in|at|on|honestly|roughly|lol|haha|pls|please|thanks|thx|tho|哈哈|嘿嘿))*"
_END += r"\s*[?？。.!！~…]*$"
_POSITION = [
    re.compile(r"(?:处于|在|属于|算是?|是|到了?|进入了?|走到|达到了?)(?:第几|哪|什么)(?:个|一)?"
               r"(?:阶段|级别|层次|水平|位置|程度|步|段)" + _END),
    re.compile(r"(?:我们|咱们|我司|我公司)(?:公司)?(?:现在|目前|当前)?的(?:当前|目前|现在)?(?:阶段|水平|级别)"
               r"(?:是|在|算)?(?:什么|哪个|哪一个|第几)" + _END),
    re.compile(r"(?:是不是|算不算|有没有)(?:已经|还)?(?:在|处于|到了?|进入了?|算|达到)?"
               r"(?:第\s*[一二三四五1-5]\s*个?阶段|阶段\s*[一二三四五1-5])"),
    re.compile(r"(?:在|处于|到了?|算|属于|是|进入了?)(?:第\s*[一二三四五1-5]\s*个?阶段|阶段\s*[一二三四五1-5])"
               r"了?(?:吗|么|呢|没有|没|吧)"),
    # "r" and "wat" are how "are" and "what" are often typed in chat.
    re.compile(r"\b(?:w?h?ich|wh?at)\s+(?:stage|phase|level|step)\s+(?:(?:are|r|is|am|do|does|would)\s+)?"
               r"(?:we|we're|i|i'm|our\s+\w+|my\s+\w+)(?:\s+(?:are|r|is|am|'re|belong\s+to|fall\s+into|fit))?" + _END,
               re.I),
    re.compile(r"\bwhere\s+(?:are|do|does|is|am)\s+(?:we|i|our\s+\w+|my\s+\w+)"
               r"(?:\s+(?:stand|standing|at|now|currently|right now|today|in all this|in this))*" + _END, re.I),
    re.compile(r"\bwhere\s+(?:we|i|our\s+\w+)\s+(?:are|stands?|am|is)\b", re.I),
    re.compile(r"\bwhere\s+(?:does|do|did)\s+(?:that|this|it|all this)\s+leave\s+(?:us|me|our\s+\w+)\b", re.I),
    re.compile(r"\b(?:what|which)(?:'s|s|\s+is)\s+(?:our|my)\s+(?:current\s+)?(?:stage|phase|level)" + _END, re.I),
    re.compile(r"\bhow\s+far\s+(?:along\s+)?(?:are|is)\s+(?:we|our)\b|\bhow\s+(?:mature|advanced)\s+"
               r"(?:are\s+we|is\s+our)\b", re.I),
    re.compile(r"\b(?:are|am|is)\s+(?:we|i|our\s+\w+)\s+(?:already\s+|still\s+|now\s+|really\s+|even\s+)?"
               r"(?:in|at|past|beyond|ready\s+for|done\s+with|out\s+of)\s+(?:stage|phase|level|the\s+\w+\s+stage)",
               re.I),
    # "Are we ready to move on?" asks where the company stands; "when are we ready to go
    # from… to…?" asks what marks the move, which the article says.
    re.compile(r"(?<!when )\b(?:are|is)\s+(?:we|our\s+\w+)\s+ready\s+to\s+(?:move|go|progress|advance)\b", re.I),
]

# What the company should do now or next, asked without a topic of its own.
_NEXT = [
    re.compile(r"下一步|接下来|然后(?:该|要|应该)|往下(?:走|做)|下一个?阶段"
               r"|(?:该|要|应该|应当|需要|得)(?:先)?(?:做|干)(?:些|点)?(?:什么|啥|哪些)"
               r"|(?:做|干)(?:些|点)?(?:什么|啥)好|怎么办|怎么做|如何做|咋办|咋整"
               r"|(?:怎么|如何|怎样|咋)(?:推进|开始|起步|入手|下手|进步|提升|升级|往前走|走下去|继续|迈向|过渡|更进一步)"
               r"|从哪(?:里|儿)?(?:开始|入手|下手|做起)|先做什么|重点(?:是|放在)?(?:什么|哪)|优先(?:做)?(?:什么|哪)"),
    re.compile(r"\bnext\b|\bwhat now\b|\bfrom here\b|\bnow what\b"
               r"|\bwhat\s+(?:should|shall|must|can|could|do|would)\s+(?:we|i)\s+(?:do|focus on|work on|"
               r"prioriti[sz]e|tackle|start with|change|improve)\b"
               r"|\bwhat\s+(?:do|should)\s+(?:we|i)\s+(?:need|have)\s+to\s+do\b"
               r"|\bhow\s+(?:do|should|can|could|would)\s+(?:we|i)\s+(?:move|get|go|progress|advance|level up|"
               r"proceed|improve|grow|start|begin|get started|step up|keep going)\b"
               r"|\bwhere\s+(?:should|do|can)\s+(?:we|i)\s+(?:go|start|begin|head)\b"
               r"|\b(?:our|my)\s+(?:priorit\w*|roadmap|plan|next)\b", re.I),
]
# "Now" makes a "what should we…" about the company's present ("我们现在该关注哪些KPI?").
_NOW = re.compile(r"现在|目前|眼下|当前|现阶段|\bnow\b|\bcurrently\b|\bat this point\b|\bat the moment\b", re.I)
_OUGHT = re.compile(r"该|应该|应当|需要|要|得|\bshould\b|\bneed\b|\bought\b|\bhave to\b|\bmust\b", re.I)

# A statement about the article or this conversation, not about the company.
_ABOUT_ARTICLE = re.compile(
    r"文章|这篇|本文|文中|原文|你说|你刚|上面|\b(?:article|document|guide|you said|you mentioned|above)\b"
    r"|\b(?:the|this|that|your) (?:text|post)\b",
    re.I,
)

# A figure held against a named stage's yardstick ("is 17% in line with stage 1?", "第二阶段
# 算达标了吗?") asks what the article's target is, as a question naming the article does.
_YARDSTICK = re.compile(r"\bin line with\b|\bmeets?\b|\benough for\b|\bgood enough\b|\bon (?:track|target)\b"
                        r"|\b(?:inside|within) (?:the |its |their )?(?:stage \w+ )?(?:target|range)|\bclears?\b|\bpass(?:es)?\b"
                        r"|\bqualif(?:y|ies)\b|\bcount as\b|达标|够不够|算不算|符合|合格|达到.{0,4}(?:标准|要求)", re.I)

# A task someone gave the user ("老板让我给全员定个AI考核", "my boss asked me to set up…")
# says what they must do, not where the company stands.
_TASK = re.compile(r"(?:让|叫|要|请|安排)我们?(?:给|帮|去|来|定|做|写|搞|出|弄|整理|制定|准备|设计|负责)"
                   r"|\b(?:asked|wants?|told|needs?|tasked) me (?:to|with)\b", re.I)

# A request to write code: an imperative at the start of the message and a program to write.
_CODE_REQUEST = re.compile(
    r"(?:^\s*|\b(?:please|can you|could you|for you to|I need you to|you (?:should|must|will))\s+)"
    r"(?:write|draft|generate|code|create|build|give me|make)\b"
    r".{0,40}\b(?:script|code|program|function|sql|query|python|class|notebook)\b"
    r"|^\s*(?:请|麻烦)?(?:你)?(?:帮我|给我|替我)?(?:写|编|生成)(?:一个|一段|个|份|段)?.{0,12}(?:脚本|代码|程序|函数|SQL)",
    re.I)

# Chinese question words, minus their indefinite uses ("什么都没做", "不怎么用", "几个部门").
_ZH_ASKS = re.compile(r"什么|哪|多少|多久|多长|怎么|怎样|如何|为什么|为何|第几|几个?阶段|是否|是不是|有没有|要不要|"
                      r"该不该|能不能|可不可以|算不算|对不对|行不行|[吗呢么嘛]$")
# "什么都", "哪个也": anything, any; "没有哪个部门…": no department. No question in either.
_ZH_INDEFINITE = re.compile(r"(?:什么|哪)\S{0,8}?(?:都|也)|不怎么|没怎么|(?<!有)没有?哪")
_EN_ASKS = re.compile(
    rf"^(?:what|whats|what's|which|wich|where|wheres|where's|how|hows|how's|why|who|when\s+(?=(?:should|shall|do|does|"
    rf"did|is|are|can|could|will|would|must)\b)|should|shall|do|does|did|is|are|am|was|were|can|could|will|would|"
    # "May)." after a date is the month, not "may we…?"
    rf"must|may(?!\W*$)|might|have|has)\b",
    re.I,
)


# --- clauses --------------------------------------------------------------------------
@dataclass
class _Clause:
    text: str
    sentence: int
    asks: bool
    situation: bool
    qualifier: bool
    first_person: bool


def _first_person(text: str) -> bool:
    for match in _FIRST_PERSON.finditer(text):
        word = match.group(0)
        if word == "US" or (word.lower() == "i" and text[match.end():match.end() + 2] == ".e"):
            continue
        return True
    return False


def _asks(text: str, last_of_question: bool) -> bool:
    if last_of_question:
        return True
    if _CJK.search(text):
        return bool(_ZH_ASKS.search(text)) and not _ZH_INDEFINITE.search(text)
    return bool(_EN_ASKS.search(text))


def _situation(text: str) -> bool:
    if _SITUATION_ZH_START.search(text) or _SITUATION_ZH_END.search(text):
        return True
    match = _SITUATION_EN.search(text)
    return bool(match) and match.start() == 0


def _qualifier(text: str) -> bool:
    if _QUALIFIER_ZH.search(text):
        return True
    return bool(_QUALIFIER_EN.search(text)) and not _SUBJECT_EN.search(text)


# A terse self-introduction ("Structural steel fabricator, 140 staff.", "Dental lab, 12
# technicians.", "物流公司,80人。", "生猪养殖,存栏两万头。", "做展台搭建的,…") is the company
# speaking of itself, though no "we" is written.
_INTRODUCTION = re.compile(
    r"^\s*[A-Za-z][\w&' -]{2,60}, (?:about |around |roughly |approx\.? |~)?\d[\d,]*\+? (?:[a-z-]+ )?"
    r"(?:staff|people|employees|workers|[a-z]+ers|[a-z]+ists|[a-z]+ians|locations|branches|shops|stores|sites|clinics"
    r"|outlets|vans|trucks)\b"
    r"|^\s*\S{2,20}(?:公司|企业|工厂|厂|门店|诊所|事务所)[,\uff0c]\s*(?:大约|约|大概)?[\d一二三四五六七八九十百千两几]+(?:多)?(?:个)?人"
    r"|^\s*\S{2,12}[,\uff0c]\s*(?:员工|职工|工人|老师|存栏|门店|车队?|医生|技师)?(?:大约|约|大概|一共|共)?"
    r"[\d一二三四五六七八九十百千万两几]+(?:多|来|余)?(?:个|名|位|家|台|辆|头|间)?"
    r"(?:人|员工|门店|店|工人|老师|头|校区|车|分店)"
    r"|^\s*(?:做|开|搞|干)\S{1,15}?的[,\uff0c]",
    re.I,
)


# The reader naming their own role ("我是一家基金的投资人", "我是公司IT管理员", "CFO here",
# "I'm the IT admin"): the "I" is the person asking, which says nothing of the company's
# use of AI, so the clause is not a first-person description of it.
_ROLE = (r"(?:投资人|投资者|财务总监|财务|总监|经理|主管|负责人|管理员|员工|职员|顾问|咨询师|老师|学生|会计"
         r"|董事|股东|HR|CFO|CEO|CTO|COO|CIO|IT|分析师|研究员|记者)")
_ROLE_INTRODUCTION = re.compile(
    r"^(?:我是|本人是)(?:一[名个位家])?(?:\S{0,12}?的)?\S{0,8}?" + _ROLE + r"[\s.。!！]*$"
    r"|^(?:i'm|i am)\s+(?:an?|the|one of the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:investor|cfo|ceo|cto|coo|cio|it admin|it administrator|admin|consultant|analyst|employee|accountant"
    r"|hr (?:lead|manager|head)|board member|shareholder|student|teacher|journalist|researcher)"
    r"(?:\s+(?:at|of|for|in)\s+[\w\s-]{1,40})?[\s.!]*$"
    r"|^(?:cfo|ceo|cto|coo|it admin|hr|an investor|a consultant)\s+here[\s.!]*$",
    re.I,
)


# The company's people and its AI, for a message that speaks of them without "we".
_COMPANY = re.compile(r"公司|企业|部门|(?<![内全外局])部(?!分)|员工|同事|老板|团队|门店|工厂|\b(?:company|firm|business|staff"
                      r"|employees|team|teams|department|boss|owner|CEO|MD|everyone|everything)\b", re.I)
_AI = re.compile(r"AI|A\.I\.|人工智能|大模型|模型|ChatGPT|GPT|豆包|Kimi|\bLLMs?\b|\bmodels?\b|自动化|智能", re.I)

# A request ("Give me some ideas…", "帮我写一个Excel公式…") asks, with no question mark.
_REQUEST = re.compile(r"(?:^|[.!?。!?]\s*)(?:please\s+)?(?:give|list|show|tell|explain|describe|write|help|summari[sz]e"
                      r"|recommend|suggest|compare|draft|make|create|translate)\b|帮我|(?<![申邀聘])请|给我|麻烦|列一下|说说|讲讲|介绍一下",
                      re.I)

# Notes about the company pasted in ("Minutes of the partners' meeting…", "Client notes,
# SunRidge Solar…", "【经营例会纪要】…") speak of it throughout, in the third person.
_NOTES = re.compile(
    r"^\s*(?:(?:board |meeting |client |partners' |management )?minutes\b|(?:client|meeting|call|site|visit) notes\b"
    r"|notes (?:from|of) (?:the|our|a)\b)"
    r"|^\s*(?:(?:our |the )?(?:weekly|monthly|quarterly|status|progress) (?:report|update)\b)"
    r"|^\s*[【\[(（]?[^\n】\]]{0,20}(?:纪要|会议记录|例会记录|汇报材料|周报|月报|日报|季报|工作汇报)",
    re.I,
)


def _clauses(message: str) -> list[_Clause]:
    text = message.replace("’", "'").replace("‘", "'")
    text = _META.sub(" ", _REPORTED.sub(_ASKED, text))
    sentences = re.split(r"(?<=[。！？!?；;\n])|(?<=\.)\s+", text)
    clauses = []
    for number, sentence in enumerate(sentences):
        reported = _ASKED in sentence
        sentence = sentence.replace(_ASKED, " ").strip()
        if not re.search(r"\w", sentence):
            continue
        is_question = reported or sentence.rstrip("。.!！~… ").endswith(("?", "？"))
        parts = [p for p in re.split(r"[,，、:：]|\s+[-—]+\s+|—", sentence) if re.search(r"\w", p)]
        for index, part in enumerate(parts):
            part = part.strip()
            while True:
                stripped = _FILLER.sub("", part, count=1)
                if stripped == part:
                    break
                part = stripped
            if not re.search(r"\w", part):
                continue
            last = is_question and index == len(parts) - 1
            clauses.append(_Clause(part, number, _asks(part, last), _situation(part), _qualifier(part),
                                   _first_person(part) and not _ROLE_INTRODUCTION.search(part)))
    return clauses


def _weight(text: str) -> int:
    return len(text) + 2 * len(_CJK.findall(text))


def _describes(clause: _Clause) -> bool:
    """Whether a clause can be part of a description of the company: a plain statement,
    not a condition, not about the article, and not about a stage unless the company
    places itself in it ("我们在阶段二")."""
    if clause.asks or clause.situation or clause.qualifier or _ABOUT_ARTICLE.search(clause.text) \
            or _TASK.search(clause.text):
        return False
    return clause.first_person or detect_stage(clause.text) is None


def _scope(clauses: list[_Clause], at: int) -> str:
    """A question with the clauses of its sentence that qualify it ("In stage 2, what
    should we measure?"); statements about the company before it are context, not scope."""
    question = clauses[at]
    parts = [question.text]
    for clause in reversed(clauses[:at]):
        if clause.sentence != question.sentence:
            break
        if not _describes(clause):
            parts.insert(0, clause.text)
    return " ".join(parts)


def _held_against_a_stage(clauses: list[_Clause], at: int) -> bool:
    """Whether the question at ``at`` holds a figure against a stage's yardstick, the stage
    or the article named in it or in the clauses that qualify it ("按文章第一阶段的标准,这算
    达标了吗?")."""
    if not _YARDSTICK.search(clauses[at].text):
        return False
    scope = _scope(clauses, at)
    return detect_stage(scope) is not None or bool(_ABOUT_ARTICLE.search(scope))


def _anchored(scope: str) -> bool:
    """Whether a question names the stage it is about, by number, by what happens in it,
    or by a situation it sets: then it asks what the article says about that stage."""
    return (detect_stage(scope) is not None or bool(_STAGE_CONTENT.search(scope))
            or bool(_SITUATION_ZH_ANY.search(scope)) or bool(_SITUATION_EN.search(scope)))


def _asks_next_steps(clause: _Clause, scope: str) -> bool:
    if _PURPOSE.search(scope):
        return False
    if any(p.search(clause.text) for p in _NEXT):
        return True
    return clause.asks and bool(_NOW.search(clause.text)) and bool(_OUGHT.search(clause.text))


def route(message: str) -> Route:
    """Where a chat message goes: the diagnosis when it is about the user's own company
    (a description of it, or "where are we / what should we do"), else the documents."""
    from advisor.answering.guard import injected_instructions, overrides_rules

    clauses = _clauses(message)
    if _INTRODUCTION.search(message):
        clauses = [replace(c, first_person=True) if c.sentence == 0 else c for c in clauses]
    if _NOTES.search(message):
        clauses = [replace(c, first_person=True) if not c.asks else c for c in clauses]
    # A message that only states, of a company's people and its AI ("真是头疼。策划部一起用AI出
    # 婚礼方案…满意的才六成"), describes the company, though no "we" is written.
    statement_only = bool(clauses) and not any(c.asks for c in clauses) and not _REQUEST.search(message) \
        and bool(_COMPANY.search(message)) and bool(_AI.search(message))
    if not any(c.first_person for c in clauses) and not statement_only:
        return Route("document", "no first-person reference to the company")
    if injected_instructions([message]) or overrides_rules(message):
        # Instructions to the model are no description of a company; the answer chain
        # and its guard decline them.
        return Route("document", "an instruction to the model, not a description")
    if _CODE_REQUEST.search(message):
        # "Write a script that searches our manuals": a task for the advisor, which
        # declines it (the article holds no code), not a description of the company.
        return Route("document", "a request for code, not a description")
    if any(c.asks and (_ABOUT_ARTICLE.search(c.text) or _held_against_a_stage(clauses, at))
           and not any(p.search(c.text) for p in _POSITION) for at, c in enumerate(clauses)):
        return Route("document", "asks what the article says, whatever the company does")

    # Statements count as a description once one of them is in the first person; the
    # others then speak of the same company ("我们公司50人,老板天天用豆包…").
    described = [c.text for c in clauses if _describes(c)]
    if any(c.first_person and _describes(c) for c in clauses):
        if sum(_weight(t) for t in described) >= MIN_DESCRIPTION_WEIGHT:
            return Route("company_description", "first-person description of the company")

    if statement_only and sum(_weight(t) for t in described) >= MIN_DESCRIPTION_WEIGHT:
        return Route("company_description", "statements about the company, with no question")

    anchored = False
    for at, clause in enumerate(clauses):
        if (clause.situation or clause.qualifier) and not clause.asks:
            continue
        # A question without a subject of its own ("该怎么办?", "What now?") asks about
        # the company the message speaks of in the first person.
        about_us = clause.first_person or not _OTHER_SUBJECT.search(clause.text)
        if not about_us:
            continue
        if any(p.search(clause.text) for p in _POSITION):
            return Route("company_next_steps", "asks where the company stands")
        if not clause.asks and not _asks_next_steps(clause, clause.text):
            continue
        scope = _scope(clauses, at)
        if _anchored(scope):
            anchored = True
            continue
        if _asks_next_steps(clause, scope):
            return Route("company_next_steps", "asks what the company should do next")
    if anchored:
        return Route("document", "first-person question about a named stage")
    return Route("document", "question about the article, not a description of the company")


# A reply to the diagnosis's questions is short and states; a question about the article
# asks. Longer statements about the company route as a description anyway.
MAX_REPLY_WEIGHT = 300


def answers_open_questions(message: str, intent: Route) -> bool:
    """Whether ``message``, sent right after the diagnosis asked the user something,
    answers it ("1. 是 2. 大概30%", "No, we haven't", or more description) rather than
    asking something new."""
    if intent.kind == "company_description":
        return True
    if intent.kind == "company_next_steps":
        return False
    clauses = _clauses(message)
    return bool(clauses) and not any(c.asks for c in clauses) and _weight(message) <= MAX_REPLY_WEIGHT
