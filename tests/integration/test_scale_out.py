"""Scale-out for real: the model on llama-cpp-python's own server, the index on `chroma run`.

Both servers are started here, on free loopback ports, and the advisor's CLI is pointed
at them with ADVISOR_CHAT_ENDPOINT and ADVISOR_INDEX_SERVER. Its models folder is empty,
so an answer cannot have come from an in-process model; the chat server's log and the
answer's model name show where it came from, and the Chroma server's own list of
collections shows where the index is.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from advisor.settings import Settings
from tests.integration.conftest import json_lines, run_cli
from tests.integration.servers import ServerProcess, free_port

pytestmark = pytest.mark.integration

SERVED_NAME = "advisor-scale-out-test"  # the alias the chat server serves the model under


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory):
    model_path = Settings().model_path
    if not model_path.is_file():
        pytest.fail(f"The default chat model is missing ({model_path}). Run 'make model' first.",
                    pytrace=False)
    port = free_port()
    log = tmp_path_factory.mktemp("chat-server") / "server.log"
    server = ServerProcess(
        "chat server",
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path),
         "--model_alias", SERVED_NAME, "--host", "127.0.0.1", "--port", str(port),
         "--n_threads", "2", "--n_threads_batch", "2", "--n_ctx", "4096",
         # Let a second user's request wait its turn instead of cutting the first one off.
         "--interrupt_requests", "False"],
        log, f"http://127.0.0.1:{port}/v1/models")
    server.url = f"http://127.0.0.1:{port}/v1"
    yield server.wait(timeout=300)
    server.stop()


@pytest.fixture(scope="module")
def index_server(tmp_path_factory):
    port = free_port()
    folder = tmp_path_factory.mktemp("index-server")
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.is_file():
        pytest.fail(f"chromadb's 'chroma' command is missing beside {sys.executable}.", pytrace=False)
    server = ServerProcess(
        "index server",
        [str(chroma), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        folder / "server.log", f"http://127.0.0.1:{port}/api/v2/heartbeat")
    server.url = f"http://127.0.0.1:{port}"
    server.port = port
    yield server.wait(timeout=120)
    server.stop()


@pytest.fixture(scope="module")
def scaled(chat_server, index_server, tmp_path_factory):
    """The advisor's environment pointing at both servers; its models folder is empty."""
    root = tmp_path_factory.mktemp("scale-out")
    (root / "no-models").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_CHAT_ENDPOINT", chat_server.url)
        mp.setenv("ADVISOR_CHAT_ENDPOINT_MODEL", SERVED_NAME)
        mp.setenv("ADVISOR_INDEX_SERVER", index_server.url)
        mp.setenv("ADVISOR_MODELS_DIR", str(root / "no-models"))
        mp.setenv("ADVISOR_CACHE_DIR", str(root / "cache"))
        yield root / "data"


def server_collections(index_server) -> dict[str, int]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host="127.0.0.1", port=index_server.port,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    return {c.name: c.count() for c in client.list_collections()}


def chat_requests(chat_server) -> int:
    return chat_server.tail(10**7).count('"POST /v1/chat/completions HTTP/1.1" 200')


def test_the_index_is_built_on_the_chroma_server(scaled, index_server):
    data_dir = scaled
    built = run_cli("ingest", "--rebuild", data_dir=data_dir, timeout=900)
    assert built.returncode == 0, built.stderr
    index_dir = data_dir / "index"
    first = (index_dir / "CURRENT").read_text().strip()
    manifest = json.loads((index_dir / "builds" / first / "manifest.json").read_text())
    assert manifest["store"] == index_server.url
    assert (index_dir / "builds" / first / "vectors.npy").is_file()
    # No chromadb folder on this machine: the vectors and the search are on the server.
    assert not list(data_dir.rglob("chroma")) and not list(data_dir.rglob("chroma.sqlite3"))
    assert server_collections(index_server) == {f"passages-{first}": len(manifest["ids"])}
    assert len(manifest["ids"]) == 38

    again = run_cli("ingest", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert (index_dir / "CURRENT").read_text().strip() == first  # unchanged: left alone

    # Two more builds: the one in service and the one it replaced stay, the first goes,
    # on the server as on disk.
    for _ in range(2):
        assert run_cli("ingest", "--rebuild", data_dir=data_dir, timeout=900).returncode == 0
    current = (index_dir / "CURRENT").read_text().strip()
    kept = sorted(p.name for p in (index_dir / "builds").iterdir())
    assert first not in kept and current in kept and len(kept) == 2
    assert sorted(server_collections(index_server)) == [f"passages-{b}" for b in kept]


def test_doctor_reports_both_servers(scaled, chat_server, index_server):
    result = run_cli("doctor", data_dir=scaled)
    assert "Traceback" not in result.stdout + result.stderr
    assert f"[  ok] chat server: {chat_server.url} answers" in result.stdout
    assert f"serves {SERVED_NAME}" in result.stdout
    assert f"[  ok] index server: {index_server.url} answers" in result.stdout
    assert "[  ok] index" in result.stdout
    assert "chat model" not in result.stdout  # no model file is needed on this machine
    assert result.returncode == 0, result.stdout + result.stderr


def test_questions_are_answered_through_both_servers(scaled, chat_server):
    before = chat_requests(chat_server)
    questions = ["阶段三需要多长时间?", "How long does stage 4 take?", "What's the weather in Paris?"]
    result = run_cli("ask", "--json", "--batch", "-", data_dir=scaled,
                     input_text="\n".join(questions) + "\n", timeout=900)
    assert result.returncode == 0, result.stderr
    answers = json_lines(result.stdout)
    assert [a["question"] for a in answers] == questions
    zh, en, weather = answers
    assert zh["refused"] is False and "6个月" in zh["answer"], zh["answer"]
    assert zh["sources"][0]["stage"] == 3 and zh["sources"][0]["section"] == "duration"
    assert en["refused"] is False and "1.5" in en["answer"], en["answer"]
    assert weather["refused"] is True
    for answer in (zh, en):
        assert answer["model"] == SERVED_NAME
        timings = answer["timings"]
        assert 0 < timings["first_token_s"] <= timings["total_s"]
        assert timings["prompt_tokens"] > 0 and timings["generated_tokens"] > 0
    # The two answered questions went to the chat server; the refused one never reached it.
    assert chat_requests(chat_server) - before == 2


def test_a_profile_is_diagnosed_through_the_chat_server(scaled, chat_server):
    from advisor.evaluation import load_profiles

    profile = load_profiles()[0]  # a short one: a bakery chain, stage 1
    before = chat_requests(chat_server)
    started = time.monotonic()
    result = run_cli("assess", "--profile", profile.text, "--json", "--company", "Scale-out Co",
                     data_dir=scaled, timeout=1500)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    print(f"diagnosis through the chat server: stage {data['stage']} in {seconds:.0f} s, "
          f"{chat_requests(chat_server) - before} requests")
    assert data["stage"] in profile.acceptable_stages
    assert chat_requests(chat_server) - before >= 1


def test_servers_that_do_not_answer_are_one_clear_line(tmp_path, scaled):
    closed = free_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_CHAT_ENDPOINT", f"http://127.0.0.1:{closed}/v1")
        asked = run_cli("ask", "阶段三需要多长时间?", data_dir=scaled)
    assert asked.returncode == 2
    assert asked.stderr.strip().startswith(f"Error: The chat server at http://127.0.0.1:{closed}/v1 did not answer")
    assert "Traceback" not in asked.stderr

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADVISOR_INDEX_SERVER", f"http://127.0.0.1:{closed}")
        searched = run_cli("ask", "阶段三需要多长时间?", data_dir=tmp_path / "data")
        doctor = run_cli("doctor", data_dir=tmp_path / "data")
    assert searched.returncode == 2
    assert f"index server at http://127.0.0.1:{closed} did not answer" in searched.stderr
    assert "Traceback" not in searched.stderr
    assert f"[FAIL] index server: The index server at http://127.0.0.1:{closed} did not answer" in doctor.stdout
    assert doctor.returncode == 1
