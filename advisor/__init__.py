"""An offline advisor on the five stages of enterprise AI adoption.

``advisor.offline`` is imported first, on purpose: it switches off every network and
telemetry feature of the libraries below before any of them is loaded.
"""

from advisor import offline as _offline  # noqa: F401  (must stay the first import)

__version__ = "0.1.0"
