"""What a free-text diagnosis costs: one fixed profile per language and expected stage,
diagnosed by the warm model of the chain measurement (advisor.diagnosis.extraction).

The profiles are the first of each (language, stage) in the packaged profile set, so
the sample spans one-liners to long texts and every stage; it is chosen by position,
never at random, so runs compare.
"""

from __future__ import annotations

import time

from bench.stats import median


def sample(profiles) -> list:
    """The first profile of each (language, expected stage), in file order."""
    seen, picked = set(), []
    for profile in profiles:
        key = (profile.language, profile.expected_stage)
        if key not in seen:
            seen.add(key)
            picked.append(profile)
    return picked


def measure(advisor, profiles) -> dict:
    """Per profile: seconds, model calls, the stage found and whether it is acceptable."""
    rows = []
    for profile in profiles:
        started = time.perf_counter()
        assessment = advisor.assess_profile(profile.text)
        rows.append({"id": profile.id, "seconds": round(time.perf_counter() - started, 2),
                     "model_calls": assessment.extraction.model_calls, "stage": assessment.stage,
                     "right": assessment.stage in profile.acceptable_stages,
                     "confidence": assessment.diagnosis.confidence})
    return {"rows": rows, "median_s": median([r["seconds"] for r in rows]) if rows else None,
            "max_s": max((r["seconds"] for r in rows), default=None),
            "model_calls_median": median([float(r["model_calls"]) for r in rows]) if rows else None}
