"""The persistent passage index: chromadb on disk, rebuilt aside and swapped in atomically.

Layout under ``index_dir``::

    CURRENT                  name of the build in service (replaced atomically)
    builds/<build>/chroma/   the chromadb PersistentClient directory
    builds/<build>/manifest.json, vectors.npy

Why builds are never modified in place: a write to chromadb interrupted mid-flush can
leave files that crash the next process, and a second client on a directory another
process has open can hang. A new build goes into a fresh directory; only when it is
complete does ``CURRENT`` switch to it, so a reader sees the old index or the new one,
never half of one. The vectors are also kept as a plain array so the next build can
re-use them for unchanged passages without opening the live chromadb directory; search
never reads that array. The one thing retrieval needs from all passages at once, their
mean similarity to a question, is the similarity to their centroid, which the manifest
records (``mean(V @ q) == mean(V) @ q``).

Where a build's collection lives is the job of a store: :class:`LocalStore` (the
``chroma/`` folder above) or a Chroma server (:mod:`advisor.retrieval.server_store`, one
collection per build). ``CURRENT``, the manifests and the vectors stay under
``index_dir`` either way, so the switch and the re-use work the same; every question is
answered by the store alone.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.errors import AdvisorError
from advisor.files import write_atomic
from advisor.knowledge.chunks import Chunk

COLLECTION = "passages"
MANIFEST_VERSION = 1
Progress = Callable[[str, int, int], None]


class IndexNotReady(AdvisorError, RuntimeError):
    """The index is missing or unusable; the message says how to fix it."""


@dataclass
class BuildReport:
    build: str
    passages: int
    embedded: int
    reused: int
    seconds: float
    unchanged: bool = False


def vectors_match(vectors: np.ndarray, manifest: dict) -> bool:
    """Whether ``vectors`` are intact for ``manifest``: one finite vector per passage, of
    the recorded dimension (a truncated or damaged ``vectors.npy`` is not)."""
    return (vectors.shape == (len(manifest.get("ids") or []), manifest.get("dimension"))
            and bool(np.isfinite(vectors).all()))


def unit_rows(vectors) -> np.ndarray:
    """``vectors`` as float64 rows of length 1, as the collection's cosine space sees them."""
    rows = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def passage_centroid(vectors) -> list[float]:
    """The mean of the passages' unit vectors: its dot product with a unit question vector
    is the question's mean cosine similarity to every passage."""
    return unit_rows(vectors).mean(axis=0).tolist()


def centroid_matches(centroid, manifest: dict) -> bool:
    """Whether a manifest's ``centroid`` is a finite vector of the recorded dimension."""
    try:
        values = np.asarray(centroid, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return values.shape == (manifest.get("dimension"),) and bool(np.isfinite(values).all())


def _chroma_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


class LocalStore:
    """Each build's collection in chromadb in this process, under ``<build>/chroma``."""

    # A server store names itself in each manifest; a local build's manifest has no "store".
    location: str | None = None

    def create_collection(self, build_dir: Path):
        return _chroma_client(build_dir / "chroma").create_collection(
            COLLECTION,
            embedding_function=None,  # never chroma's default: it downloads a model
            configuration={"hnsw": {"space": "cosine"}},
        )

    def get_collection(self, build_dir: Path):
        return _chroma_client(build_dir / "chroma").get_collection(COLLECTION, embedding_function=None)

    def remove(self, build_dir: Path) -> bool:
        """Drop what the build holds outside ``build_dir``: nothing here."""
        return True


class PassageIndex:
    """Vector search over the passages of the current build."""

    def __init__(self, index_dir: Path, embedding_name: str, store=None):
        """``store``: where each build's collection lives (default :class:`LocalStore`)."""
        self.index_dir = Path(index_dir)
        self.embedding_name = embedding_name
        self.store = store if store is not None else LocalStore()
        self._lock = threading.Lock()
        self._opened: str | None = None
        self._collection = None
        self._chunks: list[Chunk] = []
        self._manifest: dict = {}
        self._centroid = np.zeros(0)

    # --- state on disk ------------------------------------------------------------------
    @property
    def builds_dir(self) -> Path:
        return self.index_dir / "builds"

    def current_build(self) -> str | None:
        try:
            name = (self.index_dir / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name if name and (self.builds_dir / name / "manifest.json").is_file() else None

    def read_manifest(self, build: str | None = None) -> dict | None:
        build = build or self.current_build()
        if not build:
            return None
        try:
            return json.loads((self.builds_dir / build / "manifest.json").read_text())
        except (OSError, ValueError):
            return None

    def is_current(self, chunks: Sequence[Chunk]) -> bool:
        """True when the build in service holds exactly these passages, same embedder."""
        manifest = self.read_manifest()
        return bool(
            manifest
            and manifest.get("version") == MANIFEST_VERSION
            and manifest.get("embedding") == self.embedding_name
            and manifest.get("ids") == [c.id for c in chunks]
            and manifest.get("store") == self.store.location
        )

    @contextmanager
    def _build_lock(self):
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / ".build.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # --- building -----------------------------------------------------------------------
    def build(self, chunks: Sequence[Chunk], embeddings, progress: Progress | None = None,
              force: bool = False) -> BuildReport:
        """Index ``chunks`` in a new build and put it in service.

        Vectors of passages the build in service already holds are re-used, and an index
        that already holds exactly these passages is left alone, unless ``force``.
        """
        started = time.perf_counter()
        ids = [c.id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate passages: every chunk must be unique")
        with self._build_lock():
            # Builds left unfinished by a killed process go first, so repeated crashes
            # cannot pile them up (no one else builds while we hold the lock).
            self._remove_stale_builds(keep=self.current_build() or "", incomplete_only=True)
            if not force and self.is_current(chunks):
                return BuildReport(self.current_build() or "", len(chunks), 0, len(chunks),
                                   time.perf_counter() - started, unchanged=True)
            known = {} if force else self._known_vectors()
            todo = [c for c in chunks if c.id not in known]
            fresh: dict[str, list[float]] = {}
            batch = 16
            for i in range(0, len(todo), batch):
                part = todo[i : i + batch]
                vectors = embeddings.embed_documents([c.embed_text or c.text for c in part])
                fresh.update({c.id: v for c, v in zip(part, vectors)})
                if progress:
                    progress("embedding", min(i + batch, len(todo)), len(todo))
            vectors = np.asarray([known.get(c.id, fresh.get(c.id)) for c in chunks], dtype=np.float32)

            previous = self.current_build()
            # Nanoseconds in the name: builds sort by creation even within one second.
            build = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
            target = self.builds_dir / build
            target.mkdir(parents=True)
            if chunks:
                collection = self.store.create_collection(target)
                for i in range(0, len(chunks), 256):
                    part = chunks[i : i + 256]
                    collection.add(
                        ids=[c.id for c in part],
                        embeddings=vectors[i : i + 256],
                        documents=[c.text for c in part],
                        metadatas=[c.to_metadata() for c in part],
                    )
                    if progress:
                        progress("storing", min(i + 256, len(chunks)), len(chunks))
                del collection
            with open(target / "vectors.npy", "wb") as fh:
                np.save(fh, vectors)
            manifest = {
                "version": MANIFEST_VERSION,
                "embedding": self.embedding_name,
                "dimension": int(vectors.shape[1]) if len(chunks) else 0,
                "ids": ids,
                "sources": sorted({c.source for c in chunks}),
                "centroid": passage_centroid(vectors) if len(chunks) else [],
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            if self.store.location is not None:
                manifest["store"] = self.store.location
            write_atomic(target / "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
            write_atomic(self.index_dir / "CURRENT", build.encode())  # the commit point
            self._remove_stale_builds(keep=build, previous=previous)
        return BuildReport(build, len(chunks), len(todo), len(chunks) - len(todo),
                           time.perf_counter() - started)

    def _known_vectors(self) -> dict[str, np.ndarray]:
        build = self.current_build()
        manifest = self.read_manifest(build)
        if not manifest or manifest.get("embedding") != self.embedding_name:
            return {}
        try:
            vectors = np.load(self.builds_dir / build / "vectors.npy")
        except (OSError, ValueError):
            return {}
        # Only vectors that are plainly intact are re-used; anything else is embedded again.
        if not vectors_match(vectors, manifest):
            return {}
        return dict(zip(manifest["ids"], vectors))

    def _remove_stale_builds(self, keep: str, previous: str | None = None,
                             incomplete_only: bool = False) -> None:
        # Keep the build in service and the one it replaced (a running server may still
        # be reading it until its next question); older ones and those left by an
        # interrupted build go. Called with the build lock held.
        if not self.builds_dir.is_dir():
            return
        for path in self.builds_dir.iterdir():
            if not path.is_dir() or path.name in (keep, previous):
                continue
            if incomplete_only and (path / "manifest.json").is_file():
                continue
            # A folder whose collection could not be dropped stays, to be tried again.
            if self.store.remove(path):
                shutil.rmtree(path, ignore_errors=True)

    # --- reading ------------------------------------------------------------------------
    def open(self) -> None:
        """Open the build in service (again, if another process swapped in a new one)."""
        with self._lock:
            build = self.current_build()
            if build is None:
                raise IndexNotReady("No index has been built yet. Run 'advisor ingest --rebuild'.")
            if build == self._opened:
                return
            manifest = self.read_manifest(build) or {}
            if manifest.get("embedding") != self.embedding_name:
                raise IndexNotReady(
                    f"The index was built with the embedding model {manifest.get('embedding')!r}, "
                    f"not the configured {self.embedding_name!r}. Run 'advisor ingest --rebuild'."
                )
            if manifest.get("store") != self.store.location:
                raise IndexNotReady(
                    f"The index was built on {manifest.get('store') or 'this machine'}, not on "
                    f"{self.store.location or 'this machine'} as configured. Run 'advisor ingest'."
                )
            chunks: list[Chunk] = []
            collection = None
            centroid = np.zeros(0)
            if manifest.get("ids"):
                recorded = manifest.get("centroid")
                if recorded is not None and not centroid_matches(recorded, manifest):
                    raise IndexNotReady("The index manifest is damaged. Run 'advisor ingest --rebuild'.")
                collection = self.store.get_collection(self.builds_dir / build)
                # A build made before manifests recorded the centroid: work it out once
                # from the vectors the collection holds, in the same read as the passages.
                include = ["documents", "metadatas"] + (["embeddings"] if recorded is None else [])
                got = collection.get(include=include)
                by_id = {
                    i: Chunk.from_metadata(d, m)
                    for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])
                }
                if set(by_id) != set(manifest["ids"]):
                    raise IndexNotReady("The index is incomplete. Run 'advisor ingest --rebuild'.")
                chunks = [by_id[i] for i in manifest["ids"]]
                centroid = np.asarray(passage_centroid(got["embeddings"]) if recorded is None else recorded,
                                      dtype=np.float64)
            self._collection, self._chunks, self._manifest = collection, chunks, manifest
            self._centroid = centroid
            self._opened = build

    @property
    def chunks(self) -> list[Chunk]:
        self.open()
        return self._chunks

    @property
    def manifest(self) -> dict:
        self.open()
        return self._manifest

    def vectors(self) -> np.ndarray:
        """The saved passage vectors of the build in service (``vectors.npy``), in the order
        of :attr:`chunks`: what the next build re-uses. Search never reads them."""
        self.open()
        if not self._chunks:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.load(self.builds_dir / self._opened / "vectors.npy")
        if len(vectors) != len(self._chunks):
            raise IndexNotReady("The index is incomplete. Run 'advisor ingest --rebuild'.")
        return vectors

    def search(self, vector: Sequence[float], k: int, stage: int | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` nearest passages with cosine similarity, best first."""
        self.open()
        if self._collection is None or k <= 0:
            return []
        where = {"stage": stage} if stage else None
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, len(self._chunks)),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (Chunk.from_metadata(doc, meta), 1.0 - float(dist))
            for doc, meta, dist in zip(
                result["documents"][0], result["metadatas"][0], result["distances"][0]
            )
        ]

    def similarities(self, vector: Sequence[float], ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of ``vector`` to the passages ``ids``, by their stored vectors
        (for passages a search did not return); ids the build does not hold are left out."""
        self.open()
        if self._collection is None or not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        if not len(got["ids"]):
            return {}
        scores = unit_rows(got["embeddings"]) @ unit_rows(vector)[0]
        return {i: float(s) for i, s in zip(got["ids"], scores)}

    def mean_similarity(self, vector: Sequence[float]) -> float:
        """Mean cosine similarity of ``vector`` to every passage of the build in service."""
        self.open()
        if not self._chunks:
            return 0.0
        return float(self._centroid @ unit_rows(vector)[0])
