"""``advisor assess``, ``advisor report`` and ``advisor history``: the stage diagnosis."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from advisor.cli.common import batch_item
from advisor.cli.options import settings_options
from advisor.errors import AdvisorError

ANSWER_KEYS = {"y": "yes", "yes": "yes", "是": "yes", "p": "partly", "partly": "partly", "部分": "partly",
               "n": "no", "no": "no", "否": "no", "?": "unknown", "u": "unknown", "": "unknown",
               "unknown": "unknown", "不知道": "unknown"}


def print_assessment(assessment, lang: str) -> None:
    """The assessment as text: the stage, the evidence, what is still unknown, what to hold
    back, and the plan; every item with its source."""
    from advisor.diagnosis.view import assessment_view

    view = assessment_view(assessment, lang)
    click.echo(f"\nStage {view.stage}: {view.stage_title}   (confidence {view.confidence:.2f})")
    if view.to_ask:
        from advisor.diagnosis.words import word

        click.echo(word(lang, "to_settle"))
        for number, row in enumerate(view.to_ask, 1):
            click.echo(f"  {number}. {row.text}  {row.source}")
    met = [e for e in view.evidence if e.met]
    unmet = [e for e in view.evidence if not e.met]
    for heading, rows in (("Met", met), ("Not yet met", unmet)):
        if rows:
            click.echo(f"\n{heading}:")
            for row in rows:
                click.echo(f"  - {row.question}  {row.source}")
    if view.unknown:
        click.echo("\nStill unknown (answer these next):")
        for row in view.unknown:
            click.echo(f"  - {row.text}")
    if view.gates:
        click.echo("\nNot yet:")
        for gate in view.gates:
            click.echo(f"  - {gate.title}: {gate.advice}  {' '.join(gate.sources)}")
    click.echo("\nNext steps:")
    for step in view.next_steps:
        click.echo(f"  - {step.text}  {step.source}")
    click.echo("\nKPIs:")
    for kpi in view.kpis:
        click.echo(f"  - {kpi.name}: {kpi.target or '-'}  {kpi.source}")
    if view.budget:
        click.echo(f"\nBudget: {view.budget.text}  {view.budget.source}")
    click.echo("\nTimeline:")
    for milestone in view.timeline:
        click.echo(f"  month {milestone.month:>4}: {milestone.title}")
    if view.history_id is not None:
        click.echo(f"\nSaved as assessment #{view.history_id}. Write a report: advisor report --out report.md")


def _interactive_answers(advisor, lang: str) -> dict:
    click.echo("Answer each question: y = yes, p = partly, n = no, ? = don't know.\n")
    answers = {}
    for question in advisor.questionnaire.questions:
        text = question.text.zh if lang == "zh" else question.text.en
        while True:
            raw = click.prompt(f"[stage {question.stage}] {text}", default="?", show_default=False)
            value = ANSWER_KEYS.get(raw.strip().lower())
            if value:
                break
            click.echo("  Please answer y, p, n or ?.")
        entry: dict = {"answer": value}
        if question.number is not None and value != "unknown":
            figure = click.prompt(f"  measured figure ({question.number.unit}), Enter to skip",
                                  default="", show_default=False)
            if figure.strip():
                try:
                    entry["number"] = float(figure)
                except ValueError:
                    click.echo("  Not a number; skipped.")
        answers[question.id] = entry
    return answers


@click.command()
@click.option("--answers", "answers_file", type=click.File("r", encoding="utf-8"), default=None,
              help="Questionnaire answers as JSON: {question_id: 'yes'|'partly'|'no'|'unknown' "
                   "or {'answer': ..., 'number': ...}}.")
@click.option("--profile", default=None, help="A free-text description of how the company uses AI.")
@click.option("--batch", type=click.File("r", encoding="utf-8"), default=None,
              help="One profile per line of FILE ('-' for stdin); one JSON object per line.")
@click.option("--company", default=None, help="Company name; the assessment is saved to the history.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", help="Language of the printout.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--list-questions", is_flag=True, help="Print the questionnaire as JSON and exit.")
@settings_options
@click.pass_obj
def assess(make_advisor, answers_file, profile, batch, company, lang, as_json, list_questions, settings) -> None:
    """Diagnose which of the five stages the company is in, and plan the next one."""
    from advisor.diagnosis import AnswerError

    if sum(x is not None for x in (answers_file, profile, batch)) > 1:
        raise click.UsageError("Give at most one of --answers, --profile and --batch.")
    advisor = make_advisor(settings)
    if list_questions:
        click.echo(json.dumps([q.to_dict() for q in advisor.questionnaire.questions], ensure_ascii=False, indent=1))
        return
    if batch is not None:
        for line in batch:
            text = line.rstrip("\n")
            result = batch_item(lambda: advisor.assess_profile(text, company=company).to_dict(), profile=text)
            click.echo(json.dumps(result, ensure_ascii=False))
            sys.stdout.flush()
        return
    if profile is not None:
        def show(extracted):
            if not as_json:
                click.echo(f"  {extracted.question_id}: {extracted.answer}", err=True)
        assessment = advisor.assess_profile(profile, company=company, on_answer=show)
    elif answers_file is not None:
        try:
            raw = json.load(answers_file)
        except json.JSONDecodeError as exc:
            raise AnswerError([f"the answers file is not valid JSON: {exc}"]) from exc
        if not isinstance(raw, dict):
            raise AnswerError(["the answers file must hold a JSON object {question_id: answer}"])
        assessment = advisor.assess(raw, company=company)
    else:
        name = company or click.prompt("Company name", default="My company")
        assessment = advisor.assess(_interactive_answers(advisor, lang), company=name)
    if as_json:
        click.echo(json.dumps(assessment.to_dict(), ensure_ascii=False))
    else:
        print_assessment(assessment, lang)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The Markdown file to write.")
@click.option("--id", "assessment_id", type=int, default=None, help="Assessment number (default: the latest).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the report.")
@settings_options
@click.pass_obj
def report(make_advisor, out: Path, assessment_id, lang, settings) -> None:
    """Write a saved assessment as a Markdown report with an SVG stage chart beside it."""
    advisor = make_advisor(settings)
    history = advisor.history()
    saved = history.assessments()
    if not saved:
        raise AdvisorError("no saved assessment yet. Run 'advisor assess --company NAME' first.")
    chosen = history.get(assessment_id) if assessment_id else saved[-1]
    md, svg = advisor.write_report(advisor.assess(chosen.answers), out, chosen.company, chosen.on, lang)
    click.echo(f"Wrote {md} and {svg}")


@click.command()
@click.option("--company", default=None, help="Only this company.")
@click.option("--diff", nargs=2, type=int, default=None, metavar="A B", help="What changed from assessment A to B.")
@click.option("--check-in", nargs=2, default=None, metavar="KPI VALUE",
              help="Record a measured KPI value (needs --company), e.g. --check-in personal_efficiency 12.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
@click.pass_obj
def history(make_advisor, company, diff, check_in, as_json, settings) -> None:
    """List saved assessments, compare two, or record KPI check-ins."""
    store = make_advisor(settings).history()
    if check_in:
        if not company:
            raise click.UsageError("--check-in needs --company.")
        try:
            value = float(check_in[1])
        except ValueError:
            raise click.UsageError(f"'{check_in[1]}' is not a number.") from None
        store.check_in(company, date.today(), check_in[0], value)
    if diff:
        change = store.diff(*diff)
        click.echo(json.dumps(change.to_dict(), ensure_ascii=False, indent=None if as_json else 1))
        return
    rows = store.assessments(company)
    if as_json:
        click.echo(json.dumps([{"id": a.id, "company": a.company, "date": a.on.isoformat(),
                                "stage": a.stage, "confidence": a.confidence} for a in rows],
                              ensure_ascii=False))
    else:
        for a in rows:
            click.echo(f"#{a.id:<4d} {a.on.isoformat()}  {a.company:30s} stage {a.stage}  "
                       f"(confidence {a.confidence:.2f})")
        if not rows:
            click.echo("No assessments yet. Run 'advisor assess --company NAME'.")
    if company:
        for progress in store.kpi_progress(company):
            click.echo(f"  KPI {progress.kpi_id}: {progress.value} -> {progress.status}")
