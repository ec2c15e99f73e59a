"""What the advisor knows: the stage document, the documents a company adds, and the
index over them, kept readable.

The documents folder is the truth; the index is rebuilt from it. Every question first
asks :meth:`KnowledgeBase.ensure_index`, which costs a file read once a build has been
opened completely, and mends a damaged build by rebuilding it instead of failing every
question.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.knowledge.chunks import STAGE_DOCUMENT_SOURCE, Chunk
from advisor.knowledge.documents import SUPPORTED_SUFFIXES, DocumentError, chunk_document, read_document
from advisor.knowledge.stage_document import STAGE_DOCUMENT_FILE, read_stage_passages
from advisor.retrieval.index import BuildReport, IndexNotReady, PassageIndex, Progress
from advisor.settings import Settings

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; a CJK character takes three


@dataclass
class DocumentInfo:
    """A document the advisor knows, as listed by ``advisor ingest --list``."""

    source: str
    passages: int
    path: Path | None
    built_in: bool


def safe_document_name(name: str) -> str:
    """A file name that can only live inside the documents folder.

    Path separators, NUL, control and bidirectional-override characters are dropped and
    only the last path component is kept, so ``../../etc/passwd`` becomes ``passwd``; a
    long name is shortened, keeping its extension, which must be a supported one (a file
    stored under another would never be indexed).
    """
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]", "",
                  name).strip().lstrip(".").strip()
    if not name:
        raise DocumentError("The document has no usable file name.")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in SUPPORTED_SUFFIXES or not stem.strip(" ."):
        raise DocumentError(
            f"'{name[:80]}': unsupported file type '{suffix[:20] or '(none)'}'; "
            f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}."
        )
    while len(stem) > 1 and (len(stem) + len(suffix) > MAX_NAME_CHARS
                             or len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES):
        stem = stem[:-1]
    name = stem.rstrip(" .") + suffix
    if name == STAGE_DOCUMENT_SOURCE:
        raise DocumentError(f"'{name}' is reserved for the built-in stage document.")
    return name


class KnowledgeBase:
    """The stage document and the company's documents, and the passage index over them."""

    def __init__(self, settings: Settings, stage_book, index: PassageIndex, embeddings):
        self.settings = settings
        self.stage_book = stage_book
        self.index = index
        self.embeddings = embeddings
        # The build ensure_index last read completely, and one a rebuild could not mend.
        self._index_lock = threading.Lock()
        self._index_verified: str | None = None
        self._index_unusable: str | None = None

    @property
    def stage_document_path(self) -> Path:
        return self.settings.knowledge_dir / STAGE_DOCUMENT_FILE

    def stage_chunks(self) -> list[Chunk]:
        return read_stage_passages(self.settings.knowledge_dir, self.stage_book)

    def company_document_paths(self) -> list[Path]:
        folder = self.settings.documents_dir
        if not folder.is_dir():
            return []
        return sorted(
            p for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
        )

    def corpus(self) -> list[Chunk]:
        """Every passage the index should hold: the stage document, then company documents."""
        chunks = self.stage_chunks()
        for path in self.company_document_paths():
            chunks.extend(chunk_document(read_document(path), path.name))
        return chunks

    def ensure_index(self, progress: Progress | None = None) -> BuildReport | None:
        """Build the index when it is missing, and rebuild it when the build in service
        cannot be read (damaged files, another embedding model); called before every
        question, so cheap once a build has been read: one small file read and a stat.

        Each build is opened completely (passages and vectors) the first time it is met;
        one that fails is logged and replaced by a fresh build, so a damaged index costs
        one rebuild instead of failing every question. Changed documents are brought in
        at start-up (:meth:`rebuild_index`), not here: that needs every document re-read.
        Raises :class:`IndexNotReady` when even a fresh build cannot be read.
        """
        build = self.index.current_build()
        if build is not None and build == self._index_verified:
            return None
        with self._index_lock:
            build = self.index.current_build()
            if build is not None and build == self._index_verified:
                return None
            if build is not None and build == self._index_unusable:
                raise IndexNotReady(f"The index (build {build}) cannot be read even after a rebuild. "
                                    "Run 'advisor doctor'.")
            if build is None:
                report = self.rebuild_index(progress)
            else:
                problem = self._index_problem()
                if problem is None:
                    self._index_verified = build
                    return None
                if getattr(getattr(self.index, "store", None), "location", None) is not None:
                    # A Chroma server that does not answer is not mended by re-embedding
                    # everything for each question; doctor reports it.
                    raise IndexNotReady(problem)
                log.warning("The index in service (build %s) cannot be read (%s); rebuilding it.",
                            build, problem)
                report = self.rebuild_index(progress, force=True)
            build = self.index.current_build()
            problem = self._index_problem()
            if problem is not None:
                self._index_unusable = build
                raise IndexNotReady(f"The index was rebuilt but cannot be read ({problem}). "
                                    "Run 'advisor doctor'.")
            self._index_verified = build
            return report

    def _index_problem(self) -> str | None:
        """Why the build in service cannot be read completely, or None."""
        try:
            self.index.open()
            self.index.vectors()
        # BaseException: chromadb's Rust panics reach Python as pyo3's PanicException.
        except BaseException as exc:
            from advisor.index_probe import is_fatal

            if is_fatal(exc):
                raise
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return None

    def rebuild_index(self, progress: Progress | None = None, force: bool = False) -> BuildReport:
        """Bring the index in line with the documents, re-using the vectors of unchanged
        passages; an index that already matches is left alone unless ``force``."""
        return self.index.build(self.corpus(), self.embeddings, progress, force=force)

    def add_documents(self, paths: Sequence[Path], progress: Progress | None = None) -> BuildReport:
        """Copy company documents into the data directory and index them.

        Every file is read and checked first; if any is unusable, nothing is added.
        """
        checked: list[tuple[Path, str]] = []
        for path in paths:
            path = Path(path)
            try:
                is_file = path.is_file()
            except (OSError, ValueError):  # a name too long for the file system, say
                is_file = False
            if not is_file:
                raise DocumentError(f"{ascii(str(path))[1:-1][:200]}: no such file.")
            name = safe_document_name(path.name)
            read_document(path)  # raises a clear DocumentError for bad files
            if name in (n for _, n in checked):
                raise DocumentError(f"Two of the documents would both be stored as '{name}'.")
            checked.append((path, name))
        folder = self.settings.documents_dir
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.part"):  # copies cut short by a crash
            leftover.unlink(missing_ok=True)
        for path, name in checked:
            target = folder / name
            tmp = folder / f".{uuid.uuid4().hex}.part"
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)  # a crash never leaves half a document behind
        return self.rebuild_index(progress)

    def remove_document(self, name: str, progress: Progress | None = None) -> BuildReport:
        """Forget a company document (the built-in stage document cannot be removed)."""
        if name == STAGE_DOCUMENT_SOURCE:
            raise DocumentError("The built-in stage document cannot be removed.")
        target = self.settings.documents_dir / safe_document_name(name)
        if not target.is_file():
            known = ", ".join(p.name for p in self.company_document_paths()) or "none"
            raise DocumentError(f"No company document named '{name}'. Known: {known}.")
        target.unlink()
        return self.rebuild_index(progress)

    def documents(self) -> list[DocumentInfo]:
        """The documents in the index, with their passage counts."""
        self.ensure_index()
        counts: dict[str, int] = {}
        for chunk in self.index.chunks:
            counts[chunk.source] = counts.get(chunk.source, 0) + 1
        infos = [DocumentInfo(STAGE_DOCUMENT_SOURCE, counts.get(STAGE_DOCUMENT_SOURCE, 0),
                              self.stage_document_path, True)]
        for path in self.company_document_paths():
            infos.append(DocumentInfo(path.name, counts.get(path.name, 0), path, False))
        return infos
