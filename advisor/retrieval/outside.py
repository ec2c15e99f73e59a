"""Questions the article cannot answer, known by what they ask for.

Retrieval judges coverage by how far the best passage stands out from the rest. A
question near the topic can pass that test and still ask for something the article
never gives: a named law's requirements, a payback period, which of two products is
better, how to fine-tune a model. Given passages about compliance, costs or tools, a
small model then answers with them as if they were about the thing asked ("根据文档,欧盟
AI法案要求…"). Each kind here is declined before the model, with a sentence that says
what the article does and does not hold, so the manager knows where to look instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Outside:
    """A kind of question the article does not answer, and what to tell the manager."""

    kind: str
    zh: str
    en: str

    def line(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


# The article asks for legal compliance in general and names no law, no standard to be
# certified against, and says nothing of who owns what an AI makes (its 知识产权 is a risk
# of working with partners, which it does name).
_LAW = re.compile(
    r"《[^》]*(?:法|条例|规定|办法|指引|标准)[^》]*》|法案|条例|暂行办法|管理办法|民法典|版权|著作权|\bcopyright\w*"
    r"|(?<![A-Za-z])ISO\s?/?\s?(?:IEC\s?)?\d{4,5}(?!\d)|认证(?:流程|费用|机构|要求|标准)|\bcertification\b"
    # licence terms: "Apache 2.0 和 GPL 开源协议", "what do the licence terms allow?"
    r"|开源协议|许可证|许可协议|\blicen[cs]e (?:terms?|agreements?)\b|\b(?:apache|gpl|mit|bsd|llama) licen[cs]e|\bGPL\b"
    r"|[\u4e00-\u9fff]{2,6}(?:保护|安全|著作权|劳动|合同|商标|专利|税)法(?![律规务人定])"
    r"|\b(?:GDPR|PIPL|CCPA|HIPAA)\b"
    # "the EU AI Act", "Personal Information Protection Law": a capitalised name before it.
    r"|\b(?!(?:The|What|Which|Does|Do|How|Is|Are|Any|Our)\b)(?:[A-Z][\w.-]*\s+){1,5}(?:Act|Law|Regulation|Directive)s?\b")
# The article gives no payback period or return figure, only asks that KPIs judge the return.
_PAYBACK = re.compile(
    r"回本|回收期|收回成本|投资回报率|回报率|\broi\b|\bpayback\b|\bpays? (?:for )?(?:it|them)sel(?:f|ves)\b"
    r"|\bpays? (?:it |itself )?back\b|\bbreak[- ]?even\b|\breturn on (?:the |our )?(?:ai )?investment\b", re.I)
_HOW_MUCH = re.compile(
    r"多少|多久|多长|几个?月|几年|百分之|\bhow (?:long|many|much|soon|quickly|fast)\b|\bwhat\b.{0,25}\b(?:percentage|rate|period|figure|number)\b"
    r"|\bexpect\w*\b|\btypical\w*\b", re.I)
# The article lists tools as examples; it ranks none and names no vendor.
_PRODUCT_NAME = (r"豆包|kimi|讯飞星火|文心一言|ernie|chatgpt|\bgpt-?\d|claude|通义|deepseek|gemini|copilot|llama|qwen"
                 r"|midjourney|剪映|奇灵|讯飞听见"
                 # cloud providers and customer-service platforms, named the same way
                 r"|阿里云|腾讯云|华为云|百度智能云|火山引擎|\baws\b|azure|google cloud|\bgcp\b|zendesk|intercom|salesforce")
_PRODUCT = re.compile(_PRODUCT_NAME + r"|服务商|供应商|厂商|品牌|\bvendors?\b|\bbrands?\b|\bsuppliers?\b", re.I)
_RANKING = re.compile(
    r"哪(?:个|一个|款|家|种)(?:最|更)?(?:好|强|适合|靠谱|划算|便宜|省钱)|更好用|更适合|最好用|最靠谱|推荐哪"
    r"|\bwhich\b.{0,30}\b(?:better|best|cheaper|cheapest|recommend\w*)\b|\b(?:better|best)\b.{0,40}\bor\b"
    r"|\bvs\.?(?=\s)|\bversus\b", re.I)
# A choice between two named products ("Copilot or Gemini?", "豆包还是Kimi?"); "和供应商合作还是
# 自己做?" and "ChatGPT or our own model?" are choices between stages.
_CHOICE = re.compile(r"还是|\bor\b", re.I)
# What a named product costs: the article names tools as examples and prices none.
_PRICE = re.compile(r"多少钱|价格|价钱|售价|收费|订阅费|年费|月费|\bprices?\b|\bpricing\b|\bper (?:seat|user|licen[cs]e|month)\b"
                    r"|\bper million tokens\b|\bhow much (?:does|do|is|are)\b.{0,40}\bcost\b", re.I)
# Figures about other companies or markets ("What share of SMEs in Germany use AI?").
_STATISTICS = re.compile(
    # other companies, counted: not "我们公司有多少人在用AI"
    r"多少家(?:中小)?(?:企业|公司)|(?:多少|什么|几成|百分之几)(?:比例)?的(?:中小)?(?:企业|公司)"
    r"|\b(?:what|which) (?:percentage|share|proportion|fraction|number) of (?:\w+ ){0,3}"
    r"(?:companies|firms|smes|businesses|enterprises|manufacturers|retailers)\b"
    r"|\bhow many (?:\w+ ){0,2}(?:companies|firms|smes|businesses|enterprises)\b.{0,40}\b(?:adopted|use|using|have)\b", re.I)
# Technical how-to: training, hardware, code. The article stays with the stages.
_TECHNICAL = (r"lora|qlora|学习率|\blearning rate|\bbatch size|\bepochs?\b|\brag\b|langchain|向量数据库|\bvector (?:database|db|store)|微调|fine-?tun\w*|超参数?|hyper-?parameters?"
              r"|参数|python|\bsql\b|excel|函数|公式|\bapi\b|显卡|显存|\bgpus?\b|\bvram\b|\bcuda\b|\b\d{1,3}\s?b\b")
_HOW_TO = r"怎么|如何|具体|步骤|操作|配置|搭建|写一?个|需要几张|几张|多大|设多少|设成|设置|调多少|多少(?:比较)?合适|\bwhat (?:\w+ )?(?:rate|rank|size|settings?|values?)\b|\bhow (?:do|to|can|should|much|many)\b|walk me through|set(?:ting)? up|step[- ]by[- ]step|configure|install|write"
_HOW_TO_TECHNICAL = re.compile(rf"(?:{_HOW_TO}).{{0,25}}(?:{_TECHNICAL})|(?:{_TECHNICAL}).{{0,6}}(?:{_HOW_TO})", re.I)
# A graphics card by its name is hardware, however it is asked about.
# Latin beside Chinese has no \b ("几张A100"), hence the lookarounds.
_GPU_MODEL = re.compile(r"(?<![A-Za-z0-9])(?:rtx\s?[2345]0[6-9]0(?:\s?ti)?s?|[2345]0[6-9]0\s?(?:ti|显卡|gpus?|cards?)|[ahlv]100s?|[bh]200s?|h20s?|a[46]000)"
                        r"(?![A-Za-z0-9])|\bgraphics cards?\b", re.I)
# Pay, working time and staff rules: HR matters the article leaves to the company. 考核
# alone is not one: "阶段二怎么考核?" asks for the stage's KPIs.
_PAY = re.compile(r"工资|薪资|薪酬|加班费|加班|年薪|月薪|社保|公积金|补贴|津贴|奖金|员工手册|奖惩|处罚|处分|劳动合同"
                  r"|绩效考核制度|\bsalar(?:y|ies)\b|\bwages?\b|\bovertime\b|\ballowances?\b|\bstipends?\b|\bbonus(?:es)?\b"
                  r"|\b(?:employment|staff|their|employee|work) contracts?\b|\bdisciplin\w*|\bemployee handbook\b"
                  r"|\bpay (?:rises?|raises?|scales?|bands?|grades?)\b|\bcompensation\b|\bremuneration\b", re.I)
# Shares and markets: the article gives no investment advice, and a model given passages
# on "投入" would read them as if they were ("科大讯飞股价走势稳定").
_MARKET = re.compile(
    r"股价|股票|股市|炒股|概念股|(?:买|卖|买入|卖出|定投)基金|基金(?:净值|走势|收益|推荐)|哪[只个]基金|市值|\bstocks?\b|\bshare (?:price|market)s?\b|\bstock market\b"
    r"|\b(?:buy|sell|hold)\b.{0,30}\bshares\b|\bearnings (?:call|report)s?\b|\bmarket cap\w*", re.I)

# Accounting and tax: how to book, depreciate or deduct AI spending.
_ACCOUNTING = re.compile(
    r"摊销|折旧|会计|账务处理|入账|税率|税务|抵扣|增值税|所得税|加计扣除|\bamorti[sz]\w*|\bdepreciat\w*|\bIFRS\b|\bGAAP\b"
    r"|\baccounting (?:treatment|rules?|standards?)\b|\btax (?:deduct\w*|credits?|rates?|treatment|relief|breaks?)\b"
    r"|\bVAT\b|\bwrite[- ]?offs?\b|\bcapitali[sz]e\b", re.I)
# How to design or run a survey: the article only names the satisfaction it measures
# ("我们的满意度调查结果85%" asks for that KPI, and is left alone).
_SURVEY = re.compile(
    r"(?:设计|做|搞|发|出)(?:一[份个])?(?:匿名)?(?:调查)?问卷|问卷(?:怎么|如何)(?:设计|做|发)|问卷(?:工具|平台|模板|题目)"
    r"|\b(?:design|set up|create|write|build|run)\b.{0,40}\bsurveys?\b|\bsurvey (?:tools?|software|platforms?|templates?"
    r"|questions)\b|\bwhich survey\b", re.I)

# Trips and outings: nothing the article is about, whatever team goes on them.
_TRAVEL = re.compile(r"旅游|旅行|景点|行程|酒店|机票|度假|攻略|\bitinerar\w*|\bsightseeing\b|\bvacations?\b|\bhotels?\b"
                     r"|\bflights?\b|\bholiday (?:trip|plans?)\b", re.I)

_KINDS = [
    (Outside("law",
             "文档没有涉及具体的法律法规、版权、许可协议或认证标准;它只要求AI应用合法合规,重视数据安全和隐私保护。",
             "The document names no specific law, regulation, copyright or licence terms, or certification "
             "standard; it only asks that AI use be legally compliant, with data security and privacy protected."),
     lambda q: bool(_LAW.search(q))),
    (Outside("payback",
             "文档没有给出投资回收期或回报率的数字;它建议用清晰的目标和可量化的KPI评估AI投资的回报。",
             "The document gives no payback period or return figure; it advises clear goals and measurable "
             "KPIs to judge the return on AI investment."),
     lambda q: bool(_PAYBACK.search(q) and _HOW_MUCH.search(q))),
    (Outside("ranking",
             "文档只把这些工具作为例子列出,没有比较或推荐具体的产品和服务商。",
             "The document lists tools only as examples; it does not compare or recommend products or vendors."),
     lambda q: bool(_PRODUCT.search(q) and _RANKING.search(q))
     or bool(len(set(m.lower() for m in re.findall(_PRODUCT_NAME, q, re.I))) >= 2 and _CHOICE.search(q))),
    (Outside("price",
             "文档只把这些工具作为例子列出,没有给出任何产品的价格;它只建议第三阶段订购1-3个云端SaaS工具,年费用控制在几千元人民币。",
             "The document lists tools only as examples and prices none of them; for stage 3 it only advises 1-3 "
             "cloud SaaS tools at a few thousand RMB a year in all."),
     # A named product only: "和供应商一起做,要投入多少钱?" asks the article's budget.
     lambda q: bool(re.search(_PRODUCT_NAME, q, re.I) and _PRICE.search(q))),
    (Outside("statistics",
             "文档没有其他企业、行业或国家的统计数字;它讲的是一家企业走过五个阶段的做法。",
             "The document gives no figures about other companies, industries or countries; it describes how one "
             "company moves through the five stages."),
     lambda q: bool(_STATISTICS.search(q))),
    (Outside("technical",
             "文档不涉及技术操作细节(模型训练、硬件配置、编程等),只讲企业AI应用的五个阶段。",
             "The document does not go into technical how-to (model training, hardware, code); it describes "
             "the five stages of adoption."),
     lambda q: bool(_HOW_TO_TECHNICAL.search(q) or _GPU_MODEL.search(q))),
    (Outside("pay",
             "文档不涉及薪酬、加班等人事制度,只讲企业AI应用的五个阶段;关于人才,它只强调培养和引进专业人才、制定人才战略。",
             "The document does not cover pay, overtime or other HR rules; on people it only stresses developing and "
             "hiring skilled talent with a talent strategy."),
     lambda q: bool(_PAY.search(q))),
    (Outside("accounting",
             "文档不涉及会计、税务处理(摊销、折旧、抵扣等),只讲企业AI应用的五个阶段。",
             "The document does not cover accounting or tax treatment (amortisation, depreciation, deductions); "
             "it describes the five stages of adoption."),
     lambda q: bool(_ACCOUNTING.search(q))),
    (Outside("survey",
             "文档没有讲如何设计或开展调查问卷;它只把团队协作满意度(第二阶段90%)和客户满意度(第四阶段95%)列为KPI。",
             "The document does not cover how to design or run a survey; it only lists team collaboration "
             "satisfaction (90%, stage 2) and customer satisfaction (95%, stage 4) as KPIs."),
     lambda q: bool(_SURVEY.search(q))),
    (Outside("travel",
             "文档不涉及旅行或活动安排,只讲企业AI应用的五个阶段。",
             "The document does not cover trips or outings; it describes the five stages of adoption."),
     lambda q: bool(_TRAVEL.search(q))),
    (Outside("market",
             "文档不涉及股票、基金或其他投资建议,只讲企业AI应用的五个阶段。",
             "The document gives no advice on shares or other investments; it describes the five stages "
             "of adoption."),
     lambda q: bool(_MARKET.search(q))),
]


def outside_the_article(question: str) -> Outside | None:
    """The kind of thing ``question`` asks for that the article does not hold, or None."""
    for outside, asks in _KINDS:
        if asks(question):
            return outside
    return None
