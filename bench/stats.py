"""Small statistics helpers: pure functions, so the report's arithmetic is unit-tested."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from advisor import evaluation


def present(values: Iterable[float | None]) -> list[float]:
    """The values that were measured (``None`` means not measured)."""
    return [float(v) for v in values if v is not None]


def percentile(values: Sequence[float | None], q: float) -> float | None:
    """The ``q``-th percentile (0-100) of the measured values; ``None`` for none.

    The advisor's own definition (:func:`advisor.evaluation.percentile`, linear between
    ranks, as ``numpy.percentile``'s default), so bench and ``advisor eval`` agree.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    data = present(values)
    return evaluation.percentile(data, q / 100) if data else None


def median(values: Sequence[float | None]) -> float | None:
    return percentile(values, 50)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or ``None`` when either is missing or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def decode_rate(tokens: int, first_s: float | None, last_s: float | None) -> float | None:
    """Tokens per second after the first token: ``(tokens - 1) / (last - first)``.

    The advisor's chain computes its decode speed this way, so the raw side does too.
    """
    if tokens < 2 or first_s is None or last_s is None or last_s <= first_s:
        return None
    return (tokens - 1) / (last_s - first_s)
