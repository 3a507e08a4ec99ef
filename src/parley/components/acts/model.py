"""The learned act layer: three linear models over `features.py`, weights in one data file.

`data/acts/model.json` (written by `parley train acts`, see `training.py`) holds:

- `detector`: logistic weights; a candidate is an act when P(act) >= `threshold`;
- `types`: conditional-logit weights over the 12 act types (`linear.fit_choice`);
- `issues`: conditional-logit weights over the issue taxonomy;
- `meta`: what it was trained on, the cross-validated scores, the seed.

Without the file (or with `PARLEY_ACTS_MODEL=rules`) the stage falls back to the hand rules: a
candidate is an act when `rule` is set, with the lexicon's type and the rules' issues. That keeps
a fresh checkout usable and gives the baseline the learned layer is measured against.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ... import linear

MODEL_FILE = "acts/model.json"


@dataclass
class ActModel:
    detector: dict[str, float] = field(default_factory=dict)
    types: dict[str, float] = field(default_factory=dict)
    type_classes: list[str] = field(default_factory=list)
    issues: dict[str, float] = field(default_factory=dict)
    issue_classes: list[str] = field(default_factory=list)
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.detector

    def p_act(self, names: list[str]) -> float:
        return float(linear.score_logistic(names, self.detector))

    def type_probabilities(self, row: dict[str, list[str]]) -> dict[str, float]:
        return linear.score_choice(row, self.types)

    def issue_probabilities(self, row: dict[str, list[str]]) -> dict[str, float]:
        return linear.score_choice(row, self.issues)

    def to_json(self) -> dict:
        return {"meta": self.meta, "threshold": self.threshold,
                "detector": {k: round(v, 4) for k, v in sorted(self.detector.items())},
                "types": {"classes": self.type_classes,
                          "weights": {k: round(v, 4) for k, v in sorted(self.types.items())}},
                "issues": {"classes": self.issue_classes,
                           "weights": {k: round(v, 4) for k, v in sorted(self.issues.items())}}}

    @classmethod
    def from_json(cls, data: dict) -> "ActModel":
        return cls(detector=data["detector"], types=data["types"]["weights"],
                   type_classes=data["types"]["classes"], issues=data["issues"]["weights"],
                   issue_classes=data["issues"]["classes"], threshold=data["threshold"],
                   meta=data.get("meta") or {})


@lru_cache(maxsize=1)
def shipped() -> ActModel:
    """The packaged model (an empty one, i.e. the rules, when the file is absent)."""
    path = resources.files("parley.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return ActModel()
    return ActModel.from_json(json.loads(path.read_text("utf-8")))


_TRIAL: list[ActModel] = []


@contextmanager
def trial(model: ActModel):
    """Use `model` instead of the shipped one inside the block (training scores its folds)."""
    _TRIAL.append(model)
    try:
        yield model
    finally:
        _TRIAL.pop()


def active() -> ActModel:
    if _TRIAL:
        return _TRIAL[-1]
    if os.environ.get("PARLEY_ACTS_MODEL") == "rules":
        return ActModel()
    return shipped()
