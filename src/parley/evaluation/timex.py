"""TempEval-3 style scoring of the times stage on TimeML corpora (TimeBank, AQUAINT, MEANTIME).

Each document's plain text is rebuilt from its annotation file together with the character
offsets of every gold TIMEX3; the pipeline runs on that text with the document creation time
(DCT) as article date. The DCT timex itself is not gold (and a prediction on it is not counted).

Scores, as in TempEval-3 (UzZaman et al. 2013): strict span F1 (exact offsets), relaxed span F1
(any overlap), and value F1: a gold/predicted pair matched by overlap (one-to-one, greedy by
overlap) counts as correct when the values are equal; P = correct / predicted, R = correct / gold.
Type accuracy over relaxed matches is reported too.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..components.times import timeml_value

DEFAULT_ROOT = Path("../shared/data/timex")


@dataclass
class TimexDoc:
    id: str
    text: str
    dct: str | None
    gold: list[dict]  # {span, value, type}
    ignore: list[tuple[int, int]] = field(default_factory=list)  # the DCT's span, if in the text


# --------------------------------------------------------------------------------------------
# Readers


_TOKEN = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>|&[#\w]+;|[^<&]+", re.S)


def read_tml(path: Path) -> TimexDoc:
    """A TimeML .tml file: text inside <TEXT>, tags stripped, TIMEX3 offsets kept."""
    raw = path.read_text("utf-8", errors="replace")
    dct_match = re.search(r"<TIMEX3[^>]*functionInDocument=\"CREATION_TIME\"[^>]*>", raw)
    dct = _attr(dct_match.group(0), "value") if dct_match else None
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    body_text = body.group(1) if body else ""
    pieces: list[str] = []
    length = 0
    gold, open_timex = [], None
    for match in _TOKEN.finditer(body_text):
        token = match.group(0)
        if match.group(2):
            if match.group(2) == "TIMEX3":
                if match.group(1):
                    if open_timex is not None:
                        gold.append({**open_timex, "span": [open_timex["start"], length]})
                        open_timex = None
                elif not match.group(4):
                    attrs = match.group(3)
                    open_timex = {"start": length, "value": _attr(attrs, "value"),
                                  "type": (_attr(attrs, "type") or "").lower(),
                                  "dct": _attr(attrs, "functionInDocument") == "CREATION_TIME"}
            continue
        piece = html.unescape(token) if token.startswith("&") else token
        pieces.append(piece)
        length += len(piece)
    text = "".join(pieces)
    kept = [_clean(g, text) for g in gold if not g["dct"]]
    ignore = [tuple(g["span"]) for g in gold if g["dct"]]
    return TimexDoc(path.stem, text, _iso_day(dct), [g for g in kept if g], ignore)


def read_meantime(path: Path) -> TimexDoc:
    """A MEANTIME (CAT XML) file: tokens with sentence numbers, TIMEX3 anchored on token ids.

    Sentences are joined by a line break, tokens by a space (the original spacing is not in the
    file). Sentence 0 is the headline and sentence 1 the dateline, as in the corpus. MEANTIME
    annotates only the first sentences of each article (headline, dateline and about four more),
    so the text stops after the last sentence that holds any annotation.
    """
    root = ET.parse(path).getroot()
    offsets: dict[str, tuple[int, int]] = {}
    pieces: list[str] = []
    length, sentence = 0, None
    annotated = {a.get("t_id") for a in root.iter("token_anchor")}
    last = max((int(t.get("sentence")) for t in root.iter("token") if t.get("t_id") in annotated),
               default=-1)
    for token in root.iter("token"):
        if int(token.get("sentence")) > max(last, 5):
            break
        if sentence is not None:
            sep = "\n" if token.get("sentence") != sentence else " "
            pieces.append(sep)
            length += 1
        sentence = token.get("sentence")
        word = token.text or ""
        offsets[token.get("t_id")] = (length, length + len(word))
        pieces.append(word)
        length += len(word)
    text = "".join(pieces)
    gold, ignore, dct = [], [], None
    markables = root.find("Markables")
    for timex in (markables if markables is not None else root).iter("TIMEX3"):
        ids = [a.get("t_id") for a in timex.iter("token_anchor")]
        is_dct = timex.get("functionInDocument") == "CREATION_TIME"
        if is_dct:
            dct = timex.get("value")
        if not ids or any(i not in offsets for i in ids):
            continue  # non-text-consuming timex
        span = [min(offsets[i][0] for i in ids), max(offsets[i][1] for i in ids)]
        if is_dct:
            ignore.append(tuple(span))
            continue
        gold.append({"span": span, "value": timex.get("value"), "text": text[span[0]:span[1]],
                     "type": (timex.get("type") or "").lower()})
    if dct is None:  # a few files mark no creation time: the dateline's date stands in
        dateline = [g for g in gold if text.count("\n", 0, g["span"][0]) == 1]
        dct = dateline[0]["value"] if dateline else None
    return TimexDoc(path.stem, text, _iso_day(dct), gold, ignore)


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def _iso_day(value: str | None) -> str | None:
    """The day of a creation time: ISO 8601, or DD-MM-YYYY, the order one MEANTIME file writes
    its creation time in ("03-02-2009" for a dateline "February 03, 2009"); before, that file
    got no article date and none of its relative expressions could be valued."""
    match = re.match(r"(\d{4}-\d\d-\d\d)", value or "")
    if match:
        return match.group(1)
    match = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", value or "")
    return f"{match.group(3)}-{match.group(2)}-{match.group(1)}" if match else None


def _clean(gold: dict, text: str) -> dict | None:
    start, end = gold["span"]
    if end <= start:
        return None
    return {"span": [start, end], "value": gold["value"], "type": gold["type"],
            "text": text[start:end]}


def corpus_files(root: Path) -> dict[str, list[Path]]:
    """Corpus name -> annotation files (only corpora present under `root`)."""
    corpora = {
        "timebank": sorted((root / "timebank").glob("*.tml")),
        "aquaint": sorted((root / "aquaint").glob("*.tml")),
        "meantime": sorted((root / "meantime").glob("**/*.xml")),
    }
    return {name: files for name, files in corpora.items() if files}


def read_doc(corpus: str, path: Path) -> TimexDoc:
    return read_meantime(path) if corpus == "meantime" else read_tml(path)


# --------------------------------------------------------------------------------------------
# Scoring


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_doc(gold: list[dict], predicted: list[dict], ignore=()) -> dict:
    """Counts for one document (see the module docstring)."""
    predicted = [p for p in predicted if not any(_overlap(p["span"], s) for s in ignore)]
    strict = sum(1 for p in predicted if any(p["span"] == g["span"] for g in gold))
    pairs = sorted(((_overlap(g["span"], p["span"]), gi, pi) for gi, g in enumerate(gold)
                    for pi, p in enumerate(predicted) if _overlap(g["span"], p["span"])),
                   reverse=True)
    used_g, used_p, matched = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gold[gi], predicted[pi]))
    return {
        "gold": len(gold), "predicted": len(predicted), "strict": strict,
        "relaxed": len(matched),
        "value": sum(1 for g, p in matched if g["value"] == p["value"]),
        "type": sum(1 for g, p in matched if g["type"] == p["type"]),
        "errors": [(g["value"], p["value"], p["text"]) for g, p in matched
                   if g["value"] != p["value"]],
        "missed": [g for gi, g in enumerate(gold) if gi not in used_g],
        "spurious": [p for pi, p in enumerate(predicted) if pi not in used_p],
    }


def _prf(correct: int, predicted: int, gold: int) -> dict:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def summarise(counts: list[dict]) -> dict:
    total = {k: sum(c[k] for c in counts) for k in ("gold", "predicted", "strict", "relaxed",
                                                     "value", "type")}
    return {
        "documents": len(counts), **{k: total[k] for k in ("gold", "predicted")},
        "strict_span": _prf(total["strict"], total["predicted"], total["gold"]),
        "relaxed_span": _prf(total["relaxed"], total["predicted"], total["gold"]),
        "value": _prf(total["value"], total["predicted"], total["gold"]),
        "value_accuracy": round(total["value"] / total["relaxed"], 4) if total["relaxed"] else 0.0,
        "type_accuracy": round(total["type"] / total["relaxed"], 4) if total["relaxed"] else 0.0,
    }


def times_pipeline():
    """The model plus Parley's components up to and including parley_times.

    The later stages cannot change `doc._.times`, so scoring through parley_times measures the
    same thing, faster, and does not depend on the state of stages still in development.
    """
    from ..pipeline import load_model, pipeline_spec

    nlp = load_model()
    for spec in pipeline_spec():
        placement = {key: spec[key] for key in ("before", "after", "first", "last") if key in spec}
        nlp.add_pipe(spec["name"], config=dict(spec.get("config") or {}), **placement)
        if spec["name"] == "parley_times":
            break
    return nlp


def evaluate(root: Path = DEFAULT_ROOT, limit: int | None = None, corpora=None,
             errors_out: list | None = None) -> dict:
    """Run the pipeline on every corpus under `root` and score it; corpus name -> summary."""
    nlp = times_pipeline()
    results, everything, per_corpus = {}, [], {}
    for corpus, files in corpus_files(root).items():
        if corpora and corpus not in corpora:
            continue
        docs = [read_doc(corpus, path) for path in files[:limit]]
        counts = []

        def stream():
            for item in docs:
                doc = nlp.make_doc(item.text)
                doc._.article_date = item.dct
                yield doc

        for item, doc in zip(docs, nlp.pipe(stream(), batch_size=8)):
            # TimeML writes "this morning" as 2025-06-22TMO; the contract as the day
            timeml = [dict(t, value=timeml_value(t)) for t in doc._.times or []]
            counts.append(score_doc(item.gold, timeml, item.ignore))
            if errors_out is not None:
                errors_out.append((corpus, item.id, counts[-1]))
        results[corpus] = summarise(counts)
        per_corpus[corpus] = counts
        everything.extend(counts)
    if {"timebank", "aquaint"} <= set(per_corpus):
        # TempEval-3 ships the two as one training corpus (TBAQ-cleaned), and issue 3 sets its
        # target on "TimeBank + AQUAINT": this row is that pool, micro-averaged.
        results["timebank+aquaint"] = summarise(per_corpus["timebank"] + per_corpus["aquaint"])
    if len(per_corpus) > 1:
        results["all"] = summarise(everything)  # micro-average over the corpora
    return results


def format_table(results: dict) -> str:
    lines = [f"{'corpus':<16} {'docs':>5} {'gold':>6} {'pred':>6}  {'strict F1':>9} "
             f"{'relaxed F1':>10} {'value P':>8} {'value R':>8} {'value F1':>9}"]
    for corpus, s in results.items():
        lines.append(f"{corpus:<16} {s['documents']:>5} {s['gold']:>6} {s['predicted']:>6}  "
                     f"{s['strict_span']['f1']:>9.3f} {s['relaxed_span']['f1']:>10.3f} "
                     f"{s['value']['p']:>8.3f} {s['value']['r']:>8.3f} {s['value']['f1']:>9.3f}")
    return "\n".join(lines)


def write_json(results: dict, path: str) -> None:
    Path(path).write_text(json.dumps(results, indent=2) + "\n", "utf-8")


def print_errors(details: list, limit: int) -> None:
    """Value errors, misses and spurious predictions, for error analysis."""
    shown = {"value": 0, "missed": 0, "spurious": 0}
    for corpus, doc_id, counts in details:
        for gold_value, value, text in counts["errors"]:
            if shown["value"] < limit:
                shown["value"] += 1
                print(f"VALUE  {corpus}/{doc_id}: {text!r} gold={gold_value} pred={value}")
    for corpus, doc_id, counts in details:
        for gold in counts["missed"]:
            if shown["missed"] < limit:
                shown["missed"] += 1
                print(f"MISSED {corpus}/{doc_id}: {gold['text']!r} {gold['value']} {gold['type']}")
        for pred in counts["spurious"]:
            if shown["spurious"] < limit:
                shown["spurious"] += 1
                print(f"SPUR   {corpus}/{doc_id}: {pred['text']!r} {pred['value']}")


def bench_throughput(path: str, n: int = 200) -> dict:
    """Seconds per document of bare spaCy, and of the times component on the same parsed docs.

    The component is timed on its own (calling it on docs the bare model already parsed) rather
    than by running two whole pipelines, so that the figure is not swamped by the noise of a busy
    machine; `ratio` is bare / (bare + times): the throughput left after adding this stage.
    """
    import time

    from ..components.times import find_times
    from ..pipeline import load_model

    texts, dates = [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(record["text"])
            dates.append(record.get("date"))
            if len(texts) >= n:
                break
    nlp = load_model()
    list(nlp.pipe(texts[:5]))  # warm-up
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    bare = time.perf_counter() - start
    for doc, date in zip(docs, dates):
        doc._.article_date = (date or "")[:10] or None
    start = time.perf_counter()
    for doc in docs:
        find_times(doc)
    component = time.perf_counter() - start
    return {"documents": len(docs), "bare_s_per_doc": round(bare / len(docs), 5),
            "times_s_per_doc": round(component / len(docs), 5),
            "ratio": round(bare / (bare + component), 4),
            "times_found": sum(len(doc._.times) for doc in docs)}
