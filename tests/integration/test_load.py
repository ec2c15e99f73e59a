"""Load through the real web server: many sessions, a full queue, concurrent real-model users.

One model serves everyone in turn (ui/app.py gives every model event one concurrency
slot), so these tests check what that promises: every session is answered, no session
sees another's conversation, a user beyond the queue is told "busy" at once rather than
left waiting, and four people asking the real model together each wait at most about
four answers' time. The numbers are printed and written to ``test-artifacts/load.json``.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path

import pytest

from tests.integration.servers import Server

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SESSIONS, TURNS = 8, 3
SLOWDOWN = 4.5  # the bound: each concurrent user within 4.5x one request's time


def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def text_of(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def record(name: str, numbers: dict) -> None:
    """Keep the measured numbers beside the other test artefacts (one file, one key per test)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "load.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[name] = numbers
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{name}: {json.dumps(numbers, ensure_ascii=False)}")


def run_together(work, count: int, timeout: float) -> None:
    """Start ``work(i)`` for i in range(count) at once and wait for all of them."""
    start = threading.Barrier(count)

    def body(i: int) -> None:
        start.wait()
        work(i)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not [t for t in threads if t.is_alive()], f"a user was still waiting after {timeout} s"


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    """A scripted model streaming one piece per 50 ms (about 1 s an answer), real retrieval,
    and a queue long enough for every session's next turn."""
    server = Server(tmp_path_factory.mktemp("load-scripted") / "data", "--scripted", "0.05",
                    "--max-queue-size", str(SESSIONS)).wait()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tiny_queue_server(tmp_path_factory):
    """The same slow model behind a queue of two, to be filled on purpose."""
    server = Server(tmp_path_factory.mktemp("load-queue") / "data", "--scripted", "0.1",
                    "--max-queue-size", "2").wait()
    yield server
    server.stop()


def test_eight_sessions_of_three_turns_are_all_answered_and_kept_apart(slow_server):
    """8 browsers' worth of sessions, 3 turns each, all at once; each conversation holds
    its own questions and answers only."""
    finals: dict[int, list[dict]] = {}
    latencies: list[float] = []
    errors: list[str] = []
    questions = {i: [f"阶段{'一二三四五'[(i + j) % 5]}需要多长时间?（会话 {i} 第 {j + 1} 轮）"
                     for j in range(TURNS)] for i in range(SESSIONS)}

    def session(i: int) -> None:
        try:
            api = client(slow_server)
            for question in questions[i]:
                started = time.perf_counter()
                finals[i] = api.predict(question, api_name="/ask")[0]
                latencies.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - asserted below, with the session named
            errors.append(f"session {i}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    run_together(session, SESSIONS, timeout=600)
    wall = time.perf_counter() - started
    assert not errors, errors
    assert sorted(finals) == list(range(SESSIONS))
    for i, final in finals.items():
        asked = [text_of(m) for m in final if m["role"] == "user"]
        assert asked == questions[i], f"session {i} holds another conversation: {asked}"
        answers = [m for m in final if m["role"] == "assistant" and not m.get("metadata")]
        assert len(answers) == TURNS and all(text_of(a).strip() for a in answers), final
    assert len(latencies) == SESSIONS * TURNS
    record("scripted_8x3", {
        "sessions": SESSIONS, "turns": TURNS, "answers": len(latencies), "wall_s": round(wall, 1),
        "turn_p50_s": round(statistics.median(latencies), 2),
        "turn_max_s": round(max(latencies), 2),
    })


def test_users_beyond_the_queue_are_told_busy_at_once(tiny_queue_server):
    """Eight users at once on a queue of two: some are answered, the rest hear "busy"
    within seconds instead of waiting for the answers ahead of them."""
    from gradio_client.utils import QueueError

    outcomes: list[tuple[str, float]] = []

    def user(i: int) -> None:
        api = client(tiny_queue_server)
        started = time.perf_counter()
        try:
            api.predict("阶段三需要多长时间?", api_name="/ask")
            outcomes.append(("answered", time.perf_counter() - started))
        except QueueError as exc:
            outcomes.append((f"busy: {exc}", time.perf_counter() - started))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes.append((f"other: {type(exc).__name__}: {exc}", time.perf_counter() - started))

    run_together(user, 8, timeout=300)
    answered = sorted(t for o, t in outcomes if o == "answered")
    busy = sorted(t for o, t in outcomes if o.startswith("busy: Queue is full"))
    assert len(outcomes) == 8 and not [o for o, _ in outcomes if o.startswith("other")], outcomes
    assert answered and busy, outcomes
    # "Quickly": before even the first answer is complete (one answer takes about 2 s).
    assert max(busy) < min(answered), outcomes
    record("queue_full", {"users": 8, "max_queue_size": 2, "answered": len(answered), "busy": len(busy),
                          "busy_max_s": round(max(busy), 2), "answered_min_s": round(min(answered), 2),
                          "answered_max_s": round(max(answered), 2)})


REAL_QUESTIONS = ["阶段三需要多长时间?", "阶段二需要多长时间?", "How long does stage 4 take?",
                  "How long does stage 1 take?"]
OTHER_QUESTION = "阶段五的关键绩效指标是什么?"


def test_four_concurrent_real_model_users_each_finish_within_the_bound(real_server):
    """The real model, four users at once. One request alone is timed (each of the four
    questions, one after another) before and after they are asked together; together, each
    must finish within 4.5 times the mean single-request time, and every answer must still
    be a cited answer."""
    def ask(question: str, api=None) -> tuple[float, str]:
        api = api or client(real_server)
        started = time.perf_counter()
        final = api.predict(question, api_name="/ask")[0]
        elapsed = time.perf_counter() - started
        answers = [text_of(m) for m in final if m["role"] == "assistant" and not m.get("metadata")]
        return elapsed, answers[-1] if answers else ""

    # llama.cpp re-uses the previous prompt when the same question comes twice in a row,
    # which would make that answer look cheap; a different question before each phase
    # keeps both phases honest (and the first one warms the server up).
    ask(OTHER_QUESTION)
    single_before = {q: ask(q) for q in REAL_QUESTIONS}
    ask(OTHER_QUESTION)
    together: dict[str, tuple[float, str]] = {}
    failures: list[str] = []

    # Each user's client is connected before they all ask: connecting parses the page's
    # whole configuration, which on two cores would otherwise slow the first answer and,
    # through the queue, everyone after it; a browser has long loaded the page by then.
    apis = [client(real_server) for _ in REAL_QUESTIONS]

    def user(i: int) -> None:
        try:
            together[REAL_QUESTIONS[i]] = ask(REAL_QUESTIONS[i], apis[i])
        except Exception as exc:  # noqa: BLE001 - asserted below
            failures.append(f"{REAL_QUESTIONS[i]}: {type(exc).__name__}: {exc}")

    run_together(user, len(REAL_QUESTIONS), timeout=900)
    assert not failures, failures
    # Timed again afterwards: a single request's time is taken on both sides of the
    # concurrent run, so a machine that slows down or speeds up meanwhile (a shared VM,
    # the page cache) moves the baseline with the measurement instead of failing it.
    ask(OTHER_QUESTION)
    single_after = {q: ask(q) for q in REAL_QUESTIONS}
    timings = [t for t, _ in single_before.values()] + [t for t, _ in single_after.values()]
    baseline = statistics.mean(timings)
    record("real_model_4_users", {
        "single_s": {q: [round(single_before[q][0], 1), round(single_after[q][0], 1)] for q in REAL_QUESTIONS},
        "single_mean_s": round(baseline, 1),
        "concurrent_s": {q: round(t, 1) for q, (t, _) in together.items()},
        "worst_ratio_to_mean_single": round(max(t for t, _ in together.values()) / baseline, 2),
    })
    for question, (elapsed, answer) in together.items():
        assert "\\[阶段" in answer, f"{question!r} got no cited answer under load: {answer!r}"
        assert elapsed <= SLOWDOWN * baseline, (
            f"{question!r} took {elapsed:.1f} s with 4 users, over {SLOWDOWN} x {baseline:.1f} s")
