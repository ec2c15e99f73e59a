"""Scale-out without a network: the chat model on an OpenAI-compatible server (spoken to
through an in-memory HTTP transport) and the index on a Chroma server (a real chromadb
client on a local folder stands in for the server's)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.cli.main import cli
from advisor.container import build_advisor, build_chat_model, build_index_store, model_name
from advisor.diagnosis.extraction import ANSWER_SCHEMA
from advisor.doctor import run_checks
from advisor.llm.endpoint import ChatServerUnavailable, EndpointChatModel, estimate_tokens
from advisor.llm.llamacpp import LlamaCppChatModel, ModelNotAvailable
from advisor.retrieval.index import IndexNotReady, LocalStore, PassageIndex
from advisor.retrieval.server_store import ChromaServerStore
from advisor.settings import Settings
from tests.conftest import make_settings
from tests.fakes import CountingEmbeddings, ScriptedChatModel
from tests.unit.index_fixtures import make_chunks

URL = "http://gpu-host:8000/v1"


# --- settings and the composition root ----------------------------------------------------
def test_scale_out_settings_default_to_everything_in_process(tmp_path):
    settings = make_settings(tmp_path)
    assert settings.chat_endpoint is None and settings.index_server is None
    assert isinstance(build_chat_model(settings), LlamaCppChatModel)
    assert isinstance(build_index_store(settings), LocalStore)


def test_server_urls_from_the_environment_are_tidied_and_checked(monkeypatch):
    monkeypatch.setenv("ADVISOR_CHAT_ENDPOINT", " http://gpu-host:8000/v1/ ")
    monkeypatch.setenv("ADVISOR_INDEX_SERVER", "https://index-host:8443/")
    monkeypatch.setenv("ADVISOR_CHAT_ENDPOINT_API_KEY", "s3cret")
    settings = Settings()
    assert settings.chat_endpoint == URL and settings.index_server == "https://index-host:8443"
    assert "s3cret" not in repr(settings)
    monkeypatch.setenv("ADVISOR_CHAT_ENDPOINT", "")
    assert Settings().chat_endpoint is None
    monkeypatch.setenv("ADVISOR_INDEX_SERVER", "index-host:8000")
    with pytest.raises(ValueError, match="http://host:port"):
        Settings()


def test_an_endpoint_setting_selects_the_server_model(tmp_path):
    settings = make_settings(tmp_path, chat_endpoint=URL, chat_endpoint_timeout=42,
                             max_answer_tokens=300, temperature=0.1)
    model = build_chat_model(settings)
    assert isinstance(model, EndpointChatModel)
    assert (model.endpoint, model.request_timeout, model.max_tokens, model.temperature) == (URL, 42, 300, 0.1)
    # A chat endpoint always answers as a new turn: the chain must not prefill an answer start.
    assert not model.supports_prefill
    assert model_name(model) == f"the model at {URL}"  # asked from the server on first use
    named = build_chat_model(make_settings(tmp_path, chat_endpoint=URL, chat_endpoint_model="qwen-7b"))
    assert model_name(named) == "qwen-7b"


def test_an_index_server_setting_selects_the_server_store(tmp_path):
    store = build_index_store(make_settings(tmp_path, index_server="https://index-host:8443"))
    assert isinstance(store, ChromaServerStore)
    assert (store.host, store.port, store.ssl, store.location) == ("index-host", 8443, True, "https://index-host:8443")
    assert build_index_store(make_settings(tmp_path, index_server="http://index-host")).port == 8000
    advisor = build_advisor(make_settings(tmp_path, index_server="http://index-host:8000"),
                            chat_model=ScriptedChatModel(), embeddings=CountingEmbeddings(size=8))
    assert advisor.index.store.url == "http://index-host:8000"  # built without connecting


# --- the chat model on a server ----------------------------------------------------------------
class FakeServer:
    """An OpenAI-compatible server in memory: records each request, answers from a script."""

    def __init__(self, reply: str = "阶段三约需6个月至1年。", models=("served-model",), status: int = 200,
                 usage: bool = False, error: Exception | None = None):
        self.reply, self.models, self.status, self.usage, self.error = reply, models, status, usage, error
        self.requests: list[tuple[str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.error is not None:
            raise self.error
        body = json.loads(request.content) if request.content else {}
        self.requests.append((request.url.path, body))
        if self.status != 200:
            return httpx.Response(self.status, json={"error": {"message": "no such key"}})
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"object": "list", "data": [
                {"id": m, "object": "model", "owned_by": "me"} for m in self.models]})
        base = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            return httpx.Response(200, json={
                **base, "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": self.reply}}],
                "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}})
        events = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
        events += [{**base, "choices": [{"index": 0, "delta": {"content": ch}}]} for ch in self.reply]
        events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if self.usage:
            events.append({**base, "choices": [],
                           "usage": {"prompt_tokens": 30, "completion_tokens": len(self.reply), "total_tokens": 0}})
        text = "".join(f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events) + "data: [DONE]\n\n"
        return httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})


def endpoint_model(server: FakeServer, **fields) -> EndpointChatModel:
    values = dict(base_url=URL, model="", api_key="key", max_tokens=512, temperature=0.0,
                  stream_usage=True, max_retries=0,
                  http_client=httpx.Client(transport=httpx.MockTransport(server)))
    values.update(fields)
    return EndpointChatModel(**values)


MESSAGES = [SystemMessage("Answer from the passages."), HumanMessage("阶段三需要多长时间?")]


def test_count_tokens_is_a_local_estimate_and_never_tiktoken(monkeypatch):
    import tiktoken

    def no_download(*args, **kwargs):
        raise AssertionError("tiktoken was asked: it downloads its files from the internet")

    monkeypatch.setattr(tiktoken, "get_encoding", no_download)
    monkeypatch.setattr(tiktoken, "encoding_for_model", no_download)
    model = endpoint_model(FakeServer())
    assert estimate_tokens("阶段三") == 3 and estimate_tokens("abcdef") == 2 and estimate_tokens("abcdefg") == 3
    assert model.count_tokens("阶段三需要多长时间?") == 9 + 1
    assert model.get_num_tokens("stage four") == 4
    assert model.get_num_tokens_from_messages(MESSAGES) > model.count_tokens("阶段三需要多长时间?")
    with pytest.raises(NotImplementedError):
        model.get_token_ids("x")


def test_a_streamed_answer_asks_the_served_model_and_ends_with_timings():
    server = FakeServer()
    model = endpoint_model(server)
    chunks = list(model.stream(MESSAGES))
    assert "".join(str(c.content) for c in chunks) == server.reply
    timings = [c.response_metadata["timings"] for c in chunks if "timings" in c.response_metadata]
    assert len(timings) == 1
    assert timings[0]["generated_tokens"] == len(server.reply)
    assert 0 <= timings[0]["first_token_s"] <= timings[0]["total_s"]
    assert "prompt_tokens" not in timings[0]  # this server reported no usage: the chain counts
    paths = [path for path, _ in server.requests]
    assert paths == ["/v1/models", "/v1/chat/completions"]  # the model name is asked once
    body = server.requests[-1][1]
    assert body["model"] == "served-model" and model.model_name == "served-model"
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    # max_tokens as llama.cpp's servers read it (not OpenAI's newer max_completion_tokens).
    assert body["max_tokens"] == 512 and "max_completion_tokens" not in body
    assert body["temperature"] == 0.0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    list(model.stream(MESSAGES))
    assert [path for path, _ in server.requests].count("/v1/models") == 1


def test_usage_the_server_reports_reaches_the_timings():
    chunks = list(endpoint_model(FakeServer(usage=True), model="named").stream(MESSAGES))
    timings = next(c.response_metadata["timings"] for c in chunks if "timings" in c.response_metadata)
    assert timings["prompt_tokens"] == 30


def test_the_diagnosis_json_request_reaches_the_server_as_written():
    server = FakeServer(reply='{"answer": "yes", "evidence": "boss", "number": null}')
    reply = endpoint_model(server, model="named").invoke(
        MESSAGES, response_format={"type": "json_object", "schema": ANSWER_SCHEMA},
        max_tokens=160, temperature=0.0)
    assert json.loads(str(reply.content))["answer"] == "yes"
    body = server.requests[-1][1]
    assert body["response_format"] == {"type": "json_object", "schema": ANSWER_SCHEMA}
    assert body["max_tokens"] == 160 and body["temperature"] == 0.0 and not body.get("stream")


def test_warm_up_reports_the_server_and_a_model_it_does_not_list():
    report = endpoint_model(FakeServer()).warm_up()
    assert report["model"] == "served-model" and report["server"] == URL and "warning" not in report
    report = endpoint_model(FakeServer(), model="qwen-7b").warm_up()
    assert "qwen-7b" in report["warning"] and "served-model" in report["warning"]


@pytest.mark.parametrize("server, expected", [
    (FakeServer(error=httpx.ConnectError("[Errno 111] Connection refused")),
     f"The chat server at {URL} did not answer: [Errno 111] Connection refused."),
    (FakeServer(error=httpx.ReadTimeout("timed out")), f"The chat server at {URL} did not answer within"),
    (FakeServer(status=401), f"The chat server at {URL} refused the request (HTTP 401)"),
    (FakeServer(status=404), "Check chat_endpoint and chat_endpoint_model"),
])
def test_a_server_problem_is_one_clear_error_naming_the_server(server, expected):
    for call in (lambda m: m.invoke(MESSAGES), lambda m: list(m.stream(MESSAGES)),
                 lambda m: m.warm_up()):
        with pytest.raises(ChatServerUnavailable) as caught:
            call(endpoint_model(server, model="" if server.status == 200 else "named"))
        assert expected in str(caught.value)
        assert isinstance(caught.value, ModelNotAvailable)  # the CLI's one-line errors


def test_the_cli_shows_a_server_that_does_not_answer_in_one_line(private_root, monkeypatch, e5):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(private_root / "data"))
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(private_root / "cache"))
    down = endpoint_model(FakeServer(error=httpx.ConnectError("[Errno 111] Connection refused")))
    result = CliRunner().invoke(cli, ["ask", "阶段三需要多长时间?"],
                                obj=lambda settings: build_advisor(settings, chat_model=down, embeddings=e5))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: The chat server at {URL} did not answer: [Errno 111] Connection refused. Check that it is "
        "running and that chat_endpoint is its address.")


def test_doctor_checks_the_chat_server_instead_of_a_model_file(tmp_path):
    checks = {c.name: c for c in run_checks(make_settings(tmp_path, chat_endpoint="http://127.0.0.1:9/v1",
                                                          index_server="http://127.0.0.1:9"))}
    assert not {"llama.cpp build", "chat model", "prompt cache"} & set(checks)
    assert not checks["chat server"].ok and "http://127.0.0.1:9/v1" in checks["chat server"].detail
    assert not checks["index server"].ok  # no network in the unit suite: reported, not raised
    assert {"chat model", "prompt cache"} <= {c.name for c in run_checks(make_settings(tmp_path))}


# --- the index on a server ---------------------------------------------------------------------
class FolderServerStore(ChromaServerStore):
    """The server store with a real chromadb client on a folder in place of HTTP."""

    def __init__(self, folder: Path, url: str = "http://index-host:8000"):
        super().__init__(url)
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self._client = chromadb.PersistentClient(path=str(folder),
                                                 settings=ChromaSettings(anonymized_telemetry=False))
        self.failing_removals = False

    def client(self):
        if self.failing_removals:
            raise IndexNotReady("down")
        return self._client


@pytest.fixture
def store(tmp_path):
    return FolderServerStore(tmp_path / "server")


@pytest.fixture
def embeddings():
    return CountingEmbeddings(size=32)


def test_each_build_is_one_collection_on_the_server_and_nothing_chroma_stays_local(tmp_path, store, embeddings):
    index = PassageIndex(tmp_path / "index", embeddings.name, store=store)
    build = index.build(make_chunks(), embeddings).build
    assert store.collections() == [f"passages-{build}"]
    assert store._client.get_collection(f"passages-{build}").count() == 6
    assert not list((tmp_path / "index").rglob("chroma"))
    manifest = index.read_manifest()
    assert manifest["store"] == "http://index-host:8000"
    assert (index.builds_dir / build / "vectors.npy").is_file()
    reader = PassageIndex(tmp_path / "index", embeddings.name, store=store)  # another process
    assert len(reader.chunks) == 6
    hits = reader.search(embeddings.embed_query(make_chunks()[2].embed_text), k=2, stage=3)
    assert hits and all(chunk.stage == 3 for chunk, _ in hits)


def test_stale_builds_drop_their_collections_and_a_failed_drop_is_retried(tmp_path, store, embeddings):
    index = PassageIndex(tmp_path / "index", embeddings.name, store=store)
    first = index.build(make_chunks(), embeddings).build
    second = index.build(make_chunks(changed=1), embeddings).build
    store.failing_removals = True  # the server is away while the third build finishes...
    with pytest.raises(IndexNotReady):
        index.build(make_chunks(changed=2), embeddings)
    store.failing_removals = False
    third = index.build(make_chunks(changed=2), embeddings).build
    assert store.collections() == sorted([f"passages-{second}", f"passages-{third}"])
    assert sorted(p.name for p in index.builds_dir.iterdir()) == sorted([second, third])
    assert first not in [p.name for p in index.builds_dir.iterdir()]

    # A folder whose collection could not be dropped is kept, and dropped next time.
    store.failing_removals = True
    index._remove_stale_builds(keep=third)  # as a build does, here with the server away
    assert sorted(p.name for p in index.builds_dir.iterdir()) == sorted([second, third])
    store.failing_removals = False
    fourth = index.build(make_chunks(changed=3), embeddings).build
    assert store.collections() == sorted([f"passages-{third}", f"passages-{fourth}"])
    assert sorted(p.name for p in index.builds_dir.iterdir()) == sorted([third, fourth])


def test_moving_the_index_to_a_server_rebuilds_it_and_re_uses_the_vectors(tmp_path, store, embeddings):
    local = PassageIndex(tmp_path / "index", embeddings.name)
    local.build(make_chunks(), embeddings)
    on_server = PassageIndex(tmp_path / "index", embeddings.name, store=store)
    assert not on_server.is_current(make_chunks())
    with pytest.raises(IndexNotReady, match=r"built on this machine, not on http://index-host:8000.*ingest"):
        on_server.open()
    embeddings.embedded.clear()
    report = on_server.build(make_chunks(), embeddings)
    assert (report.embedded, report.reused, report.unchanged) == (0, 6, False)
    assert len(on_server.chunks) == 6
    assert not PassageIndex(tmp_path / "index", embeddings.name).is_current(make_chunks())


def test_a_missing_collection_and_a_server_that_is_down_are_index_errors(tmp_path, store, embeddings, monkeypatch):
    index = PassageIndex(tmp_path / "index", embeddings.name, store=store)
    build = index.build(make_chunks(), embeddings).build
    store._client.delete_collection(f"passages-{build}")
    with pytest.raises(IndexNotReady, match=rf"no collection passages-{build}.*ingest --rebuild"):
        PassageIndex(tmp_path / "index", embeddings.name, store=store).open()

    import chromadb

    def refuse(**kwargs):
        raise ValueError("Could not connect to a Chroma server. Are you sure it is running?")

    monkeypatch.setattr(chromadb, "HttpClient", refuse)
    down = PassageIndex(tmp_path / "index", embeddings.name, store=ChromaServerStore("http://index-host:8000"))
    with pytest.raises(IndexNotReady, match=r"index server at http://index-host:8000 did not answer.*chroma run"):
        down.open()
