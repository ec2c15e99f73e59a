"""The page: four tabs (Chat, Diagnosis, Knowledge, About) built over one advisor.

The chat is a conversation: follow-ups, suggested next questions, citations that open
their passage, 👍/👎 with a remark, and a Markdown export; what each shows is the
advisor's (see :mod:`ui.conversation_view`).

This module only lays out components and wires their events to :mod:`ui.handlers`.
Every event that uses the model (or rewrites the index the model reads) shares one
concurrency id with a limit of one, so one model serves many users in turn; the queue
has a maximum size, beyond which the page tells the user the advisor is busy.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import gradio as gr

from advisor import offline
from advisor.conversation.feedback import NOTE_MAX_CHARS
from advisor.diagnosis.questionnaire import ANSWER_VALUES
from advisor.diagnosis.words import answer_word
from advisor.files import write_atomic
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES
from ui.handlers import SUGGESTION_SLOTS, Handlers
from ui.labels import EXAMPLE_QUESTIONS, label

MODEL = "model"  # the concurrency id of everything that uses the model
SECRET_FILE = ".ui-browser-secret"

# A citation label in an answer opens the passage it names, shown under the same answer
# (``<details class="citation">``, see ui.conversation_view). The chatbot's sanitiser keeps
# classes but no scripts or event attributes, so one listener on the page does it.
PAGE_JS = """
() => {
  document.addEventListener("click", (event) => {
    const ref = event.target instanceof Element ? event.target.closest(".citation-ref") : null;
    if (!ref) return;
    let answer = ref.parentElement;
    while (answer && !answer.querySelector("details.citation")) answer = answer.parentElement;
    if (!answer) return;
    const wanted = ref.textContent.trim();
    for (const passage of answer.querySelectorAll("details.citation")) {
      const summary = passage.querySelector("summary");
      if (summary && summary.textContent.trim() === wanted) {
        passage.open = true;
        passage.scrollIntoView({block: "nearest"});
        return;
      }
    }
  });
}
"""
PAGE_CSS = """
#chatbot .citation-ref { cursor: pointer; text-decoration: underline dotted; color: var(--link-text-color); }
#chatbot details.citation { margin: 0.3em 0; }
#chatbot details.citation summary { cursor: pointer; color: var(--link-text-color); }
#chatbot details.citation mark { background: #fde68a; color: #111827; padding: 0 1px; }
"""


def browser_secret(data_dir: Path) -> str:
    """The key that encrypts conversations kept in the browser, stable across restarts
    (so a reload after a restart still finds them) and readable only by this user."""
    path = Path(data_dir) / SECRET_FILE
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        secret = ""
    if secret:
        return secret
    # Written atomically: a crash never leaves an empty key behind.
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    write_atomic(path, secret.encode("utf-8"), mode=0o600)
    return secret


def _answer_choices(lang: str) -> list[tuple[str, str]]:
    return [(answer_word(lang, value), value) for value in ANSWER_VALUES]


def _question_label(question, lang: str) -> str:
    text = question.text.zh if lang == "zh" else question.text.en
    return f"[{question.stage}] {text} {question.citation.label}"


def build_app(advisor, settings) -> gr.Blocks:
    """The web interface over ``advisor``; queue and limits come from ``settings``."""
    h = Handlers(advisor, settings)
    lang0 = settings.ui_language
    questions = advisor.questionnaire.questions
    numbered = [q for q in questions if q.number is not None]
    secret = browser_secret(settings.data_dir)
    upload_types = sorted(SUPPORTED_SUFFIXES)
    limit_mb = MAX_DOCUMENT_BYTES // (1024 * 1024)

    with gr.Blocks(title="AI adoption advisor", analytics_enabled=False) as demo:
        # gr.Blocks rewrites HF_HUB_DISABLE_TELEMETRY to "True"; put back the exact switches.
        offline.apply()
        stored_turns = gr.BrowserState([], storage_key="advisor-conversation", secret=secret)
        stored_lang = gr.BrowserState(lang0, storage_key="advisor-language", secret=secret)
        stored_conversation_id = gr.BrowserState("", storage_key="advisor-conversation-id", secret=secret)
        turns = gr.State([])
        lang = gr.State(lang0)
        conversation_id = gr.State("")
        rated = gr.State(None)  # the turn last rated, which a remark is about

        with gr.Row():
            heading = gr.Markdown(f"## {label(lang0, 'title')}\n{label(lang0, 'subtitle')}")
            language = gr.Radio([("中文", "zh"), ("English", "en")], value=lang0,
                                label=label(lang0, "language"), scale=0, min_width=200)

        with gr.Tabs():
            with gr.Tab(label(lang0, "tab_chat"), id="chat") as tab_chat:
                chatbot = gr.Chatbot(label=label(lang0, "chatbot"), height=520, sanitize_html=True,
                                     render_markdown=True, latex_delimiters=[], feedback_options=("Like", "Dislike"),
                                     buttons=["copy", "copy_all"], elem_id="chatbot")
                with gr.Row():
                    suggestion_buttons = [gr.Button("", visible=False, size="sm", elem_id=f"suggestion-{i}",
                                                    elem_classes=["suggestion"])
                                          for i in range(SUGGESTION_SLOTS)]
                with gr.Row():
                    question = gr.Textbox(label=label(lang0, "question"), lines=1, max_lines=4,
                                          placeholder=label(lang0, "question_placeholder"),
                                          scale=5, elem_id="question", autofocus=True,
                                          max_length=settings.max_question_chars)
                    send = gr.Button(label(lang0, "send"), variant="primary", scale=1, elem_id="send")
                    new_chat = gr.Button(label(lang0, "new_chat"), scale=1, elem_id="new-chat")
                with gr.Row():
                    note = gr.Textbox(label=label(lang0, "note"), lines=1, max_lines=3, scale=5, elem_id="note",
                                      placeholder=label(lang0, "note_placeholder"), max_length=NOTE_MAX_CHARS)
                    send_note = gr.Button(label(lang0, "send_note"), scale=1, elem_id="send-note")
                    export = gr.DownloadButton(label(lang0, "export"), value=None, visible=False, scale=1,
                                               elem_id="export")
                feedback_status = gr.Markdown(elem_id="feedback-status")
                examples = gr.Examples(EXAMPLE_QUESTIONS, inputs=[question], label=label(lang0, "examples"))
                busy_note = gr.Markdown(label(lang0, "busy_note"))

            with gr.Tab(label(lang0, "tab_diagnosis"), id="diagnosis") as tab_diagnosis:
                diagnosis_intro = gr.Markdown(label(lang0, "diagnosis_intro"))
                company = gr.Textbox(label=label(lang0, "company"), value="", max_length=120,
                                     placeholder=label(lang0, "company_default"), elem_id="company")
                radios = []
                numbers = []
                for q in questions:
                    with gr.Row():
                        radios.append(gr.Radio(_answer_choices(lang0), value="unknown",
                                               label=_question_label(q, lang0), scale=4,
                                               elem_id=f"q-{q.id}"))
                        if q.number is not None:
                            # A text box, not gr.Number: the browser fills an empty number
                            # box with 0, which would score a "yes" as "yes, 0%".
                            numbers.append(gr.Textbox("", label=f"{label(lang0, 'number')} ({q.number.unit})",
                                                      scale=1, max_length=12, elem_id=f"n-{q.id}"))
                diagnose_form = gr.Button(label(lang0, "diagnose_form"), variant="primary",
                                          elem_id="diagnose-form")
                profile = gr.Textbox(label=label(lang0, "profile"), lines=4, max_length=4000,
                                     placeholder=label(lang0, "profile_placeholder"))
                diagnose_profile = gr.Button(label(lang0, "diagnose_profile"))
                with gr.Row():
                    with gr.Column(scale=3):
                        card = gr.Markdown(label=label(lang0, "result"), elem_id="result-card")
                    with gr.Column(scale=2):
                        chart = gr.Image(label=label(lang0, "chart"), type="filepath", interactive=False,
                                         elem_id="chart")
                        report = gr.DownloadButton(label(lang0, "report"), value=None, elem_id="report")
                roadmap = gr.Markdown(elem_id="roadmap")
                history_title = gr.Markdown(f"### {label(lang0, 'history')}")
                history = gr.Markdown(elem_id="history")

            with gr.Tab(label(lang0, "tab_knowledge"), id="knowledge") as tab_knowledge:
                documents = gr.Dataframe(headers=[label(lang0, "doc_name"), label(lang0, "doc_passages"),
                                                  label(lang0, "doc_kind")],
                                         datatype=["str", "number", "str"], interactive=False,
                                         label=label(lang0, "documents"))
                upload = gr.File(label=label(lang0, "upload", mb=limit_mb), file_count="multiple",
                                 file_types=upload_types, type="filepath")
                with gr.Row():
                    add = gr.Button(label(lang0, "add"), variant="primary")
                    reindex = gr.Button(label(lang0, "reindex"))
                knowledge_status = gr.Markdown()

            with gr.Tab(label(lang0, "tab_about"), id="about") as tab_about:
                about = gr.Markdown(h.about_markdown(lang0))

        # --- events --------------------------------------------------------------------
        def show_suggestions(current_turns: list):
            shown = h.suggestions(current_turns)
            return [gr.Button(shown[i], visible=True) if i < len(shown) else gr.Button("", visible=False)
                    for i in range(SUGGESTION_SLOTS)]

        def export_file(current_turns: list, chosen: str, conversation: str):
            path = h.export_file(current_turns, chosen, conversation)
            return gr.DownloadButton(value=path, visible=path is not None)

        def then_refresh(event):
            """After the conversation changes: the suggestions under its latest answer, and
            the export."""
            return (event.then(show_suggestions, [turns], suggestion_buttons, api_name=False, queue=False)
                    .then(export_file, [turns, lang, conversation_id], export, api_name=False, queue=False))

        chat_inputs = [question, turns, lang, conversation_id]
        chat_outputs = [chatbot, turns, stored_turns, question]
        then_refresh(question.submit(h.respond, chat_inputs, chat_outputs, api_name=False,
                                     concurrency_id=MODEL, concurrency_limit=1, show_progress="minimal"))
        then_refresh(send.click(h.respond, chat_inputs, chat_outputs, api_name="ask",
                                concurrency_id=MODEL, concurrency_limit=1, show_progress="minimal"))
        for button in suggestion_buttons:
            # A suggestion is sent as the next message, exactly as if typed.
            then_refresh(button.click(h.respond, [button, turns, lang, conversation_id], chat_outputs,
                                      api_name=False, concurrency_id=MODEL, concurrency_limit=1,
                                      show_progress="minimal"))

        def start_new_chat():
            messages, records, stored, new_id = h.new_chat()
            return [messages, records, stored, new_id, new_id, None, "", gr.DownloadButton(value=None, visible=False),
                    *[gr.Button("", visible=False) for _ in suggestion_buttons]]

        new_chat.click(start_new_chat, None, [chatbot, turns, stored_turns, conversation_id, stored_conversation_id,
                                              rated, feedback_status, export, *suggestion_buttons],
                       api_name="new_chat", queue=False)

        def rate(current_turns: list, remark: str, chosen: str, conversation: str, like: gr.LikeData):
            return h.rate(current_turns, like.index, like.liked, remark, chosen, conversation)

        chatbot.like(rate, [turns, note, lang, conversation_id], [feedback_status, rated], api_name=False,
                     queue=False)
        send_note.click(h.send_note, [turns, rated, note, lang, conversation_id], [feedback_status, note],
                        api_name=False, queue=False)

        diagnosis_outputs = [card, roadmap, chart, report, history]
        diagnose_form.click(h.diagnose_form, [company, lang, *radios, *numbers], diagnosis_outputs,
                            api_name="diagnose")
        diagnose_profile.click(h.diagnose_profile, [company, profile, lang], diagnosis_outputs,
                               api_name="diagnose_profile", concurrency_id=MODEL, concurrency_limit=1)

        def add_documents(files, chosen: str, progress=gr.Progress()):
            return h.add_documents(files, chosen, progress)

        def rebuild_index(chosen: str, progress=gr.Progress()):
            return h.rebuild_index(chosen, progress)

        # Adding documents and re-indexing rewrite the index answers are read from.
        add.click(add_documents, [upload, lang], [knowledge_status, documents], api_name="add_documents",
                  concurrency_id=MODEL, concurrency_limit=1).then(lambda: None, None, upload, api_name=False)
        reindex.click(rebuild_index, [lang], [knowledge_status, documents], api_name="reindex",
                      concurrency_id=MODEL, concurrency_limit=1)

        def switch_language(choice: str, current_turns: list):
            choice = choice if choice in ("zh", "en") else lang0
            return [
                choice, choice,
                f"## {label(choice, 'title')}\n{label(choice, 'subtitle')}",
                gr.Radio(label=label(choice, "language")),
                gr.Tab(label=label(choice, "tab_chat")), gr.Tab(label=label(choice, "tab_diagnosis")),
                gr.Tab(label=label(choice, "tab_knowledge")), gr.Tab(label=label(choice, "tab_about")),
                gr.Chatbot(value=h.restore(current_turns, choice)[0], label=label(choice, "chatbot")),
                gr.Textbox(label=label(choice, "question"), placeholder=label(choice, "question_placeholder")),
                gr.Button(label(choice, "send")), gr.Button(label(choice, "new_chat")),
                gr.Textbox(label=label(choice, "note"), placeholder=label(choice, "note_placeholder")),
                gr.Button(label(choice, "send_note")), gr.DownloadButton(label(choice, "export")),
                label(choice, "busy_note"), label(choice, "diagnosis_intro"),
                gr.Textbox(label=label(choice, "company"), placeholder=label(choice, "company_default")),
                *[gr.Radio(choices=_answer_choices(choice), label=_question_label(q, choice)) for q in questions],
                *[gr.update(label=f"{label(choice, 'number')} ({q.number.unit})") for q in numbered],
                gr.Button(label(choice, "diagnose_form")),
                gr.Textbox(label=label(choice, "profile"), placeholder=label(choice, "profile_placeholder")),
                gr.Button(label(choice, "diagnose_profile")),
                gr.DownloadButton(label(choice, "report")),
                f"### {label(choice, 'history')}",
                gr.Dataframe(value=h.documents_table(choice), headers=[label(choice, "doc_name"),
                             label(choice, "doc_passages"), label(choice, "doc_kind")],
                             label=label(choice, "documents")),
                gr.File(label=label(choice, "upload", mb=limit_mb)),
                gr.Button(label(choice, "add")), gr.Button(label(choice, "reindex")),
                h.about_markdown(choice),
            ]

        language_outputs = [lang, stored_lang, heading, language, tab_chat, tab_diagnosis, tab_knowledge,
                            tab_about, chatbot, question, send, new_chat, note, send_note, export, busy_note,
                            diagnosis_intro, company,
                            *radios, *numbers, diagnose_form, profile, diagnose_profile, report, history_title,
                            documents, upload, add, reindex, about]
        # The export's headings follow the interface language.
        language.change(switch_language, [language, turns], language_outputs, api_name=False, queue=False
                        ).then(export_file, [turns, lang, conversation_id], export, api_name=False, queue=False)

        def restore_conversation_id(stored: str):
            kept = h.conversation_id(stored)
            return kept, kept

        # A reload finds the conversation, its id and the language kept in this browser.
        then_refresh(
            demo.load(h.restore, [stored_turns, stored_lang], [chatbot, turns, lang], api_name=False, queue=False)
            .then(lambda chosen: chosen, lang, language, api_name=False, queue=False)
            .then(restore_conversation_id, stored_conversation_id, [conversation_id, stored_conversation_id],
                  api_name=False, queue=False))
        demo.load(h.documents_table, [lang], documents, api_name=False, queue=False)
        demo.load(lambda: h.history_markdown(None, lang0), None, history, api_name=False, queue=False)
        del examples

    demo.queue(max_size=settings.max_queue_size, default_concurrency_limit=1)
    return demo
