"""What the fitted parts (the scope probe, the section probe, the stage resemblance)
share: the record of which evaluation items they were fitted on, so that a test can tell
that no sealed item was used and that a fit is up to date with its set; and the softmax
regression two of them are."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np


def items_fingerprint(items: Iterable[tuple]) -> str:
    """A digest of the items a fit read, each a tuple of its id, its text and its label,
    in any order."""
    digest = hashlib.sha256()
    for fields in sorted(tuple(str(f) for f in item) for item in items):
        digest.update("\x00".join(fields).encode() + b"\x01")
    return digest.hexdigest()


def scaled_unit(vector, scale: float) -> np.ndarray:
    """An embedding as a unit vector times ``scale``: the features the fits read."""
    unit = np.asarray(vector, dtype=np.float64)
    return unit / (np.linalg.norm(unit) or 1.0) * scale


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_softmax(x: np.ndarray, target: np.ndarray, l2: float, steps: int,
                rate: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x classes) and biases of a softmax regression, by plain gradient
    descent from zero, so that the same items always give the same weights. ``target``
    holds one row per item: one-hot, or spread over the classes an item accepts."""
    w = np.zeros((x.shape[1], target.shape[1]))
    b = np.zeros(target.shape[1])
    for _ in range(steps):
        g = softmax(x @ w + b) - target
        w -= rate * (x.T @ g / len(x) + l2 * w / len(x))
        b -= rate * g.mean(axis=0)
    return w, b
