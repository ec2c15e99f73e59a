"""What the page's events do: parse what the browser sends, call the advisor, render the result.

No retrieval, scoring or planning happens here; every decision is the advisor's. What the
advisor returns (model output, passages, document names, company names) is escaped before
it reaches a Markdown component or the chatbot, so HTML or script in it is shown as text.
"""

from __future__ import annotations

import html
import logging
import re
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from advisor.diagnosis.report import md_text
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES, DocumentError
from ui.labels import label

log = logging.getLogger(__name__)

ANSWER_CHOICES = ("yes", "partly", "no", "unknown")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>$])")


def escape_text(text: str) -> str:
    """``text`` shown as written: HTML escaped and Markdown markup made inert, one
    Markdown line per line of text (the chatbot keeps the line breaks)."""
    lines = []
    for line in str(text).splitlines():
        escaped = html.escape(line, quote=False)
        # html.escape has turned < > & into entities; backslash what Markdown would read.
        lines.append(_MARKDOWN_SPECIAL.sub(r"\\\1", escaped))
    return "\n".join(lines)


# --- chat ---------------------------------------------------------------------------------
def sources_markdown(sources: Sequence[dict], lang: str) -> str:
    """The passages under an answer: label, score, whether cited, and the original text."""
    blocks = []
    for s in sources:
        mark = f" · ✓ {label(lang, 'cited')}" if s.get("cited") else ""
        blocks.append(f"**{md_text(s['label'])}** · {label(lang, 'score')} {s['score']:.3f}{mark}\n\n"
                      f"> {md_text(s['text'])}")
    return "\n\n".join(blocks)


def render_messages(turns: Sequence[dict], lang: str) -> list[dict]:
    """The conversation as chatbot messages; each answer is followed by its sources."""
    messages: list[dict] = []
    for turn in turns or []:
        messages.append({"role": "user", "content": escape_text(turn.get("question", ""))})
        answer = turn.get("answer", "")
        if turn.get("error"):
            answer = f"{label(lang, 'error')}: {answer}"
        messages.append({"role": "assistant", "content": escape_text(answer) or "…"})
        sources = turn.get("sources") or []
        if sources:
            cited = [s["label"] for s in sources if s.get("cited")]
            title = f"{label(lang, 'sources')} ({len(sources)})"
            if cited:
                title += ": " + " ".join(dict.fromkeys(cited))
            messages.append({"role": "assistant", "content": sources_markdown(sources, lang),
                             "metadata": {"title": escape_text(title), "status": "done"}})
    return messages


class Handlers:
    """The page's event handlers, bound to one advisor."""

    def __init__(self, advisor, settings):
        self.advisor = advisor
        self.settings = settings

    # --- chat -----------------------------------------------------------------------------
    def respond(self, message: str, turns: list | None, lang: str) -> Iterator[tuple]:
        """Stream the answer to ``message``; yields (chatbot messages, turns, turns, textbox)."""
        from advisor.answering.question import decode_question, shown_question

        turns = [dict(t) for t in (turns or []) if isinstance(t, dict)]
        question = decode_question(message)
        if not question.strip():
            yield render_messages(turns, lang), turns, turns, ""
            return
        # The advisor checks and cleans the question; the conversation keeps a safe,
        # bounded copy, so a refused 100,000-character paste is not stored in the browser.
        shown = shown_question(question, self.settings.max_question_chars) or "…"
        turn = {"question": shown, "answer": "", "sources": [], "error": False}
        turns.append(turn)
        yield render_messages(turns, lang), turns, turns, ""
        try:
            for event in self.advisor.stream(question):
                if event.kind == "sources":
                    turn["sources"] = [s.to_dict() for s in event.sources]
                    continue
                if event.kind == "token":
                    turn["answer"] += event.text
                elif event.kind == "retract":
                    turn["answer"] = event.text
                elif event.kind == "done":
                    answer = event.answer
                    turn.update(answer=answer.answer, refused=answer.refused,
                                sources=[s.to_dict() for s in answer.sources],
                                first_token_s=answer.timings.get("first_token_s"))
                yield render_messages(turns, lang), turns, turns, ""
        except Exception as exc:  # one failed answer must not break the page
            log.warning("answer failed: %s", exc, exc_info=not _expected(exc))
            turn.update(answer=str(exc) or type(exc).__name__, error=True)
            yield render_messages(turns, lang), turns, turns, ""

    def new_chat(self) -> tuple[list, list, list]:
        """An empty conversation (chatbot, session turns, stored turns)."""
        return [], [], []

    def restore(self, stored: list | None, stored_lang: str | None) -> tuple:
        """The conversation kept in this browser, shown again after a reload."""
        lang = stored_lang if stored_lang in ("zh", "en") else self.settings.ui_language
        turns = [t for t in (stored or []) if isinstance(t, dict) and "question" in t]
        return render_messages(turns, lang), turns, lang

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
        from advisor.diagnosis import AnswerError

        company = self._company(company, lang)
        if bad_figures:
            return self._failed(AnswerError(bad_figures), company, lang)
        try:
            assessment = self.advisor.assess(answers, company=company)
        except AnswerError as exc:
            return self._failed(exc, company, lang)
        return self._result(assessment, company, lang)

    def diagnose_profile(self, company: str, profile: str, lang: str) -> tuple:
        """Diagnose from a free-text description (the model reads it)."""
        from advisor.diagnosis import AnswerError
        from advisor.diagnosis.extraction import ProfileError
        from advisor.llm.llamacpp import ModelNotAvailable

        company = self._company(company, lang)
        if not (profile or "").strip():
            return self._failed(label(lang, "no_profile"), company, lang)
        try:
            assessment = self.advisor.assess_profile(profile, company=company)
        except (AnswerError, ProfileError, ModelNotAvailable) as exc:
            # A missing model file or an unreachable chat server is told, not raised.
            return self._failed(exc, company, lang)
        return self._result(assessment, company, lang)

    def history_markdown(self, company: str | None, lang: str) -> str:
        """Earlier assessments (of ``company``, or all), and what changed since the one before."""
        store = self.advisor.history()
        rows = store.assessments(company or None)
        if not rows:
            return label(lang, "no_history")
        lines = [f"| # | {label(lang, 'company')} | 📅 | {label(lang, 'stage')} | {label(lang, 'confidence')} |",
                 "|---|---|---|---|---|"]
        for a in rows[-20:]:
            lines.append(f"| {a.id} | {md_text(a.company)} | {a.on.isoformat()} | {a.stage} | {a.confidence:.2f} |")
        if company and len(rows) >= 2:
            change = store.diff(rows[-2].id, rows[-1].id)
            lines += ["", f"**{label(lang, 'changes')}** (#{change.earlier.id} → #{change.later.id}): "
                          f"{label(lang, 'stage_change')} {change.stage_change:+d}, "
                          f"{label(lang, 'confidence_change')} {change.confidence_change:+.2f}"]
            if change.criteria:
                lines += ["", f"{label(lang, 'changed_criteria')}:"]
            for c in change.criteria:
                before = (c.before or {}).get("answer", "unknown")
                after = (c.after or {}).get("answer", "unknown")
                lines.append(f"- {md_text(self._question_text(c.id, lang))}: {before} → {after}"
                             f" ({label(lang, 'met') if c.met_after else label(lang, 'not_met')})")
        return "\n".join(lines)

    def _question_text(self, question_id: str, lang: str) -> str:
        try:
            text = self.advisor.questionnaire.question(question_id).text
        except KeyError:
            return question_id
        return text.zh if lang == "zh" else text.en

    @staticmethod
    def _company(company: str | None, lang: str) -> str:
        return " ".join((company or "").split())[:120] or label(lang, "company_default")

    def _failed(self, problem, company: str, lang: str) -> tuple:
        card = f"**{label(lang, 'error')}**: {escape_text(str(problem))}"
        return card, "", None, None, self.history_markdown(company, lang)

    def _result(self, assessment, company: str, lang: str) -> tuple:
        from advisor.diagnosis.report import write_report

        folder = Path(tempfile.mkdtemp(prefix="advisor-report-"))
        name = f"assessment-{assessment.history_id or 'draft'}.md"
        report, chart = write_report(self.advisor.stage_book, assessment.roadmap, folder / name,
                                     company, date.today(), lang)
        data = assessment.to_dict()
        return (result_card(data, lang), roadmap_markdown(data, lang), str(chart), str(report),
                self.history_markdown(company, lang))

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
        except DocumentError as exc:
            return label(lang, "nothing_added", reason=escape_text(str(exc))), self.documents_table(lang)
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
        embeddings = self.advisor.embeddings
        rows = [
            (label(lang, "about_model"), self.advisor.chain.model_name),
            (label(lang, "about_model_file"), str(self.settings.model_path)),
            (label(lang, "about_embedding"), getattr(embeddings, "name", None) or type(embeddings).__name__),
            (label(lang, "about_data"), str(self.settings.data_dir)),
            (label(lang, "about_address"), f"{self.settings.host}:{self.settings.port}"),
            (label(lang, "about_offline"),
             f"{label(lang, 'ok') if offline.ok else label(lang, 'problem')}: {offline.detail}"),
        ]
        return "\n".join(f"- **{name}**: {md_text(value)}" for name, value in rows)


def _expected(exc: Exception) -> bool:
    from advisor.answering.question import QuestionError

    return isinstance(exc, (QuestionError, DocumentError))


def _progress_callback(progress):
    """The advisor's ``(stage, done, total)`` callback, drawn on a Gradio progress bar."""
    if progress is None:
        return None

    def report(stage: str, done: int, total: int) -> None:
        progress((done, total) if total else None, desc=stage)

    return report


# --- the diagnosis, rendered -----------------------------------------------------------
def result_card(data: dict, lang: str) -> str:
    """Stage, confidence, evidence, unknowns and gates, every item with its source."""
    def t(item: dict) -> str:
        return md_text(item[lang])

    out = [f"### {label(lang, 'stage')} {data['stage']}: {t(data['stage_title'])}",
           f"{label(lang, 'confidence')}: **{data['confidence']:.2f}**", "",
           f"#### {label(lang, 'evidence')}"]
    for e in data["evidence"]:
        status = label(lang, "met") if e.get("met") else label(lang, "not_met")
        figure = f", {e['number']:g}" if e.get("number") is not None else ""
        out.append(f"- [{status}] {t(e['question'])} — {md_text(e['answer'])}{figure} {md_text(e['source'])}")
    if not data["evidence"]:
        out.append(f"- {label(lang, 'none')}")
    out += ["", f"#### {label(lang, 'unknown')}"]
    out += [f"- {t(u['ask'])} {md_text(u['source'])}" for u in data["unknown"]] or [f"- {label(lang, 'none')}"]
    out += ["", f"#### {label(lang, 'gates')}"]
    gates = data.get("gates") or []
    for g in gates:
        sources = " ".join(md_text(s.get("label", "")) for s in g.get("sources", []))
        out.append(f"- **{t(g['title'])}**: {t(g['advice'])} {sources}")
    if not gates:
        out.append(f"- {label(lang, 'none')}")
    return "\n".join(out)


def roadmap_markdown(data: dict, lang: str) -> str:
    """Next steps, KPIs, duration, milestones and budget, each with its source."""
    def step(item: dict) -> str:
        return f"- {md_text(item[lang])} {md_text(item['source'])}"

    out = [f"#### {label(lang, 'next_steps')}"] + [step(s) for s in data["next_steps"]]
    out += ["", f"#### {label(lang, 'kpis')}"]
    for k in data["kpis"]:
        name = k["name"][lang] if isinstance(k["name"], dict) else (k.get("name_zh", k["name"]) if lang == "zh" else k["name"])
        out.append(f"- {md_text(name)}: {md_text(k.get('target') or '-')} {md_text(k['source'])}")
    out += ["", f"#### {label(lang, 'duration')}", step(data["duration"])]
    out += ["", f"#### {label(lang, 'timeline')}"]
    for m in data["timeline"]:
        month = label(lang, "month", m=f"{m['month']:g}")
        out.append(f"- {month}: {md_text(m[lang])} {md_text(m['source'])}")
    if data.get("budget"):
        out += ["", f"#### {label(lang, 'budget')}", step(data["budget"])]
    return "\n".join(out)
