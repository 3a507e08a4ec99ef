"""The dev gold as a regression guard: each article keeps at least the scores recorded in
`tests/gold_floors.yaml` (per article and metric). Targets live in `parley eval gold` and the docs;
a new gold article has no row yet and is only reported, so the gold can grow without breaking CI.
"""

import warnings
from pathlib import Path

import pytest

from parley.evaluation.floors import (
    article_metrics, check_floors, load_floors, raised, unfloored,
)
from parley.evaluation.gold import PRF, Score, Share

FLOORS = Path(__file__).with_name("gold_floors.yaml")


@pytest.fixture(scope="module")
def measured(nlp, shared_dir):
    from parley.evaluation.gold import analyse_gold, load_gold_dir, score_each

    gold_dir = shared_dir / "gold" / "dev"
    if not gold_dir.is_dir():
        pytest.skip("no gold/dev folder")
    golds = load_gold_dir(gold_dir)
    scores = score_each(golds, analyse_gold(golds, nlp))
    return {g["id"]: article_metrics(s) for g, s in zip(golds, scores)}


def test_no_dev_article_falls_below_its_floors(measured):
    floors = load_floors(FLOORS)
    new = unfloored(floors, measured)
    if new:
        warnings.warn(f"gold articles without floors yet (add them with parley eval gold "
                      f"--raise-floors {FLOORS.name}): {', '.join(new)}")
    assert check_floors(floors, measured) == []


def test_every_floored_article_is_still_in_the_gold(measured):
    """A renamed or removed gold file must take its row with it, not leave a guard that
    silently guards nothing."""
    assert set(load_floors(FLOORS)) <= set(measured)


def _score(acts=(0, 0, 0), quotes=(0, 0, 0), scare=0, places=(0, 0)) -> Score:
    score = Score()
    score.acts, score.quotes_end_to_end = PRF(*acts), PRF(*quotes)
    score.places, score.scare_quote_fp = Share(*places), scare
    return score


def test_a_drop_below_a_floor_or_above_a_ceiling_is_reported():
    floors = {"a": {"acts_f1": 0.5, "scare_quotes": 0}}
    assert check_floors(floors, {"a": article_metrics(_score(acts=(2, 0, 2)))}) == []
    worse = article_metrics(_score(acts=(1, 1, 3), scare=1))
    assert check_floors(floors, {"a": worse}) == [
        "a: acts_f1 0.333 < floor 0.500", "a: scare_quotes 1 > ceiling 0"]


def test_metrics_with_nothing_to_count_are_left_out():
    metrics = article_metrics(_score(places=(3, 4)))
    assert "acts_f1" not in metrics and "quotes_e2e_f1" not in metrics
    assert metrics["places_found"] == 0.75


def test_raising_keeps_the_better_value_and_adds_new_articles():
    floors = {"a": {"acts_f1": 0.6, "places_found": 0.9, "note": "lowered: gold fixed"}}
    measured = {"a": {"acts_f1": 0.7, "places_found": 0.8, "acts_precision": 0.5},
                "b": {"acts_f1": 0.1}}
    assert raised(floors, measured) == {
        "a": {"acts_f1": 0.7, "places_found": 0.9, "note": "lowered: gold fixed"},
        "b": {"acts_f1": 0.1}}
    assert unfloored(floors, measured) == ["b"]
