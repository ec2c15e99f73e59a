"""Whether a question speaks of anything the stage article is about.

The coverage call (see :mod:`advisor.retrieval.retriever`) reads how far the best passage
stands out. Chinese questions score high against every passage of this Chinese article,
so a plainly unrelated one ("下个月想去云南玩五天,帮我排一条旅游路线") can stand out enough
to pass, and a small model then answers it "according to the document". Every question
the article answers speaks of at least one thing it is about: AI or its tools, a company,
its people, projects, money, a stage, a part of the article. One that speaks of none of
them is declined before the model. Follow-ups ("How long does it take?") are made
standalone before retrieval, so they carry the stage they ask about.
"""

from __future__ import annotations

import re

# Kept broad on purpose: a word here only lets a question go on to the coverage call.
_ARTICLE_WORDS = re.compile(
    # Latin words beside Chinese have no \b ("KPI咋定"), hence the lookarounds.
    r"(?<![a-z])(?:ai|kpis?|saas|chatgpt|kimi|roi)(?![a-z])|人工智能|智能|模型|工具|数字化|自动化|企业|公司|团队|部门|员工|全员|老板|领导|一把手|管理|项目|"
    r"指标|考核|预算|投入|投资|成本|费用|花钱|效率|阶段|文化|数据|客户|业务|产品|服务|生态|合作|伙伴|"
    r"文章|文档|这篇|本文|原文|作者|建议|原则|风险|人才|转型|落地|推广|试点|下一步|注意事项|目标|成果|过渡|周期|里程碑|路线图|同事|经理|"
    r"豆包"
    r"|\b(?:ai|genai|llms?|models?|tools?|chat ?bots?|copilots?|automation|digital\w*|compan(?:y|ies)|firms?"
    r"|business\w*|enterprises?|teams?|department\w*|depts?|staff|employees?|people|headcount|workforce|boss"
    r"|ceos?|leaders?\w*|management|managers?|projects?|pilots?|kpis?|metrics?|budgets?|spend\w*|costs?"
    r"|invest\w*|efficien\w*|productiv\w*|stages?|phases?|culture|data|customers?|clients?|products?"
    r"|services?|ecosystems?|partners?\w*|suppliers?|article|document|guide|playbook|framework|roadmap"
    r"|strateg\w*|advice|principles?|risks?|talent|adoption|rollout|roll out|cross[- ]\w+|transform\w*"
    r"|steps?|milestones?|timeline|ramp|colleagues|comes? next|workflows?|goals?|objectives?|outcomes?"
    r"|transition|cautions?)\b", re.I)


def speaks_of_the_article(question: str) -> bool:
    """True when ``question`` names at least one thing the article is about."""
    return bool(_ARTICLE_WORDS.search(question))
