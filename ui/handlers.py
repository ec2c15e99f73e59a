"""What the page's events do: parse what the browser sends, call the advisor, render the result.

No retrieval, scoring or planning happens here; every decision is the advisor's. What the
advisor returns (model output, passages, document names, company names) is escaped before
it reaches a Markdown component or the chatbot, so HTML or script in it is shown as text.

An :class:`~advisor.errors.AdvisorError` (a bad question or figure, an unusable upload, a
missing model file) is the user's to fix: the page shows its message where the result
would have gone (:func:`problem_text`). Anything else is a defect: it keeps its traceback.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from advisor.diagnosis.view import assessment_view
from advisor.errors import AdvisorError
from advisor.escaping import escape_text, md_text
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES
from ui import diagnosis_view
from ui.conversation_view import answered, record_of_message, render_messages, turn_record, turn_records
from ui.labels import label

log = logging.getLogger(__name__)

SUGGESTION_SLOTS = 3  # the buttons under the latest answer
# The page is redrawn at most this often while an answer streams (the model writes 10-20
# tokens a second): each redraw is rendered, diffed and sent by the server, work that on
# two cores is taken from the model itself, most of all when several users wait.
STREAM_INTERVAL_S = 0.1


class Handlers:
    """The page's event handlers, bound to one advisor."""

    def __init__(self, advisor, settings):
        self.advisor = advisor
        self.settings = settings
        self._export_dir: Path | None = None

    # --- chat -----------------------------------------------------------------------------
    def respond(self, message: str, turns: list | None, lang: str,
                conversation_id: str | None = None) -> Iterator[tuple]:
        """Stream the answer to ``message`` within the conversation ``turns`` (records);
        yields (chatbot messages, turns, turns, textbox)."""
        from advisor.answering.question import decode_question, shown_question
        from advisor.conversation.state import Conversation, Turn

        records = turn_records(turns)
        question = decode_question(message)
        if not question.strip():
            yield render_messages(records, lang), records, records, ""
            return
        # The advisor resolves a follow-up from the turns it answered; refused messages
        # are shown but were never part of its conversation.
        conversation = Conversation.from_records(answered(records), id=conversation_id or None)
        before = len(conversation.turns)
        # The advisor checks and cleans the message; the page keeps a safe, bounded copy,
        # so a refused 100,000-character paste is not stored in the browser.
        shown = shown_question(question, self.settings.max_question_chars) or "…"
        record = turn_record(Turn(message=shown, resolved_question=shown, language=lang))
        records.append(record)
        yield render_messages(records, lang), records, records, ""
        shown_at = time.monotonic()
        try:
            for event in self.advisor.stream(question, conversation=conversation):
                if event.kind == "understood":
                    record["resolved_question"] = event.text
                elif event.kind == "sources":
                    record["sources"] = [s.to_dict() for s in event.sources]
                elif event.kind == "token":
                    record["answer"] += event.text
                    if record["answer"] != event.text and time.monotonic() - shown_at < STREAM_INTERVAL_S:
                        continue  # shown with the next update: the page need not redraw per token
                elif event.kind == "retract":
                    record["answer"] = event.text
                elif event.kind == "done" and len(conversation.turns) > before:
                    # The finished turn, as the advisor added it: resolved question,
                    # sources with their highlights, suggestions.
                    record.update(turn_record(conversation.turns[-1]))
                shown_at = time.monotonic()
                yield render_messages(records, lang), records, records, ""
        except Exception as exc:  # one failed answer must not break the page
            # Its message becomes the answer, escaped as any answer; a defect's traceback is logged.
            log.warning("answer failed: %s", exc, exc_info=not isinstance(exc, AdvisorError))
            record.update(answer=str(exc) or type(exc).__name__, error=True)
            yield render_messages(records, lang), records, records, ""

    @staticmethod
    def suggestions(turns: list | None) -> list[str]:
        """The advisor's suggested next questions under the latest answer."""
        records = turn_records(turns)
        if not records or records[-1]["error"]:
            return []
        return [s for s in records[-1]["suggestions"] if s.strip()][:SUGGESTION_SLOTS]

    @staticmethod
    def new_conversation_id() -> str:
        return uuid.uuid4().hex

    def conversation_id(self, stored: str | None) -> str:
        """The conversation kept in this browser goes on under its id; a new one gets one."""
        stored = stored if isinstance(stored, str) else ""
        return stored if re.fullmatch(r"[0-9a-f]{32}", stored) else self.new_conversation_id()

    def new_chat(self) -> tuple[list, list, list, str]:
        """An empty conversation (chatbot, session turns, stored turns) and its new id."""
        return [], [], [], self.new_conversation_id()

    def restore(self, stored: list | None, stored_lang: str | None) -> tuple:
        """The conversation kept in this browser, shown again after a reload."""
        lang = stored_lang if stored_lang in ("zh", "en") else self.settings.ui_language
        records = turn_records(stored)
        return render_messages(records, lang), records, lang

    # --- feedback and export --------------------------------------------------------------
    def rate(self, turns: list | None, message_index, liked, note: str, lang: str,
             conversation_id: str | None) -> tuple[str, int | None]:
        """Store 👍 (``liked`` True) or 👎 (False, with the remark in ``note``) on the answer
        shown at chatbot message ``message_index``; returns (confirmation, the rated turn)."""
        if liked not in (True, False):  # a thumb taken back: what was stored stays
            return "", None
        records = turn_records(turns)
        number = record_of_message(records, message_index)
        if number is None or records[number]["error"]:
            return label(lang, "feedback_nothing"), None
        note = (note or "").strip() if liked is False else ""
        problem = self._store_feedback("up" if liked else "down", records[number], note, conversation_id)
        if problem:
            return label(lang, "feedback_failed", reason=problem), None
        if liked:
            return label(lang, "feedback_up"), number
        return label(lang, "feedback_down_noted" if note else "feedback_down"), number

    def send_note(self, turns: list | None, rated: int | None, note: str, lang: str,
                  conversation_id: str | None) -> tuple[str, str]:
        """Record a 👎 with the remark ``note`` on the turn last rated (or else the latest
        answer); returns (confirmation, the note box's new text)."""
        note = (note or "").strip()
        if not note:
            return label(lang, "feedback_no_note"), ""
        records = turn_records(turns)
        numbers = [i for i, r in enumerate(records) if not r["error"]]
        if isinstance(rated, int) and rated in numbers:
            number = rated
        elif numbers:
            number = numbers[-1]
        else:
            return label(lang, "feedback_nothing"), note
        problem = self._store_feedback("down", records[number], note, conversation_id)
        if problem:
            return label(lang, "feedback_failed", reason=problem), note
        return label(lang, "feedback_note"), ""

    def _store_feedback(self, rating: str, record: dict, note: str, conversation_id: str | None) -> str:
        """Why the rating was not stored, ready to show; empty once it is stored."""
        try:
            self.advisor.feedback().add(rating, record["message"], record["resolved_question"], record["answer"],
                                        record["sources"], note=note, language=record["language"],
                                        conversation_id=conversation_id or None)
        except AdvisorError as exc:
            log.warning("feedback not stored: %s", exc)
            return problem_text(exc)
        return ""

    def export_file(self, turns: list | None, lang: str, conversation_id: str | None) -> str | None:
        """The conversation as a Markdown file to download (None while it is empty)."""
        from advisor.conversation.export import conversation_markdown
        from advisor.conversation.state import Conversation

        records = answered(turn_records(turns))
        if not records:
            return None
        conversation = Conversation.from_records(records, id=conversation_id or None)
        text = conversation_markdown(conversation, lang if lang in ("zh", "en") else "zh")
        if self._export_dir is None:
            self._export_dir = Path(tempfile.mkdtemp(prefix="advisor-conversations-"))
        # One folder per conversation, so the file keeps a plain name for the download.
        folder = self._export_dir / (re.sub(r"[^0-9a-f]", "", conversation.id)[:32] or "conversation")
        folder.mkdir(exist_ok=True)
        path = folder / f"conversation-{date.today().isoformat()}.md"
        path.write_text(text, encoding="utf-8")
        return str(path)

    # --- diagnosis ------------------------------------------------------------------------
    def diagnose_form(self, company: str, lang: str, *fields) -> tuple:
        """Diagnose from the questionnaire form: one answer per question, then the numbers
        of the questions that take one, in questionnaire order."""
        questions = self.advisor.questionnaire.questions
        values = list(fields[: len(questions)])
        numbers = iter(fields[len(questions):])
        answers: dict = {}
        bad_figures: list[str] = []
        for question, value in zip(questions, values):
            entry: dict = {"answer": value or "unknown"}
            if question.number is not None:
                raw = next(numbers, None)
                text = "" if raw is None else str(raw).strip().rstrip("%").strip()
                if text and entry["answer"] != "unknown":
                    try:
                        entry["number"] = float(text)
                    except ValueError:
                        bad_figures.append(f"{question.id}: '{raw}' is not a number")
            answers[question.id] = entry
        company = self._company(company, lang)
        if bad_figures:
            from advisor.diagnosis import AnswerError

            return self._failed(problem_text(AnswerError(bad_figures)), company, lang)
        return self._diagnosis(company, lang, lambda: self.advisor.assess(answers, company=company))

    def diagnose_profile(self, company: str, profile: str, lang: str) -> tuple:
        """Diagnose from a free-text description (the model reads it)."""
        company = self._company(company, lang)
        if not (profile or "").strip():
            return self._failed(label(lang, "no_profile"), company, lang)
        # A missing model file or an unreachable chat server is told, not raised.
        return self._diagnosis(company, lang, lambda: self.advisor.assess_profile(profile, company=company))

    def history_markdown(self, company: str | None, lang: str) -> str:
        """Earlier assessments (of ``company``, or all), and what changed since the one before."""
        try:
            store = self.advisor.history()
            rows = store.assessments(company or None)
            change = store.diff(rows[-2].id, rows[-1].id) if company and len(rows) >= 2 else None
        except AdvisorError as exc:  # a damaged history file: the page says which and goes on
            return error_card(problem_text(exc), lang)
        return diagnosis_view.history_markdown(rows, change, lambda qid: self._question_text(qid, lang), lang)

    def _question_text(self, question_id: str, lang: str) -> str:
        try:
            text = self.advisor.questionnaire.question(question_id).text
        except KeyError:
            return question_id
        return text.zh if lang == "zh" else text.en

    @staticmethod
    def _company(company: str | None, lang: str) -> str:
        return " ".join((company or "").split())[:120] or label(lang, "company_default")

    def _diagnosis(self, company: str, lang: str, assess) -> tuple:
        """What the diagnosis tab shows for ``assess()``: its result, or the problem instead."""
        try:
            assessment = assess()
        except AdvisorError as exc:
            return self._failed(problem_text(exc), company, lang)
        folder = Path(tempfile.mkdtemp(prefix="advisor-report-"))
        name = f"assessment-{assessment.history_id or 'draft'}.md"
        report, chart = self.advisor.write_report(assessment, folder / name, company, date.today(), lang)
        view = assessment_view(assessment, lang)
        return (diagnosis_view.result_card(view), diagnosis_view.roadmap_markdown(view), str(chart), str(report),
                self.history_markdown(company, lang))

    def _failed(self, problem: str, company: str, lang: str) -> tuple:
        return error_card(problem, lang), "", None, None, self.history_markdown(company, lang)

    # --- knowledge ------------------------------------------------------------------------
    def documents_table(self, lang: str) -> list[list]:
        """The documents in the index: name, passages, built-in or company."""
        return [[doc.source, doc.passages, label(lang, "built_in" if doc.built_in else "company_doc")]
                for doc in self.advisor.documents()]

    def add_documents(self, files, lang: str, progress=None) -> tuple[str, list[list]]:
        """Check the uploaded files' type and size, then add them all or none."""
        paths = [Path(getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return label(lang, "no_files"), self.documents_table(lang)
        allowed = " ".join(sorted(SUPPORTED_SUFFIXES))
        limit_mb = MAX_DOCUMENT_BYTES // (1024 * 1024)
        for path in paths:
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                reason = label(lang, "bad_type", name=path.name, allowed=allowed)
                return label(lang, "nothing_added", reason=escape_text(reason)), self.documents_table(lang)
            try:
                size = path.stat().st_size if path.is_file() else 0
            except (OSError, ValueError):  # NUL in the name, a name too long: the advisor says
                size = 0
            if size > MAX_DOCUMENT_BYTES:
                reason = label(lang, "too_big", name=path.name, size=size / 1024 / 1024, mb=limit_mb)
                return label(lang, "nothing_added", reason=escape_text(reason)), self.documents_table(lang)
        try:
            build = self.advisor.add_documents(paths, progress=_progress_callback(progress))
        except AdvisorError as exc:
            return label(lang, "nothing_added", reason=problem_text(exc)), self.documents_table(lang)
        message = label(lang, "added", n=len(paths), passages=build.passages, embedded=build.embedded,
                        reused=build.reused)
        return message, self.documents_table(lang)

    def rebuild_index(self, lang: str, progress=None) -> tuple[str, list[list]]:
        """Re-embed every passage and rebuild the index, reporting progress."""
        build = self.advisor.rebuild_index(progress=_progress_callback(progress), force=True)
        return label(lang, "reindexed", passages=build.passages, seconds=build.seconds), self.documents_table(lang)

    # --- about ----------------------------------------------------------------------------
    def about_markdown(self, lang: str) -> str:
        """The model and embedding in use, the data directory and the offline switches."""
        from advisor.doctor import check_offline

        offline = check_offline()
        models = self.advisor.describe()
        rows = [
            (label(lang, "about_model"), models["model"]),
            (label(lang, "about_model_file"), str(self.settings.model_path)),
            (label(lang, "about_embedding"), models["embedding"]),
            (label(lang, "about_data"), str(self.settings.data_dir)),
            (label(lang, "about_address"), f"{self.settings.host}:{self.settings.port}"),
            (label(lang, "about_offline"),
             f"{label(lang, 'ok') if offline.ok else label(lang, 'problem')}: {offline.detail}"),
        ]
        return "\n".join(f"- **{name}**: {md_text(value)}" for name, value in rows)


def problem_text(exc: AdvisorError) -> str:
    """How the page tells a problem the user can fix: its message, escaped, never a traceback."""
    return escape_text(str(exc))


def error_card(problem: str, lang: str) -> str:
    """A diagnosis panel's text in place of its result: ``problem``, already escaped."""
    return f"**{label(lang, 'error')}**: {problem}"


def _progress_callback(progress):
    """The advisor's ``(stage, done, total)`` callback, drawn on a Gradio progress bar."""
    if progress is None:
        return None

    def report(stage: str, done: int, total: int) -> None:
        progress((done, total) if total else None, desc=stage)

    return report
