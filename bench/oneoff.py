"""A one-off ``advisor ask``: a fresh process, from spawn to the first token and to exit.

This is what a manager waits for when typing ``advisor ask "..."`` with nothing running:
Python start-up and imports, settings, the index check, loading the model and its cached
prompt prefix (from the state the advisor saves in its cache folder), retrieval, and the
prompt. The answer's ``timings.first_token_unix`` is ``time.time()`` at the first token
the model itself wrote (not the prefilled answer start); minus the wall time at spawn it
gives process start to first token, on the same clock.

The advisor saves the evaluated prompt prefix in its cache folder; a process that finds
it there loads it, one that does not (the first ask on a machine, or after another
process replaced it) evaluates some 3,000 tokens first. Each run says which it was,
from the saved states before and after it, because the two differ by a minute on a
small machine.

Peak memory is the child's ``VmHWM`` (its resident high-water mark), read from
``/proc/PID/status`` while it runs. ``ru_maxrss`` from ``os.wait4`` is no good here: Linux
carries the high-water mark of the process that forked the child across ``exec``, so it
would report the bench's own memory (which held a model a moment before). The mark counts
the pages of a memory-mapped model file the process touched, so it is what the process
held resident, not what it allocated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TIMEOUT_S = 600
PREFIX_LOADED, PREFIX_EVALUATED, PREFIX_UNKNOWN = "loaded", "evaluated", "unknown"


def parse_answer(stdout: str) -> dict | None:
    """The JSON object ``advisor ask --json`` printed (its last JSON line)."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def maxrss_bytes(ru_maxrss: int, platform: str = sys.platform) -> int:
    """``ru_maxrss`` in bytes: Linux reports KiB, macOS bytes."""
    return ru_maxrss if platform == "darwin" else ru_maxrss * 1024


def child_env(settings, base: dict | None = None) -> dict:
    """The environment of the child: the bench's data folder, model, threads and context."""
    env = dict(os.environ if base is None else base)
    env.update({
        "ADVISOR_DATA_DIR": str(settings.data_dir),
        "ADVISOR_THREADS": str(settings.threads),
        "ADVISOR_MODEL": str(settings.model_path),
        "ADVISOR_CONTEXT_SIZE": str(settings.context_size),
    })
    return env


def saved_states(folder: Path | None) -> dict[str, int] | None:
    """The saved prompt states in ``folder``: file name -> inode.

    A new state is written aside and renamed into place, so it has a new inode; loading
    a state only touches its modification time, which therefore proves nothing.
    """
    if folder is None:
        return None
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.name: p.stat().st_ino for p in folder.glob("*.state")}


def _read_hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class HighWaterMark:
    """Polls a running child's ``VmHWM`` (monotonic, so the last reading is the peak)."""

    def __init__(self, pid: int, interval_s: float = 0.05):
        self.pid, self.interval_s, self.kib = pid, interval_s, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            reading = _read_hwm_kib(self.pid)
            if reading is not None:
                self.kib = max(self.kib or 0, reading)
            self._stop.wait(self.interval_s)

    def stop(self) -> int | None:
        self._stop.set()
        self._thread.join()
        return self.kib


def prefix_source(before: dict[str, int] | None, after: dict[str, int] | None) -> str:
    """Whether a run loaded the saved prefix or evaluated it (and saved a new state)."""
    if before is None or after is None:
        return PREFIX_UNKNOWN
    written = any(before.get(name) != mtime for name, mtime in after.items())
    return PREFIX_EVALUATED if written else PREFIX_LOADED


def run_one(question: str, env: dict, cwd: Path, timeout_s: float = TIMEOUT_S,
            state_dir: Path | None = None) -> dict:
    """Spawn ``advisor ask --json QUESTION`` and measure it."""
    command = [sys.executable, "-m", "advisor.cli.main", "ask", "--json", question]
    states = saved_states(state_dir)
    with tempfile.TemporaryFile() as stderr:
        spawned_unix = time.time()
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=cwd)
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        hwm = HighWaterMark(proc.pid)
        try:
            stdout = proc.stdout.read().decode("utf-8", errors="replace")
            proc.stdout.close()
            # wait4, not Popen.wait: it also returns the child's own resource usage.
            peak_kib = hwm.stop()  # before the child is reaped, while /proc still has it
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            hwm.stop()
        wall_s = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        error_tail = stderr.read().decode("utf-8", errors="replace")[-500:]
    answer = parse_answer(stdout) or {}
    timings = answer.get("timings") or {}
    first_unix = timings.get("first_token_unix")
    return {
        "question": question,
        "exit_code": proc.returncode,
        "process_s": round(wall_s, 2),
        "start_to_first_token_s": round(first_unix - spawned_unix, 2) if first_unix else None,
        "first_token_s": timings.get("first_token_s"),
        "peak_rss_mb": round((peak_kib * 1024 if peak_kib else maxrss_bytes(usage.ru_maxrss)) / 1e6, 1),
        "prefix": prefix_source(states, saved_states(state_dir)),
        "refused": answer.get("refused"),
        "error": None if proc.returncode == 0 and answer else (error_tail.strip() or "no JSON answer"),
    }


def measure(settings, questions: list[str], cwd: Path, state_dir: Path | None = None) -> dict:
    """One fresh process per question, one after another; ``state_dir``: where the
    advisor saves its prompt prefix (``chat_model.state_dir``)."""
    env = child_env(settings)
    return {"runs": [run_one(q, env, cwd, state_dir=state_dir) for q in questions]}
