"""`parley eval gold`: the contract's scoring protocol (CONTRACT.md section 3) on the gold files.

Gold files give spans as substrings of the text (plus a 1-based `occurrence` where the substring
repeats), so that they survive re-tokenisation; `resolve_gold` turns them into character spans
once, and every scorer below compares spans with spans. The scorers take plain dicts (a resolved
gold article and one contract analysis), so the tests can feed them hand-written predictions
without loading spaCy; `evaluate_dir` is the only function that runs the pipeline.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

GOLD_SCHEMA = "parley-gold/1"
QUOTE_MATCH_THRESHOLD = 0.8

Span = tuple[int, int]


# --------------------------------------------------------------------------------------------
# Where the shared data lives


def shared_root() -> Path:
    """The shared folder: `$PARLEY_SHARED`, else `../shared` beside the repository checkout.

    The repository root is found from this file (src/parley/evaluation/gold.py), so the default
    works whatever the current directory; `../shared` from the current directory is the fallback
    for an installed (non-editable) package.
    """
    env = os.environ.get("PARLEY_SHARED")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    candidate = repo.parent / "shared"
    if candidate.is_dir():
        return candidate
    return Path.cwd().parent / "shared"


def default_gold_dir() -> Path:
    return shared_root() / "gold" / "dev"


# --------------------------------------------------------------------------------------------
# Gold files: substrings to spans


class GoldError(ValueError):
    """A gold file that cannot be scored against (bad schema, a substring not in the text)."""


def fold(value: str | None) -> str:
    """Case, accents and punctuation folded: `Zelenskyy's` ~ `zelenskyys`, `vladimir-putin` ~
    `Vladimir Putin`. Only letters and digits are kept, so ids and names compare equal."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def locate(text: str, substring: str, occurrence: int = 1) -> Span:
    """Span of the `occurrence`-th (1-based) occurrence of `substring` in `text`."""
    if not substring:
        raise GoldError("empty substring")
    start = -1
    for _ in range(max(occurrence, 1)):
        start = text.find(substring, start + 1)
        if start < 0:
            raise GoldError(f"{substring!r} (occurrence {occurrence}) not found in the text")
    return start, start + len(substring)


def locate_all(text: str, substring: str) -> list[Span]:
    """Every occurrence of `substring` (for term lists such as `not_quotes`)."""
    spans, start = [], text.find(substring)
    while substring and start >= 0:
        spans.append((start, start + len(substring)))
        start = text.find(substring, start + 1)
    return spans


def _entry(value: object) -> tuple[str, int | None]:
    """A gold substring given as `"text"` or `{"text", "occurrence"}`."""
    if isinstance(value, dict):
        return value["text"], value.get("occurrence")
    return str(value), None


def _spans(text: str, value: object) -> list[Span]:
    substring, occurrence = _entry(value)
    return [locate(text, substring, occurrence)] if occurrence else [locate(text, substring)]


def _term_spans(text: str, value: object) -> list[Span]:
    substring, occurrence = _entry(value)
    return [locate(text, substring, occurrence)] if occurrence else locate_all(text, substring)


def resolve_gold(gold: dict) -> dict:
    """The gold article with every substring turned into a `[start, end)` span.

    Quote content, evidence and cues without an `occurrence` take the first occurrence; terms in
    `not_quotes` / `ignore_quotes` without one cover every occurrence (a term is a term wherever
    it is quoted). A substring missing from the text is a broken gold file: `GoldError`.
    """
    if gold.get("schema") != GOLD_SCHEMA:
        raise GoldError(f"schema is {gold.get('schema')!r}, expected {GOLD_SCHEMA!r}")
    text = gold["text"]
    quotes = []
    for quote in gold.get("quotes", []):
        segments = [span for part in quote["content"] for span in _spans(text, part)]
        quotes.append({**quote, "segments": segments})
    acts = []
    for act in gold.get("acts", []):
        value = act.get("evidence")
        if value and act.get("occurrence") and not isinstance(value, dict):
            value = {"text": value, "occurrence": act["occurrence"]}   # occurrence on the act
        evidence = _spans(text, value)[0] if value else None
        types = act["type"] if isinstance(act["type"], list) else [act["type"]]
        acts.append({**act, "type": types, "evidence_span": evidence})
    times = [{**t, "span": locate(text, t["text"], t.get("occurrence") or 1)}
             for t in gold.get("times", [])]
    places = [{**p, "span": locate(text, p["text"], p.get("occurrence") or 1)}
              for p in gold.get("places", [])]
    return {
        "id": gold["id"], "date": gold.get("date"), "title": gold.get("title"), "text": text,
        "genre": gold.get("genre"), "actors": gold.get("actors", {}),
        "quotes": quotes, "acts": acts, "times": times, "places": places,
        "not_quotes": [s for term in gold.get("not_quotes", []) for s in _term_spans(text, term)],
        "ignore_quotes": [s for term in gold.get("ignore_quotes", [])
                          for s in _term_spans(text, term)],
    }


def load_gold_dir(directory: Path) -> list[dict]:
    """Every `*.json` gold file in `directory`, sorted by name, resolved."""
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise GoldError(f"no gold files (*.json) in {directory}")
    resolved = []
    for path in files:
        try:
            resolved.append(resolve_gold(json.loads(path.read_text("utf-8"))))
        except (GoldError, KeyError, json.JSONDecodeError) as error:
            raise GoldError(f"{path}: {error}") from error
    return resolved


# --------------------------------------------------------------------------------------------
# Counting


@dataclass
class PRF:
    """True positives, false positives and false negatives, micro-summed over articles."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Share:
    """`hits` of `total` gold items found (times, places, actor resolution, accuracies)."""

    hits: int = 0
    total: int = 0

    def add(self, other: "Share") -> None:
        self.hits += other.hits
        self.total += other.total

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def as_dict(self) -> dict:
        return {"hits": self.hits, "total": self.total, "value": self.value}


@dataclass
class Score:
    """Every number of the protocol for one article or, summed, for a gold set."""

    quotes_content: PRF = field(default_factory=PRF)
    quotes_end_to_end: PRF = field(default_factory=PRF)
    scare_quote_fp: int = 0
    ignored_predictions: int = 0
    quote_speakers: Share = field(default_factory=Share)
    acts: PRF = field(default_factory=PRF)
    act_regions: Share = field(default_factory=Share)
    act_modality: Share = field(default_factory=Share)
    times: Share = field(default_factory=Share)
    places: Share = field(default_factory=Share)
    actor_resolution: Share = field(default_factory=Share)
    misses: list[dict] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("quotes_content", "quotes_end_to_end", "quote_speakers", "acts", "act_regions",
                     "act_modality", "times", "places", "actor_resolution"):
            getattr(self, name).add(getattr(other, name))
        self.scare_quote_fp += other.scare_quote_fp
        self.ignored_predictions += other.ignored_predictions
        self.misses.extend(other.misses)

    def as_dict(self) -> dict:
        return {
            "quotes": {"content": self.quotes_content.as_dict(),
                       "end_to_end": self.quotes_end_to_end.as_dict(),
                       "speaker_accuracy": self.quote_speakers.as_dict(),
                       "scare_quote_false_positives": self.scare_quote_fp,
                       "ignored_predictions": self.ignored_predictions},
            "acts": {**self.acts.as_dict(), "region_accuracy": self.act_regions.as_dict(),
                     "modality_accuracy": self.act_modality.as_dict()},
            "times": self.times.as_dict(),
            "places": self.places.as_dict(),
            "actor_resolution": self.actor_resolution.as_dict(),
        }


# --------------------------------------------------------------------------------------------
# Actors


class ActorMatcher:
    """Decides whether a predicted actor id is a given gold actor (CONTRACT.md section 3).

    A predicted id is looked up in the analysis' `actors` (to get its name); an id with no record
    is compared as it stands. It matches a gold actor when its folded id or name is one of the
    gold actor's folded names, its gold id, or, for a state, its country code.
    """

    def __init__(self, gold_actors: dict, predicted_actors: Iterable[dict]):
        self.keys: dict[str, set[str]] = {}
        for gold_id, actor in gold_actors.items():
            keys = {fold(name) for name in actor.get("names", [])} | {fold(gold_id)}
            if actor.get("type") == "state" and actor.get("country"):
                keys.add(fold(actor["country"]))
            self.keys[gold_id] = keys - {""}
        self.predicted = {a.get("id"): a for a in predicted_actors if a.get("id")}

    def gold_keys(self, gold_id: str) -> set[str]:
        """Keys of a gold actor; an id absent from the gold `actors` matches only itself."""
        return self.keys.get(gold_id) or {fold(gold_id)}

    def predicted_keys(self, predicted_id: str | None) -> set[str]:
        if not predicted_id:
            return set()
        record = self.predicted.get(predicted_id, {})
        return {fold(predicted_id), fold(record.get("name"))} - {""}

    def matches(self, predicted_id: str | None, gold_id: str | None) -> bool:
        if not predicted_id or not gold_id:
            return False
        return bool(self.predicted_keys(predicted_id) & self.gold_keys(gold_id))

    def resolved(self, gold_id: str, text_length: int) -> bool:
        """Is there a predicted actor matching `gold_id` with at least one mention in the text?"""
        keys = self.gold_keys(gold_id)
        for predicted_id, record in self.predicted.items():
            if self.predicted_keys(predicted_id) & keys and any(
                    0 <= m[0] < m[1] <= text_length for m in record.get("mentions") or []):
                return True
        return False


# --------------------------------------------------------------------------------------------
# Quotes


def nonspace_positions(text: str, spans: Iterable[Iterable[int]]) -> set[int]:
    """Character positions covered by `spans` that are not whitespace."""
    positions: set[int] = set()
    for start, end in spans:
        positions.update(i for i in range(max(start, 0), min(end, len(text)))
                         if not text[i].isspace())
    return positions


def _overlaps(spans: Iterable[Iterable[int]], others: Iterable[Span]) -> bool:
    others = list(others)
    return any(s < oe and os_ < e for s, e in spans for os_, oe in others)


def speaker_right(gold_quote: dict, predicted: dict, actors: ActorMatcher) -> bool:
    """Gold actor: the predicted speaker resolves to it. Gold anonymous: the prediction is graded
    `anonymous` (the descriptor is not compared)."""
    gold_speaker = gold_quote["speaker"]
    speaker = predicted.get("speaker") or {}
    if isinstance(gold_speaker, dict):
        return speaker.get("anonymity") == "anonymous"
    return actors.matches(speaker.get("actor"), gold_speaker)


def match_quotes(text: str, gold_quotes: list[dict],
                 predicted: list[dict]) -> list[tuple[int, int]]:
    """One-to-one greedy matching: pairs `(gold index, predicted index)` whose shared non-space
    characters cover >= 80% of the gold content, taken by decreasing overlap."""
    gold_sets = [nonspace_positions(text, q["segments"]) for q in gold_quotes]
    pred_sets = [nonspace_positions(text, q.get("segments") or []) for q in predicted]
    candidates = []
    for gi, gold in enumerate(gold_sets):
        for pi, pred in enumerate(pred_sets):
            shared = len(gold & pred)
            if gold and shared / len(gold) >= QUOTE_MATCH_THRESHOLD:
                union = len(gold | pred)
                candidates.append((-shared, -shared / union, gi, pi))
    candidates.sort()
    pairs, used_gold, used_pred = [], set(), set()
    for _, _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            pairs.append((gi, pi))
            used_gold.add(gi)
            used_pred.add(pi)
    return sorted(pairs)


def score_quotes(gold: dict, analysis: dict, actors: ActorMatcher, score: Score) -> None:
    """Content-only and end-to-end P/R/F1. A prediction matched to no gold quote is a false
    positive, unless it overlaps an `ignore_quotes` term (then it is not counted); one that
    overlaps a `not_quotes` term is also reported as a scare-quote false positive."""
    text, article = gold["text"], gold["id"]
    predicted = analysis.get("quotes") or []
    pairs = match_quotes(text, gold["quotes"], predicted)
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    right = 0
    for gi, pi in pairs:
        if speaker_right(gold["quotes"][gi], predicted[pi], actors):
            right += 1
        else:
            score.misses.append(_miss(article, "quote", "wrong speaker", gold["quotes"][gi],
                                      text, predicted=predicted[pi].get("speaker")))
    false_positives = 0
    for pi, quote in enumerate(predicted):
        if pi in matched_pred:
            continue
        segments = quote.get("segments") or []
        if _overlaps(segments, gold["ignore_quotes"]):
            score.ignored_predictions += 1
            continue
        false_positives += 1
        scare = _overlaps(segments, gold["not_quotes"])
        score.scare_quote_fp += scare
        score.misses.append({"article": article, "stage": "quote",
                             "kind": "scare-quote false positive" if scare else "false positive",
                             "text": _segments_text(text, segments),
                             "speaker": quote.get("speaker")})
    for gi, quote in enumerate(gold["quotes"]):
        if gi not in matched_gold:
            score.misses.append(_miss(article, "quote", "missed", quote, text))
    score.quotes_content.add(PRF(len(pairs), false_positives, len(gold["quotes"]) - len(pairs)))
    score.quote_speakers.add(Share(right, len(pairs)))
    score.quotes_end_to_end.add(PRF(right, false_positives + len(pairs) - right,
                                    len(gold["quotes"]) - right))


def _segments_text(text: str, segments: Iterable[Iterable[int]]) -> str:
    return " / ".join(text[s:e] for s, e in segments)


def _miss(article: str, stage: str, kind: str, gold_item: dict, text: str, **extra) -> dict:
    if "segments" in gold_item:
        shown = _segments_text(text, gold_item["segments"])
    elif gold_item.get("evidence_span"):
        shown = text[slice(*gold_item["evidence_span"])]
    else:
        shown = gold_item.get("text", "")
    item = {"article": article, "stage": stage, "kind": kind, "text": shown}
    for key in ("speaker", "actor", "type", "issue", "value", "code"):
        if key in gold_item:
            item[key] = gold_item[key]
    item.update(extra)
    return item


# --------------------------------------------------------------------------------------------
# Acts


def act_matches(gold_act: dict, predicted: dict, actors: ActorMatcher) -> bool:
    """The tuple (actor, type, issue): actor matches, type allowed, issue equal."""
    return (predicted.get("type") in gold_act["type"]
            and predicted.get("issue") == gold_act["issue"]
            and actors.matches(predicted.get("actor"), gold_act["actor"]))


def _evidence_overlap(gold_act: dict, predicted: dict) -> int:
    gold_span, span = gold_act.get("evidence_span"), predicted.get("evidence")
    if not gold_span or not span:
        return 0
    return max(0, min(gold_span[1], span[1]) - max(gold_span[0], span[0]))


def match_acts(gold_acts: list[dict], predicted: list[dict],
               actors: ActorMatcher) -> list[tuple[int, int]]:
    """One-to-one pairs `(gold index, predicted index)`: required gold acts first, then optional
    ones; among tuple-equal candidates, the one whose evidence overlaps the gold evidence most."""
    order = sorted(range(len(gold_acts)), key=lambda gi: (bool(gold_acts[gi].get("optional")), gi))
    pairs, used = [], set()
    for gi in order:
        candidates = [(-_evidence_overlap(gold_acts[gi], predicted[pi]), pi)
                      for pi in range(len(predicted))
                      if pi not in used and act_matches(gold_acts[gi], predicted[pi], actors)]
        if candidates:
            pi = min(candidates)[1]
            used.add(pi)
            pairs.append((gi, pi))
    return pairs


def score_acts(gold: dict, analysis: dict, actors: ActorMatcher, score: Score) -> None:
    """Micro P/R/F1 on (actor, type, issue); optional gold acts neither reward nor penalise (a
    prediction matching one is dropped). On matched required acts: region-set accuracy for
    territory acts and modality accuracy."""
    text, article = gold["text"], gold["id"]
    predicted = analysis.get("acts") or []
    pairs = match_acts(gold["acts"], predicted, actors)
    matched_pred = {pi for _, pi in pairs}
    tp = 0
    for gi, pi in pairs:
        gold_act, act = gold["acts"][gi], predicted[pi]
        if gold_act.get("optional"):
            continue
        tp += 1
        if gold_act["issue"] == "territory":
            same = set(act.get("regions") or []) == set(gold_act.get("regions") or [])
            score.act_regions.add(Share(int(same), 1))
            if not same:
                score.misses.append(_miss(article, "act", "wrong regions", gold_act, text,
                                          gold_regions=gold_act.get("regions"),
                                          predicted=act.get("regions")))
        if gold_act.get("modality"):
            same = act.get("modality") == gold_act["modality"]
            score.act_modality.add(Share(int(same), 1))
            if not same:
                score.misses.append(_miss(article, "act", "wrong modality", gold_act, text,
                                          gold_modality=gold_act["modality"],
                                          predicted=act.get("modality")))
    matched_gold = {gi for gi, _ in pairs}
    required = [gi for gi, act in enumerate(gold["acts"]) if not act.get("optional")]
    for gi in required:
        if gi not in matched_gold:
            score.misses.append(_miss(article, "act", "missed", gold["acts"][gi], text))
    false_positives = 0
    for pi, act in enumerate(predicted):
        if pi not in matched_pred:
            false_positives += 1
            evidence = act.get("evidence")
            score.misses.append({"article": article, "stage": "act", "kind": "false positive",
                                 "text": text[evidence[0]:evidence[1]] if evidence else "",
                                 "actor": act.get("actor"), "type": act.get("type"),
                                 "issue": act.get("issue")})
    score.acts.add(PRF(tp, false_positives, len(required) - tp))


# --------------------------------------------------------------------------------------------
# Times, places, actor resolution


def _share_found(gold: dict, analysis: dict, kind: str, key: str, score: Share,
                 misses: list[dict]) -> None:
    """Share of gold items with an overlapping predicted item of equal `key` (value / code)."""
    predicted = analysis.get(kind) or []
    for item in gold[kind]:
        start, end = item["span"]
        found = any(p.get(key) == item[key] and p.get("span")
                    and p["span"][0] < end and start < p["span"][1] for p in predicted)
        score.add(Share(int(found), 1))
        if not found:
            near = [p.get(key) for p in predicted
                    if p.get("span") and p["span"][0] < end and start < p["span"][1]]
            misses.append({"article": gold["id"], "stage": kind[:-1], "kind": "missed",
                           "text": item["text"], key: item[key],
                           "predicted": near[0] if near else None})


def score_actor_resolution(gold: dict, actors: ActorMatcher, score: Score) -> None:
    """For each gold quote speaker that is an actor id and each gold act actor: is there a
    predicted actor matching it with a mention in the text?"""
    wanted = [q["speaker"] for q in gold["quotes"] if isinstance(q["speaker"], str)]
    wanted += [act["actor"] for act in gold["acts"] if act.get("actor")]
    length = len(gold["text"])
    cache: dict[str, bool] = {}
    for gold_id in wanted:
        if gold_id not in cache:
            cache[gold_id] = actors.resolved(gold_id, length)
            if not cache[gold_id]:
                score.misses.append({"article": gold["id"], "stage": "actor", "kind": "unresolved",
                                     "text": gold_id})
        score.actor_resolution.add(Share(int(cache[gold_id]), 1))


def score_article(gold: dict, analysis: dict) -> Score:
    """Every number of the protocol for one resolved gold article and its analysis."""
    if analysis.get("article", {}).get("text", gold["text"]) != gold["text"]:
        raise GoldError(f"{gold['id']}: the analysis is of a different text; spans cannot be "
                        "compared")
    score = Score()
    actors = ActorMatcher(gold["actors"], analysis.get("actors") or [])
    score_quotes(gold, analysis, actors, score)
    score_acts(gold, analysis, actors, score)
    _share_found(gold, analysis, "times", "value", score.times, score.misses)
    _share_found(gold, analysis, "places", "code", score.places, score.misses)
    score_actor_resolution(gold, actors, score)
    return score


def score_each(golds: list[dict], analyses: list[dict]) -> list[Score]:
    """One `Score` per article, in the order of `golds`."""
    return [score_article(gold, analysis) for gold, analysis in zip(golds, analyses, strict=True)]


def total(scores: Iterable[Score]) -> Score:
    """The micro sum of several articles' scores."""
    summed = Score()
    for score in scores:
        summed.add(score)
    return summed


def score_all(golds: list[dict], analyses: list[dict]) -> Score:
    return total(score_each(golds, analyses))


# --------------------------------------------------------------------------------------------
# Running the pipeline


def analyse_gold(golds: list[dict], nlp=None) -> list[dict]:
    """Run the real pipeline on each gold article's text and date."""
    from ..analysis import analyse
    from ..pipeline import load_pipeline
    from ..reading import Article

    nlp = nlp or load_pipeline()
    articles = [Article(id=g["id"], text=g["text"], date=g.get("date"), title=g.get("title"),
                        origin=f"gold:{g['id']}") for g in golds]
    return [analysis for _, analysis in analyse(articles, nlp)]


def load_predictions(path: Path, golds: list[dict]) -> list[dict]:
    """Saved analyses (`parley analyze` JSON or JSONL) for each gold article, found by id or,
    since a file's id is its stem and the gold's is its own, by identical text."""
    raw = Path(path).read_text("utf-8").strip()
    try:
        loaded = json.loads(raw)
        analyses = loaded if isinstance(loaded, list) else [loaded]
    except json.JSONDecodeError:
        analyses = [json.loads(line) for line in raw.splitlines() if line.strip()]
    by_id = {a["article"]["id"]: a for a in analyses}
    by_text = {a["article"]["text"]: a for a in analyses}
    chosen = []
    for gold in golds:
        analysis = by_id.get(gold["id"]) or by_text.get(gold["text"])
        if analysis is None:
            raise GoldError(f"{path}: no analysis for gold article {gold['id']!r} (by id or text)")
        chosen.append(analysis)
    return chosen


def evaluate_dir(directory: Path, predictions: Path | None = None
                 ) -> tuple[list[dict], list[Score]]:
    """Score the pipeline (or, with `predictions`, saved analyses) on every gold file: the
    resolved golds and one `Score` per article (`total` sums them)."""
    golds = load_gold_dir(directory)
    analyses = load_predictions(predictions, golds) if predictions else analyse_gold(golds)
    return golds, score_each(golds, analyses)


def rows(score: Score) -> list[tuple[str, str, str, str, str]]:
    """Table rows: metric, P, R, F1 (or share), counts."""
    def prf(name: str, value: PRF) -> tuple[str, str, str, str, str]:
        return (name, f"{value.precision:.3f}", f"{value.recall:.3f}", f"{value.f1:.3f}",
                f"tp={value.tp} fp={value.fp} fn={value.fn}")

    def share(name: str, value: Share) -> tuple[str, str, str, str, str]:
        shown = f"{value.value:.3f}" if value.total else "n/a"
        return (name, "", "", shown, f"{value.hits}/{value.total}")

    return [
        prf("quotes: end-to-end (headline)", score.quotes_end_to_end),
        prf("quotes: content only", score.quotes_content),
        share("quotes: speaker right when matched", score.quote_speakers),
        ("quotes: scare-quote false positives", "", "", "", str(score.scare_quote_fp)),
        ("quotes: predictions ignored", "", "", "", str(score.ignored_predictions)),
        prf("acts: (actor, type, issue)", score.acts),
        share("acts: region accuracy (territory)", score.act_regions),
        share("acts: modality accuracy", score.act_modality),
        share("times: found with value", score.times),
        share("places: found with code", score.places),
        share("actors: resolved", score.actor_resolution),
    ]


def miss_line(miss: dict, width: int = 110) -> str:
    """One greppable line per miss: `article stage kind: "text" {details}`."""
    text = " ".join(miss.get("text", "").split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    detail = {k: v for k, v in miss.items() if k not in ("article", "stage", "kind", "text")}
    extra = f" {json.dumps(detail, ensure_ascii=False)}" if detail else ""
    return f"{miss['article']} {miss['stage']} {miss['kind']}: \"{text}\"{extra}"
