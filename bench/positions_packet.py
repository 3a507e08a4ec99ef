"""The reader's packet for the positions check of docs/positions.md (issue 16).

A careful reader confirms, from the evidence alone, the flagged shifts and contradictions and a
random sample of position rows. This script writes what that reader is given: for every flag both
statements with their paragraphs, and for each sampled position (a stance of for or against) its
latest stance-bearing statement with its paragraph. The packet quotes the articles, so write it
outside the repository:

    .venv/bin/python bench/positions_packet.py --db sqlite:////tmp/ledger.db \\
        --texts /tmp/dev.jsonl ../shared/texts/white-house-corpus.jsonl --out /tmp/packet.md

The sample is drawn with a fixed seed (the default is the one the docs report), so the same ledger
gives the same rows.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from parley.ledger.store import open_existing_ledger
from parley.positions import analyse_positions, load_act_rows

SEED = 20261207


def read_texts(paths: list[Path]) -> dict[str, str]:
    """Article id -> text, from the JSONL files that were ingested."""
    texts = {}
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    record = json.loads(line)
                    texts[str(record["id"])] = record["text"]
    return texts


def paragraph(text: str | None, span: list) -> str:
    """The paragraph holding the evidence span, the evidence in **bold**."""
    if not text or not span or None in span:
        return "(text not found)"
    start, end = span
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    return f"{text[left:start]}**{text[start:end]}**{text[end:right]}".strip()


def flags_section(flags: list[dict], texts: dict[str, str]) -> list[str]:
    out = [f"# Flags ({len(flags)})", ""]
    for n, flag in enumerate(flags, 1):
        out.append(f"## F{n}: {flag['kind']} — {flag['actor']} on {flag['issue']}")
        for side in ("before", "after"):
            record = flag[side]
            out.append(f"- {side}: {record['type']} ({record['date']}, {record['article_id']}, "
                       f"{record['outlet']})")
            out.append(f"  > {paragraph(texts.get(record['article_id']), record['span'])}")
        out.append("")
    return out


def positions_section(positions: list, texts: dict[str, str], n: int, seed: int) -> list[str]:
    stances = [p for p in positions if p.stance]
    chosen = random.Random(seed).sample(stances, min(n, len(stances)))
    out = [f"# Positions ({len(chosen)} of {len(stances)} with a stance, seed {seed})", ""]
    for k, position in enumerate(chosen, 1):
        latest = [s for s in position.statements if s.sign][-1]
        report = latest.reports[-1]
        stance = "for" if position.stance > 0 else "against"
        out.append(f"## P{k}: {position.actor} is {stance} on {position.issue} "
                   f"(latest: {latest.type}, {report.get('date')}, {report['article_id']})")
        span = [report.get("evidence_start"), report.get("evidence_end")]
        out.append(f"> {paragraph(texts.get(report['article_id']), span)}")
        out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the ledger URL")
    parser.add_argument("--texts", nargs="+", type=Path, required=True,
                        help="the JSONL files that were ingested (for the paragraphs)")
    parser.add_argument("--n", type=int, default=50, help="position rows to sample")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    found = analyse_positions(load_act_rows(open_existing_ledger(args.db)))
    positions, flags = found["positions"], found["shifts"] + found["contradictions"]
    texts = read_texts(args.texts)
    lines = flags_section(flags, texts) + positions_section(positions, texts, args.n, args.seed)
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{args.out}: {len(flags)} flags, {len(positions)} positions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
