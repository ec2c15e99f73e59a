"""The passage index on a Chroma server (``chroma run``), for a company with many users.

Each build of :class:`advisor.retrieval.index.PassageIndex` gets its own collection on
the server, ``passages-<build>``; the index keeps ``CURRENT``, the manifests and the
vectors in its own folder as always. So a new build is written beside the one in
service and switched in by the same atomic ``CURRENT``, and removing an old build drops
its collection too. Questions are answered by the server alone: the search, and the
stored vectors of the few passages only the keywords found; the local vectors are only
re-used by the next build. A server that cannot be reached is :class:`IndexNotReady` with its
URL, never a traceback.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from advisor.retrieval.index import COLLECTION, IndexNotReady


def _server_errors(connecting: bool = False) -> tuple[type[BaseException], ...]:
    import httpx
    from chromadb.errors import ChromaError

    errors = (OSError, httpx.HTTPError, ChromaError)
    # chromadb's client says "Could not connect to a Chroma server" with a ValueError.
    return (*errors, ValueError) if connecting else errors


class ChromaServerStore:
    """Each build's collection on the Chroma server at ``url`` (http://host:port)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not a Chroma server URL: write it as http://host:port")
        self.url = url.rstrip("/")
        self.host = parts.hostname
        self.ssl = parts.scheme == "https"
        self.port = parts.port or (443 if self.ssl else 8000)
        self._client = None
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        """Recorded in each build's manifest: a build made on another store is not re-used."""
        return self.url

    @staticmethod
    def collection_name(build_dir: Path) -> str:
        return f"{COLLECTION}-{Path(build_dir).name}"

    def _failed(self, exc: BaseException) -> IndexNotReady:
        return IndexNotReady(f"The index server at {self.url} did not answer: {exc}. "
                             "Check that 'chroma run' is running there and that index_server is its address.")

    def client(self):
        """The HTTP client (connects on first use; chroma's telemetry off)."""
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                try:
                    self._client = chromadb.HttpClient(
                        host=self.host, port=self.port, ssl=self.ssl,
                        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
                except _server_errors(connecting=True) as exc:
                    raise self._failed(exc) from exc
            return self._client

    def create_collection(self, build_dir: Path) -> _Collection:
        try:
            collection = self.client().create_collection(
                self.collection_name(build_dir),
                embedding_function=None,  # never chroma's default: it downloads a model
                configuration={"hnsw": {"space": "cosine"}},
            )
        except _server_errors() as exc:
            raise self._failed(exc) from exc
        return _Collection(collection, self)

    def get_collection(self, build_dir: Path) -> _Collection:
        from chromadb.errors import NotFoundError

        name = self.collection_name(build_dir)
        try:
            collection = self.client().get_collection(name, embedding_function=None)
        except NotFoundError as exc:
            raise IndexNotReady(f"The index server at {self.url} has no collection {name}. "
                                "Run 'advisor ingest --rebuild'.") from exc
        except _server_errors() as exc:
            raise self._failed(exc) from exc
        return _Collection(collection, self)

    def remove(self, build_dir: Path) -> bool:
        """Drop the build's collection; False when the server could not be asked."""
        from chromadb.errors import NotFoundError

        try:
            self.client().delete_collection(self.collection_name(build_dir))
        except NotFoundError:
            return True  # never created (a build that stopped early) or already gone
        except (IndexNotReady, *_server_errors()):
            return False
        return True

    def collections(self) -> list[str]:
        """Names of the passage collections on the server (of every index that uses it)."""
        try:
            names = [c.name for c in self.client().list_collections()]
        except _server_errors() as exc:
            raise self._failed(exc) from exc
        return sorted(n for n in names if n.startswith(f"{COLLECTION}-"))


class _Collection:
    """A server collection whose failures name the server (see ChromaServerStore._failed)."""

    def __init__(self, collection: Any, store: ChromaServerStore):
        self._collection = collection
        self._store = store

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self._collection, method)(**kwargs)
        except _server_errors() as exc:
            raise self._store._failed(exc) from exc

    def add(self, **kwargs):
        return self._call("add", **kwargs)

    def get(self, **kwargs):
        return self._call("get", **kwargs)

    def query(self, **kwargs):
        return self._call("query", **kwargs)
