"""Benchmarks of the advisor on this machine: ``python -m bench`` (``make bench``).

One run measures, on the same model file, prompt, threads and machine: raw
llama-cpp-python against the full advisor chain, retrieval latency, index build time,
and a one-off ``advisor ask`` from process start. It prints a table with the targets
and writes the numbers as JSON.
"""

from advisor import offline as _offline  # noqa: F401  (before any heavy library, as in advisor/)
