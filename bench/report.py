"""The report: headline numbers, the targets they are held to, the tables and the JSON.

Everything here is pure (results dict in, rows or text out), so it is unit-tested
without a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bench.stats import median, present

MET, MISSED, NOT_MEASURED = "met", "missed", "not measured"


@dataclass(frozen=True)
class Target:
    """A headline number and the bound it must stay within."""

    key: str
    label: str
    limit: float
    higher_is_better: bool = False

    def check(self, value: float | None) -> str:
        if value is None:
            return NOT_MEASURED
        ok = value >= self.limit if self.higher_is_better else value <= self.limit
        return MET if ok else MISSED

    def describe(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        return f"{sign} {fmt(self.key, self.limit)}"


TARGETS = (
    Target("warm_first_token_median_s", "Warm time to first token, chain (median)", 2.0),
    Target("decode_ratio_median", "Decode speed, chain / raw (median)", 0.95, higher_is_better=True),
    Target("oneoff_first_token_median_s", "One-off ask: process start → first token, prefix saved (median)", 8.0),
    Target("retrieval_p90_ms", "Retrieval, p90", 50.0),
    Target("oneoff_peak_rss_max_mb", "One-off ask: peak RSS (max)", 2000.0),
    Target("followup_overhead_median_s", "Follow-up vs the same question standalone, first token (median)", 0.3),
    Target("repeat_median_s", "A repeated question, answered from the cache (median)", 0.3),
    Target("diagnosis_median_s", "Diagnosis of a company description (median)", 15.0),
)
TARGET_BY_KEY = {t.key: t for t in TARGETS}
# Without AVX-512 llama.cpp reads a prompt about three times slower: such a CPU (most
# office PCs) is held to its own first-token target.
AVX2_FIRST_TOKEN_S = 3.0


def targets_for(cpu_flags: Sequence[str] | None = None) -> tuple[Target, ...]:
    """The targets for a CPU with ``cpu_flags`` (None: the AVX-512 machine's)."""
    if cpu_flags is None or "avx512f" in cpu_flags:
        return TARGETS
    return tuple(replace(t, label=f"{t.label}, AVX2-only CPU", limit=AVX2_FIRST_TOKEN_S)
                 if t.key == "warm_first_token_median_s" else t for t in TARGETS)

# Headline numbers without a target, shown for context (key, label), in table order.
CONTEXT = (
    ("raw_first_token_median_s", "Warm time to first token, raw (median)"),
    ("chain_decode_median_tps", "Decode tokens/s, chain (median)"),
    ("raw_decode_median_tps", "Decode tokens/s, raw (median)"),
    ("chain_total_median_s", "Total time, chain (median)"),
    ("raw_total_median_s", "Total time, raw (median)"),
    ("retrieval_p50_ms", "Retrieval, p50"),
    ("index_fresh_s", "Index build, fresh"),
    ("index_unchanged_s", "Index rebuild, unchanged"),
    ("oneoff_process_median_s", "One-off ask: whole process (median)"),
    ("oneoff_cold_first_token_median_s", "One-off ask: start → first token, prefix not saved (median)"),
    ("followup_resolve_median_ms", "Follow-up resolved by rules (median)"),
    ("evidence_first_median_s", "The article's sentence shown, warm (median)"),
    ("new_prompt_tokens_median", "Prompt tokens read per question beyond the cached start (median)"),
    ("diagnosis_max_s", "Diagnosis of a company description (slowest)"),
    ("diagnosis_model_calls_median", "Diagnosis: model calls per description (median)"),
)
LABELS = {**{t.key: t.label for t in TARGETS}, **dict(CONTEXT)}


def fmt(key: str, value: float | None) -> str:
    """A headline number with its unit, from the unit its key ends in."""
    if value is None:
        return "—"
    if key.startswith("decode_ratio"):
        return f"{value * 100:.1f}%"
    if key.endswith("_ms"):
        return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms"
    if key.endswith("_mb"):
        return f"{value:,.0f} MB"
    if key.endswith("_tps"):
        return f"{value:.2f} tok/s"
    if key.endswith("_s"):
        return f"{value:.3f} s" if value < 0.1 else f"{value:.2f} s"
    return f"{value}"


def _pick(rows: Sequence[dict | None], side: str | None, key: str) -> list[float]:
    values = []
    for row in rows:
        part = row if side is None else (row or {}).get(side)
        if part:
            values.append(part.get(key))
    return present(values)


def _max(values: list[float]) -> float | None:
    return max(values) if values else None


def summarize(results: dict) -> dict:
    """The headline numbers of a run (``None`` for what was not measured)."""
    rows = [r for r in results.get("raw_vs_chain", {}).get("questions", [])
            if r["chain"].get("generated_tokens")]  # answered by the model, not declined
    retrieval = results.get("retrieval") or {}
    index = results.get("index") or {}
    runs = [r for r in (results.get("oneoff") or {}).get("runs", []) if r.get("exit_code") == 0]
    # The target is for an ask on a machine where the prompt prefix is saved; a run that
    # had to evaluate it is reported on its own line.
    cold = [r for r in runs if r.get("prefix") == "evaluated"]
    warm = [r for r in runs if r.get("prefix") != "evaluated"]
    return {
        "warm_first_token_median_s": median(_pick(rows, "chain", "first_token_s")),
        "raw_first_token_median_s": median(_pick(rows, "raw", "first_token_s")),
        "decode_ratio_median": median(_pick(rows, None, "decode_ratio")),
        "chain_decode_median_tps": median(_pick(rows, "chain", "decode_tokens_per_s")),
        "raw_decode_median_tps": median(_pick(rows, "raw", "decode_tokens_per_s")),
        "chain_total_median_s": median(_pick(rows, "chain", "total_s")),
        "raw_total_median_s": median(_pick(rows, "raw", "total_s")),
        "retrieval_p50_ms": retrieval.get("p50_ms"),
        "retrieval_p90_ms": retrieval.get("p90_ms"),
        "index_fresh_s": index.get("fresh_s"),
        "index_unchanged_s": index.get("unchanged_s"),
        "oneoff_first_token_median_s": median(_pick(warm, None, "start_to_first_token_s")),
        "oneoff_cold_first_token_median_s": median(_pick(cold, None, "start_to_first_token_s")),
        "oneoff_process_median_s": median(_pick(runs, None, "process_s")),
        "oneoff_peak_rss_max_mb": _max(_pick(runs, None, "peak_rss_mb")),
        "followup_overhead_median_s": (results.get("followup") or {}).get("overhead_median_s"),
        "followup_resolve_median_ms": (results.get("followup") or {}).get("resolve_ms_median"),
        "evidence_first_median_s": median(_pick(rows, "chain", "evidence_first_s")),
        "new_prompt_tokens_median": median(_pick(rows, "chain", "new_prompt_tokens")),
        "repeat_median_s": (results.get("repeat") or {}).get("repeat_median_s"),
        "diagnosis_median_s": (results.get("diagnosis") or {}).get("median_s"),
        "diagnosis_max_s": (results.get("diagnosis") or {}).get("max_s"),
        "diagnosis_model_calls_median": (results.get("diagnosis") or {}).get("model_calls_median"),
    }


def target_checks(summary: dict, cpu_flags: Sequence[str] | None = None) -> dict:
    """``{key: {"value", "target", "status"}}`` for every target of this CPU."""
    return {
        t.key: {"value": summary.get(t.key), "limit": t.limit,
                "higher_is_better": t.higher_is_better, "status": t.check(summary.get(t.key))}
        for t in targets_for(cpu_flags)
    }


def summary_rows(summary: dict, cpu_flags: Sequence[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(metric, value, target, status): the targets first, then the context numbers."""
    rows = [(t.label, fmt(t.key, summary.get(t.key)), t.describe(), t.check(summary.get(t.key)))
            for t in targets_for(cpu_flags)]
    rows += [(label, fmt(key, summary.get(key)), "", "") for key, label in CONTEXT]
    return rows


def _s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def question_rows(questions: list[dict]) -> list[tuple[str, ...]]:
    """One row per question: prompt/generated tokens, then raw | chain for each measure."""
    rows = []
    for q in questions:
        c, r = q["chain"], q.get("raw") or {}
        if not c.get("generated_tokens"):
            rows.append((q["question"], "—", "0", "", "", "", "", "", "", "", "declined"))
            continue
        same = {True: "yes", False: "no", None: "—"}[q.get("same_text")]
        rows.append((
            q["question"],
            f"{r.get('prompt_tokens', '—')}/{c.get('prompt_tokens', '—')}",
            str(c.get("generated_tokens")),
            _s(r.get("first_token_s")), _s(c.get("first_token_s")),
            _s(r.get("decode_tokens_per_s"), 1), _s(c.get("decode_tokens_per_s"), 1),
            "—" if q.get("decode_ratio") is None else f"{q['decode_ratio'] * 100:.0f}%",
            _s(r.get("total_s")), _s(c.get("total_s")),
            same,
        ))
    return rows


def oneoff_rows(runs: list[dict]) -> list[tuple[str, ...]]:
    return [
        (r["question"], r.get("prefix", "—"), _s(r.get("start_to_first_token_s")), _s(r.get("first_token_s")),
         _s(r.get("process_s")), f"{r['peak_rss_mb']:,.0f}" if r.get("peak_rss_mb") else "—",
         "ok" if r.get("exit_code") == 0 and not r.get("error") else f"exit {r.get('exit_code')}")
        for r in runs
    ]


def machine_rows(machine: dict) -> list[tuple[str, str]]:
    gb = (machine.get("ram_bytes") or 0) / 1e9
    size = (machine.get("model_bytes") or 0) / 1e9
    load = machine.get("load_average_start"), machine.get("load_average_end")
    return [
        ("CPU", f"{machine.get('cpu')} ({machine.get('cores')} cores)"),
        ("CPU flags that matter for speed", " ".join(machine.get("cpu_flags") or []) or "—"),
        ("RAM", f"{gb:.1f} GB"),
        ("llama-cpp-python", str(machine.get("llama_cpp_python"))),
        ("Model", f"{machine.get('model_file')} ({size:.2f} GB)"),
        ("Threads / context", f"{machine.get('threads')} / {machine.get('context_size')} tokens"),
        ("Prompt layout", str(machine.get("prompt_layout"))),
        ("Load average (1/5/15 min) start → end",
         f"{_load(load[0])} → {_load(load[1])}"),
        ("CPU used by other processes", _others(machine.get("other_cpu_share"))),
    ]


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _others(shares: dict | None) -> str:
    """The share of the machine other processes used, per measurement."""
    if not shares:
        return "—"
    parts = []
    for key in ("index", "retrieval", "chain", "followup", "repeat", "diagnosis", "raw", "oneoff"):
        value = shares.get(key)
        if isinstance(value, list):
            if value:
                parts.append(f"{key} {'/'.join(_pct(v) for v in value)}")
        elif key in shares:
            parts.append(f"{key} {_pct(value)}")
    return ", ".join(parts)


def _load(values) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "—"


STATUS_STYLE = {MET: "green", MISSED: "bold red", NOT_MEASURED: "yellow"}


def render(results: dict, console) -> None:
    """Print the run as rich tables."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    def table(title: str, *columns: str, right_from: int = 1, header: bool = True) -> Table:
        t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold",
                  show_header=header)
        for i, name in enumerate(columns):
            # The first column (a question or a metric) wraps; numbers never do.
            t.add_column(name, justify="right" if i >= right_from else "left",
                         max_width=42 if i == 0 else None, no_wrap=i > 0)
        return t

    machine = table("Machine", "", "", right_from=99, header=False)
    for row in machine_rows(results.get("machine", {})):
        machine.add_row(*map(escape, row))
    console.print(machine)

    raw_vs_chain = results.get("raw_vs_chain") or {}
    questions = raw_vs_chain.get("questions")
    if questions:
        title = "Raw llama-cpp-python | advisor chain, warm (time in s"
        if raw_vs_chain.get("rounds", 1) > 1:
            title += f"; each the best of {raw_vs_chain['rounds']} alternating rounds"
        t = table(title + ")", "question",
                  "prompt tok\nraw/chain", "gen\ntok", "TTFT\nraw", "TTFT\nchain", "tok/s\nraw",
                  "tok/s\nchain", "decode\nchain/raw", "total\nraw", "total\nchain", "same\ntext")
        for row in question_rows(questions):
            t.add_row(escape(row[0]), *row[1:])
        console.print(t)

    runs = (results.get("oneoff") or {}).get("runs")
    if runs:
        t = table("One-off advisor ask (fresh process; time in s)", "question", "prompt\nprefix",
                  "start →\n1st token", "in-process\n1st token", "process\ntotal", "peak RSS\nMB", "")
        for row in oneoff_rows(runs):
            t.add_row(escape(row[0]), *row[1:])
        console.print(t)

    rounds = f", best of {raw_vs_chain['rounds']} rounds" if raw_vs_chain.get("rounds", 1) > 1 else ""
    t = table(f"Summary (raw vs chain{rounds}, warm; one-off: fresh processes)",
              "metric", "value", "target", "status")
    for label, value, target, status in summary_rows(results.get("summary", {}),
                                                     (results.get("machine") or {}).get("cpu_flags")):
        style = STATUS_STYLE.get(status)
        t.add_row(label, value, target, f"[{style}]{status}[/]" if style else status)
    console.print(t)
    for note in results.get("notes", []):
        console.print(f"note: {note}", markup=False)
