"""The page's diagnosis and about tabs through the advisor's public methods only, and a
problem the user can fix shown in the page instead of raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.container import build_advisor
from tests.conftest import make_settings
from tests.fakes import ScriptedChatModel
from ui.handlers import Handlers

# What the page may call on the advisor; its parts (chain, embeddings, stage book, index)
# are the advisor's business.
PUBLIC = {"settings", "questionnaire", "assess", "assess_profile", "history", "write_report", "describe",
          "documents", "add_documents", "rebuild_index", "stream", "feedback"}


class PublicAdvisor:
    """The advisor as the page may see it: reaching past its public methods fails."""

    def __init__(self, advisor):
        self._advisor = advisor

    def __getattr__(self, name: str):
        if name not in PUBLIC:
            raise AssertionError(f"the page reached into advisor.{name}")
        return getattr(self._advisor, name)


@pytest.fixture
def advisor(private_root, e5):
    built = build_advisor(make_settings(private_root), chat_model=ScriptedChatModel(), embeddings=e5)
    return PublicAdvisor(built)


def form_answers(advisor) -> list:
    questions = advisor.questionnaire.questions
    numbered = [q for q in questions if q.number is not None]
    return ["yes" if q.stage == 1 else "unknown" for q in questions] + [""] * len(numbered)


def test_the_diagnosis_and_its_report_come_from_the_public_advisor(advisor):
    card, roadmap, chart, report, history = Handlers(advisor, advisor.settings).diagnose_form(
        "ACME", "zh", *form_answers(advisor))
    assert card.startswith("### 所处阶段 2: ") and "— 是 " in card
    assert roadmap.startswith("#### 下一步行动") and Path(chart).suffix == ".svg"
    assert Path(report).read_text(encoding="utf-8").startswith("# AI 应用阶段评估报告: ACME")
    assert "| ACME |" in history


def test_about_names_the_models_the_advisor_describes(advisor):
    about = Handlers(advisor, advisor.settings).about_markdown("en")
    described = advisor.describe()
    assert f"**Chat model**: {described['model']}" in about
    assert f"**Embedding model**: {described['embedding']}" in about and described["embedding"]


def test_a_damaged_history_is_told_in_the_page_not_raised(advisor):
    history_file = advisor.settings.data_dir / "assessments.sqlite"
    history_file.write_bytes(b"<b>not a database</b>" * 100)
    handlers = Handlers(advisor, advisor.settings)
    card, roadmap, chart, report, history = handlers.diagnose_form("ACME", "en", *form_answers(advisor))
    assert card.startswith("**Error**: ") and "assessments.sqlite" in card
    assert (roadmap, chart, report) == ("", None, None)
    assert history.startswith("**Error**: ") and "<b>" not in card + history
    assert handlers.history_markdown(None, "en") == history
