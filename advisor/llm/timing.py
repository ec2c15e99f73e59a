"""How long a streamed answer took, measured the same way by every chat model and the chain.

These numbers are part of every answer's ``timings`` (see README, ``advisor ask --json``)
and of the benchmarks, so they are worked out in one place: seconds rounded to the
millisecond, tokens per second to two decimals. Decoding speed counts the tokens after
the first one over the time after the first one: the wait for the first token is prompt
processing, reported on its own as ``first_token_s``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SECONDS_DIGITS = 3
RATE_DIGITS = 2


def rounded_seconds(seconds: float) -> float:
    """``seconds`` as every timing reports them: to the millisecond."""
    return round(seconds, SECONDS_DIGITS)


def decode_tokens_per_s(tokens: int, first_token_at: float | None, until: float | None) -> float | None:
    """Tokens per second after the first token, from ``first_token_at`` to ``until``.

    None when fewer than two tokens came, or no time passed between the two moments: a
    rate over one token or over no time would be noise, not speed.
    """
    if tokens < 2 or first_token_at is None or until is None or until <= first_token_at:
        return None
    return round((tokens - 1) / (until - first_token_at), RATE_DIGITS)


class Stopwatch:
    """The moments of one generation: its start, its first and last token, its end.

    ``clock`` is a monotonic clock in seconds (``time.perf_counter``); ``wall_clock`` gives
    the wall-clock time of the first token, for measuring from a process's start. Both are
    parameters so that tests can give fixed moments.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter,
                 wall_clock: Callable[[], float] = time.time):
        self._clock = clock
        self._wall_clock = wall_clock
        self.started = clock()
        self.first_token_at: float | None = None
        self.first_token_unix: float | None = None
        self.last_token_at: float | None = None
        self.ended: float | None = None
        self.tokens = 0

    def token(self) -> None:
        """A generated token has arrived (a prefilled answer start is not one)."""
        now = self._clock()
        if self.first_token_at is None:
            self.first_token_at = now
            self.first_token_unix = self._wall_clock()
        self.last_token_at = now
        self.tokens += 1

    def stop(self) -> None:
        """The generation has ended: ``total_s`` and ``first_token_s`` count to now."""
        self.ended = self._clock()

    def elapsed_s(self) -> float:
        """Seconds since the start, rounded; for a moment along the way (a quote shown)."""
        return rounded_seconds(self._clock() - self.started)

    # --- the numbers, once stopped ---------------------------------------------------------
    def total_s(self) -> float:
        return rounded_seconds(self._end() - self.started)

    def first_token_s(self) -> float:
        """Seconds to the first token; to the end when no token came."""
        first = self.first_token_at if self.first_token_at is not None else self._end()
        return rounded_seconds(first - self.started)

    def decode_tokens_per_s(self, to_last_token: bool = False) -> float | None:
        """Speed from the first token to the end of the generation, or with
        ``to_last_token`` to the last token: the chain's own measure, which leaves out
        the time it spends on an answer after the model's last token."""
        return decode_tokens_per_s(self.tokens, self.first_token_at,
                                   self.last_token_at if to_last_token else self.ended)

    def first_token_unix_s(self) -> float | None:
        """Wall-clock time of the first token, rounded; None when no token came."""
        return rounded_seconds(self.first_token_unix) if self.first_token_unix else None

    def model_timings(self, prompt_tokens: int | None, generated_tokens: int | None = None) -> dict:
        """The ``timings`` a chat model puts on the last chunk of a streamed answer.

        ``prompt_tokens``: None when unknown (a server that reports no usage while
        streaming); the key is then left out and the chain's own count stands.
        ``generated_tokens``: the model's own count, when it reports one; else the
        tokens this stopwatch saw.
        """
        timings: dict = {"first_token_s": self.first_token_s(), "total_s": self.total_s()}
        if prompt_tokens is not None:
            timings["prompt_tokens"] = prompt_tokens
        timings["generated_tokens"] = self.tokens if generated_tokens is None else generated_tokens
        timings["decode_tokens_per_s"] = self.decode_tokens_per_s()
        return timings

    def _end(self) -> float:
        if self.ended is None:
            raise RuntimeError("Stopwatch.stop() must be called before reading the totals")
        return self.ended
