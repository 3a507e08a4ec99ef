"""Positions across articles: from acts in the ledger to each actor's stance on each issue.

Three steps, each a small function over plain act rows (dicts as `load_act_rows` returns them):

1. `merge_reports`: the same statement carried by several outlets becomes one `Statement` with
   several reports (near-duplicate evidence by MinHash, via datasketch's LSH index).
2. `build_positions`: statements grouped by actor × issue × regions, with a dated timeline, first
   and last seen, independent sources and the share of anonymous sourcing.
3. `find_shifts` and `find_contradictions`: opposite stances over time from the same or any source
   (a shift) versus opposite stances in the same period from different sources (a contradiction),
   each with both sides' evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def settings() -> dict:
    """The stance signs and thresholds from `data/positions.yaml`."""
    return yaml.safe_load(resources.files("parley.data").joinpath("positions.yaml")
                          .read_text("utf-8"))


def stance_sign(act_type: str, polarity: str | None = "positive") -> int:
    """+1 for, -1 against, 0 for an act that is not a stance (a meeting, an accusation)."""
    sign = settings()["stance"].get(act_type, 0)
    return -sign if polarity == "negative" else sign


# --------------------------------------------------------------------------------------------
# Reports and statements


@dataclass
class Statement:
    """One act as stated by its actor, with every report of it (one per article)."""

    id: str
    actor: str
    type: str
    issue: str | None
    polarity: str
    regions: tuple[str, ...]
    reports: list[dict] = field(default_factory=list)

    @property
    def sign(self) -> int:
        return stance_sign(self.type, self.polarity)

    @property
    def dates(self) -> list[str]:
        return sorted(r["date"] for r in self.reports if r.get("date"))

    @property
    def first_seen(self) -> str | None:
        return (self.dates or [None])[0]

    @property
    def last_seen(self) -> str | None:
        return (self.dates or [None])[-1]

    @property
    def targets(self) -> set[str]:
        return {r["target"] for r in self.reports if r.get("target")}

    @property
    def objects(self) -> set[str]:
        return {r["object"].lower() for r in self.reports if r.get("object")}

    @property
    def outlets(self) -> list[str]:
        return sorted({outlet_of(r) for r in self.reports})

    @property
    def sources(self) -> list[str]:
        """Distinct reporting sources: outlet plus who in it reported the act."""
        return sorted({f"{outlet_of(r)}|{reporter_of(r)}" for r in self.reports})

    def as_dict(self) -> dict:
        return {
            "id": self.id, "actor": self.actor, "type": self.type, "issue": self.issue,
            "polarity": self.polarity, "regions": list(self.regions), "sign": self.sign,
            "first_seen": self.first_seen, "last_seen": self.last_seen,
            "outlets": self.outlets, "n_reports": len(self.reports),
            "evidence": [{"article_id": r["article_id"], "date": r.get("date"),
                          "span": [r.get("evidence_start"), r.get("evidence_end")],
                          "text": r.get("evidence_text"), "reporter": reporter_of(r)}
                         for r in self.reports],
        }


def outlet_of(row: dict) -> str:
    """The outlet that published a report: the article's source, else its id."""
    return row.get("outlet") or row["article_id"]


def reporter_of(row: dict) -> str:
    """Who reported the act inside the article: a named source, an anonymous one, the author."""
    if row.get("source_actor"):
        return row["source_actor"]
    if row.get("source_anonymous"):
        return "anonymous: " + " ".join(row["source_anonymous"].lower().split())
    return "author"


def is_anonymous(row: dict) -> bool:
    return bool(row.get("source_anonymous")) and not row.get("source_actor")


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", (text or "").lower())
    if len(words) < 3:
        return set(words)
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


@lru_cache(maxsize=8)
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH (bands, rows) for a Jaccard threshold, computed once: datasketch integrates the
    false positive/negative curves for every new index (8 ms each, 1.7 s for 200 act groups)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def merge_reports(rows: list[dict]) -> list[Statement]:
    """Group act rows into statements: same act key and near-duplicate evidence, close in time."""
    from datasketch import MinHash, MinHashLSH

    conf = settings()
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(_act_key(row), []).append(row)
    statements = []
    for key, members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        lsh = MinHashLSH(num_perm=conf["minhash_permutations"],
                         params=_lsh_bands(conf["duplicate_jaccard"], conf["minhash_permutations"]))
        hashes = []
        for i, row in enumerate(members):
            minhash = MinHash(num_perm=conf["minhash_permutations"])
            for shingle in _shingles(row.get("evidence_text") or ""):
                minhash.update(shingle.encode("utf-8"))
            hashes.append(minhash)
            lsh.insert(str(i), minhash)
        parent = list(range(len(members)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, minhash in enumerate(hashes):
            for j in map(int, lsh.query(minhash)):
                apart = _days_apart(members[i].get("date"), members[j].get("date"))
                if j != i and (apart is None or apart <= conf["same_statement_days"]):
                    parent[root(i)] = root(j)
        clusters: dict[int, list[dict]] = {}
        for i, row in enumerate(members):
            clusters.setdefault(root(i), []).append(row)
        for cluster in clusters.values():
            cluster.sort(key=lambda r: (r.get("date") or "9999", r["article_id"], r.get("n", 0)))
            actor, act_type, issue, polarity, regions = key
            first = cluster[0]
            statements.append(Statement(
                id=f"{first['article_id']}#{first.get('act_id', first.get('n'))}",
                actor=actor, type=act_type, issue=issue, polarity=polarity, regions=regions,
                reports=cluster))
    statements.sort(key=lambda s: (s.first_seen or "9999", s.id))
    return statements


def _act_key(row: dict) -> tuple:
    return (row["actor"], row["type"], row.get("issue"), row.get("polarity") or "positive",
            tuple(sorted(row.get("regions") or [])))


# --------------------------------------------------------------------------------------------
# Positions


@dataclass
class Position:
    """An actor's stance on an issue (and region set) over time."""

    actor: str
    issue: str | None
    regions: tuple[str, ...]
    statements: list[Statement]

    @property
    def stance(self) -> int:
        """The sign of the latest stance-bearing statement (0: none)."""
        signed = [s for s in self.statements if s.sign]
        return signed[-1].sign if signed else 0

    def as_dict(self) -> dict:
        reports = [r for s in self.statements for r in s.reports]
        dates = sorted(r["date"] for r in reports if r.get("date"))
        counts: dict[str, int] = {}
        for statement in self.statements:
            label = statement.type + (" (neg)" if statement.polarity == "negative" else "")
            counts[label] = counts.get(label, 0) + 1
        return {
            "actor": self.actor, "issue": self.issue, "regions": list(self.regions),
            "stance": {1: "for", -1: "against", 0: "none"}[self.stance],
            "counts": counts, "n_statements": len(self.statements),
            "first_seen": dates[0] if dates else None, "last_seen": dates[-1] if dates else None,
            "n_sources": len({src for s in self.statements for src in s.sources}),
            "anonymous_share": round(sum(map(is_anonymous, reports)) / len(reports), 3),
            "timeline": [s.as_dict() for s in self.statements],
        }


def build_positions(statements: list[Statement]) -> list[Position]:
    """Statements grouped by actor × issue × regions, each group in date order."""
    grouped: dict[tuple, list[Statement]] = {}
    for statement in statements:
        grouped.setdefault((statement.actor, statement.issue, statement.regions), []).append(statement)
    return [Position(actor, issue, regions, sorted(group, key=lambda s: (s.first_seen or "9999", s.id)))
            for (actor, issue, regions), group in sorted(grouped.items(), key=lambda kv: str(kv[0]))]


def comparable(a: Statement, b: Statement) -> bool:
    """Two statements can contradict each other when their types are an opposite pair
    (`opposite_types` in positions.yaml: accepting and rejecting, supporting and opposing) and
    they are aimed at the same party, or, naming no party, at the same object (the keyword that
    named the issue, where it is a noun: "rejected the ceasefire proposal", "accepted a
    ceasefire"; an adjective names a domain, "the humanitarian situation", and sets no object).
    "Condemned Russia's war" and "pledged support for Ukraine's defence" share an issue, neither
    a target nor an object."""
    pairs = {frozenset(pair) for pair in settings().get("opposite_types") or ()}
    if frozenset((a.type, b.type)) not in pairs:
        return False
    return bool(a.targets & b.targets) or (not (a.targets or b.targets)
                                           and bool(a.objects & b.objects))


def _stance_issue(position: Position) -> bool:
    return position.issue not in set(settings().get("no_stance_issues") or ())


def find_contradictions(position: Position) -> list[dict]:
    """Different sources reporting opposite stances of the actor within the same period."""
    window = settings()["contradiction_days"]
    found = []
    if not _stance_issue(position):
        return found
    for a in (s for s in position.statements if s.sign):
        for report_a in a.reports:
            for b in (s for s in position.statements
                      if s.sign == -a.sign and s.id > a.id and comparable(a, s)):
                for report_b in b.reports:
                    apart = _days_apart(report_a.get("date"), report_b.get("date"))
                    # sources disagree: two outlets (one outlet quoting an official next to its
                    # own summary is one source, however the reporter field reads)
                    different = outlet_of(report_a) != outlet_of(report_b) and \
                        report_a["article_id"] != report_b["article_id"]
                    if apart is not None and apart <= window and different:
                        found.append(_flag("contradiction", position, a, b, report_a, report_b))
    return _unique(found)


def find_shifts(position: Position) -> list[dict]:
    """A stance that changes over time: each sign change between consecutive dated statements
    that is not explained by a contradiction in the same period."""
    window = settings()["contradiction_days"]
    signed = [s for s in position.statements if s.sign and s.first_seen]
    shifts = []
    if not _stance_issue(position):
        return shifts
    for before, after in zip(signed, signed[1:]):
        apart = _days_apart(before.last_seen, after.first_seen)
        if before.sign != after.sign and apart is not None and apart > window \
                and comparable(before, after):
            shifts.append(_flag("shift", position, before, after, before.reports[-1],
                                after.reports[0]))
    return shifts


def _flag(kind: str, position: Position, a: Statement, b: Statement, ra: dict, rb: dict) -> dict:
    side = lambda s, r: {"statement": s.id, "type": s.type, "sign": s.sign, "date": r.get("date"),
                         "article_id": r["article_id"], "outlet": outlet_of(r),
                         "reporter": reporter_of(r), "evidence": r.get("evidence_text"),
                         "span": [r.get("evidence_start"), r.get("evidence_end")]}
    return {"kind": kind, "actor": position.actor, "issue": position.issue,
            "regions": list(position.regions), "before": side(a, ra), "after": side(b, rb)}


def _unique(flags: list[dict]) -> list[dict]:
    seen, result = set(), []
    for flag in flags:
        key = (flag["before"]["statement"], flag["after"]["statement"])
        if key not in seen:
            seen.add(key)
            result.append(flag)
    return result


# --------------------------------------------------------------------------------------------
# From the ledger


def load_act_rows(engine, *, actor: str | None = None, issue: str | None = None,
                  since: str | None = None, until: str | None = None) -> list[dict]:
    """Acts joined with their article's date and outlet, filtered, as plain dicts."""
    import sqlalchemy as sa

    from .ledger.schema import acts, articles

    query = (sa.select(acts, articles.c.date.label("date"), articles.c.source.label("outlet"))
             .join(articles, articles.c.id == acts.c.article_id))
    if actor:
        query = query.where(acts.c.actor == actor)
    if issue:
        query = query.where(acts.c.issue == issue)
    if since:
        query = query.where(articles.c.date >= since)
    if until:
        query = query.where(articles.c.date <= until)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def analyse_positions(rows: list[dict]) -> dict:
    """Everything the `positions`, `timeline` and `shifts` commands show, from act rows."""
    positions = build_positions(merge_reports(rows))
    return {
        "positions": positions,
        "shifts": [f for p in positions for f in find_shifts(p)],
        "contradictions": [f for p in positions for f in find_contradictions(p)],
    }
