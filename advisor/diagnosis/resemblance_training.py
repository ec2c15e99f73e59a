"""Fitting the stage resemblance on the tuning part of the diagnosis profiles
(``make resemblance``).

Only tuning profiles are read, mended as a user's description is (traditional
characters, pinyin stage names). Before writing, it reports how the chosen settings hold
on descriptions it has not seen: the tuning part is fitted again once per batch with that
batch left out, and the left-out batch is scored.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from advisor.diagnosis.resemblance import DEFAULT_RESEMBLANCE, SURE_AT, Resemblance, features, fit, softmax
from advisor.fitting import items_fingerprint


def tuning_profiles(path: Path | None = None):
    from advisor.evaluation import DEFAULT_PROFILES, load_profiles

    return [p for p in load_profiles(path or DEFAULT_PROFILES) if p.split == "tuning"]


def batch_of(profile_id: str) -> str:
    """The batch a profile was written in ("en-b14-s5-…" → "b14"); the first ones have none."""
    found = re.search(r"-(b\d\d)-", profile_id)
    return found.group(1) if found else "first"


def profile_features(profiles, embeddings) -> np.ndarray:
    from advisor.answering.question import mend_terms

    return np.vstack([features(embeddings.embed_query(mend_terms(p.text))) for p in profiles])


def left_out_report(x: np.ndarray, profiles) -> dict:
    """Each batch scored by a fit without it: right stage overall, and where it is sure."""
    groups = np.asarray([batch_of(p.id) for p in profiles])
    stages = np.asarray([p.expected_stage for p in profiles])
    chances = np.zeros((len(profiles), 5))
    for batch in sorted(set(groups)):
        held = groups == batch
        w, b = fit(x[~held], stages[~held])
        chances[held] = softmax(x[held] @ w + b)
    guess = chances.argmax(axis=1) + 1
    right = np.asarray([g in p.acceptable_stages for g, p in zip(guess, profiles)])
    sure = chances.max(axis=1) >= SURE_AT
    return {"right stage": f"{int(right.sum())}/{len(profiles)}",
            f"right where at least {SURE_AT:.0%} sure": f"{int((right & sure).sum())}/{int(sure.sum())}"}


def main(argv: list[str] | None = None) -> int:
    from advisor.llm.embeddings import build_embeddings, embedding_name
    from advisor.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_RESEMBLANCE, help="where to write the fit")
    parser.add_argument("--profiles", type=Path, default=None, help="profile set (default: the built-in one)")
    args = parser.parse_args(argv)

    profiles = tuning_profiles(args.profiles)
    embeddings = build_embeddings(Settings())
    embedding = embedding_name(embeddings)
    x = profile_features(profiles, embeddings)
    report = left_out_report(x, profiles)
    w, b = fit(x, np.asarray([p.expected_stage for p in profiles]))
    fitted = Resemblance(w, b, embedding,
                         items_fingerprint((p.id, p.text, p.expected_stage) for p in profiles), len(profiles))
    args.out.write_text(fitted.to_json(), encoding="utf-8")
    print(f"resemblance: {len(profiles)} tuning profiles, embedding {embedding}")
    print("one batch left out at a time: " + ", ".join(f"{k} {v}" for k, v in report.items()))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
