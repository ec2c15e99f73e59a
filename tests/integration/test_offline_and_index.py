"""Offline by test, company documents in the answers, and doctor on a broken index."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.integration.conftest import json_lines, run_cli

pytestmark = pytest.mark.integration


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="unshare -rn is not permitted on this machine")
def test_ingest_and_questions_with_no_network_at_all(tmp_path):
    """Index build and several real-model answers inside a namespace with no network."""
    no_net = ["unshare", "-rn"]
    data_dir = tmp_path / "offline-data"
    built = run_cli("ingest", "--rebuild", data_dir=data_dir, prefix=no_net)
    assert built.returncode == 0, built.stderr
    questions = ["阶段三需要多长时间?", "How long does stage 4 take?", "What's the weather in Paris?"]
    result = run_cli("ask", "--json", "--batch", "-", data_dir=data_dir, prefix=no_net,
                     input_text="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = json_lines(result.stdout)
    assert [a["question"] for a in answers] == questions
    assert "6个月" in answers[0]["answer"]
    assert answers[1]["refused"] is False and "1.5" in answers[1]["answer"]
    assert answers[2]["refused"] is True


def test_company_document_is_retrieved_and_cited(tmp_path):
    data_dir = tmp_path / "company-data"
    doc = tmp_path / "ai-budget-2027.md"
    doc.write_text(
        "# 2027年AI预算\n\n董事会批准:我们公司2027年的AI工具预算为8.8万元人民币,由财务部负责审批。\n",
        encoding="utf-8",
    )
    added = run_cli("ingest", str(doc), data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    listed = run_cli("ingest", "--list", data_dir=data_dir)
    assert "ai-budget-2027.md" in listed.stdout and "stage_document" in listed.stdout
    result = run_cli("ask", "--json", "我们公司2027年的AI工具预算是多少?", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json_lines(result.stdout)[0]
    assert answer["refused"] is False
    assert "8.8" in answer["answer"]
    assert answer["sources"][0]["source"] == "ai-budget-2027.md"
    removed = run_cli("ingest", "--remove", "ai-budget-2027.md", data_dir=data_dir)
    assert removed.returncode == 0, removed.stderr
    assert "ai-budget-2027.md" not in run_cli("ingest", "--list", data_dir=data_dir).stdout


def test_doctor_finds_and_fixes_a_broken_index(tmp_path):
    data_dir = tmp_path / "doctor-data"
    assert run_cli("ingest", data_dir=data_dir).returncode == 0
    healthy = run_cli("doctor", data_dir=data_dir)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "[  ok] chat model" in healthy.stdout and "[  ok] index" in healthy.stdout

    build = (data_dir / "index" / "CURRENT").read_text().strip()
    (data_dir / "index" / "builds" / build / "vectors.npy").write_bytes(b"garbage")
    broken = run_cli("doctor", data_dir=data_dir)
    assert broken.returncode == 1
    assert f"[FAIL] index: vectors.npy of build {build} cannot be read" in broken.stdout
    assert "fix:" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr

    fixed = run_cli("doctor", "--fix", data_dir=data_dir)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "[  ok] index" in fixed.stdout
    assert (data_dir / "index" / "CURRENT").read_text().strip() != build
