"""The quotes data files, read once per process and shared by the speech rules (`quotes.py`)
and the learned layer (`attribution_model.py`)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def quotes_yaml() -> dict:
    """`data/quotes.yaml` as parsed YAML (lexicons, thresholds, the learned layer's settings)."""
    return yaml.safe_load(resources.files("parley.data").joinpath("quotes.yaml").read_text("utf-8"))


@lru_cache(maxsize=1)
def cue_rates() -> dict[tuple[str, str], tuple[int, float]]:
    """`(lemma, coarse POS) -> (times inside a gold Cue, share of its tokens that were)` from
    `data/quotes_cues_polnear.tsv` (PolNeAR train statistics, no text)."""
    text = resources.files("parley.data").joinpath("quotes_cues_polnear.tsv").read_text("utf-8")
    rates = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) == 5 and parts[2].isdigit():
            rates[(parts[0], parts[1])] = (int(parts[2]), float(parts[4]))
    return rates
