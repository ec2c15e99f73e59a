"""The web interface's building and handlers, with a scripted chat model (no server, no network)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

pytest.importorskip("gradio", reason="gradio is not installed (pip install -e .)")

from advisor.cli.main import cli  # noqa: E402
from advisor.container import build_advisor  # noqa: E402
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes import ScriptedChatModel  # noqa: E402
from ui.handlers import Handlers, escape_text, render_messages  # noqa: E402

REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> 约6个月至1年 [阶段三 · 预期所需时间]。"


@pytest.fixture
def private_advisor(private_root, e5):
    def make(*replies: str, **overrides):
        settings = make_settings(private_root, **overrides)
        return build_advisor(settings, chat_model=ScriptedChatModel(replies=list(replies)), embeddings=e5)

    return make


def all_text(messages: list[dict]) -> str:
    return "\n".join(str(m["content"]) + str(m.get("metadata") or "") for m in messages)


def test_build_app_queues_every_model_event_together(private_advisor):
    from ui.app import MODEL, build_app

    advisor = private_advisor(max_queue_size=5)
    demo = build_app(advisor, advisor.settings)
    fns = {fn.api_name: fn for fn in demo.fns.values() if fn.api_name}
    for name in ("ask", "diagnose_profile", "add_documents", "reindex"):
        assert fns[name].concurrency_id == MODEL and fns[name].concurrency_limit == 1, name
    assert fns["diagnose"].concurrency_id != MODEL  # the questionnaire needs no model
    assert demo._queue.max_size == 5
    secret = advisor.settings.data_dir / ".ui-browser-secret"
    assert secret.stat().st_mode & 0o077 == 0  # only this user can read it


def test_respond_streams_the_answer_then_shows_its_sources(private_advisor):
    handlers = Handlers(advisor := private_advisor(REPLY), advisor.settings)
    steps = list(handlers.respond("阶段三需要多长时间?", [], "zh"))
    assert len(steps) > 5, "the answer is streamed in pieces"
    answers = [step[0][1]["content"] for step in steps[1:]]
    assert any(REPLY.startswith(a.replace("\\", "")) and a != answers[-1] for a in answers)
    messages, turns, stored, box = steps[-1]
    assert box == "" and turns == stored and len(turns) == 1
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]
    assert messages[1]["content"] == escape_text(REPLY)
    sources = messages[2]
    assert sources["metadata"]["title"].startswith("来源 \\(")
    assert "预期所需时间: 约6个月至1年。" in sources["content"]  # the original passage
    assert "相关度" in sources["content"] and "✓ 已引用" in sources["content"]
    assert any(s["cited"] and s["section"] == "duration" for s in turns[0]["sources"])


def test_html_in_an_answer_is_escaped(private_advisor):
    handlers = Handlers(advisor := private_advisor(HOSTILE), advisor.settings)
    messages, *_ = list(handlers.respond("阶段三需要多长时间?", [], "en"))[-1]
    text = all_text(messages)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in messages[1]["content"]


def test_html_in_a_passage_or_question_is_escaped():
    turns = [{"question": "<b>hi</b>", "answer": "ok",
              "sources": [{"label": "[x]", "score": 0.5, "cited": False, "text": "<iframe src=//evil>"}]}]
    text = all_text(render_messages(turns, "en"))
    assert "<b>" not in text and "<iframe" not in text and "&lt;iframe" in text


def test_a_bad_question_is_shown_in_the_chat_not_raised(private_advisor):
    handlers = Handlers(advisor := private_advisor(max_question_chars=10), advisor.settings)
    messages, turns, *_ = list(handlers.respond("x" * 50, [], "en"))[-1]
    assert turns[0]["error"] and messages[1]["content"].startswith("Error: ")


def test_new_chat_and_restore(private_advisor):
    handlers = Handlers(advisor := private_advisor(REPLY), advisor.settings)
    *_, (messages, turns, stored, _) = handlers.respond("阶段三需要多长时间?", [], "zh")
    assert handlers.restore(stored, "zh") == (messages, turns, "zh")
    assert handlers.restore(stored, "en")[0] == render_messages(turns, "en")
    assert handlers.restore("not a list of turns", None) == ([], [], "zh")
    assert handlers.new_chat() == ([], [], [])


def test_serve_refuses_a_network_address_without_a_login(tmp_path):
    from ui.server import ServeError, launch, login

    assert login(make_settings(tmp_path)) is None  # 127.0.0.1 by default
    assert login(make_settings(tmp_path, host="::1")) is None
    for host in ("0.0.0.0", "192.168.1.5", "example.com"):
        with pytest.raises(ServeError, match="without a login"):
            login(make_settings(tmp_path, host=host))
        with pytest.raises(ServeError):
            launch(None, make_settings(tmp_path, host=host))  # refused before anything is built
    with pytest.raises(ServeError, match="both"):
        login(make_settings(tmp_path, host="0.0.0.0", username="boss"))
    assert login(make_settings(tmp_path, host="0.0.0.0", username="boss", password="s3cret")) == ("boss", "s3cret")


def test_serve_command_refuses_a_network_address_without_a_login(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "7999"])
    assert result.exit_code == 2
    assert "Refusing to serve on 0.0.0.0 without a login" in result.stderr
    assert not (tmp_path / "data").exists(), "nothing was loaded or written"


@pytest.mark.parametrize("name,size", [("tool.exe", 10), ("notes.html", 10), ("big.md", MAX_DOCUMENT_BYTES + 1)])
def test_an_unusable_upload_adds_nothing(private_advisor, tmp_path, name, size):
    advisor = private_advisor()
    handlers = Handlers(advisor, advisor.settings)
    before = handlers.documents_table("en")
    good = tmp_path / "good.md"
    good.write_text("# Plan\n\nWe use AI for sales.\n", encoding="utf-8")
    bad = tmp_path / name
    with bad.open("wb") as f:
        f.truncate(size)  # sparse: no real 20 MB written
    message, table = handlers.add_documents([str(good), str(bad)], "en")
    assert message.startswith("Nothing was added: ") and name in message
    assert ("unsupported file type" in message) or ("too large" in message)
    assert table == before
    assert not advisor.settings.documents_dir.exists() or not any(advisor.settings.documents_dir.iterdir())


def test_a_good_upload_is_indexed(private_advisor, tmp_path):
    advisor = private_advisor()
    handlers = Handlers(advisor, advisor.settings)
    doc = tmp_path / "plan.md"
    doc.write_text("# AI plan\n\nOur sales team drafts offers with a local model.\n", encoding="utf-8")
    seen = []
    message, table = handlers.add_documents([str(doc)], "en", progress=lambda *a, **k: seen.append(a))
    assert message.startswith("Added 1 document(s)")
    assert ["plan.md", 1, "company"] in [list(row) for row in table]


def test_diagnosis_from_the_form_writes_a_report_and_the_history(private_advisor):
    advisor = private_advisor()
    handlers = Handlers(advisor, advisor.settings)
    questions = advisor.questionnaire.questions
    numbered = [q for q in questions if q.number is not None]
    answers = ["yes" if q.stage == 1 else "unknown" for q in questions]
    first = handlers.diagnose_form("<b>ACME</b>", "en", *answers, *[None] * len(numbered))
    card, roadmap, chart, report, history = first
    assert card.startswith("### Stage 2") and "Next steps" in roadmap
    assert chart.endswith(".svg") and report.endswith(".md")
    assert "&lt;b&gt;ACME&lt;/b&gt;" in open(report, encoding="utf-8").read()
    answers[len(answers) - 1] = "yes"
    *_, history = handlers.diagnose_form("<b>ACME</b>", "en", *answers, *[None] * len(numbered))
    assert "Since the previous assessment" in history and "<b>" not in history


def test_profile_diagnosis_needs_a_description(private_advisor):
    advisor = private_advisor()
    card, *_ = Handlers(advisor, advisor.settings).diagnose_profile("ACME", "  ", "en")
    assert "Describe the company first." in card


def test_about_shows_model_embedding_data_and_offline_status(private_advisor):
    advisor = private_advisor()
    about = Handlers(advisor, advisor.settings).about_markdown("en")
    assert "scripted-test-model" in about and "Offline status**: ok" in about
    assert str(advisor.settings.data_dir).replace("_", "\\_") in about or "data" in about


def test_empty_figure_boxes_are_not_read_as_zero_and_bad_figures_are_refused(private_advisor):
    advisor = private_advisor()
    handlers = Handlers(advisor, advisor.settings)
    questions = advisor.questionnaire.questions
    numbered = [q for q in questions if q.number is not None]
    answers = ["yes" if q.stage == 1 else "unknown" for q in questions]
    # What a browser sends for untouched figure boxes: empty strings.
    card, *_ = handlers.diagnose_form("ACME", "en", *answers, *[""] * len(numbered))
    assert card.startswith("### Stage 2")
    figures = ["18%"] + [""] * (len(numbered) - 1)
    card, *_ = handlers.diagnose_form("ACME", "en", *answers, *figures)
    assert card.startswith("### Stage 2")
    figures = ["about ten"] + [""] * (len(numbered) - 1)
    card, *_ = handlers.diagnose_form("ACME", "en", *answers, *figures)
    assert "not a number" in card


def test_the_browser_key_survives_restarts_and_an_empty_key_file_is_replaced(tmp_path):
    import stat

    from ui.app import SECRET_FILE, browser_secret

    first = browser_secret(tmp_path)
    assert len(first) >= 32 and browser_secret(tmp_path) == first
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("")  # what a crash between create and write used to leave
    replaced = browser_secret(tmp_path)
    assert replaced and replaced != first and path.read_text() == replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == [SECRET_FILE]


def test_profile_diagnosis_without_a_usable_model_is_told_not_raised(private_root, e5):
    settings = make_settings(private_root, model="no-such-model.gguf")
    advisor = build_advisor(settings, embeddings=e5)  # the real llama.cpp model class, file missing
    card, roadmap, chart, report, _ = Handlers(advisor, settings).diagnose_profile(
        "ACME", "We are a bakery with 12 staff; nobody uses AI yet.", "en")
    assert card.startswith("**Error**") and "no-such-model.gguf" in card
    assert (roadmap, chart, report) == ("", None, None)
