"""The health check of the centroid retrieval reads from the manifest. Fake vectors and
real chromadb on disk; the e5 probe cases are in test_faults."""

from __future__ import annotations

import json

import pytest

from advisor.index_probe import inspect_index
from advisor.retrieval.index import PassageIndex
from tests.fakes import CountingEmbeddings
from tests.unit.index_fixtures import make_chunks


@pytest.fixture
def built(tmp_path):
    embeddings = CountingEmbeddings(size=32)
    index = PassageIndex(tmp_path / "index", embeddings.name)
    index.build(make_chunks(), embeddings)
    return index


def rewrite_manifest(index: PassageIndex, change) -> None:
    path = index.builds_dir / index.current_build() / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_a_healthy_build_passes(built):
    health = inspect_index(built.index_dir, built.embedding_name)
    assert health.ok, health.problem
    assert health.passages == 6


def test_a_build_made_before_the_centroid_was_recorded_passes(built):
    rewrite_manifest(built, lambda m: m.pop("centroid"))
    health = inspect_index(built.index_dir, built.embedding_name)
    assert health.ok, health.problem


@pytest.mark.parametrize("change", [
    lambda m: m.update(centroid=[c + 0.01 for c in m["centroid"]]),
    lambda m: m.update(centroid=m["centroid"][:8]),
    lambda m: m.update(centroid="garbage"),
], ids=["moved", "short", "text"])
def test_a_centroid_that_does_not_match_the_vectors_is_found(built, change):
    rewrite_manifest(built, change)
    health = inspect_index(built.index_dir, built.embedding_name)
    assert not health.ok
    assert health.problem == (f"the passage centroid in the manifest of build {built.current_build()} "
                              "does not match its vectors")



def test_sqlites_findings_over_several_lines_are_reported_on_one(tmp_path, monkeypatch):
    import advisor.index_probe as probe

    class Damaged:
        def execute(self, _):
            return self

        def fetchall(self):
            return [("*** in database main ***\nPage 46: btreeInitPage() returns error code 11",)]

        def close(self):
            pass

    database = tmp_path / "chroma.sqlite3"
    database.write_bytes(b"not really sqlite")
    monkeypatch.setattr(probe.sqlite3, "connect", lambda *a, **k: Damaged())
    problem = probe._sqlite_problem(database)
    assert problem == "*** in database main *** Page 46: btreeInitPage() returns error code 11"
