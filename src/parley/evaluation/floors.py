"""Regression floors: per gold article and metric, the worst score the product may fall to.

The issue targets ("act F1 >= 0.70 over the dev gold") are goals, reported by `parley eval gold`
and the docs. What CI asserts is that no article gets worse than it was: a floor per article and
metric, kept in a YAML file in the repository (`tests/gold_floors.yaml`). A new gold article has
no row yet, so it is reported and cannot break CI; `parley eval gold --raise-floors FILE` adds its
row and raises the floors of articles that improved. It never lowers one: a floor goes down only
by hand, with a `note` beside it that says why.

Per-article metrics (a metric is left out where the article gives it nothing to count, e.g. quote
F1 on an article with no gold quote and no predicted quote):

- `quotes_e2e_f1`, `quotes_content_f1`, `quote_speaker_accuracy`
- `acts_f1` (and `acts_precision`, reported but not floored: on an article with two
  predictions it swings by half, and F1 already pays for every false positive)
- `times_found`, `places_found`, `actors_resolved`
- `scare_quotes`: a ceiling, not a floor (the count may not rise)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import yaml

from .gold import PRF, Score, Share

CEILINGS = {"scare_quotes"}
REPORTED_ONLY = {"acts_precision"}


def _prf(pick: Callable[[Score], PRF], value: str) -> Callable[[Score], float | None]:
    def metric(score: Score) -> float | None:
        counts = pick(score)
        return None if counts.tp + counts.fp + counts.fn == 0 else getattr(counts, value)
    return metric


def _share(pick: Callable[[Score], Share]) -> Callable[[Score], float | None]:
    def metric(score: Score) -> float | None:
        counts = pick(score)
        return counts.value if counts.total else None
    return metric


METRICS: dict[str, Callable[[Score], float | None]] = {
    "quotes_e2e_f1": _prf(lambda s: s.quotes_end_to_end, "f1"),
    "quotes_content_f1": _prf(lambda s: s.quotes_content, "f1"),
    "quote_speaker_accuracy": _share(lambda s: s.quote_speakers),
    "acts_f1": _prf(lambda s: s.acts, "f1"),
    "acts_precision": lambda s: s.acts.precision if s.acts.tp + s.acts.fp else None,
    "times_found": _share(lambda s: s.times),
    "places_found": _share(lambda s: s.places),
    "actors_resolved": _share(lambda s: s.actor_resolution),
    "scare_quotes": lambda s: float(s.scare_quote_fp),
}


def article_metrics(score: Score) -> dict[str, float]:
    """The metrics one article's score defines, rounded to 3 decimals."""
    values = {name: metric(score) for name, metric in METRICS.items()}
    return {name: round(value, 3) for name, value in values.items() if value is not None}


def load_floors(path: Path) -> dict[str, dict]:
    """`{article id: {metric: floor, "note": ...}}` from the YAML file (empty if it is absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return data.get("articles") or {}


def check_floors(floors: dict[str, dict], measured: dict[str, dict[str, float]]) -> list[str]:
    """One line per metric that fell below its floor (or rose above its ceiling)."""
    problems = []
    for article, values in sorted(measured.items()):
        for name, floor in sorted((floors.get(article) or {}).items()):
            if name not in METRICS or name in REPORTED_ONLY:
                continue
            value = values.get(name)
            if value is None:
                problems.append(f"{article}: {name} is no longer measured (floor {floor})")
            elif name in CEILINGS and value > floor:
                problems.append(f"{article}: {name} {value:g} > ceiling {floor:g}")
            elif name not in CEILINGS and value < floor - 1e-9:
                problems.append(f"{article}: {name} {value:.3f} < floor {floor:.3f}")
    return problems


def unfloored(floors: dict[str, dict], measured: dict[str, dict[str, float]]) -> list[str]:
    """Articles measured here that have no row yet (new gold: reported, never a failure)."""
    return sorted(set(measured) - set(floors))


def raised(floors: dict[str, dict], measured: dict[str, dict[str, float]]) -> dict[str, dict]:
    """The floors with every improvement taken and new articles added; nothing is lowered."""
    out = {article: dict(row) for article, row in floors.items()}
    for article, values in measured.items():
        row = out.setdefault(article, {})
        for name, value in values.items():
            if name in REPORTED_ONLY:
                continue
            old = row.get(name)
            if old is None:
                row[name] = value
            elif name in CEILINGS:
                row[name] = min(old, value)
            else:
                row[name] = max(old, math.floor(value * 1000) / 1000)
    return out


def write_floors(path: Path, floors: dict[str, dict]) -> None:
    """Write the floors file with its header (the rules above, in short)."""
    header = ("# Regression floors for `../shared/gold/dev`, per article and metric "
              "(parley.evaluation.floors).\n"
              "# CI fails when an article scores below a floor (or above a `scare_quotes` "
              "ceiling). Raise them with\n"
              "# `parley eval gold --raise-floors tests/gold_floors.yaml`; lower one only by "
              "hand, with a `note`.\n")
    body = yaml.safe_dump({"articles": {k: floors[k] for k in sorted(floors)}}, sort_keys=False,
                          allow_unicode=True, width=100)
    Path(path).write_text(header + body, "utf-8")
