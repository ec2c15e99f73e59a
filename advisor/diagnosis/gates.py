""""Not yet" gates: advice against steps the document places after the stage found.

The stage document is a sequence: company-specific models come after cross-department
projects have worked, bigger budgets after small SaaS pilots, ecosystem data sharing after
data protection. A manager keen on AI tends to skip ahead; each gate says what to hold back
and why, citing the passages that set the order. Gates look up their quotes in the stage
file by a fragment, so a citation is always the file's verbatim quote (and a missing one
fails loudly, in the tests, rather than citing nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from advisor.diagnosis.citations import Citation, cite_item
from advisor.knowledge.stages import Bilingual, StageBook


@dataclass(frozen=True)
class Gate:
    """A step to hold back for now, the reason, and the passages that say so."""

    id: str
    title: Bilingual
    advice: Bilingual
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": {"zh": self.title.zh, "en": self.title.en},
            "advice": {"zh": self.advice.zh, "en": self.advice.en},
            "sources": [c.to_dict() for c in self.citations],
        }


def find_quote(book: StageBook, stage: int | None, fragment: str) -> Citation:
    """The citation of the one fact of ``stage`` (None: the principles) quoting ``fragment``."""
    items = book.principles if stage is None else list(book.stage(stage).items())
    found = [item for item in items if fragment in item.quote]
    if not found:
        raise LookupError(f"stage {stage}: no fact in the stage file quotes {fragment!r}")
    return cite_item(stage, found[0])


@dataclass(frozen=True)
class _Rule:
    id: str
    applies: Callable[[int, Mapping[str, bool]], bool]
    title: Bilingual
    advice: Bilingual
    sources: tuple[tuple[int | None, str], ...]  # (stage, quote fragment)


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "tools_legal_in_china",
        lambda stage, met: stage == 1,
        Bilingual(zh="推广AI工具前先确认合法合规", en="Check tools are legal before rolling them out"),
        Bilingual(
            zh="在向核心团队和一线员工推广前,先确认所用AI工具在中国合法合规。",
            en="Before extending AI tools to the core team and front-line staff, confirm each tool "
            "is legal and compliant in China.",
        ),
        ((1, "确保所使用的AI工具在中国合法合规"),),
    ),
    _Rule(
        "cross_department_after_department_maturity",
        lambda stage, met: stage <= 2,
        Bilingual(zh="暂缓跨部门项目", en="Not yet: cross-department projects"),
        Bilingual(
            zh="先让部门内部的AI应用成熟,再打破部门壁垒开展跨部门项目。",
            en="Let AI use inside departments mature first; cross-department projects come after.",
        ),
        ((2, "当部门内部的 AI 应用成熟后"), (2, "进一步打破部门壁垒")),
    ),
    _Rule(
        "own_models_after_cross_department_success",
        lambda stage, met: stage <= 3,
        Bilingual(zh="暂缓自建专属AI模型", en="Not yet: company-specific AI models"),
        Bilingual(
            zh="在跨部门项目取得降本增效、积累成功案例之前,不建议用内部数据自建专属模型。",
            en="Do not build company-specific models from internal data until cross-department "
            "projects have cut cost or raised efficiency and you have a series of successes.",
        ),
        ((4, "自建AI模型"), (3, "一系列成功案例")),
    ),
    _Rule(
        "small_budget_until_projects_pay_off",
        lambda stage, met: stage <= 3,
        Bilingual(zh="暂不大笔投入", en="Not yet: large AI investment"),
        Bilingual(
            zh="跨部门项目见效前无需大笔投入:订购 1-3 个云端 SaaS 工具,年费用控制在几千元。",
            en="Until cross-department projects pay off, no large outlay: 1-3 cloud SaaS tools, "
            "a few thousand RMB a year.",
        ),
        ((3, "无需大笔投入"),),
    ),
    _Rule(
        "data_security_before_own_data",
        lambda stage, met: stage >= 3 and not met.get("local_models_on_own_data", False),
        Bilingual(zh="先确保数据安全与合规", en="Data security and compliance first"),
        Bilingual(
            zh="把公司或客户数据交给AI模型之前,先采用开源模型本地部署,严格保护数据并遵守法规。",
            en="Before company or customer data goes into AI models, deploy open-source models "
            "locally, protect the data strictly and comply with the regulations.",
        ),
        ((4, "采用开源模型进行本地部署"), (None, "法律与合规性")),
    ),
    _Rule(
        "ecosystem_terms_before_sharing",
        lambda stage, met: stage >= 4,
        Bilingual(zh="生态协作前先明确数据、知识产权与利益分配", en="Settle data, IP and benefit sharing before ecosystem work"),
        Bilingual(
            zh="与外部伙伴共享数据、联合研发之前,先约定数据保护、知识产权和利益分配。",
            en="Before sharing data or developing jointly with outside partners, agree on data "
            "protection, intellectual property and benefit sharing.",
        ),
        ((5, "风险管理"), (5, "确保符合法规要求")),
    ),
)

GATE_IDS: tuple[str, ...] = tuple(rule.id for rule in _RULES)


def find_gates(book: StageBook, stage: int, met: Mapping[str, bool]) -> list[Gate]:
    """The gates that apply to a company in ``stage`` with criteria ``met`` (id -> met)."""
    return [
        Gate(rule.id, rule.title, rule.advice, tuple(find_quote(book, s, f) for s, f in rule.sources))
        for rule in _RULES
        if rule.applies(stage, met)
    ]
