"""The web interface's building and handlers, with a scripted chat model (no server, no network).

The conversation features (what a follow-up was understood as, suggestions, citations
that open their highlighted passage, feedback, export) are tested twice: with a scripted
advisor whose events are given in advance, to pin down what the page shows for each, and
with the real advisor over a scripted chat model, to check the two fit together.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.answering.chain import Answer, AnswerEvent, Source  # noqa: E402
from advisor.answering.question import clean_question  # noqa: E402
from advisor.cli.main import cli  # noqa: E402
from advisor.container import build_advisor  # noqa: E402
from advisor.conversation.feedback import FeedbackStore  # noqa: E402
from advisor.conversation.state import Turn  # noqa: E402
from advisor.escaping import escape_text, md_text  # noqa: E402
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes import ScriptedChatModel, pieces  # noqa: E402
from ui.conversation_view import passage_html, record_of_message, render_messages, turn_records  # noqa: E402
from ui.handlers import STREAM_INTERVAL_S, Handlers  # noqa: E402

REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> 约6个月至1年 [阶段三 · 预期所需时间]。"
LABEL = "[阶段三 · 预期所需时间]"
PASSAGE = "预期所需时间: 约6个月至1年。"


def cited_label(lang_label: str = LABEL) -> str:
    shown = escape_text(lang_label)
    return f'<span class="citation-ref">{shown}</span>'


@pytest.fixture
def private_advisor(private_root, e5):
    def make(*replies: str, delay_s: float = 0.0, **overrides):
        settings = make_settings(private_root, **overrides)
        model = ScriptedChatModel(replies=list(replies), delay_s=delay_s)
        return build_advisor(settings, chat_model=model, embeddings=e5)

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
    # The model's answer alone (no quoted sentence before it), to check its rendering exactly;
    # its pieces come slower than the page's redraw interval, as a real model's do.
    handlers = Handlers(advisor := private_advisor(REPLY, evidence_first=False, delay_s=STREAM_INTERVAL_S * 1.2),
                        advisor.settings)
    steps = list(handlers.respond("阶段三需要多长时间?", [], "zh"))
    assert len(steps) > 5, "the answer is streamed in pieces"
    answers = [step[0][1]["content"] for step in steps[1:]]
    assert any(REPLY.startswith(a.replace("\\", "")) and a != answers[-1] for a in answers)
    messages, turns, stored, box = steps[-1]
    assert box == "" and turns == stored and len(turns) == 1
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]
    answer, passage = messages[1]["content"].split("\n\n")
    assert answer == escape_text(REPLY).replace(escape_text(LABEL), cited_label())
    # The cited passage, with the figure the answer used marked, opens from its label.
    assert passage.startswith('<details class="citation"><summary>&#91;阶段三 · 预期所需时间&#93;</summary>')
    assert "<mark>约6个月至1年</mark>" in passage and "理解为" not in messages[1]["content"]
    sources = messages[2]
    assert sources["metadata"]["title"].startswith("来源 \\(")
    assert "预期所需时间: 约6个月至1年。" in sources["content"]  # the original passage
    assert "相关度" in sources["content"] and "✓ 已引用" in sources["content"]
    assert any(s["cited"] and s["section"] == "duration" for s in turns[0]["sources"])


def test_the_articles_sentence_is_shown_before_the_models_answer(private_advisor):
    handlers = Handlers(advisor := private_advisor(REPLY), advisor.settings)
    first_step = None
    for messages, *_ in handlers.respond("阶段三需要多长时间?", [], "zh"):
        if len(messages) > 1 and "文档原文" in messages[1]["content"]:
            first_step = first_step or messages[1]["content"]
    assert first_step is not None and "阶段三一般需要" not in first_step, "the quote comes first"
    assert "约6个月至1年" in first_step


def test_html_in_an_answer_is_escaped(private_advisor):
    handlers = Handlers(advisor := private_advisor(HOSTILE), advisor.settings)
    messages, *_ = list(handlers.respond("阶段三需要多长时间?", [], "en"))[-1]
    text = all_text(messages)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in messages[1]["content"]


def test_html_in_a_passage_or_question_is_escaped():
    # An older record (``question``, no ``message``) is read too.
    turns = turn_records([{"question": "<b>hi</b>", "answer": "ok [x]", "resolved_question": "<i>hi</i>",
                           "sources": [{"label": "[x]", "score": 0.5, "cited": True, "highlights": [[0, 7]],
                                        "text": "<iframe src=//evil>\n\n[a](javascript:alert(1))"}]}])
    text = all_text(render_messages(turns, "en"))
    assert "<b>" not in text and "<i>" not in text and "<iframe" not in text and "&lt;iframe" in text
    # The cited passage is one line of HTML: a blank line in it cannot end the block and
    # let the rest be read as Markdown; its brackets are entities, never a link.
    block = next(line for line in render_messages(turns, "en")[1]["content"].split("\n\n")
                 if line.startswith("<details"))
    assert "\n" not in block and "](" not in block and "javascript:alert" in block
    assert "<mark>&#60;iframe</mark>" in block


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
    messages, turns, stored, conversation_id = handlers.new_chat()
    assert (messages, turns, stored) == ([], [], []) and re.fullmatch(r"[0-9a-f]{32}", conversation_id)
    assert handlers.new_chat()[3] != conversation_id
    assert handlers.conversation_id(conversation_id) == conversation_id  # kept across a reload
    assert handlers.conversation_id("<script>") != "<script>"


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


@pytest.mark.parametrize("name,size,reason", [("tool.exe", 10, "unsupported file type"),
                                              ("notes.html", 10, "unsupported file type"),
                                              ("big.md", MAX_DOCUMENT_BYTES + 1, "too large")])
def test_an_unusable_upload_adds_nothing(private_advisor, tmp_path, name, size, reason):
    advisor = private_advisor()
    handlers = Handlers(advisor, advisor.settings)
    before = handlers.documents_table("en")
    good = tmp_path / "good.md"
    good.write_text("# Plan\n\nWe use AI for sales.\n", encoding="utf-8")
    bad = tmp_path / name
    with bad.open("wb") as f:
        f.truncate(size)  # sparse: no real 20 MB written
    message, table = handlers.add_documents([str(good), str(bad)], "en")
    assert message.startswith(f"Nothing was added: {name}: {reason}"), message
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
    assert f"**Data directory**: {md_text(str(advisor.settings.data_dir))}" in about


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


# --- the conversation, with a scripted advisor ---------------------------------------------
def source(label: str, text: str, cited: bool = True, highlights=None, stage: int = 3) -> Source:
    return Source(id=label, stage=stage, section="duration", section_title="预期所需时间", label=label,
                  source="stage_document", text=text, score=0.9, cited=cited, highlights=highlights or [])


class ScriptedAdvisor:
    """An advisor whose every answer is scripted: (resolved question, answer, sources,
    suggestions) per message. Like the real one it adds a turn to the conversation it is
    given, records what it was asked, and keeps feedback in a real store."""

    def __init__(self, settings, *script):
        self.settings = settings
        self.script = list(script)
        self.asked: list[tuple[str, list[str], str]] = []
        self.store = FeedbackStore(settings.data_dir / "feedback.sqlite")

    def feedback(self) -> FeedbackStore:
        return self.store

    def stream(self, message: str, conversation=None):
        message = clean_question(message, self.settings.max_question_chars)  # as the real one does
        self.asked.append((message, [t.message for t in conversation.turns], conversation.id))
        resolved, text, sources, suggestions = self.script.pop(0)
        if resolved != message:
            yield AnswerEvent("understood", text=resolved)
        yield AnswerEvent("sources", sources=sources)
        for piece in pieces(text):
            yield AnswerEvent("token", text=piece)
        answer = Answer(message, text, "zh", False, sources, {}, "scripted", resolved_question=resolved,
                        suggestions=suggestions)
        conversation.add(Turn(message, resolved, answer=text, sources=[s.to_dict() for s in sources],
                              suggestions=suggestions))
        yield AnswerEvent("done", answer=answer)


STAGE3 = ("阶段三需要多长时间?", REPLY, [source(LABEL, PASSAGE, highlights=[[PASSAGE.index("约"), PASSAGE.index("。")]]),
                                     source("[阶段一 · 目标]", "未引用。", cited=False)],
          ["阶段三的KPI是什么?", "怎样进入阶段四?"])
STAGE4_ANSWER = "阶段四一般需要1至2年 [阶段四 · 预期所需时间]。"
STAGE4_PASSAGE = "预期所需时间: 1至2年,视规模而定。"
STAGE4 = ("阶段四需要多长时间?", STAGE4_ANSWER,
          [source("[阶段四 · 预期所需时间]", STAGE4_PASSAGE, highlights=[[8, 12]], stage=4)],
          ["阶段四的KPI是什么?", "<b>阶段五</b>需要多长时间?", "怎样进入阶段五?"])


@pytest.fixture
def scripted(tmp_path):
    def make(*script):
        advisor = ScriptedAdvisor(make_settings(tmp_path), *script)
        return advisor, Handlers(advisor, advisor.settings)

    return make


def final(steps) -> tuple:
    *_, last = steps
    return last


def test_a_follow_up_gets_the_conversation_and_shows_what_it_was_understood_as(scripted):
    advisor, handlers = scripted(STAGE3, STAGE4)
    cid = handlers.new_chat()[3]
    _, turns, _, _ = final(handlers.respond("阶段三需要多长时间?", [], "zh", cid))
    steps = list(handlers.respond("那阶段四呢?", turns, "zh", cid))
    messages, turns, stored, box = steps[-1]
    assert advisor.asked == [("阶段三需要多长时间?", [], cid), ("那阶段四呢?", ["阶段三需要多长时间?"], cid)]
    assert [t["message"] for t in turns] == ["阶段三需要多长时间?", "那阶段四呢?"] and turns == stored
    assert turns[1]["resolved_question"] == "阶段四需要多长时间?" and not turns[1]["error"]
    answer = messages[4]["content"]
    assert answer.startswith("*理解为: 阶段四需要多长时间?*\n\n阶段四一般需要1至2年 ")
    # The understood line shows while the answer is still being written.
    assert any(s[0][4]["content"].startswith("*理解为") and "1至2年" not in s[0][4]["content"]
               for s in steps[1:-1])
    assert "理解为" not in messages[1]["content"], "a standalone question is not restated"
    english = handlers.restore(stored, "en")[0][4]["content"]
    assert english.startswith("*Understood as: 阶段四需要多长时间?*")


def test_the_understood_question_is_escaped(scripted):
    _, handlers = scripted(("<img src=x onerror=alert(1)> *阶段四*", "好的。", [], []))
    messages, *_ = final(handlers.respond("它呢?", [], "zh"))
    content = messages[1]["content"]
    assert "<img" not in content and "&lt;img src=x onerror=alert\\(1\\)&gt; \\*阶段四\\*" in content


def test_citations_open_their_passage_with_the_used_spans_marked(scripted):
    _, handlers = scripted(STAGE3)
    messages, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh"))
    answer, *blocks = messages[1]["content"].split("\n\n")
    assert answer.count('<span class="citation-ref">') == 1 and cited_label() in answer
    assert blocks == ['<details class="citation"><summary>&#91;阶段三 · 预期所需时间&#93;</summary>'
                      "<blockquote>预期所需时间: <mark>约6个月至1年</mark>。</blockquote></details>"]
    assert "未引用" not in messages[1]["content"], "only cited passages open under the answer"
    assert "未引用" in messages[2]["content"], "the sources block still lists every passage"


@pytest.mark.parametrize("highlights,shown", [
    ([[0, 2], [1, 4], [6, 99]], "<mark>abcd</mark>ef<mark>gh</mark>"),  # merged, cut to the text
    ([[5, 3], ["1", 2], [True, 2], None, [2]], "abcdefgh"),             # malformed: ignored
    ([[2, 4]], "ab<mark>cd</mark>efgh"),
])
def test_passage_highlights_are_safe_spans(highlights, shown):
    assert passage_html("abcdefgh", highlights) == shown
    assert passage_html("<b>x</b>", [[0, 3]]) == "<mark>&#60;b&#62;</mark>x&#60;/b&#62;"


def test_suggestions_are_the_latest_answers_and_a_refused_message_has_none(scripted):
    _, handlers = scripted(STAGE3, STAGE4)
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh"))
    assert handlers.suggestions(turns) == ["阶段三的KPI是什么?", "怎样进入阶段四?"]
    # A suggestion is sent like any message; the page shows the next answer's own.
    _, turns, *_ = final(handlers.respond(handlers.suggestions(turns)[1], turns, "zh"))
    assert turns[1]["message"] == "怎样进入阶段四?"
    assert handlers.suggestions(turns) == STAGE4[3]
    _, turns, *_ = final(handlers.respond(" \x00 ", turns, "zh"))
    assert turns[-1]["error"] and handlers.suggestions(turns) == []
    assert handlers.suggestions([]) == [] and handlers.suggestions("garbage") == []


def test_a_refused_message_is_not_part_of_the_advisors_conversation(scripted):
    advisor, handlers = scripted(STAGE3, STAGE4)
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh"))
    _, turns, *_ = final(handlers.respond("\x00", turns, "zh"))
    assert turns[1]["error"] and turns[1]["answer"].startswith("The question is empty.")
    final(handlers.respond("那阶段四呢?", turns, "zh"))
    assert advisor.asked[-1][1] == ["阶段三需要多长时间?"]


def test_thumbs_and_remarks_are_stored_with_the_turn_they_rate(scripted):
    advisor, handlers = scripted(STAGE3, STAGE4)
    cid = handlers.new_chat()[3]
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh", cid))
    messages, turns, *_ = final(handlers.respond("那阶段四呢?", turns, "zh", cid))
    assert [record_of_message(turns, i) for i in range(len(messages) + 1)] == [0, 0, 0, 1, 1, 1, None]
    assert handlers.rate(turns, 1, True, "ignored on 👍", "zh", cid) == ("已记录 👍,谢谢!", 0)
    status, rated = handlers.rate(turns, 4, False, "", "en", cid)
    assert rated == 1 and status.startswith("👎 recorded.")
    assert handlers.send_note(turns, rated, "  ", "en", cid) == ("Write a remark first.", "")
    assert handlers.send_note(turns, rated, "应说明阶段四的时长", "zh", cid) == ("意见已记录(👎),谢谢!", "")
    status, _ = handlers.rate(turns, 5, False, "数字不对", "zh", cid)  # on the sources block: same turn
    assert status == "已记录 👎 和你的意见,谢谢!"
    up, down, noted, again = advisor.store.entries()
    assert (up.rating, up.question, up.note, up.conversation_id) == ("up", "阶段三需要多长时间?", "", cid)
    assert up.cited[0]["highlights"] == [[PASSAGE.index("约"), PASSAGE.index("。")]]
    assert (down.rating, down.question, down.resolved_question, down.answer, down.note) == (
        "down", "那阶段四呢?", "阶段四需要多长时间?", STAGE4_ANSWER, "")
    assert (noted.rating, noted.question, noted.note) == ("down", "那阶段四呢?", "应说明阶段四的时长")
    assert (again.question, again.note) == ("那阶段四呢?", "数字不对")
    assert [e.language for e in (up, down)] == ["zh", "zh"]


def test_nothing_is_stored_for_an_error_or_an_unknown_message(scripted):
    advisor, handlers = scripted(STAGE3)
    _, turns, *_ = final(handlers.respond("\x00", [], "en"))
    assert handlers.rate(turns, 1, False, "x", "en", None) == ("This message has no answer to rate.", None)
    assert handlers.rate(turns, 99, True, "", "en", None)[1] is None
    assert handlers.rate(turns, 1, "", "", "en", None) == ("", None)  # a thumb taken back
    assert handlers.send_note(turns, None, "a remark", "en", None) == ("This message has no answer to rate.",
                                                                       "a remark")
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", turns, "en"))
    status, _ = handlers.send_note(turns, None, "about the latest answer", "en", None)
    assert status == "Remark recorded (👎), thank you!"
    assert [(e.question, e.note) for e in advisor.store.entries()] == [("阶段三需要多长时间?", "about the latest answer")]


def test_a_feedback_store_that_cannot_be_written_is_told(scripted):
    advisor, handlers = scripted(STAGE3)
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "en"))
    advisor.store.path.parent.mkdir(parents=True, exist_ok=True)
    advisor.store.path.write_bytes(b"<b>not a database</b>" * 100)
    status, rated = handlers.rate(turns, 1, True, "", "en", None)
    assert status.startswith("The rating was not recorded: ") and rated is None and "<b>" not in status


def test_the_export_is_the_conversation_as_markdown(scripted):
    _, handlers = scripted(STAGE3, STAGE4)
    cid = handlers.new_chat()[3]
    assert handlers.export_file([], "zh", cid) is None
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh", cid))
    _, turns, *_ = final(handlers.respond("\x00", turns, "zh", cid))
    _, turns, *_ = final(handlers.respond("那阶段四呢?", turns, "zh", cid))
    path = Path(handlers.export_file(turns, "zh", cid))
    assert path.suffix == ".md" and path.parent.name == cid
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 与 AI 阶段顾问的对话")
    assert "## 第 1 问" in text and "## 第 2 问" in text and "## 第 3 问" not in text, "a refused message is left out"
    assert "**问题:** 那阶段四呢?" in text and "**理解为:** 阶段四需要多长时间?" in text
    assert "**约6个月至1年**" in text and "- &lt;b&gt;阶段五&lt;/b&gt;需要多长时间?" in text
    english = Path(handlers.export_file(turns, "en", cid)).read_text(encoding="utf-8")
    assert english.startswith("# Conversation with the AI Stage Advisor") and "Understood as" in english
    assert Path(handlers.export_file(turns, "en", "../../etc")).parent.parent == path.parent.parent


# --- the conversation, with the real advisor over a scripted chat model ------------------------
def test_a_follow_up_through_the_real_advisor(private_advisor):
    advisor = private_advisor(REPLY, "阶段四一般需要1年至1.5年 [阶段四 · 预期所需时间]。")
    handlers = Handlers(advisor, advisor.settings)
    _, turns, *_ = final(handlers.respond("阶段三需要多长时间?", [], "zh", handlers.new_chat()[3]))
    messages, turns, *_ = final(handlers.respond("那阶段四呢?", turns, "zh"))
    assert "阶段四" in turns[1]["resolved_question"] and turns[1]["stage"] == 4
    assert messages[4]["content"].startswith(f"*理解为: {md_text(turns[1]['resolved_question'])}*")
    assert 2 <= len(handlers.suggestions(turns)) <= 3
    assert Turn.from_record(turns[1]).to_record() == {k: v for k, v in turns[1].items() if k != "error"}


def test_the_page_wires_suggestions_feedback_and_export(private_advisor, monkeypatch):
    import gradio as gr

    from ui.app import MODEL, PAGE_JS, build_app
    from ui.server import launch

    advisor = private_advisor()
    demo = build_app(advisor, advisor.settings)
    fns = list(demo.fns.values())
    answering = [fn for fn in fns if getattr(fn.fn, "__name__", "") == "respond"]
    assert len(answering) == 5, "Enter, Send and the three suggestions"
    assert all(fn.concurrency_id == MODEL and fn.concurrency_limit == 1 for fn in answering)
    likes = [fn for fn in fns if any(t[1] == "like" for t in fn.targets)]
    assert len(likes) == 1 and likes[0].queue is False
    chatbot = next(b for b in demo.blocks.values() if isinstance(b, gr.Chatbot))
    assert chatbot.sanitize_html and chatbot.feedback_options == ("Like", "Dislike")
    seen = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kwargs: seen.update(kwargs))
    launch(advisor, advisor.settings)
    assert seen["js"] == PAGE_JS and ".citation-ref" in PAGE_JS and "details.citation" in seen["css"]


def test_a_fast_stream_redraws_the_page_at_most_every_interval(private_advisor):
    # A model writing faster than the redraw interval: its pieces are gathered into fewer
    # page updates, and the last update holds the whole answer.
    handlers = Handlers(advisor := private_advisor(REPLY, evidence_first=False), advisor.settings)
    steps = list(handlers.respond("阶段三需要多长时间?", [], "zh"))
    # The question, the sources, the first piece and the finished turn; no redraw per piece.
    assert 3 <= len(steps) <= 5, len(steps)
    assert "6个月" in steps[-1][0][1]["content"]


def test_a_cached_answer_says_it_was_asked_before():
    from ui.conversation_view import answer_markdown

    record = {"message": "阶段三需要多长时间?", "resolved_question": "阶段三需要多长时间?",
              "answer": "约6个月至1年 [阶段三 · 预期所需时间]", "sources": [], "cached": True}
    assert "之前问过" in answer_markdown(record, "zh")
    assert "Asked before" in answer_markdown(record, "en")
    assert "Asked before" not in answer_markdown({**record, "cached": False}, "en")
