"""The conversation set through the real `advisor chat --json`, as a user would script it.

All conversations of the chosen part go to one `advisor chat --json` process, one message
per line and `/new` between conversations; each final turn is scored as `advisor eval`
scores it. Prints one row per conversation and the share of final turns correct.

    .venv/bin/python scripts/chat-conversations.py --split sealed
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click


@click.command()
@click.option("--split", type=click.Choice(["sealed", "tuning", "all"]), default="sealed", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the rows as JSON to FILE.")
def main(split: str, out: Path | None) -> None:
    from advisor.conversation.evalset import final_turn_ok, load_conversations
    from advisor.evaluation import DEFAULT_CONVERSATIONS

    cases = [c for c in load_conversations(DEFAULT_CONVERSATIONS) if split in ("all", c.split)]
    script = "\n/new\n".join("\n".join(c.turns) for c in cases) + "\n"
    advisor = Path(sys.executable).with_name("advisor")
    # The model's own answers are scored: a repeated question is not taken from the cache.
    done = subprocess.run([str(advisor), "chat", "--json", "--answer-cache", "false"], input=script,
                          capture_output=True, text=True, check=True)
    turns = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    rows, at = [], 0
    for case in cases:
        final = turns[at + len(case.turns) - 1]
        at += len(case.turns)
        assert final["question"] == case.final_turn, (final["question"], case.final_turn)
        cited = [s["stage"] for s in final["sources"] if s["cited"]]
        ok, reasons = final_turn_ok(case, final["resolved_question"], final["answer"], cited, final["refused"])
        rows.append({"id": case.id, "split": case.split, "kind": case.kind, "turns": case.turns,
                     "resolved": final["resolved_question"], "ok": ok, "reasons": reasons,
                     "answer": final["answer"]})
        click.echo(f"{'ok ' if ok else 'BAD'} {case.id:24s} {case.split:6s} {final['resolved_question']}"
                   f"{'  ' + '; '.join(reasons) if reasons else ''}")
    correct = sum(r["ok"] for r in rows)
    click.echo(f"\n{correct}/{len(rows)} final turns correct ({correct / len(rows):.3f}), part: {split}")
    if out is not None:
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
