"""What the fitted parts (the scope probe, the stage resemblance) share: the record of
which evaluation items they were fitted on, so that a test can tell that no sealed item
was used and that a fit is up to date with its set."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def items_fingerprint(items: Iterable[tuple]) -> str:
    """A digest of the items a fit read, each a tuple of its id, its text and its label,
    in any order."""
    digest = hashlib.sha256()
    for fields in sorted(tuple(str(f) for f in item) for item in items):
        digest.update("\x00".join(fields).encode() + b"\x01")
    return digest.hexdigest()
