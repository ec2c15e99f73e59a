"""The diagnosis in chat: "what should we do next?" answered from the company's stage.

Such a question has no answer in the document alone: it depends on where the company
stands. So the chat first finds the stage (the latest saved assessment, or the
description in the message itself, read by the free-text diagnosis), says what it
assumed, and answers from the roadmap, every line cited. The text is composed from the
roadmap, not generated, so the advice is exactly the document's.
"""

from __future__ import annotations

# Which messages come here is decided by advisor.conversation.routing.


def roadmap_answer(assessment, language: str, assumption: str) -> str:
    """The next steps for the assessed stage, cited, after what was assumed."""
    data = assessment.to_dict()
    lang = "zh" if language == "zh" else "en"
    title = data["stage_title"][lang]
    lines = [assumption, ""]
    if lang == "zh":
        lines.append(f"你们目前处于阶段{data['stage']}:{title}(置信度 {data['confidence']:.2f})。")
        lines.append("下一步行动:")
    else:
        lines.append(f"You are in stage {data['stage']}: {title} (confidence {data['confidence']:.2f}).")
        lines.append("Next steps:")
    lines += [f"- {step[lang]} {step['source']}" for step in data["next_steps"][:4]]
    kpis = [k for k in data["kpis"] if k.get("target")]
    if kpis:
        lines.append("KPI:" if lang == "zh" else "KPIs:")
        for kpi in kpis:
            name = kpi.get("name_zh", kpi["name"]) if lang == "zh" else kpi["name"]
            lines.append(f"- {name}: {kpi['target']} {kpi['source']}")
    duration = data["duration"]
    lines.append(("预期所需时间: " if lang == "zh" else "Expected duration: ")
                 + f"{duration[lang]} {duration['source']}")
    if data.get("budget"):
        lines.append(("预算: " if lang == "zh" else "Budget: ") + f"{data['budget'][lang]} {data['budget']['source']}")
    if data["unknown"]:
        ask = data["unknown"][0]["ask"][lang]
        lines.append(("还需要确认: " if lang == "zh" else "Still to confirm: ") + ask)
    return "\n".join(lines)


def assumption_from_history(saved, language: str) -> str:
    if language == "zh":
        return (f"根据你们 {saved.on.isoformat()} 的评估(#{saved.id},{saved.company}),"
                "假设情况没有变化:")
    return (f"Based on your assessment #{saved.id} of {saved.on.isoformat()} ({saved.company}), "
            "assuming nothing has changed since:")


def assumption_from_message(language: str) -> str:
    if language == "zh":
        return "根据你在这条消息里对公司的描述(没有提到的方面按「不确定」处理):"
    return ("Based on the description of your company in this message (anything it does not "
            "mention is treated as unknown):")


def no_assessment_yet(language: str) -> str:
    if language == "zh":
        return ("我还不知道你们公司处于哪个阶段。请用几句话描述公司目前如何使用AI"
                "(例如领导是否亲自使用AI工具、部门是否一起做过AI项目),或运行 advisor assess 完成问卷。")
    return ("I don't know your company's stage yet. Describe in a few sentences how the company "
            "uses AI today (does the top leader use AI tools? has a department run an AI project "
            "together?), or run 'advisor assess' for the questionnaire.")
