"""Fitting the section probe on the tuning part of the development set (``make section-probe``).

Only tuning questions the article answers are read (a question to decline has no part
of the article to point at); the sealed part stays a fair test. The questions go through
the same mending as a user's and are embedded by the advisor's own embedder in a fresh
data folder that holds the built-in article alone.

Before writing, it reports how the probe holds on questions it has not seen: the tuning
part is fitted again once per batch with that batch left out, and the left-out batch is
retrieved with that probe, beside retrieval without one. The settings below were chosen
that way; on the 268 tuning questions with a part to find, with one batch out at a time:

=====================================  ======  ======
                                       hit@1   hit@3
=====================================  ======  ======
no probe                               0.698   0.914
l2 3, weight 1, 6 passages             0.757   0.903
l2 0.3, weight 1, 3 passages           0.832   0.981
l2 0.1, weight 1, 3 passages (chosen)  0.832   0.985
l2 0.1, weight 1.5, 3 passages         0.836   0.978
l2 0.1, weight 1, 2 passages           0.847   0.970
=====================================  ======  ======

(hit@k: a passage of the expected stage and section among the first k.)
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

import numpy as np

from advisor.fitting import fit_softmax, items_fingerprint
from advisor.retrieval.scope_training import batch_of
from advisor.retrieval.section_probe import (
    DEFAULT_SECTION_PROBE,
    SECTION_CLASSES,
    STAGE_CLASSES,
    SectionProbe,
    features,
)

L2 = 0.1
STEPS = 1500


def tuning_questions(devset_path: Path | None = None):
    """The tuning part's questions the article answers, with the part they ask about."""
    from advisor.evaluation import DEFAULT_DEVSET, load_devset

    items = load_devset(devset_path or DEFAULT_DEVSET)
    return [i for i in items if i.split == "tuning" and i.route == "document" and not i.refuse
            and any(s in SECTION_CLASSES for s in i.sections)]


def fingerprint(items) -> str:
    return items_fingerprint((i.id, i.question, i.stage, ",".join(sorted(i.sections))) for i in items)


def targets(items) -> tuple[np.ndarray, np.ndarray]:
    """One row per question: its stage (class 0 for none), and its sections, the weight
    spread over those it accepts."""
    stages = np.zeros((len(items), STAGE_CLASSES))
    sections = np.zeros((len(items), len(SECTION_CLASSES)))
    for row, item in enumerate(items):
        stages[row, item.stage or 0] = 1.0
        accepted = [s for s in item.sections if s in SECTION_CLASSES]
        for section in accepted:
            sections[row, SECTION_CLASSES.index(section)] = 1.0 / len(accepted)
    return stages, sections


def fit(x: np.ndarray, stages: np.ndarray, sections: np.ndarray, embedding: str = "",
        trained_on: str = "") -> SectionProbe:
    ws, bs = fit_softmax(x, stages, L2, STEPS)
    wc, bc = fit_softmax(x, sections, L2, STEPS)
    return SectionProbe(ws, bs, wc, bc, embedding, trained_on, len(x))


def hits(retriever, questions: list[str], items) -> tuple[int, int]:
    """How many questions have a passage of their stage and section first, and in the first three."""
    first = three = 0
    for question, item in zip(questions, items):
        top = [p.chunk for p in retriever.retrieve(question).passages]
        found = [c.stage == item.stage and c.section in item.sections for c in top[:3]]
        first += bool(found[:1] and found[0])
        three += any(found)
    return first, three


@contextlib.contextmanager
def article_retriever():
    """The advisor's retriever over a fresh data folder that holds the built-in article alone."""
    from advisor.container import build_advisor
    from advisor.settings import Settings

    with tempfile.TemporaryDirectory(prefix="section-probe-") as data_dir:
        settings = Settings().model_copy(update={"data_dir": Path(data_dir), "answer_cache": False})
        advisor = build_advisor(settings)
        advisor.ensure_index()
        yield advisor.chain.retriever


def mended(items) -> list[str]:
    """The questions as retrieval gets them from a user."""
    from advisor.answering.question import clean_question, mend_terms
    from advisor.settings import Settings

    limit = Settings().max_question_chars
    return [mend_terms(clean_question(i.question, limit)) for i in items]


def main(argv: list[str] | None = None) -> int:
    from advisor.llm.embeddings import embedding_name

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_SECTION_PROBE, help="where to write the probe")
    parser.add_argument("--devset", type=Path, default=None, help="development set (default: the built-in one)")
    parser.add_argument("--no-report", action="store_true", help="skip the report with one batch left out")
    args = parser.parse_args(argv)

    items = tuning_questions(args.devset)
    stages, sections = targets(items)
    questions = mended(items)
    with article_retriever() as retriever:
        x = np.vstack([features(retriever.embeddings.embed_query(q)) for q in questions])
        embedding = embedding_name(retriever.embeddings)
        if not args.no_report:
            batches = np.asarray([batch_of(i.id) for i in items])
            retriever.section_probe = None
            without = hits(retriever, questions, items)
            left_out = [0, 0]
            for batch in sorted(set(batches)):
                held = batches == batch
                retriever.section_probe = fit(x[~held], stages[~held], sections[~held])
                kept = [k for k, h in enumerate(held) if h]
                found = hits(retriever, [questions[k] for k in kept], [items[k] for k in kept])
                left_out = [a + b for a, b in zip(left_out, found)]
            n = len(items)
            print(f"one batch left out at a time, hit@1 and hit@3 of {n} questions: "
                  f"without the probe {without[0] / n:.3f} {without[1] / n:.3f}, "
                  f"with it {left_out[0] / n:.3f} {left_out[1] / n:.3f}")
    probe = fit(x, stages, sections, embedding, fingerprint(items))
    args.out.write_text(probe.to_json(), encoding="utf-8")
    print(f"section probe: {len(items)} tuning questions, embedding {embedding}; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
