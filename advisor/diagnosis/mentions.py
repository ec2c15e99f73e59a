"""Which criterion a statement of a company description speaks of.

The free-text diagnosis only believes an answer backed by words about the criterion it
answers: "We have not launched any new product yet" says nothing about whether the staff
use AI tools, however real a quote it is. So a description is cut into statements
(sentences and their clauses), and each criterion is matched to the statements that
speak of it, by the things the criterion is about: who uses AI (the leader, the staff),
at what scale (a team, several departments, the whole company), and what came of it
(efficiency, satisfaction, a new offering, partners, paying customers).

The cue lists were written from the article's criteria and tuned on the tuning part of
the diagnosis profiles only (see ``advisor/evaluation_data/profiles.yaml``). A criterion
no statement speaks of stays unknown without asking the model anything, which is also
what keeps a diagnosis to a few model calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from advisor.diagnosis.company_figures import GAIN_MULTIPLE, TIME_SAVED


@dataclass(frozen=True)
class Statement:
    """One clause of a description, the sentence it stands in, and the sentence before
    (what "it" and "这些" point back to)."""

    text: str
    sentence: str
    previous: str
    position: int  # the clause's order in the description
    following: str = ""  # the sentence after, where a result is often given
    writer_leads: bool = True  # "I" is the leader (see writer_leads())

    @property
    def context(self) -> str:
        return f"{self.previous} {self.sentence}".strip()


_SENTENCE_END = re.compile(r"(?<=[。!?\uff01\uff1f;\uff1b\n])|(?<=[.!?])\s+(?=[A-Z\"'(\d\u4e00-\u9fff])")
# A clause ends at a comma (not at "、", which lists the parts of one thing); "but"/"但"
# stays in its clause, since it carries the reversal.
# Not at the comma of "1,100".
_CLAUSE_END = re.compile(r"(?:(?<!\d)[,\uff0c]|[,\uff0c](?!\d{3}))\s*|\s+-\s+|\s+—\s*|—")


# A sentence that takes the one before back ("Actually, let me correct that, I was thinking
# of the design studio", "不对,说错了").
_CORRECTS = re.compile(r"\s*(?:[\w .()-]{1,30}[:\uff1a]\s*)?(?:(?:actually,?\s+)?(?:let me correct (?:that|myself)|correction\b"
                       r"|scratch that|no,? wait\b|sorry,? (?:i mean|that's wrong|correction|that's (?:last year's|an old|the old"
                       r"|outdated|wrong)))|不对|说错了|更正一下|纠正一下|哦不对)", re.I)


def statements(description: str) -> list[Statement]:
    """The description's clauses, in order, each with its sentence and the one before."""
    found: list[Statement] = []
    previous = ""
    leads = writer_leads(description)
    for sentence in _SENTENCE_END.split(description):
        sentence = sentence.strip()
        if not sentence:
            continue
        clauses: list[str] = []
        for clause in (c.strip() for c in _CLAUSE_END.split(sentence)):
            if clauses and _is_list_item(clauses[-1]):
                clauses[-1] = f"{clauses[-1]}, {clause}"  # "Estimating, the drawing office and…"
            elif clause:
                clauses.append(clause)
        if _CORRECTS.match(sentence) and previous:
            # "Actually, let me correct that…": what the sentence before said is taken back,
            # and this one follows the sentence before that.
            found = [s for s in found if s.sentence != previous]
            previous = found[-1].sentence if found else ""
        start = len(found)
        for clause in clauses or [sentence]:
            found.append(Statement(clause, sentence, previous, len(found), writer_leads=leads))
        for index in range(start - 1, -1, -1):  # the sentence before learns what follows it
            if found[index].sentence != previous:
                break
            found[index] = replace(found[index], following=sentence)
        previous = sentence
    return found


def _is_list_item(clause: str) -> bool:
    """A piece too short to be a clause of its own: an item of a list cut at its comma."""
    return len(clause.split()) <= 2 and len(clause) <= 20 if clause.isascii() else len(clause) <= 4


def _any(*words: str) -> re.Pattern[str]:
    # ASCII word rules, so that "\b" also falls between Chinese and Latin letters: "一个AI驱动的"
    # holds the word "AI", and "\w" means the letters of an English word.
    return re.compile("|".join(words), re.I | re.ASCII)


AI = _any(
    r"\bAI\b", r"A\.I\.", r"人工智能", r"大模型", r"模型", r"\bGPT", r"ChatGPT", r"Copilot", r"Claude", r"Gemini",
    r"DeepSeek", r"豆包", r"Kimi", r"通义", r"千问", r"文心", r"一言", r"Midjourney", r"剪映", r"即梦", r"智谱",
    r"讯飞", r"Notion", r"Perplexity", r"\bLLMs?\b", r"language models?", r"chat ?bots?", r"机器人", r"智能",
    r"Qwen", r"Llama", r"Mistral", r"Grammarly", r"DeepL", r"Canva", r"Jasper", r"Otter", r"CapCut",
    r"Stable Diffusion", r"Dall-?E", r"Runway", r"Whisper", r"transcri", r"assistant", r"助手", r"工具", r"tools?\b",
    r"automat", r"自动", r"forecast", r"predict", r"预测", r"algorithm", r"算法", r"machine learning", r"机器学习",
    r"computer vision", r"视觉识别", r"\b(?:the|our) model\b",
)
LEADER = _any(
    r"老板", r"总经理", r"董事长", r"\bCEO\b", r"创始人", r"一把手", r"厂长", r"老总", r"总裁", r"校长", r"院长", r"主任",
    r"掌柜", r"\bboss\b", r"\bowner\b", r"founder", r"managing director", r"\bMD\b", r"\bGM\b", r"general manager",
    r"\bpresident\b", r"\bchairman\b", r"chief exec", r"\bprincipal\b", r"\bproprietor\b", r"executive director",
    r"superintendent", r"head ?teacher", r"headm(?:aster|istress)", r"\bdean\b", r"director general", r"\bpartner in charge\b",
    r"\b(?:senior|managing|founding) partner\b", r"主任合伙人", r"管理合伙人",
)
SPEAKER = _any(r"(?<![们])我(?:本人|自己|个人)", r"本人", r"\bI\b(?! think| guess| mean)", r"\bmyself\b", r"\bme\b",
               r"(?<![们])我(?!们)")
"""The writer: the leader, unless the description says the writer is someone else."""
# "I'm the office manager", "我是行政主管": the writer is not the one the first criterion
# asks about, and "I use ChatGPT" then says nothing of the leader.
_WRITER_LEADS = _any(
    r"\bI(?:'m| am)\s+(?:the |an? |our )?(?:co-?)?(?:owner|founder|CEO|MD|managing director|general manager|"
    r"president|boss|chairman|proprietor)", r"\bI (?:run|own|founded|started|set up)\b", r"\bmy (?:company|firm|business)\b",
    r"我是(?:\S{0,8})?(?:老板|创始人|董事长|总经理|厂长|老总|法人|负责人)", r"我(?:自己)?(?:开了|创办|创立)",
)
_WRITER_SERVES = _any(
    r"\bI(?:'m| am)\s+(?:the |an? |our |their )?(?:[\w-]+\s+){0,3}(?:manager|director|head|lead|coordinator|assistant|"
    r"administrator|officer|supervisor|analyst|secretary|controller|COO|CFO|CTO|CIO|CMO)\b",
    r"我是(?:\S{0,10}?)(?<!总)(?:经理|主管|总监|助理|专员|行政|秘书|文员|会计)",
)


def writer_leads(description: str) -> bool:
    """Whether the writer of ``description`` is its leader (the default: most writers are)."""
    return bool(_WRITER_LEADS.search(description)) or not _WRITER_SERVES.search(description)
STAFF = _any(
    r"员工", r"大家", r"全员", r"同事", r"所有人", r"每个人", r"大部分人", r"多数人", r"大多数", r"店员", r"职员", r"人人",
    r"伙计", r"师傅", r"工人", r"小伙伴", r"年轻人", r"老师们", r"医生们", r"律师们", r"销售们", r"一线",
    r"\bstaff\b", r"employees?", r"everyone", r"everybody", r"team members", r"colleagues", r"most (?:people|of us|of them)",
    r"all of us", r"\bpeople\b", r"workers", r"\bnobody\b", r"no one", r"(?:the )?rest of (?:us|them|the)", r"\bcrew\b",
    r"\blads\b", r"\bguys\b", r"\bthe girls\b", r"\bfolks\b",
    r"\S{1,3}[师员](?=都|们|基本|大多|普遍|全)", r"personnel", r"headcount", r"\bhalf of\b", r"\bfew of\b",
    r"\b(?:associates|paralegals|assistants|agents|engineers|designers|nurses|teachers|drivers|technicians|accountants|"
    r"writers|clerks|reps|salespeople|managers|editors|developers|chefs|cooks|waiters|operators|planners|consultants|"
    r"advisers|advisors|dispatchers|recruiters|vets|dentists|doctors|lawyers|architects|tutors|cleaners|carers)\b",
)
EFFICIENCY = _any(
    r"效率", r"省(?:了|下)?.{0,6}时间", r"节省", r"快了", r"提效", r"人效", r"产出", r"工时", r"省时",
    r"productiv", r"efficien", r"time sav", r"sav(?:e|es|ed|ing) .{0,20}(?:time|hours?)", r"faster", r"hours? (?:a|per|each)",
    r"sav(?:e|es|ed|ing) .{0,25}of (?:my|his|her|their|our|the) (?:\w+ )?(?:week|day|time)",
    r"\bsped\b", r"speed(?:s|ed)? (?:\w+ )?up", r"(?:cut|reduced|halved|shortened) (?:\w+ ){0,3}time",
    r"output", r"throughput", r"speed", r"quicker", r"turnaround", r"cycle time", r"lead time", r"周期", r"缩短",
    # "average time per bookkeeping file down 18%": less time per piece of work
    r"\btime (?:per|for each|spent on each)\b", r"每(?:单|件|份|个案子|张)(?:的)?(?:平均)?(?:耗时|用时|时间)",
    TIME_SAVED.pattern,  # "six weeks instead of the usual ten"
)
PERSONAL = _any(r"个人", r"每个人", r"人均", r"每人", r"自己的工作", r"personal", r"individual", r"per (?:person|head|employee)",
                r"each (?:person|employee|of us)", r"\beach of (?:the |our )?(?:\w+ )?(?:staff|employees|people)\b",
                r"their own", r"\b(?:saves?|saved|saving) me\b",
                r"\bmy (?:own )?(?:\w+ )?(?:time|week|day|work)\b", r"我(?:自己)?的(?:时间|工作)")
TEAM = _any(
    # "X部" is a department, but 内部, 全部, 外部 are "internal", "all", "external".
    r"团队", r"部门", r"小组", r"组里", r"科室", r"部里", r"(?<![跨])[^\s,\uff0c。]{0,3}[^\s,\uff0c。内外全局大细头底顶]部(?![门分])", r"班组", r"车间", r"中心", r"(?<![组])组(?![织成合建件装])", r"几个人", r"[两三四五六七八九十\d]+个(?:人|同事)",
    # "two writers", "a few assistants": people by what they do, not "four balloons".
    r"\bteams?\b", r"department", r"\b(?:two|three|four|five|six|several|a few|a couple of) (?:of (?:us|them|our) )?(?:[a-z-]+ )?"
    r"(?!(?:computers|printers|containers|servers|orders|customers|users|suppliers|partners|centers|centres|letters"
    r"|numbers|papers|chapters|layers|others|manufacturers|retailers|wholesalers|distributors|providers|vendors"
    r"|carriers|insurers|lenders|growers|farmers|makers|competitors|operators)\b)"
    r"\w+(?:ers|ors|ists|ians|ants|ents|ees|men|women|pilots|nurses|chefs|cooks|clerks|reps|hands|staff|people)\b", r"\bdept\b", r"\bgroup\b", r"\bsquad\b", r"\b(?:business|the|our|a|each|one) unit\b", r"\bdesk\b",
    r"\boffice\b(?! (?:manager|administrator|assistant|junior)s?\b)",  # the office team, not the office manager
)
PROJECT = _any(r"项目", r"一起", r"合作", r"协作", r"共同", r"试点", r"牵头", r"做了个", r"搞了个", r"\bprojects?\b", r"together",
               # a pilot project, not the people who fly ("four balloons, six pilots")
               r"jointly", r"\bpilot(?:ed|ing)?\b", r"\b(?:ran|run|running|did|two|three|several|a few|AI|our) pilots\b",
               r"as a group", r"\bas a team\b", r"campaign", r"using AI", r"with AI", r"initiative",
               r"rolled out", r"built", r"set up", r"workflow")
COLLABORATION = _any(r"团队", r"部门", r"小组", r"组内", r"组里", r"员工", r"同事", r"大家", r"协作", r"内部", r"\bteams?\b",
                     r"staff", r"employees?", r"colleagues", r"collaborat", r"teamwork", r"internal", r"of (?:us|them)",
                     r"\d+ (?:out )?of (?:the|our|all)? ?\d+", r"people")
SATISFACTION = _any(r"满意", r"satisf", r"happy", r"rated (?:\w+ ){0,6}(?:good|well|positive|highly|great)",
                    r"\brated (?:\w+ ){0,6}(?:at|as)\s*(?:\d|a \d)",  # "rated the collaboration at 93%"
                    # "like" the verb ("they like working that way"), not "such as" ("tools, like the rota app").
                    r"(?<![,(] )\blikes? (?:it|working)\b", r"\b(?:we|they|I|people|everyone|staff|all|really) like\b", r"\bliked\b", r"\bNPS\b",
                    r"morale", r"enjoy", r"teamwork",
                    r"positively", r"协作.{0,6}(?:好|顺)")
CUSTOMER = _any(r"客户", r"顾客", r"用户", r"品牌方", r"合作品牌", r"社员", r"会员", r"消费者", r"患者", r"病人", r"学员", r"家长", r"客人", r"住客", r"租客", r"业主",
                r"车主", r"乘客", r"旅客", r"游客", r"读者", r"观众", r"食客", r"买家", r"商户", r"居民", r"家属", r"经销商", r"代理商",
                r"农户", r"dealer",
                r"customer", r"client", r"patient", r"guest", r"tenant", r"student", r"buyer", r"shopper", r"user",
                r"passenger", r"traveller", r"traveler", r"visitor", r"diner", r"rider", r"subscriber", r"member",
                r"resident", r"reader", r"viewer", r"audience", r"homeowner", r"parents\b", r"\bNPS\b",
                r"\bCSAT\b", r"review", r"rating", r"好评", r"评分", r"投诉", r"complain")
CROSS = _any(
    r"跨部门", r"跨团队", r"多个部门", r"几个部门", r"两个部门", r"三个部门", r"部门之间", r"各部门", r"部门联合", r"联合.{0,4}部门",
    r"\S{1,6}(?:部|中心|组|团队)?(?:和|与|跟)\S{1,6}(?:部|中心|组|团队).{0,8}(?:一起|联合|合作|共同)",
    r"\S{1,8}、\S{1,8}(?:和|与|及)\S{1,8}(?:一起|联合|合作|共同)",
    r"(?:other|more|another|second|third|first|next|two|three|several) joint (?:AI )?(?:projects?|ones?)",
    r"cross(?:es|ed|ing)? (?:departments|teams|functions)", r"cross(?:es|ed|ing)? (?:departmental|department|team|functional) "
    r"(?:lines|boundaries|borders|silos)",
    # "operations + commercial + ground handling did…", "报告组+客服+销售一起做": units added up
    r"[^\s,\uff0c。:\uff1a+]{1,8}\s*\+\s*[^\s,\uff0c。:\uff1a+]{1,8}(?:\s*\+\s*[^\s,\uff0c。:\uff1a+]{1,8})*\s*(?:一起|联合|合作|共同)",
    r"\b[\w-]+(?: [\w-]+)? \+ [\w-]+(?: [\w-]+)?(?: \+ [\w-]+(?: [\w-]+)?)* (?:did|ran|built|worked|teamed|made|started"
    r"|together|jointly)\b",
    r"(?:and|&) [\w ]{1,20} (?:did|ran|built|started|launched|set up|have) (?:a|an|their|our) (?:first )?joint", r"\w+(?:, [\w&' -]{1,25})+,? (?:and|&) [\w&' -]{1,25}\b"
    r"(?:ran|did|built|used|teamed|worked|joined|got|set up|launched|started)",
    r"\w+, [\w ]{1,20} and [\w ]{1,20} (?:teamed up|worked together|together|jointly)", r"cross[- ]?(?:department|dept|functional|team)",
    # "the booking and front-desk teams built a shared AI booking assistant"
    r"\b[\w-]+ and [\w-]+ (?:teams|departments|depts)\b (?:\w+ ){0,2}(?:built|ran|did|launched|set up|started|created|developed) "
    r"(?:a |an |their |our )?(?:shared|joint|common)\b",
    r"(?:joint|shared) (?:AI )?(?:project|pilot|effort) (?:between|across)",
    # "bookings, the pilots and ground crew went straight into a joint project"
    r"\w+(?:, [\w&' -]{1,25})+,? (?:and|&) [\w&' -]{1,25}\b[^.;!?]{0,30}\bjoint (?:AI )?(?:projects?|pilots?)\b",
    r"across (?:\w+ )?(?:departments|teams|functions)", r"between departments", r"between (?:them|the two|the departments|the teams)\b",
    r"(?:each|every) department (?:does|runs|has|works|goes|keeps) (?:its|their) own", r"(?:two|three|several|multiple|different) "
    r"(?:departments|teams|functions|sections|divisions|business units)", r"interdepartment", r"\w+ (?:and|&|with) \w+ (?:teams|departments) (?:together|jointly)",
)
SAVING = _any(r"效果", r"result", r"impact", r"\bgain", r"payoff", r"降本", r"增效", r"成本", r"效率", r"节省", r"省了", r"提升", r"提高", r"降低", r"减少", r"缩短", r"%", r"百分之", r"(?<=[一二两三四五六七八九\d])成(?:多|左右)?",  # 两成, not 成熟
              r"cost", r"saving", r"saved", r"efficien", r"productiv", r"cut", r"reduc", r"percent", r"lower", r"improv",
              r"\bdropped\b", r"\bfell\b", r"\bhalved\b", r"\b(?:is|are|was|were) down\b", r"\bdown (?:by|from|to)\b",
              GAIN_MULTIPLE, TIME_SAVED.pattern)
COUNT = _any(r"又", r"再", r"第二", r"第三", r"[两二三四五六七八九十几\d]+\s*个", r"其他", r"后续", r"接着", r"另外",
             r"another", r"\bmore\b", r"second", r"third", r"\btwo\b", r"\bthree\b", r"\bfour\b", r"several",
             r"follow(?:ed|-up)", r"since then", r"\bother\b", r"\bprojects\b", r"\d+ (?:of them|projects)",
             r"\bonly (?:\w+ ){0,3}(?:project|thing|one)\b", r"\bso far\b", r"唯一", r"只有这一个", r"到目前为止")
OWN_MODEL = _any(
    r"本地部署", r"本地化", r"私有化", r"私有部署", r"自己的服务器", r"自有服务器", r"自建", r"机房", r"开源", r"专属模型",
    r"自己的模型", r"自研", r"微调", r"训练", r"内部数据", r"自己的数据", r"本地跑", r"本地运行", r"内网", r"本地",
    r"on[- ]prem", r"locally", r"self[- ]host", r"own servers?", r"open[- ]source", r"fine[- ]?tun", r"own (?:AI )?models?",
    r"in[- ]house (?:AI |LLM )?models?", r"private (?:AI |LLM )?models?", r"\btrained\b", r"own data", r"internal data",
    r"our (?:own )?(?:data|documents|records)", r"\bQwen\b", r"\bLlama\b", r"\bMistral\b", r"custom (?:AI )?model",
    r"our servers?", r"\bGPU", r"data (?:never|doesn't|does not|stays)",
)
INTEGRATED = _any(
    r"流程打通", r"打通", r"整合", r"一体化", r"全流程", r"端到端", r"整体", r"全公司", r"运营成本", r"运营效率", r"全链路",
    r"系统对接", r"串起来", r"overall", r"end[- ]to[- ]end", r"integrat", r"company[- ]wide", r"operating (?:cost|expense)",
    r"whole (?:company|business|operation)", r"across the (?:business|company)", r"connected", r"all our (?:processes|systems)",
    r"operations? (?:cost|efficien)", r"entire", r"one (?:\w+[- ])?(?:process|system|platform|workflow)",
    r"one (?:[\w-]+ )?(?:process|system|platform|workflow)", r"unified", r"combined", r"wired (?:in)?to", r"hooked (?:up|in)to", r"plugged into",
    r"(?:all|now) run(?:s)? (?:off|on) (?:it|the model)", r"串起来", r"串联", r"联通", r"\w+(?:, [\w ]{1,25})+,? and [\w ]{1,25} all\b",
    r"\S+、\S+、\S+(?:都|全)",
)
LAUNCH = _any(
    r"推出", r"上线", r"发布", r"推了", r"卖给", r"对外", r"收费", r"商业化", r"开发了", r"做出", r"launch", r"released",
    r"rolled out", r"started selling", r"selling", r"\bsell", r"\bsold\b", r"offer(?:ing)?s?\b", r"went live", r"\blive\b",
    r"introduc", r"paid", r"turned (?:it|this|that) into", r"licen[cs]", r"designed", r"on the market",
    r"上市", r"做了一款", r"做出一款", r"一款", r"卖了", r"给(?:社员|客户|用户|会员|学员)做", r"做了(?:个|一个)",
    r"for (?:our )?(?:customers|clients|members|patients|guests|users)",
)
NEW_THING = _any(
    r"新产品", r"新服务", r"新业务", r"新的.{0,8}(?:服务|产品|业务)", r"产品", r"服务", r"平台", r"应用", r"小程序", r"玩具",
    r"\bproducts?\b", r"\bservices?\b", r"\bbusiness\b", r"offering", r"\bapp\b", r"platform", r"tool for (?:our )?(?:customers|clients)",
    r"一款", r"subscription", r"membership", r"(?:some|any)thing new", r"新东西",
    # "we launched an AI trip-planner for schools": whatever was launched is the new thing.
    r"\blaunch(?:ed|es|ing)?\s+(?:an?|our|the|its)\s+(?:new\s+)?[\w-]+",
    r"\b(?:an?|our|its) (?:new )?(?:ai[- ])?[\w-]+ (?:we|they) (?:launched|released|rolled out|introduced)\b",
)
PARTNERS = _any(
    r"供应商", r"上下游", r"上游", r"下游", r"合作伙伴", r"伙伴", r"生态", r"同行", r"主机厂", r"跨行业", r"联盟", r"经销商",
    r"渠道商", r"厂家", r"高校", r"大学", r"医院合作", r"和客户一起", r"与客户共同", r"联合", r"共建", r"共享",
    r"supplier", r"(?<!managing )(?<!senior )(?<!equity )partner", r"co-?buil", r"cooperative", r"ecosystem", r"upstream", r"downstream", r"jointly", r"co[- ]?(?:develop|build|creat)",
    r"consortium", r"industry peers", r"team(?:ed)? up with", r"together with (?:the|an?) (?:\w+ ){0,3}"
    r"(?:company|firm|maker|manufacturer|vendor|lab|university|council)", r"distributor", r"university", r"alliance", r"together with (?:our |a |two |three )?"
    r"(?:customers|clients|suppliers|vendors|distributors|competitors|companies)", r"vendors?",
    # "a shared model with two hotel chains and a ticketing firm": other companies.
    r"\bwith (?:two|three|four|several|a few|some|other|an?) (?:[\w-]+ ){0,2}(?:chains?|firms?|compan(?:y|ies)|insurers?|banks?"
    r"|retailers?|brands?|hospitals?|groups?|co-?ops?|cooperatives?|manufacturers?|makers?)\b",
    r"\bshared (?:[\w-]+ ){0,2}(?:model|platform|system)\b",
)
# Parties outside the company, named as such.
OUTSIDE_PARTY = _any(r"供应商", r"上下游", r"上游", r"下游", r"合作伙伴", r"生态", r"同行", r"跨行业", r"经销商", r"渠道商", r"高校",
                     r"大学", r"客户", r"supplier", r"vendor", r"customer", r"client", r"universit", r"ecosystem",
                     r"other (?:companies|firms|industries)", r"outside (?:the )?(?:company|firm)")
MARKET_FIT = _any(
    r"\bPMF\b", r"产品市场匹配", r"市场认可", r"付费", r"续约", r"续费", r"复购", r"卖得", r"签约",
    r"盈利", r"赚钱", r"买单", r"卖了", r"销量", r"追单", r"回头客", r"主动找", r"跑通", r"跑出来", r"market fit", r"product[- ]market", r"paying", r"renew", r"traction",
    r"sells?\b", r"selling", r"demand", r"profitable", r"sign(?:ed)? up", r"subscribers", r"customers? (?:pay|buy|love)", r"recurring",
    r"break(?:s)? even", r"income", r"\bpay(?:s)? (?:a |for|us)", r"\bsold (?:it|them|out|to|over|more|well|\d)", r"units",
    r"reorder", r"repeat (?:orders|customers|buyers)", r"licensed by",
)

NEGATION = _any(
    r"没有?", r"不(?!少|错|断|仅|只|但|光|久|过|同|一样)", r"未", r"无(?!论)", r"别", r"停了", r"停掉", r"停用", r"放弃", r"取消",
    r"还没", r"尚未", r"谈不上", r"算不上", r"\bno\b", r"\bnot\b", r"n't\b", r"\bnever\b", r"\bnobody\b", r"\bno one\b",
    r"\bnone\b", r"\bwithout\b", r"\bstopped\b", r"\bdropped\b", r"gave up", r"\bquit\b", r"abandon", r"cancel",
    r"\byet\b", r"\bhardly\b", r"\bbarely\b", r"\bnor\b", r"\bneither\b", r"\bshelved\b", r"\bscrapped\b",
    r"各干各的", r"各自为战", r"各管各的",
    # "付费用户还很少", "离PMF还有距离", "short of where we wanted it": not reached
    r"很少", r"还有(?:距离|差距|一段路)", r"\bshort of\b", r"\bfar from\b",
)
"""Words that deny or reverse what a statement says; a "no" with none of them is a guess."""


@dataclass(frozen=True)
class _Rule:
    subject: re.Pattern[str]
    """Must be in the clause itself: what the criterion is about (the leader, a team…)."""
    context: tuple[re.Pattern[str], ...] = ()
    """Must be in the clause, its sentence, or the sentence before or after (AI, a result…)."""
    clause: tuple[re.Pattern[str], ...] = ()
    """Must be in the clause itself too."""
    sentence: tuple[re.Pattern[str], ...] = ()
    """Must be in the clause's own sentence (a neighbour's "sold" launches nothing)."""
    before: tuple[re.Pattern[str], ...] = ()
    """Must be in the clause, its sentence or the one before: what "it" and "这些" point
    back to. The sentence after is another topic as often as not."""
    other: tuple[re.Pattern[str], ...] = ()
    """In the clause, these make it another criterion's statement…"""
    unless: re.Pattern[str] | None = None
    """…unless this is in the clause too (which also outweighs the two below)."""
    context_other: tuple[re.Pattern[str], ...] = ()
    """In the clause or the sentence before, these make it another criterion's statement."""
    sentence_other: tuple[re.Pattern[str], ...] = ()
    """In the clause's sentence, these make it another criterion's statement."""
    by_leading_writer: bool = False
    """The subject is the writer, which counts only when the writer leads the company."""

    def matches(self, statement: Statement) -> bool:
        text = statement.text
        if self.by_leading_writer and not statement.writer_leads:
            return False
        if not self.subject.search(text) or not all(p.search(text) for p in self.clause):
            return False
        around = f"{statement.context} {text} {statement.following}"
        if not all(p.search(around) for p in self.context):
            return False
        if not all(p.search(f"{statement.sentence} {text}") for p in self.sentence):
            return False
        if not all(p.search(f"{statement.context} {text}") for p in self.before):
            return False
        if self.unless is not None and self.unless.search(text):
            return True
        if any(p.search(f"{statement.context} {text}") for p in self.context_other):
            return False
        if any(p.search(f"{statement.sentence} {text}") for p in self.sentence_other):
            return False
        return not any(p.search(text) for p in self.other)


# Processes joined up with AI: a gain in the same sentence is the whole operation's.
JOINED_UP = _any(r"流程打通", r"打通", r"整合", r"一体化", r"全流程", r"端到端", r"串起来", r"串联", r"联通", r"integrat",
                 r"end[- ]to[- ]end", r"\bconnected\b", r"wired (?:in)?to", r"hooked (?:up|in)to", r"plugged into", r"unified",
                 r"\ball (?:our |the )?(?:business )?process", r"\bt(?:ie|ies|ied|ying)\b[^.;!?]{0,60}\btogether\b",
                 r"\bjoin(?:ed|ing|s)?[- ]up\b")

JOINT_PROJECT = _any(r"\bjoint (?:AI )?(?:projects?|pilots?)\b", r"跨部门(?:的)?(?:AI)?项目", r"联合项目")

# A team's own project, as against one across departments.
TEAMS_OWN = _any(r"\bteam projects?\b", r"\bteam's\b", r"\b(?:inside|within) (?:their|its|the|a) (?:own )?teams?\b",
                 r"团队项目", r"部门内", r"组内", r"小组项目")

# "这事我挺满意的", "which I was happy with": the manager's own view, not the team's or the
# customers' (which the criteria measure).
SPEAKER_PLEASED = _any(r"我(?:自己|本人|个人)?(?:挺|很|非常|比较|还|倒是|也|还是)?(?:满意|高兴|开心)",
                       r"\bI(?:'m| am| was)\s+(?:\w+\s+)?(?:happy|pleased|satisfied|delighted)",
                       r"\bwhich I (?:was|am)\b", r"\bI (?:like|liked|love|loved)\b")

# "25 staff", "员工四十来个": how many work there, not what they use.
HEADCOUNT = _any(
    r"\b\d[\d,]*\+? (?:staff|employees|people|workers|personnel)\b(?!\s+(?:\w+\s+)?(?:use|used|using|have|had|tried|are|were|rely))",
    r"(?:员工|职工|人数)(?:有|共)?[\d一二三四五六七八九十百千几来多余]+(?:个|名|人)",
    r"[\d一二三四五六七八九十百千几来多余]+(?:个|名)(?:员工|职工)(?![都也在用])",
)

# "A campaign for a client's product launch" is work for a client, not the company's offering.
CLIENTS_OWN = _any(r"\b(?:client|customer)s?'s?\s+(?:\w+\s+)?(?:product|service|launch|brand|app)")

MORE_PROJECTS = _any(r"又", r"再", r"另外", r"其他", r"后续", r"接着", r"第二个", r"\bmore\b", r"\banother\b", r"\bother\b",
                     r"\bsecond\b", r"\bfollowed\b")

# A criterion is spoken of when any of its rules matches.
_RULES: dict[str, tuple[_Rule, ...]] = {
    "leader_uses_ai": (_Rule(LEADER, before=(AI,)), _Rule(SPEAKER, before=(AI,), by_leading_writer=True)),
    # "Nobody has started another joint project" speaks of projects, not of the tools people use.
    # …nor how some felt about it ("两个老员工觉得被AI抢了活").
    "staff_use_llms_and_tools": (_Rule(STAFF, before=(AI,), other=(HEADCOUNT, _any(r"\bprojects?\b", r"项目"),
                                                                    _any(r"觉得", r"心里", r"\bfelt\b"), SATISFACTION)),),
    # A gain in a sentence about departments working together, or about processes joined
    # up, is theirs ("X, Y and Z worked together on it, and it cut turnaround by 30%").
    # So is a gain right after the sentence that tells of such a project ("Sales, billing and
    # the front desk ran a joint pilot. Turnaround is down 18%."), and a team's gain told in
    # the sentence about the team's project is not everyone's.
    "personal_efficiency_gain": (_Rule(EFFICIENCY, other=(TEAM, CROSS, INTEGRATED, CUSTOMER), unless=PERSONAL,
                                       context_other=(CROSS,), sentence_other=(JOINED_UP, TEAM)),),
    "team_ai_project": (_Rule(TEAM, (PROJECT,), sentence_other=(CROSS,)),),
    "team_project_efficiency": (_Rule(EFFICIENCY, (TEAM,), other=(CROSS, INTEGRATED, PERSONAL), unless=TEAMS_OWN,
                                      context_other=(CROSS,), sentence_other=(JOINED_UP,)),),
    "team_collaboration_satisfaction": (_Rule(SATISFACTION, clause=(COLLABORATION,), other=(CUSTOMER, SPEAKER_PLEASED)),
                                        _Rule(SATISFACTION, (COLLABORATION,), other=(SPEAKER_PLEASED,),
                                              context_other=(CUSTOMER,))),
    # "We've not tried anything across departments": no project, so no result either.
    # A gain in a sentence about processes joined up is the whole operation's ("after tying
    # production, ordering and advice together, costs dropped 35%"), not one project's.
    # A gain the clause gives a team's own project stays the team's, whatever departments
    # the sentence goes on to ("team project efficiency is up 25%, but no project spans
    # two departments yet").
    "cross_department_project_result": (_Rule(CROSS, (SAVING,)), _Rule(CROSS, clause=(NEGATION,)),
                                        _Rule(SAVING, sentence=(CROSS,), sentence_other=(JOINED_UP,),
                                              other=(TEAMS_OWN,))),
    "more_cross_department_projects": (_Rule(CROSS, (COUNT,)), _Rule(MORE_PROJECTS, (CROSS,))),
    "local_models_on_own_data": (_Rule(OWN_MODEL),),
    # A gain in the sentence that tells of a joint project is that project's result.
    "integrated_efficiency_gain": (_Rule(INTEGRATED, (SAVING,), other=(CROSS,), sentence_other=(JOINT_PROJECT,)),
                                   _Rule(SAVING, sentence=(JOINED_UP,), other=(PERSONAL, TEAM),
                                         sentence_other=(JOINT_PROJECT,))),
    "customer_satisfaction": (_Rule(SATISFACTION, clause=(CUSTOMER,), other=(SPEAKER_PLEASED,)),
                              _Rule(SATISFACTION, (CUSTOMER,), other=(COLLABORATION, SPEAKER_PLEASED))),
    "ai_new_offering": (_Rule(NEW_THING, (AI,), sentence=(LAUNCH,), other=(CLIENTS_OWN,)),),
    # "运营部、招商部和安保部联合启动了…跨部门项目": departments joined, no outside party.
    "ecosystem_partners": (_Rule(PARTNERS, other=(CROSS,), unless=OUTSIDE_PARTY),),
    "product_market_fit": (_Rule(MARKET_FIT),),
}

CRITERIA: tuple[str, ...] = tuple(_RULES)

# Statements that settle a criterion by themselves, when nothing in them denies, plans or
# doubts: a tool named and used by the leader, by most staff; a model run on the
# company's own machines; customers paying. The model reads everything else.
_USE = _any(r"用", r"[拿靠借助让]\s*\S{0,12}?(?:写|做|查|画|问|翻译|剪|生成)", r"\bus(?:e|es|ed|ing)\b", r"\bon (?:ChatGPT|Claude|Copilot|DeepSeek|Gemini)", r"rel(?:y|ies) on",
            r"\bdraft", r"\bwrit(?:e|es|ing)\b")
_TOOL = _any(r"ChatGPT", r"Copilot", r"Claude", r"Gemini", r"DeepSeek", r"豆包", r"Kimi", r"通义", r"千问", r"文心",
             r"一言", r"Midjourney", r"剪映", r"即梦", r"智谱", r"讯飞", r"Notion AI", r"Perplexity", r"\bAI\b", r"人工智能",
             r"大模型", r"\bLLMs?\b")
_OPEN_MODEL = _any(r"Llama", r"Qwen", r"DeepSeek", r"Mistral", r"ChatGLM", r"GLM", r"开源", r"open[- ]source", r"fine[- ]?tun",
                   r"微调", r"训练", r"\btrain(?:ed|ing)\b", r"自建", r"专属模型", r"own (?:AI )?models?")
_OWN_MACHINES = _any(r"服务器", r"本地", r"机房", r"内网", r"私有化", r"自己的", r"on[- ]prem", r"locally", r"self[- ]host",
                     r"servers?", r"in[- ]house", r"our own", r"own (?:hardware|building|data ?cent)", r"GPU")
_PAYING = _any(r"product[- ]market fit", r"\bPMF\b", r"付费(?:客户|用户|使用)", r"续约率", r"\brenewed\b",
               # "licensed by more than 120 practices…, renewals are running at 94%"
               r"\blicensed by (?:more than |over |about |some )?\d+", r"\brenewals? (?:are |is )?(?:running )?at \d+",
               # "四十多个牧场在付费用,续费率很高…这个产品算是站住了"
               r"付费用", r"续费率(?:很|挺|非常|比较)?高", r"站住了",
               r"paying (?:customers|clients|users|subscribers)", r"\d+ (?:\w+ )?(?:customers|clients|companies|firms|"
               r"growers|users|schools|hospitals|shops|stores) (?:now )?pay", r"卖了[\d一二三四五六七八九十百千万]+",
               r"追单")
_DOUBT = _any(r"不确定", r"说不准", r"谈不上", r"还不好说", r"不好说", r"not sure", r"unsure", r"too early", r"remains to be seen",
              r"don't know", r"no idea")

# Work done with others outside the company, not only partners named: "building … with
# hotels and the tourism board", not "a shared platform with our own departments".
_JOINT_WORK = _any(r"\b(?:buil(?:d|t|ding)|develop\w*|pool\w*|co-?(?:develop|build|creat)\w*)\b[^.;!?]{0,60}\bwith\b"
                   r"(?! (?:our|the|its|their) (?:own )?(?:[\w-]+ )?(?:teams?|departments?|depts?|staff|people|employees)\b)",
                   r"(?:和|与|跟|同)[^,,。;]{1,30}(?:联合(?:开发|研发|打造)|共建|共享|打造|一起(?:做|开发|搞)|合作开发)",
                   # "Together with two scanner makers and 40 practices, our lab co-developed…"
                   r"\btogether with\b(?! (?:our|the|its|their) (?:own )?(?:[\w-]+ )?(?:teams?|departments?|depts?|staff|people))"
                   r"[^.;!?]{0,120}\b(?:co-?develop\w*|buil[td]|building|develop\w*|creat\w*|pool\w*)\b")
_AFFIRMS: dict[str, tuple[tuple[re.Pattern[str], ...], ...]] = {
    "leader_uses_ai": ((LEADER, _TOOL, _USE),),
    "staff_use_llms_and_tools": ((STAFF, _TOOL, _USE),),
    "local_models_on_own_data": ((_OPEN_MODEL, _OWN_MACHINES),),
    "product_market_fit": ((_PAYING,),),
    # "building a shared AI platform with hotels and the tourism board, pooling data"
    "ecosystem_partners": ((PARTNERS, AI, _JOINT_WORK),),
}


def speaks_of(statement: Statement | str, criterion_id: str) -> bool:
    """Whether ``statement`` (a clause in its sentences, or a text taken alone) is about
    ``criterion_id``. Unknown ids speak of nothing."""
    if isinstance(statement, str):
        statement = Statement(statement, statement, "", 0)
    return any(rule.matches(statement) for rule in _RULES.get(criterion_id, ()))


def mentions(found: list[Statement], criterion_id: str) -> list[Statement]:
    """The statements that speak of ``criterion_id``, in the description's order."""
    return [s for s in found if speaks_of(s, criterion_id)]


# "Our own models? No, everything we use is SaaS.": the writer asks the question a reader
# would, then answers it; the answer is in the next sentence.
_ASKED_OF_ITSELF = re.compile(r"[?\uff1f]\s*$")
# The answer is a plain "No," of its own, not a sentence that begins with a negation
# ("不是说能到两成吗" in a chat is another question).
_ANSWERED_NO = re.compile(r"^\s*(?:no|nope|not (?:yet|really|at all)|none|never)\s*[,.;!:\u2014-]"
                          r"|^\s*(?:没有|没|不是|不|并没有|还没有?)\s*[,\uff0c。!\uff01;\uff1b]", re.I)


_LEADER_SAYS_I_USE = _any(r"(?:[\u4e00-\u9fff]总|老板|董事长|厂长|校长|院长|CEO)\s*[:\uff1a]\s*我(?:自己|本人)?(?:也)?"
                          r"(?:天天|每天|一直|经常|平时|每日)(?:都)?(?:在)?用")


def _answers_itself_no(statement: Statement) -> bool:
    return bool(_ASKED_OF_ITSELF.search(statement.text) and _ANSWERED_NO.search(statement.following))


def affirms(statement: Statement, criterion_id: str) -> bool:
    """Whether ``statement`` plainly says ``criterion_id`` is met, with no word that
    denies, plans or doubts it (and, for the staff, words for most of them). A question
    affirms nothing."""
    text = statement.text
    if denies(text) or PLANNED.search(text) or _DOUBT.search(text) or _ASKED_OF_ITSELF.search(text):
        return False
    if criterion_id == "staff_use_llms_and_tools" and not MOST.search(text):
        return False
    if criterion_id == "local_models_on_own_data":
        # "We fine-tuned Llama on our records; it runs on-prem": the model and where it
        # runs may stand in two sentences.
        text = f"{statement.previous} {text}" if not denies(statement.previous) else text
    affirming = _AFFIRMS.get(criterion_id, ())
    if criterion_id == "leader_uses_ai":
        affirming += ((_LEADER_SAYS_I_USE,),)  # "赵总:我自己天天用" in a pasted group chat
        if statement.writer_leads:
            affirming += ((SPEAKER, _TOOL, _USE),)  # "I use ChatGPT every day", by the one who leads
    return any(all(p.search(text) for p in patterns) for patterns in affirming)


# "No AI project was ever done between them", "还没有跨部门合作过": nothing was done,
# so there is no result to speak of. A denial of *further* projects ("no other project
# since") says nothing about the first one.
_NONE_DONE = _any(r"\bno (?:\w+ ){0,2}projects?\b", r"\bnot (?:\w+ ){0,3}(?:anything|any (?:\w+ )?projects?)\b",
                  r"\bnever (?:\w+ ){0,2}(?:done|tried|run|did|ran|worked)\b", r"\bnothing\b",
                  r"\bnone of (?:the |our |them)(?:\w+ ){0,2}(?:ever )?(?:ran|run|did|done|has|have|had|tried|started)\b",
                  r"没有?(?:任何|过|做过|搞过)?.{0,8}(?:项目|合作)", r"从(?:来)?没", r"还没(?:有)?.{0,6}(?:做|搞|试|合作)",
                  r"各干各的|各自为战|各管各的")
_DENIALS: dict[str, tuple[re.Pattern[str], ...]] = {
    "cross_department_project_result": (CROSS, _NONE_DONE),
    # "None of the departments ever ran its own AI project", "部门里还没一起做过项目"
    "team_ai_project": (TEAM, _NONE_DONE),
}


# "Our owner, Dave, says he'll never touch it", "老板自己从来不用": the leader refuses, with
# nobody else named in between (in "the owner uses it but the staff never do" the
# refusal is the staff's).
_REFUSAL = (r"(?:never|won't|will not|doesn't|does not|refuses? to|wouldn't|hasn't|has not)\s+(?:\w+\s+)?"
            r"(?:touch|use|go near|open|tried|bother)|从(?:来)?不(?:用|碰)|(?<![用])不(?:用|碰)(?!统计|算|管|担心|操心|考虑|说|问|再|了)"
            r"|没用过|拒绝")
_LEADER_REFUSES = re.compile(f"(?:{LEADER.pattern})(?P<between>[^.!?;。!?;\n]{{0,45}}?)(?:{_REFUSAL})",
                             re.I | re.ASCII)


def _leader_refuses(sentence: str) -> bool:
    return any(not STAFF.search(m.group("between")) and not TEAM.search(m.group("between"))
               for m in _LEADER_REFUSES.finditer(sentence))


# "AI这块我自己基本不用", "I don't really use it myself": the writer, who leads, does not.
_SPEAKER_REFUSES = _any(r"我(?:本人|自己|个人)?(?:基本|几乎|平时|一直|根本|也|还|倒是)?(?:不用|不碰|没用过|从(?:来)?不用|没怎么用|不怎么用)",
                        r"我(?:本人|自己|个人)?(?:是)?(?:一次|一回)(?:都|也)没(?:有)?(?:用过|碰过|试过)",
                        r"\bI\s+(?:\w+\s+)?(?:don't|do not|never|haven't|have not|rarely|hardly)\s+(?:\w+\s+)?(?:use|used|touch|tried)\b")


# "We had a go at a group project, but it kept failing and we stopped after a month",
# "试过一阵,后来停了": tried, then given up, is not done.
_TRIED = _any(r"\bhad a go\b", r"\btried\b", r"\btrial(?:l)?ed\b", r"\btested\b", r"\bexperimented\b", r"\bpiloted\b",
              r"试过", r"试了", r"试用", r"尝试")
# Also what a count of projects may end in ("the two follow-up projects were both shelved").
GIVEN_UP = _any(r"\bstopped\b", r"\bdropped\b", r"\bgave up\b", r"\bgiven up\b", r"\babandoned\b", r"\bscrapped\b",
                r"\bshelved\b", r"\bditched\b", r"\bbinned\b", r"pulled the plug", r"停了", r"停掉", r"停用", r"放弃",
                r"没再", r"不了了之", r"搁置", r"黄了", r"作罢")
_TAKEN_UP_AGAIN = _any(r"\brestart", r"\bresum", r"\bagain\b", r"\bback on\b", r"重新", r"又(?:开始|做|搞|用)")


def given_up(statement: Statement) -> bool:
    """Whether ``statement`` tells of something tried and then given up, in its sentence
    (the giving up after the statement, and nothing taken up again after that)."""
    sentence = statement.sentence
    start = sentence.find(statement.text)
    stop = GIVEN_UP.search(sentence, max(start, 0))
    if start < 0 or stop is None or not _TRIED.search(sentence[:stop.start()]):
        return False
    return not _TAKEN_UP_AGAIN.search(sentence, stop.end())


_OTHERS = _any(r"别的(?:部门|团队|组)", r"其他(?:部门|团队|组)", r"其余(?:部门|团队)",
               r"\b(?:other|the other|the rest of the) (?:departments|teams|groups)\b")


def plainly_denies(statement: Statement, criterion_id: str) -> bool:
    """Whether ``statement`` plainly says ``criterion_id`` was never even begun (or, for
    the leader, that the leader refuses AI)."""
    if _answers_itself_no(statement):
        return True
    if criterion_id == "leader_uses_ai":
        if LEADER.search(statement.text) is not None and _leader_refuses(statement.sentence):
            return True
        return statement.writer_leads and _SPEAKER_REFUSES.search(statement.text) is not None
    text = statement.text
    patterns = _DENIALS.get(criterion_id)
    if not patterns or MORE_PROJECTS.search(text) or PLANNED.search(text) or _DOUBT.search(text) \
            or _OTHERS.search(text):
        return False  # "别的部门还没开始做这种小组项目": the others have not, this one has
    return all(p.search(text) for p in patterns)


def evidence_text(statement: Statement, criterion_id: str) -> str:
    """What the model reads for ``criterion_id``: the statement's sentence, and the one
    before when the sentence alone lacks what the criterion needs ("they" for "the AI
    tools" named just before)."""
    rules = _RULES[criterion_id]
    if any(all(p.search(statement.sentence) for p in (*rule.context, *rule.before)) for rule in rules) \
            or not statement.previous:
        return statement.sentence
    return statement.context


MOST = _any(r"大部分", r"大多数", r"多数", r"全员", r"普遍", r"基本上都", r"都会用", r"人手", r"大家", r"所有", r"每个人", r"人人", r"全部", r"基本都", r"都在用", r"都用",
            r"全公司", r"\beveryone\b", r"\beverybody\b", r"\ball\b", r"\bmost\b", r"\bwhole\b", r"\bentire\b",
            r"\bevery\b", r"company[- ]wide", r"across the (?:company|board)", r"majority")
"""Words that speak of most of the staff; "two designers use Midjourney" is a start, not "most staff"."""

PLANNED = _any(r"商量", r"计划", r"打算", r"准备", r"筹划", r"出方案", r"考虑", r"想(?:做|装|上|用|搞|弄|建|试|把|让)",
               r"提过", r"提议", r"建议过", r"下一步",
               # a plan, not the lesson plans a team rebuilt
               r"(?<![-\w])(?<!lesson )(?<!floor )(?<!meal )(?<!care )(?<!treatment )(?<!training )(?<!seating )plan",
               r"going to", r"\bproposed\b", r"\bsuggested\b", r"\bfloated\b",
               r"\bwill\b", r"\bnext\b", r"consider", r"thinking (?:about|of)", r"on the (?:list|drawing board)",
               r"\bwant to\b", r"would like", r"聊过", r"谈过", r"talked (?:to \w+ )?about", r"talking (?:to \w+ )?about",
               r"\bdiscuss", r"策划(?![部师组])", r"即将", r"明年", r"年底前",
               # a launch with a date ahead, or one not live yet
               r"\b(?:are|is|am|'re)\s+(?:\w+\s+)?(?:launching|rolling out|releasing|introducing|about to)\b",
               r"\blater this (?:year|month|quarter|season)\b", r"\bsoon\b", r"\bupcoming\b",
               r"\b(?:isn't|aren't|not) (?:yet )?(?:live|launched|out)\b", r"\bnot yet (?:live|launched|out|running)\b",
               r"\byet to (?:launch|go live|ship)\b", r"(?:还|尚)(?:没|未)(?:有)?(?:上线|推出|发布|落地)")
"""Words that put a thing in the future: planned is not done."""


def denies(text: str) -> bool:
    """Whether ``text`` has a negation or reversal cue."""
    return bool(NEGATION.search(text))


def subject_of(criterion_id: str) -> re.Pattern[str]:
    """The words a statement about ``criterion_id`` speaks of first (its first rule's subject)."""
    return _RULES[criterion_id][0].subject
