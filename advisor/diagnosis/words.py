"""The words an assessment is shown with, in Chinese and English.

One table for every place that shows a diagnosis (the Markdown report, the web page's
card and roadmap, the chat's reply), so the same thing is called the same everywhere.
The stage texts themselves come from the stage file, in the language asked for.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {  # key: (Chinese, English)
    "title": ("AI 应用阶段评估报告", "AI adoption assessment"),
    "date": ("日期", "Date"),
    "stage": ("所处阶段", "Stage"),
    "confidence": ("置信度", "Confidence"),
    "basis": ("已回答的相关条件", "relevant criteria answered"),
    "inconsistent": ("与阶段顺序不一致的回答", "answers out of stage order"),
    "evidence": ("依据", "Evidence"),
    "met": ("已达到", "met"),
    "not_met": ("未达到", "not met"),
    "unknown": ("待确认的问题", "Questions to ask next"),
    "none": ("无", "None"),
    "gates": ("暂缓事项", "Not yet"),
    "roadmap": ("路线图", "Roadmap"),
    "next_steps": ("下一步行动", "Next steps"),
    "kpis": ("KPI 与目标", "KPIs and targets"),
    "kpis_short": ("KPI", "KPIs"),
    "no_target": ("无量化目标", "no numeric target"),
    "duration": ("预期所需时间", "Expected duration"),
    "timeline": ("里程碑", "Milestones"),
    "month": ("第 {m} 个月", "Month {m}"),
    "budget": ("预算", "Budget"),
    "no_budget": ("文档未给出本阶段的预算。", "The document gives no budget for this stage."),
    "risks": ("风险与合规", "Risks and compliance"),
    "culture": ("企业文化", "Culture to build"),
    "move_on": ("进入下一阶段的标志", "What marks the move to the next stage"),
    "sources": ("来源", "Sources"),
    "chart": ("阶段进度与里程碑", "Stage progress and milestones"),
    # The chat's reply: where the company stands, and on what it was assumed.
    "you_are_in": ("你们目前处于阶段{stage}:{title}(置信度 {confidence:.2f})。",
                   "You are in stage {stage}: {title} (confidence {confidence:.2f})."),
    "to_confirm": ("还需要确认", "Still to confirm"),
    "unsure": ("这个判断我还不确定:描述里没有说清下面几点。回答这几个问题(可以直接回“是/否”或给出数字),我会更新这次评估:",
               "I'm not sure of this yet: your description leaves the points below open. Answer them (a "
               "yes/no or a figure is enough) and I'll update this assessment:"),
    "reads_unlike": ("这个判断我还不确定:按各项条件是阶段{placed},但你的描述读起来更像阶段{stage}的公司。"
                     "请确认下面几点(可以直接回“是/否”或给出数字),我会更新这次评估:",
                     "I'm not sure of this yet: the criteria place you in stage {placed}, but your description "
                     "reads more like a company in stage {stage}. Please confirm the points below (a yes/no or "
                     "a figure is enough) and I'll update this assessment:"),
    "to_settle": ("这个判断还不确定(置信度低于0.8)。回答下面几个问题就能确定阶段:",
                  "This placement is not certain (confidence under 0.8). These questions would settle it:"),
    "updated_from_reply": ("根据你补充的回答,我更新了刚才的评估(其余沿用你之前的描述):",
                           "With your answers I've updated the assessment (everything else is as you "
                           "described before):"),
    "assumed_from_history": ("根据你们 {on} 的评估(#{id},{company}),假设情况没有变化:",
                             "Based on your assessment #{id} of {on} ({company}), assuming nothing has "
                             "changed since:"),
    "assumed_from_message": ("根据你在这条消息里对公司的描述(没有提到的方面按「不确定」处理):",
                             "Based on the description of your company in this message (anything it "
                             "does not mention is treated as unknown):"),
    "no_assessment": ("我还不知道你们公司处于哪个阶段。请用几句话描述公司目前如何使用AI"
                      "(例如领导是否亲自使用AI工具、部门是否一起做过AI项目),或运行 advisor assess 完成问卷。",
                      "I don't know your company's stage yet. Describe in a few sentences how the company "
                      "uses AI today (does the top leader use AI tools? has a department run an AI project "
                      "together?), or run 'advisor assess' for the questionnaire."),
}

ANSWERS: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "partly": ("部分", "partly"),
    "no": ("否", "no"),
    "unknown": ("不知道", "don't know"),
}
"""A questionnaire answer as a manager reads (and picks) it."""


def word(lang: str, key: str, **values) -> str:
    """The word ``key`` in ``lang`` ("zh"; anything else is English), filled with ``values``."""
    text = WORDS[key][0 if lang == "zh" else 1]
    return text.format(**values) if values else text


def answer_word(lang: str, value: str) -> str:
    """The questionnaire answer ``value`` ("yes", "partly", "no", "unknown") in ``lang``."""
    return ANSWERS[value][0 if lang == "zh" else 1]
