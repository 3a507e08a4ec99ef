"""Actor resolution on gold files: is every gold quote speaker and act agent found where it acts?

`python -m parley.evaluation.actors_check [GOLD_DIR]` (default ../shared/gold/dev);
`python -m parley.evaluation.actors_check --bench [N]`: the stage's cost on N BBC bench texts;
`python -m parley.evaluation.actors_check --metonymy [N]`: capitals as government vs place (GWN).

For each gold quote with a named speaker, the region is the paragraph holding its cue (else its
first content segment); it counts as resolved when a predicted actor with the gold id has a
mention inside that region (a name, metonym, title or resolved pronoun). For each gold act, the
region is the paragraph holding its evidence; an act whose evidence sits inside a gold quote of
the same actor counts as resolved when that quote's speaker is (the acts stage takes the agent
from the quote). The strict counts ask for the mention in the sentence(s) of the cue or
evidence instead of the paragraph. This measures the actors stage alone, not the quote or act stages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from parley.reading import paragraph_spans


def _find_near(text: str, needle: str, near: int) -> int:
    """Start of the occurrence of `needle` closest to `near` (-1 if absent)."""
    best, pos = -1, text.find(needle)
    while pos != -1:
        if best == -1 or abs(pos - near) < abs(best - near):
            best = pos
        pos = text.find(needle, pos + 1)
    return best


def _paragraph(paragraphs: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((s, e) for s, e in paragraphs if s <= pos < e), (pos, pos + 1))


def _has_mention(actors: list[dict], actor_id: str, region: tuple[int, int]) -> bool:
    return any(a["id"] == actor_id and any(region[0] <= s and e <= region[1] for s, e in a["mentions"])
               for a in actors)


def check(gold: dict, nlp) -> dict:
    """Resolved/total for speakers and agents of one gold article, plus the misses."""
    text = gold["text"]
    doc = nlp.make_doc(text)
    doc._.article_date = gold.get("date")
    doc = nlp(doc)
    actors = doc._.actors or []
    paragraphs = paragraph_spans(text)
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    out = {"speakers": [0, 0], "agents": [0, 0], "strict_speakers": [0, 0], "strict_agents": [0, 0],
           "misses": []}
    quote_spans = []  # (start, end, speaker, resolved)
    for quote in gold["quotes"]:
        speaker = quote["speaker"]
        first = text.find(quote["content"][0])
        spans = [(p, p + len(c)) for c in quote["content"] if (p := text.find(c)) != -1]
        if not isinstance(speaker, str):
            continue
        cue = _find_near(text, quote["cue"], first) if quote.get("cue") else -1
        region = _paragraph(paragraphs, cue if cue != -1 else first)
        ok = _has_mention(actors, speaker, region)
        out["speakers"][0] += ok
        out["speakers"][1] += 1
        strict = _has_mention(actors, speaker, _paragraph(sentences, cue if cue != -1 else first))
        out["strict_speakers"][0] += strict
        out["strict_speakers"][1] += 1
        if ok and not strict:
            out["misses"].append(f"(strict) speaker {speaker}: cue {quote.get('cue')!r}")
        quote_spans += [(s, e, speaker, ok) for s, e in spans]
        if not ok:
            out["misses"].append(f"speaker {speaker}: {text[region[0]:region[1]][:90]!r}")
    for act in gold["acts"]:
        pos = text.find(act["evidence"])
        inside = [q for q in quote_spans if q[0] <= pos < q[1] and q[2] == act["actor"]]
        if inside:
            ok = inside[0][3]
        else:
            ok = _has_mention(actors, act["actor"], _paragraph(paragraphs, pos))
        out["agents"][0] += ok
        out["agents"][1] += 1
        end = pos + len(act["evidence"])
        region = (min(s for s, e in sentences if e > pos), max(e for s, e in sentences if s < end))
        strict = (inside[0][3] if inside else False) or _has_mention(actors, act["actor"], region)
        out["strict_agents"][0] += strict
        out["strict_agents"][1] += 1
        if ok and not strict:
            out["misses"].append(f"(strict) agent {act['actor']}: {act['evidence'][:90]!r}")
        if not ok:
            out["misses"].append(f"agent {act['actor']}: {act['evidence'][:90]!r}")
    return out


def bench(limit: int, chunk: int = 25) -> tuple[float, float, float]:
    """Seconds for the bare model, the model + parley_actors, and the component alone (on
    already parsed Docs), on the BBC bench texts.

    Interleaved chunk by chunk, alternating the order, so both see the same load on a shared box.
    """
    import time

    from parley.pipeline import load_model

    path = Path(__file__).resolve().parents[4] / "shared" / "bench" / "bbc-2004-2005.jsonl"
    with path.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line, _ in zip(lines, range(limit))]
    bare, with_actors = load_model(), load_model()
    with_actors.add_pipe("parley_actors", last=True)
    for nlp in (bare, with_actors):
        list(nlp.pipe(texts[:5]))
    spent = [0.0, 0.0]
    for i in range(0, len(texts), chunk):
        order = [0, 1] if (i // chunk) % 2 else [1, 0]
        for which in order:
            started = time.perf_counter()
            list((bare, with_actors)[which].pipe(texts[i:i + chunk]))
            spent[which] += time.perf_counter() - started
    finder = with_actors.get_pipe("parley_actors")
    docs = list(bare.pipe(texts))
    started = time.perf_counter()
    for doc in docs:
        finder(doc)
    return spent[0], spent[1], time.perf_counter() - started


def metonymy(limit: int | None = None) -> dict:
    """Capitals and seats in GeoWebNews (../shared/data/geo/GWN.xml): government or place?

    Only toponyms whose text is one of the registry's capital/seat/building metonyms count; the
    gold says `Metonymic` (the government: predicted right when the stage records an actor
    mention there) or `Literal` (a place: right when it records none). Other GWN types
    (modifiers, mixed, embedded) are left out as neither clearly one nor the other.
    """
    import xml.etree.ElementTree as ET

    from parley.components.actors import load_registry
    from parley.pipeline import load_model

    path = Path(__file__).resolve().parents[4] / "shared" / "data" / "geo" / "GWN.xml"
    reg = load_registry(None)
    phrases = {p for p, _, kind in reg.phrases if kind in ("metonym", "building")}
    nlp = load_model()
    nlp.add_pipe("parley_actors", last=True)
    counts = {"Metonymic": [0, 0], "Literal": [0, 0]}  # [predicted government, total]
    for article in list(ET.parse(path).getroot().iter("article"))[:limit]:
        text = article.findtext("text") or ""
        wanted = [(int(t.findtext("start")), int(t.findtext("end")), t.findtext("type"))
                  for t in article.iter("toponym")
                  if t.findtext("type") in counts and text[int(t.findtext("start")):int(t.findtext("end"))] in phrases]
        if not wanted:
            continue
        doc = nlp(text)
        spans = [(s, e) for a in doc._.actors for s, e in a["mentions"]]
        for start, end, kind in wanted:
            counts[kind][0] += any(s < end and start < e for s, e in spans)
            counts[kind][1] += 1
    return counts


def main(argv: list[str]) -> int:
    from parley.pipeline import load_pipeline

    if argv[:1] == ["--metonymy"]:
        counts = metonymy(int(argv[1]) if len(argv) > 1 else None)
        met, lit = counts["Metonymic"], counts["Literal"]
        print(f"GWN metonymic capitals/seats taken as the government: {met[0]}/{met[1]}; "
              f"literal ones wrongly taken: {lit[0]}/{lit[1]}")
        return 0

    if argv[:1] == ["--bench"]:
        limit = int(argv[1]) if len(argv) > 1 else 200
        bare, with_actors, alone = bench(limit)
        print(f"{limit} texts: bare {bare:.2f}s, with parley_actors {with_actors:.2f}s, "
              f"speed ratio {bare / with_actors:.3f}; the component alone {alone:.2f}s "
              f"({alone / bare:.1%} of bare)")
        return 0

    folder = Path(argv[0] if argv else Path(__file__).resolve().parents[4] / "shared" / "gold" / "dev")
    if not folder.is_dir():
        print(f"no gold folder at {folder}")
        return 1
    nlp = load_pipeline()
    totals = {"speakers": [0, 0], "agents": [0, 0], "strict_speakers": [0, 0], "strict_agents": [0, 0]}
    for path in sorted(folder.glob("*.json")):
        result = check(json.loads(path.read_text("utf-8")), nlp)
        for key in totals:
            totals[key][0] += result[key][0]
            totals[key][1] += result[key][1]
        print(f"{path.name}: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in result.items() if k != "misses"))
        for miss in result["misses"]:
            print("  miss", miss)
    print("total: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
