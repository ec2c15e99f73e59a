"""The shipped scope probe is what fitting the tuning part with the real embedder gives:
the file comes from the code and the tuning questions, nothing else."""

from __future__ import annotations

import numpy as np

from advisor.retrieval.scope_probe import fit, load_probe
from advisor.retrieval.scope_training import question_features, tuning_questions


def test_refitting_the_tuning_part_gives_the_shipped_probe():
    shipped = load_probe()
    items = tuning_questions()
    x, embedding, _ = question_features(items)
    assert embedding == shipped.embedding
    w, b = fit(x, np.asarray([i.refuse for i in items]))
    refit = 1 / (1 + np.exp(-(x @ w + b)))
    stored = 1 / (1 + np.exp(-(x @ shipped.weights + shipped.bias)))
    # The file keeps six decimals of each weight.
    assert np.abs(refit - stored).max() < 1e-3
    # In sample, the probe agrees with the labels nearly everywhere at its threshold.
    declined = np.asarray([i.refuse for i in items])
    assert ((stored >= shipped.threshold) == declined).mean() > 0.9
