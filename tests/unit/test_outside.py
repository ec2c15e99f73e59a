"""Questions the article cannot answer, known by what they ask for."""

from __future__ import annotations

import pytest

from advisor.retrieval.outside import outside_the_article


@pytest.mark.parametrize(("question", "kind"), [
    ("《数据安全法》对我们用AI有什么具体要求?", "law"),
    ("个人信息保护法要求我们怎么处理客户数据?", "law"),
    ("Does the EU AI Act apply to our chatbot?", "law"),
    ("What does GDPR say about training on customer emails?", "law"),
    ("What does the California Consumer Privacy Act require from us?", "law"),
    ("做跨部门项目多久能回本?", "payback"),
    ("What ROI should we expect from stage 3?", "payback"),
    ("How soon will the tools pay for themselves?", "payback"),
    ("豆包和Kimi哪个更好用?", "ranking"),
    ("Which vendor is best for a private deployment?", "ranking"),
    ("ChatGPT vs Claude for contracts?", "ranking"),
    ("LoRA 微调的参数怎么设?", "technical"),
    ("How do I set up a RAG pipeline for our manuals?", "technical"),
    ("跑一个70B的模型需要几张显卡?", "technical"),
    ("How much VRAM does a 14B model need?", "technical"),
    ("How many months until the SaaS spend pays for itself?", "payback"),
    ("科大讯飞最近股价走势怎么样,现在值得买入吗?", "market"),
    ("Which AI stocks should we put our spare cash into?", "market"),
    ("Should I buy Nvidia shares before the earnings call?", "market"),
    ("豆包企业版一年的订阅费具体是多少钱?", "price"),
    ("How much does a Kimi enterprise account cost per seat per year?", "price"),
    ("What percentage of small businesses worldwide had adopted generative AI by 2024?", "statistics"),
    ("国内有多少比例的中小企业已经用上了大模型?", "statistics"),
    ("用LoRA微调客服模型,学习率和rank设多少比较合适?", "technical"),
    ("Should we go with Microsoft Copilot or Google Gemini for our office staff?", "ranking"),
    ("豆包还是Kimi更适合我们?", "ranking"),
    ("Over how many years should we amortise an in-house AI model under IFRS?", "accounting"),
    ("买AI软件的费用能不能加计扣除?", "accounting"),
    ("五一想带团队去云南团建,大理和丽江的行程怎么安排比较好?", "travel"),
    ("本地部署开源模型要买几张A100?还是用4090就够了?", "technical"),
    ("For running an open-source model on-prem, is one H100 better value than four RTX 4090s?", "technical"),
    ("What should our HR policy say about overtime pay for people who use AI tools after hours?", "pay"),
    ("招一个AI工程师月薪要开多少?", "pay"),
    ("有员工用AI写周报被发现了,HR该怎么改员工手册,要不要处罚?", "pay"),
    ("Should we pay staff a monthly AI-tools allowance, and do we need to change their contracts?", "pay"),
    ("现在买哪只基金好?", "market"),
    ("阶段三要订云端SaaS,阿里云和腾讯云哪家更划算?", "ranking"),
    ("Should we host our stage 4 models on AWS or Azure?", "ranking"),
    ("我们想做ISO 42001认证,具体流程和费用是怎样的?", "law"),
    ("who owns copyright of AI generated images we use in ads?", "law"),
    ("Apache 2.0 和 GPL 开源协议在商用上有什么区别?", "law"),
    ("How do I design and run an anonymous employee survey on attitudes to AI?", "survey"),
])
def test_a_question_for_what_the_article_lacks(question, kind):
    found = outside_the_article(question)
    assert found is not None and found.kind == kind
    assert found.line("zh") != found.line("en")


@pytest.mark.parametrize("question", [
    "用AI工具需要注意哪些法律合规问题?",  # compliance in general: the article's own advice
    "What does the article say about law and compliance?",
    "How do we keep data safe when we deploy open-source models locally?",
    "文章推荐了哪些大语言模型?",  # its examples, not a ranking
    "Which tools does the article list for video?",
    "阶段三的预算是多少?",
    "How do clear KPIs help us judge the return on our AI spending?",  # the principle, not a figure
    "阶段四的KPI是什么?",
    "我们用DeepSeek做了本地部署,文章对数据安全怎么要求?",
    "How many SaaS tools should we subscribe to in stage 3?",
    "How do we get departments to share data for a joint project?",  # share, not shares
    "What does the article say about market share and new products?",
    "阶段三订购SaaS工具,年费用控制在多少?",  # the article's own budget, no product priced
    "What share of our staff should use AI tools in stage 1?",  # the company's own figure
    "How should we rank the departments for the first cross-department project?",
    "我们公司有多少人在用AI才算过了第一阶段?",  # the company's own people, not other companies
    "和上下游供应商一起做生态合作,要投入多少钱?",  # the article's budget, no product priced
    "我们该和供应商一起做还是自己建模型?",  # a choice between stages, not products
    "Should we use ChatGPT or build our own model in stage 4?",
    "阶段三需要3090元吗?",  # a sum, not a graphics card
    "我是一家基金的投资人,被投企业处在构建专属AI能力这一步,这个阶段的目标是什么?",  # who asks, not what
    "阶段二怎么考核?",  # the stage's KPIs, not staff appraisal
    "第五阶段和伙伴合作要注意知识产权吗?",  # the risk the article names, not copyright law
    "我们团队协作满意度调查结果85%,第二阶段算达标了吗?",  # a survey's result against the KPI
    "阶段四要部署开源模型吗?",  # open-source models, not their licences
])
def test_a_question_the_article_answers_is_left_alone(question):
    assert outside_the_article(question) is None


def test_such_a_question_is_declined_before_the_model_with_what_the_article_holds(make_advisor):
    advisor = make_advisor("A GPU server costs 27000 dollars [阶段三 · 项目执行].")
    answer = advisor.ask("How much VRAM do we need for a 70B model?")
    assert answer.refused and answer.sources == []
    assert answer.answer.startswith("The document does not cover this.") and "technical how-to" in answer.answer
    assert advisor.chat_model.history == [], "no model call"
