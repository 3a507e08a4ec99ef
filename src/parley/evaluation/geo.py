"""Geoparsing evaluation on GeoWebNews (Gritta et al. 2019) and LGL (Lieberman et al. 2010).

Two scores per corpus:

1. Resolution given the gold toponym spans: each gold span is resolved with the places stage's
   gazetteer and disambiguation (`resolve_mentions`, with the document's other gold toponyms as
   context), and the predicted point is compared with the gold coordinates. Reported: accuracy
   within 161 km (100 miles, the customary threshold), mean and median error in km, and AUC of
   the error curve (Gritta et al.: the mean of ln(1 + km) / ln(20039), lower is better). A span
   the gazetteer cannot resolve counts as wrong, with the maximum error 20039 km.
2. End-to-end toponym F1: the whole pipeline (up to the places stage) runs on the text and its
   place spans are matched one-to-one with the gold spans, strict (same offsets) and by overlap.

Gold toponyms are those with coordinates: in GeoWebNews that excludes the common-noun
"Literal_Expression"/"Non_Lit_Expression" items and toponyms the annotators could not locate.
"""

from __future__ import annotations

import json
import math
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..components.places import MIN_CITY_POPULATION, gazetteer, haversine_km, resolve_mentions

MAX_KM = 20039.0
THRESHOLD_KM = 161.0
CORPORA = {"gwn": "GWN.xml", "lgl": "lgl.xml"}
LATER_STAGES = ("parley_actors", "parley_quotes", "parley_acts")


@dataclass
class Toponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass
class Document:
    id: str
    text: str
    toponyms: list[Toponym] = field(default_factory=list)


def _num(node, tag: str) -> float | None:
    value = node.findtext(tag)
    return float(value) if value not in (None, "") else None


def read_gwn(path: Path) -> list[Document]:
    """GeoWebNews: <article><text>, <toponyms><toponym> with start/end/latitude/longitude."""
    return _read_articles(path, "gwn", "file", lambda top: (top, "latitude", "longitude"))


def read_lgl(path: Path) -> list[Document]:
    """LGL: <article docid><text>, <toponyms><toponym> with start/end and <gaztag> lat/lon."""
    return _read_articles(path, "lgl", "docid", lambda top: (top.find("gaztag"), "lat", "lon"))


def _read_articles(path: Path, prefix: str, id_attribute: str, point_of) -> list[Document]:
    """Both corpora: `point_of(toponym)` says which element holds the coordinates, under which
    tags; toponyms without both coordinates are left out."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        doc = Document(id=f"{prefix}-{article.get(id_attribute)}", text=text)
        for top in article.iter("toponym"):
            node, lat_tag, lon_tag = point_of(top)
            if node is None:
                continue
            lat, lon = _num(node, lat_tag), _num(node, lon_tag)
            if lat is None or lon is None:
                continue
            start, end = int(top.findtext("start")), int(top.findtext("end"))
            doc.toponyms.append(Toponym(start, end, text[start:end], lat, lon))
        docs.append(doc)
    return docs


def read_corpus(name: str, root: Path, limit: int | None = None) -> list[Document]:
    reader = read_gwn if name == "gwn" else read_lgl
    docs = [d for d in reader(root / CORPORA[name]) if d.toponyms]
    return docs[:limit] if limit else docs


def resolution_scores(docs: list[Document], min_city_population: int = MIN_CITY_POPULATION,
                      errors_out: list | None = None) -> dict:
    """Accuracy@161 km, mean/median error and AUC with the gold spans given."""
    gaz = gazetteer(min_city_population)
    errors, unresolved, near_town = [], 0, 0
    for doc in docs:
        mentions = [(t.start, t.end) for t in doc.toponyms]
        picks = resolve_mentions(gaz, doc.text, mentions)
        for top, pick in zip(doc.toponyms, picks):
            if pick is None or pick.get("lat") is None:
                unresolved += 1
                km = MAX_KM
            else:
                km = haversine_km(top.lat, top.lon, pick["lat"], pick["lon"])
                near_town += "near" in pick
            errors.append(km)
            if errors_out is not None and km > THRESHOLD_KM:
                errors_out.append({"doc": doc.id, "text": top.text, "km": round(km),
                                   "picked": _described(pick)})
    n = len(errors)
    return {
        "toponyms": n,
        "accuracy_161km": sum(e <= THRESHOLD_KM for e in errors) / n if n else 0.0,
        "mean_km": statistics.fmean(errors) if n else 0.0,
        "median_km": statistics.median(errors) if n else 0.0,
        "auc": statistics.fmean(math.log1p(e) / math.log1p(MAX_KM) for e in errors) if n else 0.0,
        "unresolved": unresolved,
        "placed_near_a_town": near_town,  # unknown names given the coordinates of a town near them
    }


def _described(pick: dict | None) -> str | None:
    if pick is None:
        return None
    if "near" in pick:
        return f"(unknown name) near {pick['near']} {pick.get('country')}"
    return f"{pick['name']} {pick.get('code') or ''} {pick['kind']} {pick.get('country')}"


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], strict: bool) -> int:
    """One-to-one matches, greedy in text order."""
    used, hits = set(), 0
    for gs, ge in gold:
        for i, (ps, pe) in enumerate(pred):
            if i in used:
                continue
            if (ps, pe) == (gs, ge) if strict else (ps < ge and gs < pe):
                used.add(i)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def end_to_end_scores(docs: list[Document],
                      min_city_population: int = MIN_CITY_POPULATION) -> dict:
    """Toponym recognition P/R/F1 of the pipeline's places against the gold spans (with the
    same gazetteer as the resolution scores)."""
    from ..pipeline import load_pipeline

    nlp = load_pipeline()
    if min_city_population != MIN_CITY_POPULATION:
        nlp.replace_pipe("parley_places", "parley_places",
                         config={"min_city_population": min_city_population})
    gaz = gazetteer()
    later = [n for n in LATER_STAGES if n in nlp.pipe_names]
    tp_strict = tp_overlap = n_pred = n_gold = 0
    tp_names = n_names = n_pred_names = 0
    with nlp.select_pipes(disable=later):
        for doc, parsed in zip(docs, nlp.pipe(d.text for d in docs)):
            gold = sorted({(t.start, t.end) for t in doc.toponyms})
            pred = sorted({tuple(p["span"]) for p in parsed._.places})
            n_gold += len(gold)
            n_pred += len(pred)
            tp_strict += _match(gold, pred, strict=True)
            tp_overlap += _match(gold, pred, strict=False)
            # The corpora annotate demonyms ('Russian', 'Palestinians') as toponyms; Parley does
            # not emit them as places, so also score against the gold without them.
            names = [g for g in gold if not _is_demonym(gaz, doc.text[g[0]:g[1]])]
            kept = [p for p in pred if not any(p[0] < e and s < p[1] for s, e in gold
                                               if (s, e) not in names)]
            n_names += len(names)
            n_pred_names += len(kept)
            tp_names += _match(names, kept, strict=False)
    return {"gold": n_gold, "predicted": n_pred, "strict": _prf(tp_strict, n_pred, n_gold),
            "overlap": _prf(tp_overlap, n_pred, n_gold),
            "overlap_without_demonyms": _prf(tp_names, n_pred_names, n_names)}


def _is_demonym(gaz, text: str) -> bool:
    cands = gaz.lookup(text)
    return bool(cands) and all(c.get("demonym") for c in cands)


def evaluate(root: Path, corpora: list[str] | None = None, limit: int | None = None,
             end_to_end: bool = True, min_city_population: int = MIN_CITY_POPULATION,
             errors_out: list | None = None) -> dict:
    results = {}
    for name in corpora or list(CORPORA):
        docs = read_corpus(name, root, limit)
        result = {"documents": len(docs),
                  "resolution": resolution_scores(docs, min_city_population, errors_out)}
        if end_to_end:
            result["end_to_end"] = end_to_end_scores(docs, min_city_population)
        results[name] = result
    return results


def format_table(results: dict) -> str:
    lines = [f"{'corpus':<6} {'docs':>5} {'topo':>6} {'acc@161':>8} {'mean km':>8} {'median':>7} "
             f"{'AUC':>6} {'unres':>6} {'near':>5} | {'F1 strict':>9} {'F1 overlap':>10} {'P ovl':>6} {'R ovl':>6} "
             f"{'F1 no-dem':>9}"]
    for name, result in results.items():
        res = result["resolution"]
        row = (f"{name:<6} {result['documents']:>5} {res['toponyms']:>6} {res['accuracy_161km']:>8.3f} "
               f"{res['mean_km']:>8.0f} {res['median_km']:>7.0f} {res['auc']:>6.3f} "
               f"{res['unresolved']:>6} {res.get('placed_near_a_town', 0):>5} |")
        e2e = result.get("end_to_end")
        if e2e:
            row += (f" {e2e['strict']['f1']:>9.3f} {e2e['overlap']['f1']:>10.3f} "
                    f"{e2e['overlap']['precision']:>6.3f} {e2e['overlap']['recall']:>6.3f} "
                    f"{e2e['overlap_without_demonyms']['f1']:>9.3f}")
        lines.append(row)
    return "\n".join(lines)


def write_json(results: dict, path: str) -> None:
    Path(path).write_text(json.dumps(results, indent=2) + "\n", "utf-8")


def bench_overhead(path: Path, limit: int = 200, repeats: int = 3) -> dict:
    """The places stage's cost next to the pipeline before it: the texts go through spaCy (and the
    stages ahead of places) once per repeat, then the places component runs on the parsed docs.
    Minimum times over the repeats (the machine is shared; the minimum is the least noisy)."""
    import time

    from ..pipeline import load_pipeline

    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line)["text"])
                if len(texts) >= limit:
                    break
    nlp = load_pipeline()
    skip = ["parley_places"] + [n for n in LATER_STAGES if n in nlp.pipe_names]
    component = nlp.get_pipe("parley_places")
    base_times, place_times = [], []
    with nlp.select_pipes(disable=skip):
        list(nlp.pipe(texts[:5]))
        for _ in range(repeats):
            start = time.perf_counter()
            docs = list(nlp.pipe(texts))
            base_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            for doc in docs:
                component(doc)
            place_times.append(time.perf_counter() - start)
    base, places = min(base_times), min(place_times)
    return {"documents": len(texts), "tokens": sum(len(d) for d in docs), "base_s": base,
            "places_s": places, "speed_ratio": base / (base + places),
            "places_per_doc": sum(len(d._.places) for d in docs) / len(docs)}
