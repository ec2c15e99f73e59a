"""A health check of the index in service, run in a child process.

Why a child process: chromadb's Rust core answers some damaged files with a Rust panic,
which reaches Python as ``pyo3_runtime.PanicException`` (a ``BaseException``, so
``except Exception`` does not stop it), and a native library may abort or hang on a file
it does not expect. Opening a damaged index in the doctor's own process could take the
doctor down with it; in a child, a crash or a hang is just a finding.

``python -m advisor.index_probe INDEX_DIR EMBEDDING_NAME [SERVER_URL]`` prints one line,
``INDEX-PROBE {json}``; :func:`probe_index` runs it with a time limit.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROBE_TIMEOUT_S = 120.0  # a cold chromadb import on a busy 2-core machine takes a few seconds
MARKER = "INDEX-PROBE "


@dataclass
class IndexHealth:
    """What the probe found: ``ok``, or ``problem`` (one sentence for the user)."""

    ok: bool
    problem: str = ""
    build: str | None = None
    passages: int = 0
    sources: list[str] = field(default_factory=list)


def is_fatal(exc: BaseException) -> bool:
    """Whether a caught ``BaseException`` must still propagate. Code that reads the index
    catches ``BaseException`` for chromadb's panics, but never swallows Ctrl-C or exit."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def inspect_index(index_dir: Path, embedding_name: str, server: str | None = None) -> IndexHealth:
    """Check the build in service completely: manifest, vectors, the chromadb files, a
    read of every passage and a search. ``server``: the Chroma server holding the
    collections, if any. Runs in-process; see :func:`probe_index`."""
    import numpy as np

    from advisor.retrieval.index import (
        MANIFEST_VERSION,
        PassageIndex,
        centroid_matches,
        passage_centroid,
        vectors_match,
    )

    index_dir = Path(index_dir)
    if server:
        from advisor.retrieval.server_store import ChromaServerStore

        index = PassageIndex(index_dir, embedding_name, store=ChromaServerStore(server))
    else:
        index = PassageIndex(index_dir, embedding_name)
    try:
        name = (index_dir / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return IndexHealth(False, f"no index has been built in {index_dir}")
    if not name or not (index.builds_dir / name).is_dir():
        return IndexHealth(False, f"the index in service (CURRENT: {name!r}) is missing from {index.builds_dir}")
    build_dir = index.builds_dir / name
    if not (build_dir / "manifest.json").is_file():
        return IndexHealth(False, f"build {name} has lost its manifest.json", name)
    manifest = index.read_manifest(name)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("ids"), list):
        return IndexHealth(False, f"the manifest.json of build {name} is damaged", name)
    if manifest.get("version") != MANIFEST_VERSION:
        return IndexHealth(False, f"build {name} has manifest version {manifest.get('version')!r}, "
                           f"not {MANIFEST_VERSION}", name)
    if manifest.get("embedding") != embedding_name:
        return IndexHealth(False, f"build {name} was embedded with {manifest.get('embedding')!r}, but the "
                           f"configured embedding model is {embedding_name!r}", name)
    if manifest.get("store") != server:
        return IndexHealth(False, f"build {name} is stored on {manifest.get('store') or 'this machine'}, "
                           f"not on {server or 'this machine'} as configured", name)
    ids = manifest["ids"]
    if len(set(ids)) != len(ids):
        return IndexHealth(False, f"build {name} lists {len(ids) - len(set(ids))} passage(s) twice", name)
    health = IndexHealth(True, "", name, len(ids), list(manifest.get("sources") or []))
    if not ids:
        return health
    try:
        vectors = np.load(build_dir / "vectors.npy", allow_pickle=False)
    except Exception as exc:
        return IndexHealth(False, f"vectors.npy of build {name} cannot be read ({_why(exc)})", name)
    if not vectors_match(vectors, manifest):
        return IndexHealth(False, f"vectors.npy of build {name} holds {vectors.shape}, not the "
                           f"{len(ids)} x {manifest.get('dimension')} finite vectors of its manifest", name)
    # Retrieval's coverage call reads the centroid; a build made before it was recorded
    # has none, and the index works it out when it opens the build.
    centroid = manifest.get("centroid")
    if centroid is not None and not (
            centroid_matches(centroid, manifest)
            and np.allclose(centroid, passage_centroid(vectors), rtol=0.0, atol=1e-5)):
        return IndexHealth(False, f"the passage centroid in the manifest of build {name} does not match "
                           "its vectors", name)
    problem = "" if server else _sqlite_problem(build_dir / "chroma" / "chroma.sqlite3")
    if problem:
        return IndexHealth(False, f"the chromadb database of build {name} is damaged ({problem})", name)
    try:
        index.open()
        chunks = index.chunks
        texts = [(c.source, c.start, c.text) for c in chunks]
        if [c.id for c in chunks] != ids or len(set(texts)) != len(texts):
            return IndexHealth(False, f"build {name} does not hold exactly the passages of its manifest", name)
        found = index.search(vectors[0], min(4, len(ids)))
        if len(found) != min(4, len(ids)) or not {c.id for c, _ in found} <= set(ids) or found[0][1] < 0.99:
            return IndexHealth(False, f"a search in build {name} does not find its own passages", name)
        if index.similarities(vectors[0], ids[:1]).get(ids[0], 0.0) < 0.99:
            return IndexHealth(False, f"build {name} does not hold the vector of its first passage", name)
    except BaseException as exc:  # chromadb's Rust panics are BaseExceptions
        if is_fatal(exc):
            raise
        return IndexHealth(False, f"the chromadb files of build {name} cannot be read ({_why(exc)})", name)
    return health


def _sqlite_problem(path: Path) -> str:
    """SQLite's own structural check of chromadb's database, read-only."""
    if not path.is_file():
        return "chroma.sqlite3 is missing"
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        return _one_line(str(exc))
    # SQLite's findings may run over lines ("*** in database main ***\nPage 46: …"); the
    # doctor prints each problem on one line with its fix on the next.
    return "" if rows == [("ok",)] else _one_line("; ".join(str(r[0]) for r in rows[:3]))


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


def probe_index(index_dir: Path, embedding_name: str, server: str | None = None,
                timeout: float = PROBE_TIMEOUT_S, command: Sequence[str] | None = None) -> IndexHealth:
    """Run :func:`inspect_index` in a child process; a crash or a hang becomes a problem.

    ``command`` replaces ``python -m advisor.index_probe`` (the tests use it to crash).
    """
    argv = [*(command or (sys.executable, "-m", "advisor.index_probe")), str(index_dir), embedding_name,
            *([server] if server else [])]
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))))
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired:
        return IndexHealth(False, f"reading the index did not finish within {timeout:.0f} s "
                           "(the check was stopped; the index is probably damaged)")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            try:
                return IndexHealth(**json.loads(line[len(MARKER):]))
            except (ValueError, TypeError):
                break
    if proc.returncode < 0:
        try:
            how = signal.Signals(-proc.returncode).name
        except ValueError:
            how = f"signal {-proc.returncode}"
        return IndexHealth(False, f"reading the index crashed the checking process ({how}); "
                           "the index is probably damaged")
    last = (proc.stderr.strip().splitlines() or [""])[-1][:300]
    return IndexHealth(False, f"the index check ended without a result (exit status {proc.returncode}"
                       f"{': ' + last if last else ''})")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (2, 3):
        print("usage: python -m advisor.index_probe INDEX_DIR EMBEDDING_NAME [SERVER_URL]", file=sys.stderr)
        return 2
    try:
        health = inspect_index(Path(args[0]), args[1], *args[2:])
    except BaseException as exc:
        if is_fatal(exc):
            raise
        health = IndexHealth(False, f"the index cannot be checked ({_why(exc)})")
    print(MARKER + json.dumps(asdict(health), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
