"""The gold scorer (CONTRACT.md section 3) on small hand-written gold and prediction dicts."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from parley.evaluation.gold import (
    GoldError, default_gold_dir, evaluate_dir, fold, locate, resolve_gold, score_article,
)

TEXT = (
    "Ministers from Ruritania met on Tuesday in Zenda. "
    "\u201cWe will never give up the northern valley,\u201d said Rudolf Rassendyll. "
    "An aide said the so-called \u201ciron line\u201d would hold. "
    "Rassendyll demanded that Elphberg withdraw its troops. "
    "A senior official said: \u201cThe talks are over until Tuesday.\u201d"
)

GOLD = {
    "schema": "parley-gold/1",
    "id": "ruritania-test",
    "date": "2030-01-06",
    "title": None,
    "text": TEXT,
    "actors": {
        "rudolf-rassendyll": {"names": ["Rudolf Rassendyll", "Rassendyll"], "type": "person",
                              "country": "RU"},
        "ruritania": {"names": ["Ruritania", "Zenda"], "type": "state", "country": "XR"},
    },
    "quotes": [
        {"kind": "direct", "content": ["We will never give up the northern valley,"],
         "speaker": "rudolf-rassendyll", "cue": "said"},
        {"kind": "direct", "content": ["The talks are over until Tuesday."],
         "speaker": {"anonymous": "A senior official"}, "cue": "A senior official said:"},
    ],
    "not_quotes": ["iron line"],
    "ignore_quotes": [],
    "acts": [
        {"actor": "rudolf-rassendyll", "type": ["reject"], "issue": "territory", "target": None,
         "regions": ["XR-N"], "modality": "asserted", "optional": False,
         "evidence": "We will never give up the northern valley"},
        {"actor": "rudolf-rassendyll", "type": ["demand"], "issue": "military_forces",
         "target": None, "regions": [], "modality": "asserted", "optional": False,
         "evidence": "Rassendyll demanded that Elphberg withdraw its troops"},
        {"actor": "ruritania", "type": ["meet"], "issue": "talks_format", "target": None,
         "regions": [], "modality": "asserted", "optional": True,
         "evidence": "Ministers from Ruritania met on Tuesday in Zenda"},
    ],
    "times": [{"text": "Tuesday", "occurrence": 1, "value": "2030-01-08"},
              {"text": "Tuesday", "occurrence": 2, "value": "2030-01-15"}],
    "places": [{"text": "Zenda", "occurrence": 1, "code": "XR-ZE"}],
}


def span(text: str, occurrence: int = 1) -> list[int]:
    return list(locate(TEXT, text, occurrence))


def perfect_prediction() -> dict:
    """What a flawless pipeline would emit for GOLD."""
    return {
        "article": {"id": "ruritania-test", "date": "2030-01-06", "title": None, "source": None,
                    "url": None, "text": TEXT},
        "actors": [
            {"id": "rudolf-rassendyll", "name": "Rudolf Rassendyll", "type": "person",
             "country": None, "aliases": [], "mentions": [span("Rudolf Rassendyll"),
                                                          span("Rassendyll", 2)]},
            {"id": "ruritania", "name": "Ruritania", "type": "state", "country": "XR",
             "aliases": [], "mentions": [span("Ruritania")]},
        ],
        "quotes": [
            {"id": "q1", "kind": "direct", "segments": [span("We will never give up the northern valley,")],
             "cue": {"text": "said", "span": span("said")},
             "speaker": {"actor": "rudolf-rassendyll", "anonymous": None,
                         "mention": span("Rudolf Rassendyll"), "anonymity": "named"},
             "confidence": 0.9},
            {"id": "q2", "kind": "direct", "segments": [span("The talks are over until Tuesday.")],
             "cue": {"text": "said:", "span": span("said:")},
             "speaker": {"actor": None, "anonymous": "A senior official",
                         "mention": span("A senior official"), "anonymity": "anonymous"},
             "confidence": 0.9},
        ],
        "acts": [
            {"id": "a1", "type": "reject", "actor": "rudolf-rassendyll", "target": None,
             "issue": "territory", "object": None, "regions": ["XR-N"], "polarity": "positive",
             "modality": "asserted", "condition": None, "time": None,
             "source": {"quote": "q1", "actor": None, "anonymous": None},
             "evidence": span("We will never give up the northern valley"), "confidence": 0.8},
            {"id": "a2", "type": "demand", "actor": "rudolf-rassendyll", "target": None,
             "issue": "military_forces", "object": None, "regions": [], "polarity": "positive",
             "modality": "asserted", "condition": None, "time": None,
             "source": {"quote": None, "actor": None, "anonymous": None},
             "evidence": span("Rassendyll demanded that Elphberg withdraw its troops"),
             "confidence": 0.8},
        ],
        "times": [
            {"span": span("Tuesday"), "text": "Tuesday", "type": "date", "value": "2030-01-08",
             "anchor": "article"},
            {"span": span("Tuesday", 2), "text": "Tuesday", "type": "date",
             "value": "2030-01-15", "anchor": "article"},
        ],
        "places": [{"span": span("Zenda"), "text": "Zenda", "name": "Zenda", "code": "XR-ZE",
                    "lat": None, "lon": None, "kind": "city"}],
        "warnings": [],
    }


@pytest.fixture
def gold() -> dict:
    return resolve_gold(copy.deepcopy(GOLD))


def test_fold_ignores_case_accents_and_punctuation():
    assert fold("Zelénskyy’s") == fold("zelenskyys")
    assert fold("vladimir-putin") == fold("Vladimir Putin")
    assert fold("Downing St.") == fold("downing st")


def test_occurrence_resolves_to_the_right_span(gold):
    first, second = (t["span"] for t in gold["times"])
    assert TEXT[slice(*first)] == TEXT[slice(*second)] == "Tuesday"
    assert first[0] < second[0]
    assert first[0] == TEXT.index("Tuesday")


def test_missing_substring_is_a_gold_error():
    broken = copy.deepcopy(GOLD)
    broken["times"][1]["occurrence"] = 3
    with pytest.raises(GoldError):
        resolve_gold(broken)


def test_perfect_prediction_scores_one(gold):
    score = score_article(gold, perfect_prediction())
    for prf in (score.quotes_content, score.quotes_end_to_end, score.acts):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    for share in (score.times, score.places, score.actor_resolution, score.act_regions,
                  score.act_modality):
        assert share.total > 0 and share.value == 1.0
    assert score.scare_quote_fp == 0
    assert score.misses == []


def test_empty_prediction_scores_zero(gold):
    empty = {key: [] for key in ("actors", "quotes", "acts", "times", "places", "warnings")}
    score = score_article(gold, {"article": {"text": TEXT}, **empty})
    assert score.quotes_end_to_end.recall == 0.0
    assert score.acts.fn == 2
    assert score.times.value == 0.0 and score.actor_resolution.value == 0.0
    assert len(score.misses) > 0


def test_missing_quote_lowers_recall_not_precision(gold):
    prediction = perfect_prediction()
    prediction["quotes"].pop(1)
    score = score_article(gold, prediction)
    assert score.quotes_content.precision == 1.0
    assert score.quotes_content.recall == 0.5
    assert any(m["stage"] == "quote" and m["kind"] == "missed" for m in score.misses)


def test_partial_content_below_80_percent_does_not_match(gold):
    prediction = perfect_prediction()
    prediction["quotes"][0]["segments"] = [span("We will never")]
    score = score_article(gold, prediction)
    assert score.quotes_content.tp == 1 and score.quotes_content.fp == 1


def test_wrong_speaker_counts_for_content_only(gold):
    prediction = perfect_prediction()
    prediction["quotes"][1]["speaker"] = {"actor": "rudolf-rassendyll", "anonymous": None,
                                          "mention": None, "anonymity": "named"}
    score = score_article(gold, prediction)
    assert score.quotes_content.f1 == 1.0
    assert score.quotes_end_to_end.tp == 1
    assert score.quotes_end_to_end.recall == 0.5


def test_speaker_matched_by_name_not_only_id(gold):
    prediction = perfect_prediction()
    prediction["actors"][0]["id"] = "rassendyll-rudolf-x"
    prediction["quotes"][0]["speaker"]["actor"] = "rassendyll-rudolf-x"
    score = score_article(gold, prediction)
    assert score.quotes_end_to_end.f1 == 1.0


def test_state_matched_by_country_code(gold):
    prediction = perfect_prediction()
    prediction["actors"][1].update(id="xr", name="XR")
    prediction["acts"].append({**prediction["acts"][1], "id": "a3", "actor": "xr",
                               "type": "meet", "issue": "talks_format"})
    score = score_article(gold, prediction)
    # it matches the optional gold act: neither a reward nor a false positive
    assert score.acts.fp == 0 and score.acts.tp == 2


def test_scare_quote_is_a_false_positive(gold):
    prediction = perfect_prediction()
    prediction["quotes"].append({
        "id": "q3", "kind": "direct", "segments": [span("iron line")], "cue": None,
        "speaker": {"actor": None, "anonymous": None, "mention": None,
                    "anonymity": "unattributed"}, "confidence": 0.3})
    score = score_article(gold, prediction)
    assert score.scare_quote_fp == 1
    assert score.quotes_content.fp == 1
    assert score.quotes_content.precision < 1.0


def test_prediction_overlapping_ignore_quotes_is_not_counted(gold):
    gold["ignore_quotes"] = [tuple(span("iron line"))]
    prediction = perfect_prediction()
    prediction["quotes"].append({
        "id": "q3", "kind": "direct", "segments": [span("iron line")], "cue": None,
        "speaker": {"actor": None, "anonymous": None, "mention": None,
                    "anonymity": "unattributed"}, "confidence": 0.3})
    score = score_article(gold, prediction)
    assert score.quotes_content.fp == 0 and score.ignored_predictions == 1


def test_optional_act_neither_rewards_nor_penalises(gold):
    prediction = perfect_prediction()
    without = score_article(gold, prediction).acts
    prediction["acts"].append({**prediction["acts"][1], "id": "a3", "actor": "ruritania",
                               "type": "meet", "issue": "talks_format"})
    with_optional = score_article(gold, prediction).acts
    assert (with_optional.tp, with_optional.fp, with_optional.fn) == \
        (without.tp, without.fp, without.fn)


def test_act_with_wrong_issue_is_false_positive_and_miss(gold):
    prediction = perfect_prediction()
    prediction["acts"][1]["issue"] = "sanctions"
    score = score_article(gold, prediction)
    assert (score.acts.tp, score.acts.fp, score.acts.fn) == (1, 1, 1)


def test_region_and_modality_accuracy(gold):
    prediction = perfect_prediction()
    prediction["acts"][0]["regions"] = []
    prediction["acts"][1]["modality"] = "hedged"
    score = score_article(gold, prediction)
    assert score.act_regions.value == 0.0
    assert score.act_modality.hits == 1 and score.act_modality.total == 2


def test_time_needs_overlap_and_equal_value(gold):
    prediction = perfect_prediction()
    prediction["times"][1]["value"] = "2030-01-08"   # right place, wrong value
    prediction["places"][0]["span"] = span("Ruritania")  # right code, wrong place
    score = score_article(gold, prediction)
    assert score.times.hits == 1 and score.times.total == 2
    assert score.places.value == 0.0


def test_actor_without_mention_is_unresolved(gold):
    prediction = perfect_prediction()
    prediction["actors"][0]["mentions"] = []
    score = score_article(gold, prediction)
    assert score.actor_resolution.value < 1.0


def test_saved_predictions_are_found_by_text(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "ruritania.json").write_text(json.dumps(GOLD), "utf-8")
    prediction = perfect_prediction()
    prediction["article"]["id"] = "some-file-stem"
    prediction["quotes"].pop()
    saved = tmp_path / "analyses.jsonl"
    saved.write_text(json.dumps(prediction) + "\n", "utf-8")
    golds, (score,) = evaluate_dir(tmp_path / "gold", saved)
    assert [g["id"] for g in golds] == ["ruritania-test"]
    assert score.quotes_end_to_end.recall == 0.5 and score.acts.f1 == 1.0
    saved.write_text("", "utf-8")
    with pytest.raises(GoldError):
        evaluate_dir(tmp_path / "gold", saved)


def test_eval_gold_command_on_real_gold(tmp_path):
    gold_dir = default_gold_dir()
    if not gold_dir.is_dir() or not list(gold_dir.glob("*.json")):
        pytest.skip(f"no gold folder at {gold_dir}")
    out = tmp_path / "gold.json"
    result = subprocess.run(
        [sys.executable, "-m", "parley.cli", "eval", "gold", str(gold_dir), "--json", str(out),
         "--verbose"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"}, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "quotes: end-to-end" in result.stdout
    payload = json.loads(out.read_text("utf-8"))
    assert len(payload["articles"]) == len(list(gold_dir.glob("*.json")))
    for key in ("quotes", "acts", "times", "places", "actor_resolution", "misses"):
        assert key in payload
    for prf in (payload["quotes"]["end_to_end"], payload["quotes"]["content"], payload["acts"]):
        assert 0.0 <= prf["f1"] <= 1.0
        assert prf["tp"] + prf["fn"] > 0
