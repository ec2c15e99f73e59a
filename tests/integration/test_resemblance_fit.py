"""The shipped stage resemblance is what fitting the tuning profiles with the real
embedder gives: the file comes from the code and the tuning profiles, nothing else."""

from __future__ import annotations

import numpy as np

from advisor.diagnosis.resemblance import fit, load_resemblance, softmax
from advisor.diagnosis.resemblance_training import profile_features, tuning_profiles


def test_refitting_the_tuning_profiles_gives_the_shipped_resemblance():
    from advisor.llm.embeddings import E5Embeddings

    embeddings = E5Embeddings()
    shipped = load_resemblance(embedding=embeddings.name)
    assert shipped is not None
    profiles = tuning_profiles()
    x = profile_features(profiles, embeddings)
    stages = np.asarray([p.expected_stage for p in profiles])
    w, b = fit(x, stages)
    # The file keeps six decimals of each weight.
    assert np.abs(softmax(x @ w + b) - softmax(x @ shipped.weights + shipped.biases)).max() < 1e-3
    assert ((x @ shipped.weights + shipped.biases).argmax(axis=1) + 1 == stages).mean() > 0.9
