"""Which criterion a statement speaks of, and the figures a manager gives for one."""

from __future__ import annotations

import pytest

from advisor.diagnosis.company_figures import measured, more_projects, percentages
from advisor.diagnosis.mentions import CRITERIA, affirms, denies, speaks_of, statements, writer_leads
from tests.unit.diagnosis_fixtures import real_book


def spoken_of(text: str) -> set[str]:
    return {c for s in statements(text) for c in CRITERIA if speaks_of(s, c)}


def test_the_cue_rules_cover_exactly_the_criteria_of_the_stage_file():
    assert set(CRITERIA) == {criterion.id for _, criterion in real_book().criteria()}


@pytest.mark.parametrize("quote, criterion", [
    # Real quotes of a description, each about something else: none may answer the criterion.
    ("We have not launched any new product or service yet.", "staff_use_llms_and_tools"),
    ("We have not launched any new AI product or service yet.", "leader_uses_ai"),
    ("今年订单不太好,我更关心的是怎么把成本压下来。", "cross_department_project_result"),
    ("We moved offices in January, so everything has been a bit chaotic.", "team_ai_project"),
    ("客户满意度大概92%。", "team_collaboration_satisfaction"),
    ("94% of the team were happy with how they worked together.", "customer_satisfaction"),
    ("The sales team's quoting got 30% faster.", "personal_efficiency_gain"),
    ("Last month sales, service and marketing teamed up on an AI project.", "team_ai_project"),
    ("Within six months two more reports followed.", "team_ai_project"),
    # Work for a client's product is not the company's own offering; a "sold" in the next
    # sentence launches nothing in this one.
    # The manager's own satisfaction is not the team's, nor the customers'.
    ("仓库和客服两个部门一起搞了个AI项目。这事我挺满意的。", "team_collaboration_satisfaction"),
    ("Our support team answers clients with AI now, which I was happy with.", "customer_satisfaction"),
    # "production" is no product; a department doing its own thing is no cross-department count;
    # a gain in a sentence about departments working together, or processes joined up, is theirs.
    ("The model now helps the sales office and the production planning.", "ai_new_offering"),
    ("I couldn't tell you what each department does with ChatGPT.", "more_cross_department_projects"),
    ("Packing, dispatch and billing worked together on a new flow, and it cut turnaround by 30%.",
     "personal_efficiency_gain"),
    ("Every process is now connected to the model, and efficiency is up maybe 15 percent.",
     "team_project_efficiency"),
    ("Our video team made the whole AI campaign for a customer's new app launch.", "ai_new_offering"),
    ("We used the Claude API to flag patients due a service reminder. Cost per sold kit fell 9%.",
     "ai_new_offering"),
    # "like" meaning "such as" is no one's liking; a team's gain in a sentence about
    # departments working together is theirs; so is a gain after processes are tied together.
    ("Staff use two chatbots plus a few tools, like the rota app with AI built in.",
     "team_collaboration_satisfaction"),
    ("业务部内部一起用AI做报价。后来搞了一个业务、印前和生产一起的排单项目,效率只提了百分之十二。",
     "team_project_efficiency"),
    ("After tying production, ordering and nutrition advice together our costs dropped around 35%.",
     "cross_department_project_result"),
    ("暑假前教务组四个人一起用AI搞了次排课的小项目,算下来比以前只省了百分之十二的时间。",
     "personal_efficiency_gain"),
    ("The front desk, the audiologists and our billing people ran a joint AI pilot. "
     "Turnaround is down 18%, we measured it.", "personal_efficiency_gain"),
    ("客服、调度、财务三边一起用AI做报价。今年员工对团队协作的满意度只有六成左右。", "staff_use_llms_and_tools"),
])
def test_a_real_quote_off_the_point_does_not_speak_of_the_criterion(quote, criterion):
    assert criterion not in spoken_of(quote)


@pytest.mark.parametrize("text, criterion", [
    ("我自己每天都用ChatGPT和Kimi回客户邮件。", "leader_uses_ai"),
    # "这些东西" and "it" are the AI tools of the sentence before.
    ("我用豆包写文案。店里的师傅和店员基本不碰这些东西。", "staff_use_llms_and_tools"),
    ("I draft letters with ChatGPT. Two of the associates tried it but went back to the old way.",
     "staff_use_llms_and_tools"),
    ("设计部几个设计师一起用AI做风格方案。", "team_ai_project"),
    ("还没有哪个组一起拿AI做过什么事情。", "team_ai_project"),
    ("After tying production, ordering and nutrition advice together our costs dropped around 35%.",
     "integrated_efficiency_gain"),
    ("直接搞了个跨部门的东西:客服、调度、财务三边一起用AI做报价,出报价的时间缩短了四分之一。",
     "cross_department_project_result"),
    # 内部 is "internal", not a department: everyone's gain after an internal survey is personal.
    ("不过上个月做了个内部统计,大家自己说工作效率大概也就提高了一成左右。", "personal_efficiency_gain"),
    ("Last autumn the front desk, marketing and the route-setting team did a project together with an AI tool"
     " - it saved roughly a fifth of the hours.",
     "cross_department_project_result"),
    ("Estimating, the drawing office and purchasing ran a joint AI project. Lead time is down 22%.",
     "cross_department_project_result"),
    ("上个月我们刚启动第一个销售、客服和市场部联合的项目,效果还看不出来。", "cross_department_project_result"),
    ("We host an open-source Llama model on our own servers.", "local_models_on_own_data"),
    ("客户满意度调研是96%。", "customer_satisfaction"),
    ("We launched an AI taste-match subscription two years ago.", "ai_new_offering"),
    ("我们和两家供应商一起搭了一个供应链AI平台。", "ecosystem_partners"),
    ("Twelve other growers now pay a subscription for it and every one of them renewed.", "product_market_fit"),
    # The words owners use: their lads, a share of their week, a team that liked it, the
    # one project so far, a product made of it, partners they teamed up with.
    ("I write the invoices with ChatGPT but none of the lads have touched it.", "staff_use_llms_and_tools"),
    ("Copilot saves me roughly a quarter of my admin time.", "personal_efficiency_gain"),
    ("After the pilot, 6 out of 10 on the team said they liked working that way.",
     "team_collaboration_satisfaction"),
    ("Each department runs its own tools; no AI project was ever done between them.",
     "cross_department_project_result"),
    ("We have not tried anything across departments.", "cross_department_project_result"),
    ("That is the only project that crosses departments so far.", "more_cross_department_projects"),
    ("We built an AI route planner for our own vans. A logistics vendor turned it into a product.",
     "ai_new_offering"),
    ("Last year we launched something new: an AI fitting assistant for shoppers.", "ai_new_offering"),
    ("We teamed up with the firm that makes our scanners and pooled our data.", "ecosystem_partners"),
    ("Packing, dispatch and billing worked together on a new flow, and it cut turnaround by 30%.",
     "cross_department_project_result"),
    ("Every process is now connected to the model, and efficiency is up maybe 15 percent.",
     "integrated_efficiency_gain"),
    ("The claims team's pilot cut time to first reply by a quarter.", "team_project_efficiency"),
    ("Nine in ten of the team rated the collaboration as good.", "team_collaboration_satisfaction"),
    ("乘客满意度调查最新一期是96%。", "customer_satisfaction"),
    # "AI" between Chinese characters is still the word AI.
    ("我们正在试点一个AI驱动的预约洗车新服务,还没正式推出。", "ai_new_offering"),
    ("Our superintendent drafts every newsletter with ChatGPT.", "leader_uses_ai"),
    # departments named by other words, units added up with "+", lines crossed
    ("The three sections sat together every week over an AI tool. Dead stock came down 18 percent.",
     "cross_department_project_result"),
    ("报告组+客服+销售一起做报告解读,出报告平均5天→4天。", "cross_department_project_result"),
    ("Intake + billing + dispatch built one AI triage flow, and referral time fell 18%.",
     "cross_department_project_result"),
    ("The first project that crossed departmental lines cut downtime costs by 18%.",
     "cross_department_project_result"),
])
def test_a_statement_about_the_criterion_is_found(text, criterion):
    assert criterion in spoken_of(text)


@pytest.mark.parametrize("description, leads", [
    ("I'm the office manager at a grooming chain. I use ChatGPT for the rota.", False),
    ("我是行政主管,我自己天天用豆包。", False),
    ("I'm the owner and I use ChatGPT for quotes.", True),
    ("I run a small bakery and I use ChatGPT for quotes.", True),
    ("I'm the co-founder; I use Claude for every proposal.", True),
    ("我是总经理,我天天用豆包。", True),
    ("We make windows. I use ChatGPT.", True),  # nothing says otherwise: the writer leads
])
def test_the_writer_is_the_leader_unless_the_description_says_otherwise(description, leads):
    assert writer_leads(description) is leads
    assert ("leader_uses_ai" in spoken_of(description)) is leads


def test_a_writer_who_does_not_lead_leaves_the_leader_to_the_words_about_the_leader():
    text = "I'm the office manager. Our owner never touches AI. I use ChatGPT every day."
    found = statements(text)
    assert [s.text for s in found if speaks_of(s, "leader_uses_ai")] == ["Our owner never touches AI."]
    assert not any(affirms(s, "leader_uses_ai") for s in found)


def test_statements_keep_lists_whole_and_know_the_sentence_before():
    found = statements("Sales, finance and HR ran a joint project. It saved 20%.")
    assert [s.text for s in found] == ["Sales, finance and HR ran a joint project.", "It saved 20%."]
    assert found[1].previous == "Sales, finance and HR ran a joint project."


@pytest.mark.parametrize("text, plainly", [
    ("Our CEO uses ChatGPT every day.", True),
    ("Our CEO says ChatGPT is overrated.", False),
    ("我们老板每天用豆包写方案。", True),
    ("我们老板不用豆包。", False),
    ("Everyone here uses ChatGPT and Copilot.", True),
    ("Two designers use Midjourney.", False),  # some staff, not most
    ("We plan to run Llama on our own servers next year.", False),
    ("我们在自己的服务器上部署了开源大模型。", True),
])
def test_only_a_plain_statement_settles_a_criterion_without_the_model(text, plainly):
    found = statements(text)[0]
    criterion = next(c for c in ("leader_uses_ai", "staff_use_llms_and_tools", "local_models_on_own_data")
                     if speaks_of(found, c))
    assert affirms(found, criterion) is plainly


@pytest.mark.parametrize("text, plainly", [
    ("我们在自己的服务器上部署了开源大模型。", True),
    # Proposed, or wanted and then dropped, is not done: the model reads the whole sentence.
    ("有人提过把客户数据放在所里自己的服务器上跑开源模型,但合伙人觉得太贵,没弄。", False),
    ("厂长还买过一台服务器想装开源模型自己跑,试了一阵停了。", False),
])
def test_a_local_model_only_proposed_or_wanted_is_not_said_plainly(text, plainly):
    found = statements(text)[0]
    assert speaks_of(found, "local_models_on_own_data")
    assert affirms(found, "local_models_on_own_data") is plainly


@pytest.mark.parametrize("text, expected", [
    ("效率提高了20%左右", [20.0]), ("提升了两成", [20.0]), ("百分之三十", [30.0]), ("三成多", [30.0]),
    ("a fifth faster", [20.0]), ("thirty percent", [30.0]), ("twenty-five percent", [25.0]),
    ("19 of the 20 said they were happy", [95.0]), ("20个人里有19个满意", [95.0]),
    ("maybe a 5-8% gain", [5.0]), ("成本降了不少", []), ("完成了两个项目", []), ("doubled", [100.0]),
    ("团队效率提了二十二个点", [22.0]), ("提了15个百分点", [15.0]), ("有三个点子", []),
    ("个人效率高了一成六", [16.0]), ("满意度八成五", [85.0]), ("两成三个部门都用上了", [20.0]),
    ("took roughly a sixth off our costs", [17.0]), ("about a tenth quicker", [10.0]),
    ("nine in ten of them said they were satisfied", [90.0]), ("one in five years", []),
    # any fraction of several parts, and a share "out of every" so many
    ("costs came down by nearly two fifths", [40.0]), ("three-tenths faster", [30.0]), ("成本降了五分之二", [40.0]),
    ("十分满意", []), ("97 out of every 100 operators say they are satisfied", [97.0]),
    ("nine in every ten clients", [90.0]), ("two thirds of the time", [67.0]),
])
def test_percentages_in_digits_and_in_words(text, expected):
    assert percentages(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("半年内又做了采购预测和能耗优化两个跨部门项目", 2.0), ("three more followed within six months", 3.0),
    ("we ran two more like it", 2.0), ("one more joint project going", 1.0), ("三个跨部门项目", 2.0),
    ("第一个跨部门项目是生产和技术一起做的", 0.0), ("That's the only one so far", 0.0), ("效果不错", None),
])
def test_further_projects_counted(text, expected):
    assert more_projects(text) == expected


def test_goals_and_denials_are_told_apart():
    assert not measured("目标是提升20%") and not measured("We hope to save 30%") and measured("We saved 30%")
    assert measured("we launched an AI ration-planning app; it cut costs 20%")  # "-planning" is no plan
    assert denies("Nobody has started another one") and denies("还没推出") and not denies("不少人在用")


@pytest.mark.parametrize("text, given_up", [
    ("We had a go at a group AI project, but it kept failing and we stopped after a month.", True),
    ("仓库组试过一起用AI排班,用了两周就停了。", True),
    ("We tried a joint project, dropped it, then restarted it in spring.", False),  # taken up again
    ("We stopped paying for Jasper and tried Claude instead.", False),  # the stop came first
    ("The team tried an AI scheduling tool together and it works well.", False),
])
def test_something_tried_and_given_up(text, given_up):
    from advisor.diagnosis.mentions import given_up as gave_up

    assert gave_up(statements(text)[0]) is given_up


@pytest.mark.parametrize("text, criterion, spoken", [
    ("Our office manager got the packing people using ChatGPT with AI built in.", "team_ai_project", False),
    ("The office did a joint AI project on invoices.", "team_ai_project", True),
    ("Costs are down 22% since we joined up the planning.", "integrated_efficiency_gain", True),
    ("We launched an AI trip-planner for schools last year.", "ai_new_offering", True),
    ("We're building a shared group-travel model with two hotel chains.", "ecosystem_partners", True),
])
def test_more_ways_a_criterion_is_spoken_of(text, criterion, spoken):
    assert any(speaks_of(s, criterion) for s in statements(text)) is spoken


@pytest.mark.parametrize("text, criterion, spoken", [
    ("We run balloon flights: four balloons, six pilots, plus ground crew.", "team_ai_project", False),  # people who fly
    ("Two writers on the desk piloted an AI newsletter together.", "team_ai_project", True),
    ("The estimating team did a project together, and 91% of them rated the way they worked together as good.",
     "team_collaboration_satisfaction", True),
    ("Cataloguing, photography and marketing ran a joint AI project. Listing time per sale dropped by about a third.",
     "cross_department_project_result", True),
])
def test_ways_a_criterion_is_or_is_not_spoken_of(text, criterion, spoken):
    assert any(speaks_of(s, criterion) for s in statements(text)) is spoken


@pytest.mark.parametrize("text, denied", [
    ("我们是轮渡公司。AI这块我自己基本不用,写材料都是办公室帮忙。", True),
    ("We're a ski school. I don't really use AI myself; the office does.", True),
    ("我们是轮渡公司。AI这块我自己天天用豆包。", False),
    # The writer who is not the leader speaks for nobody but themself.
    ("I'm the office manager. I don't use AI myself, but our owner does every day.", False),
])
def test_the_writer_who_leads_says_plainly_they_do_not_use_ai(text, denied):
    from advisor.diagnosis.mentions import plainly_denies

    found = [s for s in statements(text) if speaks_of(s, "leader_uses_ai")]
    assert any(plainly_denies(s, "leader_uses_ai") for s in found) is denied


def test_several_cross_department_projects_are_more_than_one_more():
    assert more_projects("已经做完好几个跨部门AI项目") == 2.0  # 好几个: three at least, the first among them
    assert more_projects("门店、客服、采购之间的跨部门项目做了好几个") == 2.0  # the count after the projects
    assert more_projects("跨部门项目做了几个") == 1.0
    assert more_projects("AI应用已经走到第五个年头:前几年从个人使用、部门内项目做到跨部门项目") is None  # years
    assert more_projects("No other cross-dept projects yet.") == 0.0
    assert more_projects("之后没有其他跨部门项目") == 0.0


@pytest.mark.parametrize("text, criterion", [
    ("the team rated the collaboration at 93%.", "team_collaboration_satisfaction"),
    ("经销商和农户的满意度调查达到96%。", "customer_satisfaction"),
])
def test_whose_satisfaction_a_figure_is(text, criterion):
    found = statements(text)
    spoken = {c for c in ("team_collaboration_satisfaction", "customer_satisfaction")
              if any(speaks_of(s, c) for s in found)}
    assert spoken == {criterion}


@pytest.mark.parametrize("text", ["平台去年底开始试运行,但付费用户还很少", "remakes are down 14%, short of where we wanted it"])
def test_few_and_short_of_deny(text):
    from advisor.diagnosis.mentions import denies

    assert denies(text)


def test_of_two_figures_the_one_said_of_the_criterion_counts():
    from advisor.diagnosis.extraction import _nearest

    text = "team project efficiency is up about 25% and team satisfaction is over 90%"
    figures = [(25.0, text.index("25")), (90.0, text.index("90"))]
    assert _nearest(figures, text, "team_collaboration_satisfaction") == 90.0
    assert _nearest(figures, text, "team_project_efficiency") == 25.0


def test_a_teams_own_gain_is_not_the_cross_department_result_its_sentence_denies():
    found = statements("Team project efficiency is up about 25%, but no project spans two departments yet.")
    spoken = [s.text for s in found if speaks_of(s, "cross_department_project_result")]
    assert spoken == ["but no project spans two departments yet."]


def test_lesson_plans_are_no_plan():
    from advisor.diagnosis.mentions import PLANNED

    assert not PLANNED.search("The coaches ran a team project with AI to rebuild the lesson plans")
    assert PLANNED.search("We plan to run a team project next spring")


@pytest.mark.parametrize("text, planned", [
    ("We are launching an AI garden-planning service for our retail customers in the spring", True),
    ("but it isn't live yet", True),
    ("我们在策划一个AI宠物健康管理会员服务", True),
    ("AI会员服务还没上线", True),
    ("Our new AI service went live in the spring", False),
    ("we launched it last year and it is live", False),
])
def test_a_launch_ahead_is_planned_not_done(text, planned):
    from advisor.diagnosis.mentions import PLANNED

    assert bool(PLANNED.search(text)) is planned


def test_a_list_of_departments_in_a_joint_project_and_its_gain():
    text = ("Instead bookings, the pilots and ground crew went straight into a joint project, AI weather-window "
            "forecasting hooked into the booking system, and rebooking work dropped by about 30%.")
    spoken = spoken_of(text)
    assert "cross_department_project_result" in spoken
    assert "integrated_efficiency_gain" not in spoken  # one joint project's gain, not the whole operation's


def test_no_department_running_its_own_project_is_said_plainly():
    from advisor.diagnosis.mentions import plainly_denies

    found = statements("We skipped that step: none of the departments ever ran its own AI project.")
    assert any(plainly_denies(s, "team_ai_project") for s in found if speaks_of(s, "team_ai_project"))


def test_a_teams_own_gain_stays_the_teams_beside_a_department_denied():
    text = ("Sales and marketing each use AI inside their own teams, team project efficiency is up about 25% and "
            "team satisfaction is over 90%, but no project spans two departments yet.")
    spoken = spoken_of(text)
    assert {"team_project_efficiency", "team_collaboration_satisfaction"} <= spoken


def test_departments_each_going_their_own_way_is_no_cross_department_project():
    from advisor.diagnosis.mentions import plainly_denies

    found = statements("市场部和客服部各自用AI用得挺成熟,但部门之间还是各干各的,没有一起做过AI项目。")
    cross = [s for s in found if speaks_of(s, "cross_department_project_result")]
    assert cross and all("成熟" not in s.text for s in cross)  # 成熟 is no 两成
    assert any(plainly_denies(s, "cross_department_project_result") for s in cross)


def test_a_doubling_is_a_gain_of_a_hundred_percent():
    from advisor.diagnosis.company_figures import percentages

    assert percentages("lessons booked per staff hour roughly doubled") == [100.0]
    assert percentages("效率翻了一番") == [100.0] and percentages("sales tripled") == [200.0]


def test_teams_that_built_a_shared_tool_ran_a_cross_department_project():
    text = ("our booking, instructor-scheduling and front-desk teams built a shared AI booking assistant last winter "
            "and lessons booked per staff hour roughly doubled.")
    assert any(speaks_of(s, "cross_department_project_result") for s in statements(text))


def test_work_with_partners_is_affirmed_and_a_product_launched_is_spoken_of():
    from advisor.diagnosis.mentions import affirms

    text = ("Internally AI is everywhere, and an AI tour-builder we launched two years ago. Now we're building a "
            "shared AI itinerary platform with hotels, attractions and the regional tourism board, pooling data.")
    found = statements(text)
    assert any(speaks_of(s, "ai_new_offering") for s in found)
    assert any(speaks_of(s, "ecosystem_partners") and affirms(s, "ecosystem_partners") for s in found)
    assert not any(affirms(s, "ecosystem_partners") for s in statements("Our suppliers use AI too."))
    internal = "We are building a shared AI platform with our own departments."
    assert not any(affirms(s, "ecosystem_partners") for s in statements(internal))


def test_a_question_the_writer_answers_no_denies_and_affirms_nothing():
    from advisor.diagnosis.mentions import plainly_denies

    found = statements("Our own models? No, everything we use is SaaS.")
    asked = next(s for s in found if speaks_of(s, "local_models_on_own_data"))
    assert plainly_denies(asked, "local_models_on_own_data")
    assert not affirms(asked, "local_models_on_own_data")


def test_a_planner_is_a_tool_and_half_done_is_no_gain():
    assert measured("revenue management built an AI early check-in planner that cut overtime costs by 18%.")
    assert not measured("We plan to cut costs by 18%.")
    assert percentages("it's about half done") == [] and percentages("第二个项目做了一半") == []
    assert percentages("half of our staff use it") == [50.0]


def test_a_senior_partner_leads_and_less_time_per_file_is_a_gain():
    found = statements("The senior partner reported that he now uses ChatGPT and Copilot daily for client letters. "
                       "A timesheet comparison shows average time per bookkeeping file down 18%.")
    assert any(speaks_of(s, "leader_uses_ai") and affirms(s, "leader_uses_ai") for s in found)
    assert any(speaks_of(s, "personal_efficiency_gain") for s in found)


@pytest.mark.parametrize("text, expected", [
    ("it took us, like, six weeks instead of the usual ten", [40.0]),
    ("from 40 minutes to 30 minutes per report", [25.0]),
    ("onboarding went 10→8 days", [20.0]), ("出报告平均5天→4天", [20.0]), ("from 5 days → 4 days", [20.0]),
    ("交付周期从10天缩短到8天", [20.0]),
    ("原来要5天,现在3天", [40.0]),
    ("we grew from 10 to 20 staff", []),  # no time, no saving
])
def test_a_time_said_before_and_after_is_the_share_of_it_saved(text, expected):
    assert percentages(text) == expected


def test_more_readings_of_who_and_what():
    from advisor.diagnosis.mentions import plainly_denies

    airline = statements("People like it, but our overall passenger satisfaction score is still 88%.")
    assert any(speaks_of(s, "customer_satisfaction") for s in airline)
    from advisor.diagnosis.mentions import PLANNED
    assert not PLANNED.search("策划部一起用AI出婚礼方案") and PLANNED.search("我们在策划一个AI项目")
    owner = statements("AI这个东西啊,说实话我自己是一次都没用过,我这人还是相信手上的功夫。")
    assert any(plainly_denies(s, "leader_uses_ai") for s in owner if speaks_of(s, "leader_uses_ai"))
    lab = statements("Together with two scanner manufacturers our lab co-developed an AI aligner-design platform. "
                     "It's now licensed by more than 120 practices, renewals are running at 94%.")
    assert any(speaks_of(s, "product_market_fit") and affirms(s, "product_market_fit") for s in lab)
    assert not any(speaks_of(s, "team_ai_project") for s in statements("Two scanner manufacturers joined us."))


def test_a_sentence_taken_back_says_nothing():
    text = ("Honestly everyone here uses ChatGPT, Claude and Midjourney. Actually, let me correct that, I was "
            "thinking of the design studio: that's four people.")
    assert not any("everyone" in s.text for s in statements(text))
    assert statements("满意度91%。不对,说错了,今年是96%。")[-1].previous == ""


def test_a_boss_in_a_pasted_chat_and_other_departments():
    from advisor.diagnosis.mentions import plainly_denies

    chat = statements("赵总:上个月的AI小项目结果出来没?\n赵总:我自己天天用,这个就不用统计我了")
    assert any(speaks_of(s, "leader_uses_ai") and affirms(s, "leader_uses_ai") for s in chat)
    assert not any(plainly_denies(s, "leader_uses_ai") for s in chat)
    others = statements("我们组四个人一起用AI做了竞品分析。别的部门还没开始做这种小组项目。")
    assert not any(plainly_denies(s, "team_ai_project") for s in others)


def test_departments_joined_up_are_no_ecosystem():
    inside = statements("运营部、招商部和安保部联合启动了园区第一个跨部门AI项目。")
    assert not any(speaks_of(s, "ecosystem_partners") for s in inside)
    outside = statements("我们跟一家饲料供应商、下游两家乳企一起做了个奶牛健康AI平台。")
    assert any(speaks_of(s, "ecosystem_partners") for s in outside)


def test_projects_started_are_not_projects_done():
    from advisor.diagnosis.extraction import _finished

    started = statements("趁热打铁,大家又立了两个跨部门项目。不过半年过去,只有一个顺利收尾,另一个还在推进中。")
    first = next(s for s in started if "立了" in s.text)
    assert _finished(first, more_projects(first.text)) == 1.0
    running = statements("Two more cross-department projects kicked off in spring. Both are still running.")
    first = next(s for s in running if "kicked off" in s.text)
    assert _finished(first, more_projects(first.text)) == 0.0
