"""What a question tells before any model runs: its language and the stage it names."""

from __future__ import annotations

import pytest

from advisor.retrieval.query import (
    detect_language,
    detect_stage,
    section_named,
    stage_by_content,
    stage_described_as_current,
    stages_named,
)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("阶段三需要多长时间?", "zh"),
        ("How long does stage 3 take?", "en"),
        ("阶段三的KPI是什么?", "zh"),  # English words inside Chinese stay Chinese
        ("我们公司怎么用AI和ChatGPT?", "zh"),
        ("What are the KPIs of stage 4?", "en"),
        # Decided: one CJK character weighs as much as one English word, so three
        # characters outweigh "What is". The answer then comes in Chinese.
        ("What is 阶段三?", "zh"),
        ("What does the article say about 降本增效 in stage three?", "en"),
        ("", "en"),
        ("12345 ???", "en"),
    ],
)
def test_detect_language(question, language):
    assert detect_language(question) == language


@pytest.mark.parametrize(
    ("question", "stage"),
    [
        ("阶段三需要多长时间?", 3),
        ("第三阶段的目标", 3),
        ("第3阶段怎么做", 3),
        ("第 3 个阶段", 3),
        ("阶段 3 的KPI", 3),
        ("How long does stage 3 take?", 3),
        ("Stage three", 3),
        ("What happens in the third stage?", 3),
        ("phase 2 budget", 2),
        ("STAGE 5", 5),
        ("the last stage", 5),
        ("最后一个阶段是什么", 5),
        ("最后一步要拉上哪些外部伙伴?", 5),
        ("What happens in the final phase?", 5),
        ("阶段六是什么?", 6),
        ("那阶段四呢?", 4),  # 那 here is "then", not "that"
        ("What is stage 6?", 6),
        ("文章里的阶段零是什么?", 0),  # no such stage, like 阶段六
        ("What is stage 0?", 0),
        ("jieduan 3 de KPI shi shenme?", 3),  # pinyin
        ("S3预算大概多少?", 3),  # a slide's short form
        ("For the third step of the roadmap, which departments could team up?", 3),
        ("我们到了第四步,要注意什么?", 4),
    ],
)
def test_detect_stage(question, stage):
    assert detect_stage(question) == stage


@pytest.mark.parametrize(
    "question",
    [
        "which stage am I in",
        "我们处于哪一阶段?",
        "阶段一般需要多久?",  # 阶段一般 = "a stage generally", not stage 1
        "为什么要一个阶段一个阶段来?",  # "one stage after another"
        "这个阶段一个人负责够吗?",  # "this stage: one person"
        "每个阶段三个月够吗?",
        "How many stages are there?",
        "backstage 3",  # a word that only contains 'stage'
        "What is the first step for us?",  # "to begin with", not stage 1
        "第一步做什么?",
        "第三步骤是什么?",
        "Can we keep the files on AWS S3?",
        "",
    ],
)
def test_no_stage_named(question):
    assert detect_stage(question) is None


@pytest.mark.parametrize(("text", "stage"), [
    ("老板亲自带头用AI写文案,这一步要多久?", 1),
    ("领导带头使用AI工具要注意什么?", 1),
    ("How do we know the department-only phase is done?", 2),
    ("第一个跨部门项目的预算是多少?", 3),
    ("Which KPIs matter once AI is part of our company strategy?", 4),
    ("和上下游企业联合研发要注意什么?", 5),
    ("想让几个部门真心实意地一起用AI协作,要营造什么氛围?", 3),
    ("Who should run the discussions about what people + team + AI collaboration has achieved?", 2),
    ("Is Midjourney one of the vertical tools the article lists?", 1),
    ("The tool list mentions 奇灵 and 讯飞听见. What is each of them used for?", 1),
    ("How do I know we've outgrown the phase where everyone just plays with AI tools on their own?", 1),
    ("和供应商、客户还有别的行业的公司联合搞AI,可能会踩哪些坑?", 5),
    ("跨部门项目成功后怎么建设专属模型?", None),  # two stages described: no favourite
    ("今天天气怎么样?", None),
])
def test_the_stage_a_question_describes_by_its_content(text, stage):
    assert stage_by_content(text) == stage


@pytest.mark.parametrize(("text", "moving_on", "stage"), [
    ("我们已经有几个跨部门AI项目的成功案例了,下一步该往哪个方向发展?", True, 3),
    ("How do we know we're ready to move from individual AI use to team workflows?", True, 1),
    ("什么时候可以从部门内协作进入跨部门项目?", True, 2),
    ("How do we move on to cross-department projects?", True, None),  # only the destination
    ("What budget do we need to build our own models?", False, 4),
    ("Our staff are still learning AI tools on their own. What culture should we build?", False, 1),
    ("老板刚决定带头用AI工具,这个阶段大概要多久?", False, 1),
    ("What KPIs should we hit before starting cross-department projects?", False, None),  # not there yet
    ("跨部门项目之前要做好哪些准备?", False, None),
    ("How do I fine-tune Llama 3 on our own GPUs?", False, None),  # "our own" GPUs is no stage
])
def test_the_stage_a_question_describes_as_the_companys_own(text, moving_on, stage):
    assert stage_described_as_current(text, moving_on) == stage


@pytest.mark.parametrize(("text", "section"), [
    ("文章最后的哲学思考讲了什么?", "principles"),
    ("What does the closing advice say about people?", "principles"),
    ("Which principles does the article end with?", "principles"),
    ("文章的结语怎么说?", "conclusion"),
    ("How does the article's conclusion describe AI?", "conclusion"),
    ("引言里提到了什么问题?", "introduction"),
    ("What does the intro say about small firms?", "introduction"),
    ("阶段三的KPI是什么?", None),
    ("What should we do next?", None),
    ("开头和结尾分别讲了什么?", None),  # two parts named: neither is favoured
])
def test_a_part_of_the_article_outside_the_stages_named(text, section):
    assert section_named(text) == section


@pytest.mark.parametrize(("text", "stages"), [
    ("阶段四和阶段五的项目周期分别多长?", [4, 5]),
    ("stage 3 vs stage 5 budget", [3, 5]),
    ("第三阶段和最后阶段的目标有什么不同?", [3, 5]),
    ("阶段三需要多长时间?", [3]),
    ("阶段一般需要多久?", []),
])
def test_every_stage_a_question_names(text, stages):
    assert stages_named(text) == stages


@pytest.mark.parametrize("text, stage", [
    ("每个人起码得会用几个大模型、几个专业小工具才算达标?", 1),
    ("How many LLMs should each employee be using?", 1),
    ("部门层面推AI的时候,文化上要往哪个方向带?", 2),
    ("Which departments should pair up on a first joint AI project?", 3),
    ("everyone here already uses chatbots on their own. what comes next?", 1),
    ("打破部门墙那个阶段,第一个项目有没有现成的例子?", 3),
    ("中层干部在这套AI落地路线里具体负责什么?", 2),
    ("For the awareness-building phase where the boss goes first, what's the objective?", 1),
])
def test_more_ways_a_stage_is_described(text, stage):
    from advisor.retrieval.query import stage_by_content

    assert stage_by_content(text) == stage
