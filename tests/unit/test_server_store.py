"""With the index on a Chroma server, the server answers every question: the search, the
stored vectors of chosen passages and the mean similarity need nothing local but the
manifest. The server is a real chromadb client on a folder in place of HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.retrieval.index import IndexNotReady, PassageIndex
from advisor.retrieval.server_store import ChromaServerStore
from tests.fakes import CountingEmbeddings
from tests.unit.index_fixtures import make_chunks

URL = "http://index-host:8000"


class FolderServerStore(ChromaServerStore):
    """The server store with chromadb on a folder in place of the HTTP client."""

    def __init__(self, folder: Path):
        super().__init__(URL)
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self._client = chromadb.PersistentClient(path=str(folder),
                                                 settings=ChromaSettings(anonymized_telemetry=False))


@pytest.fixture
def embeddings():
    return CountingEmbeddings(size=32)


@pytest.fixture
def indexes(tmp_path, embeddings):
    """The same passages on a server and on this machine."""
    on_server = PassageIndex(tmp_path / "served", embeddings.name, store=FolderServerStore(tmp_path / "server"))
    local = PassageIndex(tmp_path / "local", embeddings.name)
    for index in (on_server, local):
        index.build(make_chunks(10), embeddings)
    return on_server, local


def test_questions_on_the_server_need_no_local_vectors(tmp_path, indexes, embeddings):
    on_server, local = indexes
    (on_server.builds_dir / on_server.current_build() / "vectors.npy").unlink()
    reader = PassageIndex(on_server.index_dir, embeddings.name, store=FolderServerStore(tmp_path / "server"))
    question = embeddings.embed_query("passage 7 about stage 3")
    served = reader.search(question, k=4, stage=3)
    here = local.search(question, k=4, stage=3)
    assert [c.id for c, _ in served] == [c.id for c, _ in here]
    assert [s for _, s in served] == pytest.approx([s for _, s in here], abs=1e-6)
    ids = [c.id for c in make_chunks(10)[:3]]
    assert reader.similarities(question, ids) == pytest.approx(local.similarities(question, ids), abs=1e-6)
    assert reader.mean_similarity(question) == pytest.approx(local.mean_similarity(question), abs=1e-7)


def test_a_server_that_stops_answering_names_itself(indexes, embeddings, monkeypatch):
    import httpx

    on_server, _ = indexes
    question = embeddings.embed_query("passage 2")
    on_server.open()

    def down(**kwargs):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    monkeypatch.setattr(on_server._collection._collection, "get", down)
    with pytest.raises(IndexNotReady, match=rf"index server at {URL} did not answer.*Connection refused"):
        on_server.similarities(question, [make_chunks(1)[0].id])
