"""The passage index: real chromadb on disk, builds swapped in atomically, vectors re-used."""

from __future__ import annotations

import json
import types

import pytest

from advisor.retrieval import index as index_module
from advisor.retrieval.index import IndexNotReady, PassageIndex
from tests.fakes import CountingEmbeddings
from tests.unit.index_fixtures import make_chunks


@pytest.fixture
def embeddings():
    return CountingEmbeddings(size=32)


@pytest.fixture
def index(tmp_path, embeddings):
    return PassageIndex(tmp_path / "index", embeddings.name)


def builds(index: PassageIndex) -> list[str]:
    return sorted(p.name for p in index.builds_dir.iterdir())


def test_build_writes_current_and_search_finds_the_passage(index, embeddings):
    chunks = make_chunks()
    report = index.build(chunks, embeddings)
    assert (report.passages, report.embedded, report.reused, report.unchanged) == (6, 6, 0, False)
    assert (index.index_dir / "CURRENT").read_text() == report.build == index.current_build()
    manifest = index.read_manifest()
    assert manifest["ids"] == [c.id for c in chunks] and manifest["embedding"] == embeddings.name
    assert manifest["dimension"] == 32
    # embed_text, not text, is what the embedder saw.
    assert embeddings.embedded == [c.embed_text for c in chunks]

    fresh = PassageIndex(index.index_dir, embeddings.name)  # as another process would
    hits = fresh.search(embeddings.embed_query(chunks[2].embed_text), k=3)
    assert len(hits) == 3
    best, score = hits[0]
    assert best == chunks[2]
    assert score == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert [c.id for c in fresh.chunks] == [c.id for c in chunks]
    assert fresh.vectors().shape == (6, 32)


def test_search_with_a_stage_filter(index, embeddings):
    chunks = make_chunks(10)
    index.build(chunks, embeddings)
    hits = index.search(embeddings.embed_query("anything"), k=10, stage=2)
    assert {c.stage for c, _ in hits} == {2} and len(hits) == 2


def test_same_chunks_again_is_unchanged_and_embeds_nothing(index, embeddings):
    chunks = make_chunks()
    first = index.build(chunks, embeddings)
    embeddings.embedded.clear()
    again = index.build(chunks, embeddings)
    assert again.unchanged and again.build == first.build
    assert (again.embedded, again.reused) == (0, 6)
    assert embeddings.embedded == []
    assert builds(index) == [first.build]


def test_one_changed_chunk_is_the_only_one_embedded(index, embeddings):
    index.build(make_chunks(), embeddings)
    embeddings.embedded.clear()
    changed = make_chunks(changed=3)
    report = index.build(changed, embeddings)
    assert (report.embedded, report.reused, report.unchanged) == (1, 5, False)
    assert embeddings.embedded == [changed[3].embed_text]
    fresh = PassageIndex(index.index_dir, embeddings.name)
    assert "(edited)" in fresh.chunks[3].text
    # The re-used vectors are the ones the passages had: each passage still finds itself.
    for c in changed:
        assert fresh.search(embeddings.embed_query(c.embed_text), k=1)[0][0].id == c.id


def test_force_re_embeds_everything(index, embeddings):
    chunks = make_chunks()
    index.build(chunks, embeddings)
    embeddings.embedded.clear()
    report = index.build(chunks, embeddings, force=True)
    assert (report.embedded, report.reused, report.unchanged) == (6, 0, False)
    assert len(embeddings.embedded) == 6


def test_progress_is_reported(index, embeddings):
    calls = []
    index.build(make_chunks(20), embeddings, progress=lambda *a: calls.append(a))
    assert ("embedding", 20, 20) in calls and ("storing", 20, 20) in calls


def test_duplicate_chunks_are_refused(index, embeddings):
    chunk = make_chunks(1)[0]
    with pytest.raises(ValueError, match="duplicate"):
        index.build([chunk, chunk], embeddings)


@pytest.fixture
def ticking_clock(monkeypatch):
    """Each build is named one second after the previous one (real builds may share a second)."""
    seconds = iter(range(60))
    clock = types.SimpleNamespace(
        strftime=lambda fmt: "2026-01-01T12:00:00+0000",
        time_ns=lambda: 1_767_268_800_000_000_000 + next(seconds) * 1_000_000_000,
        perf_counter=index_module.time.perf_counter,
    )
    monkeypatch.setattr(index_module, "time", clock)


def test_the_replaced_build_is_kept_for_running_readers_and_older_ones_go(index, embeddings, ticking_clock):
    first = index.build(make_chunks(), embeddings).build
    second = index.build(make_chunks(changed=1), embeddings).build
    third = index.build(make_chunks(changed=2), embeddings).build
    assert first not in builds(index)
    assert third in builds(index) and index.current_build() == third
    assert builds(index) == [second, third]


def test_an_abandoned_half_build_does_not_affect_reads_and_is_cleaned(index, embeddings):
    good = index.build(make_chunks(), embeddings).build
    # A build that died before its manifest: a later name, some files, no manifest.
    half = index.builds_dir / "99991231-235959-deadbeef"
    (half / "chroma").mkdir(parents=True)
    (half / "chroma" / "chroma.sqlite3").write_bytes(b"garbage")

    reader = PassageIndex(index.index_dir, embeddings.name)
    assert reader.current_build() == good
    assert len(reader.chunks) == 6
    assert reader.search(embeddings.embed_query("x"), k=2)

    # Even a CURRENT that names the half build is not trusted without a manifest.
    (index.index_dir / "CURRENT").write_text(half.name)
    assert PassageIndex(index.index_dir, embeddings.name).current_build() is None
    (index.index_dir / "CURRENT").write_text(good)

    index.build(make_chunks(changed=0), embeddings)
    assert not half.exists()


def test_no_index_yet_says_how_to_build_one(index):
    with pytest.raises(IndexNotReady, match="ingest --rebuild"):
        index.open()
    assert index.current_build() is None and index.read_manifest() is None


def test_an_index_of_another_embedding_model_is_refused(tmp_path, embeddings):
    PassageIndex(tmp_path / "index", "model-a").build(make_chunks(), embeddings)
    other = PassageIndex(tmp_path / "index", "model-b")
    with pytest.raises(IndexNotReady, match=r"'model-a'.*'model-b'.*rebuild"):
        other.open()
    assert not other.is_current(make_chunks())
    # Building with the new model re-embeds every passage: old vectors are not mixed in.
    embeddings.embedded.clear()
    report = other.build(make_chunks(), embeddings)
    assert (report.embedded, report.reused) == (6, 0)
    assert len(other.chunks) == 6


def test_a_damaged_manifest_means_no_current_build(index, embeddings):
    build = index.build(make_chunks(), embeddings).build
    (index.builds_dir / build / "manifest.json").write_text("{not json")
    assert index.read_manifest() is None
    embeddings.embedded.clear()
    report = index.build(make_chunks(), embeddings)
    assert not report.unchanged and report.embedded == 6


def test_an_empty_corpus_builds_an_empty_index(index, embeddings):
    index.build([], embeddings)
    assert index.chunks == [] and index.search([0.0] * 32, k=3) == []
    assert json.loads((index.builds_dir / index.current_build() / "manifest.json").read_text())["ids"] == []


def test_the_replaced_build_survives_a_rebuild_at_the_same_instant(index, embeddings, monkeypatch):
    # A clock that does not move and random suffixes that count down: each build's name
    # sorts before the previous one's. The replaced build must survive all the same.
    countdown = iter(range(0xFFFFFFFF, 0, -1))
    fake_time = types.SimpleNamespace(
        strftime=lambda fmt: "2026-01-01T12:00:00+0000",
        time_ns=lambda: 1_767_268_800_000_000_000,
        perf_counter=index_module.time.perf_counter,
    )

    def uuid4():
        return types.SimpleNamespace(hex=f"{next(countdown):08x}" + "0" * 24)

    monkeypatch.setattr(index_module, "time", fake_time)
    monkeypatch.setattr(index_module, "uuid", types.SimpleNamespace(uuid4=uuid4))
    first = index.build(make_chunks(), embeddings).build
    second = index.build(make_chunks(changed=1), embeddings).build
    assert first != second and index.current_build() == second
    assert first in builds(index)


def test_half_builds_left_by_crashes_go_before_the_next_build_even_if_it_fails(index, embeddings):
    index.build(make_chunks(), embeddings)
    halves = [index.builds_dir / f"9999123{i}-235959-deadbeef" for i in range(3)]
    for half in halves:
        (half / "chroma").mkdir(parents=True)

    class Broken(CountingEmbeddings):
        def embed_documents(self, texts):
            raise RuntimeError("the embedder died")

    with pytest.raises(RuntimeError):
        index.build(make_chunks(changed=1), Broken(size=32))
    assert not any(h.exists() for h in halves), "crash leftovers pile up"


@pytest.mark.parametrize("damage", ["nan", "wrong-dimension"])
def test_damaged_saved_vectors_are_embedded_again_not_reused(index, embeddings, damage):
    import numpy as np

    first = index.build(make_chunks(), embeddings)
    path = index.builds_dir / first.build / "vectors.npy"
    vectors = np.load(path)
    if damage == "nan":
        vectors[2, 5] = np.nan
    else:
        vectors = vectors[:, :16]
    np.save(path, vectors)
    embeddings.embedded.clear()
    report = index.build(make_chunks(changed=0), embeddings)
    assert report.embedded == 6 and report.reused == 0
    assert np.isfinite(PassageIndex(index.index_dir, embeddings.name).vectors()).all()


# --- what retrieval asks of the build in service ------------------------------------------
def cosines(vectors, vector):
    import numpy as np

    rows = np.asarray(vectors, dtype=np.float64)
    query = np.asarray(vector, dtype=np.float64)
    return rows @ query / (np.linalg.norm(rows, axis=1) * np.linalg.norm(query))


def test_the_manifest_records_the_centroid_that_gives_the_mean_similarity(index, embeddings):
    import numpy as np

    index.build(make_chunks(), embeddings)
    manifest = index.read_manifest()
    assert len(manifest["centroid"]) == manifest["dimension"] == 32
    reader = PassageIndex(index.index_dir, embeddings.name)
    saved = np.load(index.builds_dir / index.current_build() / "vectors.npy")
    for text in ("passage 3", "something else entirely"):
        question = embeddings.embed_query(text)
        # The fake vectors are not of length 1: the mean is of cosines, as the search's are.
        assert reader.mean_similarity(question) == pytest.approx(cosines(saved, question).mean(), abs=1e-6)


def test_a_build_without_a_recorded_centroid_works_it_out_from_the_collection(index, embeddings):
    index.build(make_chunks(), embeddings)
    question = embeddings.embed_query("passage 4")
    expected = PassageIndex(index.index_dir, embeddings.name).mean_similarity(question)
    path = index.builds_dir / index.current_build() / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["centroid"]  # as a build made before manifests recorded it
    path.write_text(json.dumps(manifest))
    (path.parent / "vectors.npy").unlink()  # not read for it either
    # Only the order of summation differs (the collection returns the passages in its own).
    assert PassageIndex(index.index_dir, embeddings.name).mean_similarity(question) == pytest.approx(
        expected, abs=1e-7)


@pytest.mark.parametrize("centroid", [[0.1] * 16, [float("nan")] * 32, "garbage"], ids=["short", "nan", "text"])
def test_a_damaged_centroid_is_an_index_that_needs_a_rebuild(index, embeddings, centroid):
    index.build(make_chunks(), embeddings)
    path = index.builds_dir / index.current_build() / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["centroid"] = centroid
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexNotReady, match="manifest is damaged.*ingest --rebuild"):
        PassageIndex(index.index_dir, embeddings.name).open()


def test_similarities_of_chosen_passages_come_from_their_stored_vectors(index, embeddings):
    import numpy as np

    chunks = make_chunks()
    index.build(chunks, embeddings)
    (index.builds_dir / index.current_build() / "vectors.npy").unlink()  # search never reads it
    reader = PassageIndex(index.index_dir, embeddings.name)
    question = embeddings.embed_query("passage 1")
    wanted = [chunks[4].id, chunks[1].id, "not-a-passage"]
    scores = reader.similarities(question, wanted)
    assert set(scores) == {chunks[4].id, chunks[1].id}
    stored = [embeddings.embed_documents([c.embed_text])[0] for c in (chunks[4], chunks[1])]
    assert [scores[chunks[4].id], scores[chunks[1].id]] == pytest.approx(cosines(stored, question), abs=1e-6)
    # The same cosine the search reports for a passage it returns.
    searched = dict((c.id, s) for c, s in reader.search(question, k=6))
    assert all(abs(searched[i] - s) < 1e-5 for i, s in scores.items())
    assert reader.similarities(question, []) == {}
    assert np.isfinite(list(scores.values())).all()


def test_an_empty_index_has_no_similarities(index, embeddings):
    index.build([], embeddings)
    assert index.mean_similarity([0.5] * 32) == 0.0
    assert index.similarities([0.5] * 32, ["anything"]) == {}
