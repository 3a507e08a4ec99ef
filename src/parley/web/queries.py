"""Read-only queries over the ledger for the API and the dashboard (SQLAlchemy Core).

Every function takes a `Connection` and plain filter values and returns JSON-ready dicts, so the
REST routes and the HTML pages share one implementation. Filters common to the list routes are in
`Filters` (date range on the article date, actor, issue, source = the article's outlet).

Positions are derived here from the `acts` table (actor x issue: counts by act type, first and
last seen, anonymous share). Shifts and contradictions come from `parley.positions` when that
module is present; otherwise they are empty lists and the API says so (see docs/web.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..ledger import schema

A, AC, Q, ACT, T, P = (schema.articles, schema.actors, schema.quotes, schema.acts, schema.times,
                       schema.places)



def _stance_signs() -> dict[str, int]:
    """Act type -> stance sign, from parley.positions' data file when present (one truth)."""
    try:
        from ..positions import settings

        return dict(settings()["stance"])
    except (ImportError, KeyError, OSError):
        return {"demand": 1, "offer": 1, "propose": 1, "accept": 1, "support": 1, "concede": 1,
                "reject": -1, "oppose": -1}


#: Act types that state a stance, with their sign (for the positions matrix and the chart).
STANCE = _stance_signs()


class BadQuery(ValueError):
    """A parameter the database cannot use (e.g. a malformed full-text query): a 400."""


@dataclass
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    actor: str | None = None
    issue: str | None = None
    source: str | None = None

    def on_articles(self, query):
        """Date range and source restrict the article each row belongs to."""
        if self.date_from:
            query = query.where(A.c.date >= self.date_from)
        if self.date_to:
            query = query.where(A.c.date <= self.date_to)
        if self.source:
            query = query.where(A.c.source == self.source)
        return query


def _rows(connection: Connection, query) -> list[dict]:
    return [dict(row) for row in connection.execute(query).mappings()]


_CACHE: dict[tuple, Any] = {}
_CACHE_SIZE = 256


def ledger_version(connection: Connection) -> int:
    """The ledger's version counter (`ledger_state`, bumped by a trigger on every insert, update
    or delete of an article; migration 0003): one primary-key lookup, read once per transaction.

    It replaced a `count(*), max(pk), max(ingested_at)` fingerprint that scanned the whole
    articles table (texts included) on every call: 4-12 ms, several times per request on the BBC
    ledger, and blind to an article replaced within a second under a reused SQLite rowid."""
    transaction = connection.get_transaction()
    info = connection.info
    if transaction is not None and info.get("parley_version_tx") is transaction:
        return info["parley_version"]
    version = connection.exec_driver_sql("SELECT version FROM ledger_state WHERE id = 1").scalar()
    info["parley_version_tx"] = connection.get_transaction()
    info["parley_version"] = version
    return version


def cached(connection: Connection, name: str, f: "Filters", compute) -> Any:
    """`compute()` once per ledger state and filter set: positions, shifts and the timeline are
    computed in Python over all matching acts, too slow to redo on every request."""
    key = (str(connection.engine.url), name, ledger_version(connection), tuple(vars(f).values()))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = compute()
    return _CACHE[key]


def page(connection: Connection, query, limit: int, offset: int, *,
         cache_items: bool = False) -> dict:
    """One page of `query` plus the total count, in the envelope every list route returns.

    The total is cached per ledger state and query (a COUNT over a join is the costly half), and
    so are the items when `cache_items` (queries that scan, like the `about` quotes). The key is
    SQLAlchemy's own cache key of the statement (structure + bound values): compiling the
    statement to SQL text for a key cost ~0.5 ms per request."""
    cache_key = query._generate_cache_key()
    key = Filters(cache_key.key, tuple(b.effective_value for b in cache_key.bindparams))
    total = cached(connection, "count", key, lambda: connection.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar())
    if cache_items:
        items = cached(connection, f"items-{limit}-{offset}", key,
                       lambda: _rows(connection, query.limit(limit).offset(offset)))
    else:
        items = _rows(connection, query.limit(limit).offset(offset))
    return {"total": total, "limit": limit, "offset": offset, "items": items}


# --------------------------------------------------------------------------------------------
# Articles


ARTICLE_COLUMNS = (A.c.id, A.c.date, A.c.title, A.c.source, A.c.url, A.c.ingested_at)


def articles_query(f: Filters):
    query = f.on_articles(sa.select(*ARTICLE_COLUMNS))
    if f.actor:
        query = query.where(A.c.id.in_(sa.select(AC.c.article_id).where(AC.c.actor_id == f.actor)))
    if f.issue:
        query = query.where(A.c.id.in_(sa.select(ACT.c.article_id).where(ACT.c.issue == f.issue)))
    return query.order_by(A.c.date.desc().nulls_last(), A.c.pk.desc())


def article(connection: Connection, article_id: str) -> dict | None:
    """The article with its text and every ledger row of its analysis."""
    row = connection.execute(sa.select(*ARTICLE_COLUMNS, A.c.text)
                             .where(A.c.id == article_id)).first()
    if row is None:
        return None
    result = dict(row._mapping)
    for name in schema.CHILD_TABLES:
        table = schema.TABLES[name]
        columns = [c for c in table.c if c.name != "pk"]
        result[name] = _rows(connection, sa.select(*columns).where(table.c.article_id == article_id)
                             .order_by(table.c.n))
    return result


# --------------------------------------------------------------------------------------------
# Actors, quotes, acts


def actors_query(f: Filters):
    query = (sa.select(AC.c.actor_id.label("id"), sa.func.max(AC.c.name).label("name"),
                       sa.func.max(AC.c.type).label("type"),
                       sa.func.max(AC.c.country).label("country"),
                       sa.func.count(sa.distinct(AC.c.article_id)).label("n_articles"))
             .join(A, A.c.id == AC.c.article_id))
    query = f.on_articles(query)
    if f.actor:
        query = query.where(AC.c.actor_id == f.actor)
    if f.issue:
        query = query.where(AC.c.actor_id.in_(sa.select(ACT.c.actor).where(ACT.c.issue == f.issue)))
    return query.group_by(AC.c.actor_id).order_by(sa.desc("n_articles"), AC.c.actor_id)


def actors_page(connection: Connection, f: Filters, limit: int, offset: int) -> dict:
    """`actors_query` paged from a cached full list: the GROUP BY over every actor row is the
    slowest read on a large ledger (~270 ms on the BBC corpus), and its total needs it all."""
    items = cached(connection, "actors", f,
                   lambda: _identified(connection, _rows(connection, actors_query(f))))
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset:offset + limit]}


def actor(connection: Connection, actor_id: str) -> dict | None:
    found = _identified(connection, _rows(connection, actors_query(Filters(actor=actor_id))))
    return found[0] if found else None


QUOTE_COLUMNS = (Q.c.article_id, Q.c.n, Q.c.quote_id, Q.c.kind, Q.c.speaker_actor,
                 Q.c.speaker_anonymous, Q.c.anonymity, Q.c.cue, Q.c.content, Q.c.confidence,
                 A.c.date, A.c.title, A.c.source)


def quotes_query(f: Filters, *, about: str | None = None, anonymity: str | None = None):
    """Quotes, filtered by speaker (`f.actor`) or by an actor they mention (`about`)."""
    query = f.on_articles(sa.select(*QUOTE_COLUMNS).join(A, A.c.id == Q.c.article_id))
    if f.actor:
        query = query.where(Q.c.speaker_actor == f.actor)
    if about:
        # Quotes whose acts target the actor, or whose content names them (cheap, portable).
        name = sa.select(sa.func.max(AC.c.name)).where(AC.c.actor_id == about).scalar_subquery()
        targeted = sa.select(ACT.c.article_id, ACT.c.source_quote).where(ACT.c.target == about)
        query = query.where(sa.or_(
            sa.tuple_(Q.c.article_id, Q.c.quote_id).in_(targeted),
            Q.c.content.contains(name)))
        query = query.where(sa.or_(Q.c.speaker_actor.is_(None), Q.c.speaker_actor != about))
    if anonymity:
        query = query.where(Q.c.anonymity == anonymity)
    if f.issue:
        query = query.where(sa.tuple_(Q.c.article_id, Q.c.quote_id).in_(
            sa.select(ACT.c.article_id, ACT.c.source_quote).where(ACT.c.issue == f.issue)))
    return query.order_by(A.c.date.desc().nulls_last(), Q.c.article_id, Q.c.n)


ACT_COLUMNS = (ACT.c.article_id, ACT.c.n, ACT.c.act_id, ACT.c.type, ACT.c.actor, ACT.c.target,
               ACT.c.issue, ACT.c.object, ACT.c.regions, ACT.c.polarity, ACT.c.modality,
               ACT.c.condition, ACT.c.time, ACT.c.source_quote, ACT.c.source_actor,
               ACT.c.source_anonymous, ACT.c.evidence_start, ACT.c.evidence_end,
               ACT.c.evidence_text, ACT.c.confidence, A.c.date, A.c.title, A.c.source)


def acts_query(f: Filters, *, act_type: str | None = None):
    query = f.on_articles(sa.select(*ACT_COLUMNS).join(A, A.c.id == ACT.c.article_id))
    if f.actor:
        query = query.where(ACT.c.actor == f.actor)
    if f.issue:
        query = query.where(ACT.c.issue == f.issue)
    if act_type:
        query = query.where(ACT.c.type == act_type)
    return query.order_by(A.c.date.desc().nulls_last(), ACT.c.article_id, ACT.c.n)


# --------------------------------------------------------------------------------------------
# Positions (naive, from acts) and the later positions ledger


def positions(connection: Connection, f: Filters) -> list[dict]:
    """Actor x issue: counts by act type, first and last seen, anonymous share, latest stance."""
    return cached(connection, "positions", f, lambda: _positions(connection, f))


def _positions(connection: Connection, f: Filters) -> list[dict]:
    rows = _rows(connection, acts_query(f).order_by(None).order_by(A.c.date, ACT.c.article_id,
                                                                    ACT.c.n))
    grouped: dict[tuple, dict] = {}
    for row in rows:
        if not row["actor"]:
            continue
        key = (row["actor"], row["issue"] or "other")
        entry = grouped.setdefault(key, {
            "actor": key[0], "issue": key[1], "counts": {}, "n_acts": 0, "first_seen": None,
            "last_seen": None, "n_anonymous": 0, "stance": "none", "regions": set(),
            "evidence": []})
        entry["counts"][row["type"]] = entry["counts"].get(row["type"], 0) + 1
        entry["n_acts"] += 1
        entry["n_anonymous"] += bool(row["source_anonymous"]) and not row["source_actor"]
        for region in row["regions"] or []:
            entry["regions"].add(region)
        if row["date"]:
            entry["first_seen"] = entry["first_seen"] or row["date"]
            entry["last_seen"] = row["date"]
        sign = STANCE.get(row["type"] or "", 0) * (-1 if row["polarity"] == "negative" else 1)
        if sign:
            entry["stance"] = "for" if sign > 0 else "against"
        entry["evidence"].append({"article_id": row["article_id"], "act_id": row["act_id"],
                                  "type": row["type"], "date": row["date"], "sign": sign})
    result = []
    window = _contradiction_days()
    for entry in grouped.values():
        entry["anonymous_share"] = round(entry.pop("n_anonymous") / entry["n_acts"], 3)
        entry["regions"] = sorted(entry["regions"])
        entry["current_stance"] = cell_stance(entry["evidence"], window)
        result.append(entry)
    return sorted(result, key=lambda e: (e["actor"], e["issue"]))


def flags(connection: Connection, f: Filters) -> dict:
    """Shifts and contradictions from `parley.positions` if it is installed, else empty."""
    return cached(connection, "flags", f, lambda: _flags(connection, f))


def _flags(connection: Connection, f: Filters) -> dict:
    try:
        from ..positions import analyse_positions
    except ImportError:
        return {"shifts": [], "contradictions": [],
                "note": "the positions ledger (parley.positions) is not available: no shifts or "
                        "contradictions are computed"}
    # The same rows as `load_act_rows`, but on the request's own connection: checking a second
    # one out of the pool per request deadlocks the pool under concurrent load.
    query = f.on_articles(sa.select(ACT, A.c.date.label("date"), A.c.source.label("outlet"))
                          .join(A, A.c.id == ACT.c.article_id))
    if f.actor:
        query = query.where(ACT.c.actor == f.actor)
    if f.issue:
        query = query.where(ACT.c.issue == f.issue)
    rows = _rows(connection, query)
    result = analyse_positions(rows)
    return {"shifts": result["shifts"], "contradictions": result["contradictions"],
            "note": "computed by parley.positions from the acts table at request time"}


# --------------------------------------------------------------------------------------------
# Timeline and search


def timeline(connection: Connection, f: Filters, *, limit: int = 500) -> list[dict]:
    """Meetings and stance acts on a time axis: the act's own time when known, else its
    article's date; `scheduled` marks events after the article's date."""
    return cached(connection, f"timeline-{limit}", f, lambda: _timeline(connection, f, limit))


def _timeline(connection: Connection, f: Filters, limit: int) -> list[dict]:
    from .timefmt import read_time

    query = acts_query(f).where(sa.or_(ACT.c.time.is_not(None), A.c.date.is_not(None)))
    events = []
    for row in _rows(connection, query.limit(limit)):
        # The act's own time when it names a day or period ("2025-03-20", "next week"), else
        # its article's date; a reference ("present"), duration or year-less date without an
        # article date has no place on the axis. `when_label` is what a reader is shown.
        reading = read_time(row["time"], row["date"]) if row["time"] else None
        when = (reading or {}).get("day") or row["date"]
        if not when or len(when) < 4:
            continue
        label = reading["label"] if reading and reading["label"] else when
        events.append({**row, "when": when, "when_label": label,
                       "when_precision": (reading or {}).get("precision") or "article date",
                       "scheduled": bool(row["date"] and when > row["date"]),
                       "article_date": row["date"]})
    return sorted(events, key=lambda e: (e["when"], e["article_id"], e["act_id"]))


def search(connection: Connection, q: str, *, limit: int, offset: int) -> dict:
    """Full-text search over articles and quotes: FTS5 on SQLite, LIKE elsewhere."""
    if connection.dialect.name == "sqlite":
        match = _fts_query(q)
        try:
            articles = _rows(connection, sa.text(
                "SELECT a.id AS article_id, a.title, a.date, "
                "snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet FROM articles_fts "
                "JOIN articles a ON a.pk = articles_fts.rowid WHERE articles_fts MATCH :q "
                "ORDER BY rank LIMIT :limit OFFSET :offset").bindparams(
                    q=match, limit=limit, offset=offset))
            quotes = _rows(connection, sa.text(
                "SELECT q.article_id, q.quote_id, q.speaker_actor, q.anonymity, q.content "
                "FROM quotes_fts JOIN quotes q ON q.pk = quotes_fts.rowid "
                "WHERE quotes_fts MATCH :q ORDER BY rank LIMIT :limit OFFSET :offset").bindparams(
                    q=match, limit=limit, offset=offset))
        except sa.exc.OperationalError as error:
            raise BadQuery(f"bad search query: {error.orig}") from None
    else:  # PostgreSQL etc.: portable fallback (see docs/web.md for the tsvector plan)
        pattern = f"%{q}%"
        articles = _rows(connection, sa.select(A.c.id.label("article_id"), A.c.title, A.c.date)
                         .where(sa.or_(A.c.title.ilike(pattern), A.c.text.ilike(pattern)))
                         .limit(limit).offset(offset))
        quotes = _rows(connection, sa.select(Q.c.article_id, Q.c.quote_id, Q.c.speaker_actor,
                                             Q.c.anonymity, Q.c.content)
                       .where(Q.c.content.ilike(pattern)).limit(limit).offset(offset))
    return {"query": q, "limit": limit, "offset": offset, "articles": articles, "quotes": quotes}


def _fts_query(q: str) -> str:
    """Plain words become a prefix-free AND of quoted terms, so user input such as `U.S.-led`
    or a stray quote mark never reaches FTS5 as syntax; `"..."` phrases are kept."""
    terms = [t for t in q.replace('"', " ").split() if t]
    if not terms:
        raise BadQuery("empty search query")
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


# --------------------------------------------------------------------------------------------
# Overview and issue pages


def distinct(connection: Connection, column) -> list[str]:
    return [v for v in connection.scalars(sa.select(column).distinct().order_by(column)) if v]


def issue_matrix(connection: Connection, issue: str, f: Filters | None = None) -> dict:
    """Actors x stance for one issue, plus regions with who demands or offers what (in the
    date range and outlet of `f`). Cached per version and filters: it reads every act of the
    issue (~4,500 rows for `other` on the BBC + White House ledger, 150 ms)."""
    f = _range(f or Filters())
    f = Filters(f.date_from, f.date_to, None, issue, f.source)
    return cached(connection, "issue-matrix", f, lambda: _issue_matrix(connection, issue, f))


def _issue_matrix(connection: Connection, issue: str, f: Filters) -> dict:
    rows = positions(connection, f)
    regions: dict[str, dict] = {}
    for row in _rows(connection, acts_query(f)):
        for code in row["regions"] or []:
            entry = regions.setdefault(code, {"code": code, "acts": []})
            entry["acts"].append({"actor": row["actor"], "type": row["type"],
                                  "article_id": row["article_id"], "act_id": row["act_id"]})
    if regions:
        places = _rows(connection, sa.select(P.c.code, sa.func.max(P.c.name).label("name"),
                                             sa.func.avg(P.c.lat).label("lat"),
                                             sa.func.avg(P.c.lon).label("lon"))
                       .where(P.c.code.in_(list(regions))).group_by(P.c.code))
        for place in places:
            regions[place["code"]].update(name=place["name"], lat=place["lat"], lon=place["lon"])
    return {"issue": issue, "positions": rows, "regions": sorted(regions.values(),
                                                                 key=lambda r: r["code"])}


def loads(value: Any) -> Any:
    """JSON columns come back decoded from SQLite already; strings from other drivers."""
    return json.loads(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------------------------
# Dashboard views: evidence in context, actor identities, the positions matrix, flags, indexes


_SENTENCE_START = re.compile(r"[.!?][\"”’')\]]*\s+|\n")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s|$)|\n")
#: How far a sentence may reach beyond the act's words on either side (characters).
SENTENCE_REACH = 280


def cut_sentence(text: str, start: int, end: int, reach: int = SENTENCE_REACH) -> dict | None:
    """The sentence around `text[start:end]`: `{"before", "marked", "after", "cut_before",
    "cut_after"}` (the marked words are the act's evidence; cut_*: the sentence was longer)."""
    if not text or start is None or end is None or not 0 <= start < end <= len(text):
        return None
    low = max(0, start - reach)
    begin, cut_before = low, low > 0
    for match in _SENTENCE_START.finditer(text, low, start):
        begin, cut_before = match.end(), False
    high = min(len(text), end + reach)
    match = _SENTENCE_END.search(text, end, high)
    if match:
        finish, cut_after = (match.start() if match.group() == "\n" else match.end()), False
    else:
        finish, cut_after = high, high < len(text)
    return {"before": text[begin:start].lstrip(), "marked": text[start:end],
            "after": text[end:finish].rstrip(), "cut_before": cut_before, "cut_after": cut_after}


def _texts(connection: Connection, article_ids) -> dict[str, str]:
    ids = sorted({a for a in article_ids if a})
    texts: dict[str, str] = {}
    for chunk in range(0, len(ids), 500):
        texts.update(connection.execute(sa.select(A.c.id, A.c.text)
                                        .where(A.c.id.in_(ids[chunk:chunk + 500]))).all())
    return texts


def sourcing(act: dict, quote: dict | None) -> dict:
    """Who the act comes from, as the reader sees it: named / role / anonymous / unattributed
    (from the quote that carries it), or `author` (the outlet's own reporting)."""
    if quote is not None:
        who = quote.get("speaker_actor") or quote.get("speaker_anonymous")
        return {"kind": quote.get("anonymity") or "unattributed", "who": who,
                "quote_id": quote.get("quote_id")}
    if act.get("source_actor"):
        return {"kind": "named", "who": act["source_actor"], "quote_id": None}
    if act.get("source_anonymous"):
        return {"kind": "anonymous", "who": act["source_anonymous"], "quote_id": None}
    return {"kind": "author", "who": None, "quote_id": None}


def enrich_acts(connection: Connection, acts: list[dict]) -> list[dict]:
    """Each act (a row of `acts_query`) with `sentence` (its evidence in its sentence) and
    `sourcing`: two queries for a page of acts (the texts, the quotes that carry them)."""
    if not acts:
        return []
    article_ids = {a["article_id"] for a in acts}
    texts = _texts(connection, article_ids)
    wanted = {(a["article_id"], a.get("source_quote")) for a in acts if a.get("source_quote")}
    quotes: dict[tuple, dict] = {}
    if wanted:
        rows = _rows(connection, sa.select(Q.c.article_id, Q.c.quote_id, Q.c.anonymity,
                                           Q.c.speaker_actor, Q.c.speaker_anonymous)
                     .where(Q.c.article_id.in_(sorted({w[0] for w in wanted}))))
        for row in rows:
            quotes.setdefault((row["article_id"], row["quote_id"]), row)
    result = []
    for act in acts:
        item = dict(act)
        item["sentence"] = cut_sentence(texts.get(act["article_id"], ""),
                                        act.get("evidence_start"), act.get("evidence_end"))
        item["sourcing"] = sourcing(act, quotes.get((act["article_id"], act.get("source_quote"))))
        result.append(item)
    return result


def actor_identities(connection: Connection) -> dict[str, dict]:
    """Per actor id the name, type and country it is most often given (the ledger keeps one row
    per article; `max()` over them called the party "Labour" a person because 'person' sorts
    after 'organization', though 156 of its 170 rows say organization). Cached per version."""
    def compute() -> dict[str, dict]:
        tallies: dict[str, dict[str, dict]] = {}
        query = (sa.select(AC.c.actor_id, AC.c.name, AC.c.type, AC.c.country, sa.func.count())
                 .group_by(AC.c.actor_id, AC.c.name, AC.c.type, AC.c.country))
        for actor_id, name, kind, country, n in connection.execute(query):
            entry = tallies.setdefault(actor_id, {"name": {}, "type": {}, "country": {}})
            for field_name, value in (("name", name), ("type", kind), ("country", country)):
                if value:
                    entry[field_name][value] = entry[field_name].get(value, 0) + n
        return {actor_id: {k: (max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] if v else None)
                           for k, v in entry.items()}
                for actor_id, entry in tallies.items()}
    return cached(connection, "identities", Filters(), compute)


def _identified(connection: Connection, rows: list[dict]) -> list[dict]:
    identities = actor_identities(connection)
    for row in rows:
        known = identities.get(row["id"])
        if known:
            row.update({k: v for k, v in known.items() if v})
    return rows


def label_actor(connection: Connection, actor_id: str | None) -> str | None:
    """The display name of an actor id (the id itself when unknown)."""
    if not actor_id:
        return None
    known = actor_identities(connection).get(actor_id)
    return (known or {}).get("name") or actor_id


def cell_stance(evidence: list[dict], window_days: int | None = None) -> str:
    """for / against / mixed / none from a position's evidence (date order): the latest
    stance-bearing act's sign, or `mixed` when opposite stances were reported within the
    contradiction window before it (`contradiction_days`, positions.yaml). Undated acts count
    as simultaneous with each other (all of the BBC corpus is undated)."""
    signed = [e for e in evidence if e.get("sign")]
    if not signed:
        return "none"
    last = signed[-1]
    if window_days is None:
        window_days = _contradiction_days()
    if last.get("date"):
        end = _ordinal(last["date"])
        recent = [e for e in signed if e.get("date") and end is not None
                  and _ordinal(e["date"]) is not None
                  and end - _ordinal(e["date"]) <= window_days]
    else:
        recent = [e for e in signed if not e.get("date")]
    if len({e["sign"] for e in recent}) > 1:
        return "mixed"
    return "for" if last["sign"] > 0 else "against"


def _contradiction_days() -> int:
    try:
        from ..positions import settings

        return int(settings()["contradiction_days"])
    except (ImportError, KeyError, OSError):
        return 7


def _ordinal(value: str) -> int | None:
    from .timefmt import parse_day

    day = parse_day(value)
    return day.toordinal() if day else None


def _range(f: Filters) -> Filters:
    """Only the filters that restrict articles (date range, outlet)."""
    return Filters(date_from=f.date_from, date_to=f.date_to, source=f.source)


def matrix(connection: Connection, f: Filters) -> dict:
    """Parties (actors with acts) x issues for the article filters of `f`: per cell the stance
    (`cell_stance`), the number of acts and the date of the last one. Parties by number of acts,
    issues by number of acts with `other` last. Cached per version and filters."""
    f = _range(f)

    def compute() -> dict:
        identities = actor_identities(connection)
        parties: dict[str, dict] = {}
        issue_totals: dict[str, int] = {}
        for p in positions(connection, f):
            cell = {"stance": p["current_stance"], "n_acts": p["n_acts"],
                    "last_seen": p["last_seen"], "counts": p["counts"]}
            known = identities.get(p["actor"]) or {}
            party = parties.setdefault(p["actor"], {
                "id": p["actor"], "name": known.get("name") or p["actor"],
                "type": known.get("type"), "country": known.get("country"), "n_acts": 0,
                "last_seen": None, "cells": {}})
            party["cells"][p["issue"]] = cell
            party["n_acts"] += p["n_acts"]
            if p["last_seen"] and (party["last_seen"] or "") < p["last_seen"]:
                party["last_seen"] = p["last_seen"]
            issue_totals[p["issue"]] = issue_totals.get(p["issue"], 0) + p["n_acts"]
        issues = sorted(issue_totals, key=lambda i: (i == "other", -issue_totals[i], i))
        rows = sorted(parties.values(), key=lambda r: (-r["n_acts"], r["name"].casefold()))
        return {"issues": [{"name": i, "n_acts": issue_totals[i]} for i in issues],
                "parties": rows}
    return cached(connection, "matrix", f, compute)


def select(connection: Connection, name: str, f: Filters, rows_of, *, q: str | None = None,
           actor_type: str | None = None, sort: str = "acts") -> tuple[list[dict], list[str]]:
    """`select_parties` over the cached rows `rows_of()`, itself cached per version, filters and
    choice (sorting 18,600 actors took ~10 ms a request), with the types present in the rows."""
    def compute():
        rows = rows_of()
        return (select_parties(rows, q=q, actor_type=actor_type, sort=sort),
                sorted({r["type"] for r in rows if r.get("type")}))
    return cached(connection, f"select-{name}-{sort}-{actor_type}-{q}", f, compute)


def select_parties(rows: list[dict], *, q: str | None = None, actor_type: str | None = None,
                   sort: str = "acts") -> list[dict]:
    """Filter and order index rows (parties or actors) by a name search, a type and a key."""
    if q:
        needle = q.casefold().strip()
        rows = [r for r in rows if needle in (r.get("name") or "").casefold()
                or needle in r["id"].casefold()]
    if actor_type:
        rows = [r for r in rows if r.get("type") == actor_type]
    if sort == "name":
        return sorted(rows, key=lambda r: ((r.get("name") or r["id"]).casefold(), r["id"]))
    if sort == "recent":
        return sorted(rows, key=lambda r: r.get("last_seen") or "", reverse=True)
    if sort in ("articles", "quotes", "acts"):
        key = {"articles": "n_articles", "quotes": "n_quotes", "acts": "n_acts"}[sort]
        return sorted(rows, key=lambda r: (-(r.get(key) or 0), (r.get("name") or "").casefold()))
    return rows


def cell_acts_query(f: Filters, actor: str, issue: str):
    """The acts of one matrix cell (issue `other` also holds acts with no issue)."""
    query = _range(f).on_articles(sa.select(*ACT_COLUMNS).join(A, A.c.id == ACT.c.article_id))
    query = query.where(ACT.c.actor == actor)
    if issue == "other":
        query = query.where(sa.or_(ACT.c.issue == "other", ACT.c.issue.is_(None)))
    else:
        query = query.where(ACT.c.issue == issue)
    return query.order_by(A.c.date.desc().nulls_last(), ACT.c.article_id.desc(), ACT.c.n)


def flag_list(connection: Connection, f: Filters, kinds=("shift", "contradiction")) -> list[dict]:
    """Shifts and contradictions newest first, filtered by actor, issue and date range: computed
    once per ledger version over every act (`flags(Filters())`; `analyse_positions` takes ~5 s on
    the White House ledger) and filtered here, so a new date range costs nothing. A flag is in
    the range when its later statement is (a shift "this week" may start from an older one)."""
    found = flags(connection, Filters(source=f.source))
    items = [x for kind in ("shifts", "contradictions") for x in found[kind]
             if x["kind"] in kinds]
    if f.actor:
        items = [x for x in items if x["actor"] == f.actor]
    if f.issue:
        items = [x for x in items if (x["issue"] or "other") == f.issue]

    def later(flag: dict) -> str:
        return max(flag["before"].get("date") or "", flag["after"].get("date") or "")

    if f.date_from:
        items = [x for x in items if later(x) and later(x) >= f.date_from]
    if f.date_to:
        items = [x for x in items if later(x) and later(x)[:len(f.date_to)] <= f.date_to]
    return sorted(items, key=lambda x: (later(x), x["after"]["article_id"]), reverse=True)


def enrich_flags(connection: Connection, items: list[dict]) -> list[dict]:
    """Each side of each flag with its sentence, as `enrich_acts` gives an act."""
    sides = [(flag, name) for flag in items for name in ("before", "after")]
    article_ids = sorted({flag[name]["article_id"] for flag, name in sides})
    texts = _texts(connection, article_ids)
    titles = dict(connection.execute(sa.select(A.c.id, A.c.title)
                                     .where(A.c.id.in_(article_ids))).all()) if article_ids else {}
    act_ids = {(a, s): i for a, s, i in connection.execute(
        sa.select(ACT.c.article_id, ACT.c.evidence_start, ACT.c.act_id)
        .where(ACT.c.article_id.in_(article_ids)))} if article_ids else {}
    result = []
    for flag in items:
        flag = dict(flag)
        for name in ("before", "after"):
            side = dict(flag[name])
            start, end = (side.get("span") or [None, None])[:2]
            side["sentence"] = cut_sentence(texts.get(side["article_id"], ""), start, end)
            side["title"] = titles.get(side["article_id"])
            side["act_id"] = act_ids.get((side["article_id"], start))
            reporter = side.get("reporter") or "author"
            side["sourcing"] = ({"kind": "author", "who": None} if reporter == "author" else
                                {"kind": "anonymous", "who": reporter.split(": ", 1)[-1]}
                                if reporter.startswith("anonymous: ") else
                                {"kind": "named", "who": reporter})
            flag[name] = side
        result.append(flag)
    return result


def actor_index(connection: Connection, f: Filters) -> list[dict]:
    """Every actor in the range with type, country, and its numbers of articles, quotes (as
    speaker) and acts; cached per version and range."""
    f = _range(f)

    def compute() -> list[dict]:
        rows = [dict(r) for r in actors_page(connection, f, 10**9, 0)["items"]]
        quotes = dict(connection.execute(
            f.on_articles(sa.select(Q.c.speaker_actor, sa.func.count())
                          .join(A, A.c.id == Q.c.article_id))
            .where(Q.c.speaker_actor.is_not(None)).group_by(Q.c.speaker_actor)).all())
        acts = {}
        for actor_id, n, last in connection.execute(
                f.on_articles(sa.select(ACT.c.actor, sa.func.count(), sa.func.max(A.c.date))
                              .join(A, A.c.id == ACT.c.article_id))
                .where(ACT.c.actor.is_not(None)).group_by(ACT.c.actor)):
            acts[actor_id] = (n, last)
        for row in rows:
            row["n_quotes"] = quotes.get(row["id"], 0)
            row["n_acts"], row["last_seen"] = acts.get(row["id"], (0, None))
        return rows
    return cached(connection, "actor-index", f, compute)


def issue_index(connection: Connection, f: Filters) -> list[dict]:
    """Issues in the range: acts, parties, articles, acts for / against, first and last date."""
    f = _range(f)

    def compute() -> list[dict]:
        issues: dict[str, dict] = {}
        for p in positions(connection, f):
            entry = issues.setdefault(p["issue"], {
                "issue": p["issue"], "n_acts": 0, "parties": set(), "articles": set(),
                "n_for": 0, "n_against": 0, "first_seen": None, "last_seen": None})
            entry["n_acts"] += p["n_acts"]
            entry["parties"].add(p["actor"])
            for e in p["evidence"]:
                entry["articles"].add(e["article_id"])
                entry["n_for"] += e["sign"] > 0
                entry["n_against"] += e["sign"] < 0
            if p["first_seen"] and (entry["first_seen"] is None or p["first_seen"] < entry["first_seen"]):
                entry["first_seen"] = p["first_seen"]
            if p["last_seen"] and (entry["last_seen"] or "") < p["last_seen"]:
                entry["last_seen"] = p["last_seen"]
        result = []
        for entry in issues.values():
            entry["n_parties"] = len(entry.pop("parties"))
            entry["n_articles"] = len(entry.pop("articles"))
            result.append(entry)
        return sorted(result, key=lambda e: (-e["n_acts"], e["issue"]))
    return cached(connection, "issue-index", f, compute)


ARTICLE_SORTS = {
    "newest": (A.c.date.desc().nulls_last(), A.c.pk.desc()),
    "oldest": (A.c.date.asc().nulls_last(), A.c.pk.asc()),
    "title": (sa.func.lower(A.c.title).asc().nulls_last(), A.c.pk.asc()),
}


def article_index_query(f: Filters, *, q: str | None = None, sort: str = "newest",
                        dialect: str = "sqlite"):
    """Articles with their numbers of acts and quotes, searchable (full text on SQLite: the
    `articles_fts` index; title LIKE elsewhere) and sortable (newest, oldest, title, acts)."""
    n_acts = (sa.select(sa.func.count()).select_from(ACT).where(ACT.c.article_id == A.c.id)
              .scalar_subquery())
    n_quotes = (sa.select(sa.func.count()).select_from(Q).where(Q.c.article_id == A.c.id)
                .scalar_subquery())
    query = sa.select(*ARTICLE_COLUMNS, n_acts.label("n_acts"), n_quotes.label("n_quotes"))
    query = f.on_articles(query)
    if f.actor:
        query = query.where(A.c.id.in_(sa.select(AC.c.article_id).where(AC.c.actor_id == f.actor)))
    if f.issue:
        query = query.where(A.c.id.in_(sa.select(ACT.c.article_id).where(ACT.c.issue == f.issue)))
    if q and q.strip():
        if dialect == "sqlite":
            query = query.where(A.c.pk.in_(sa.text("SELECT rowid FROM articles_fts WHERE "
                                                   "articles_fts MATCH :fts").bindparams(
                fts=_fts_query(q)).columns(sa.column("rowid"))))
        else:
            query = query.where(A.c.title.ilike(f"%{q.strip()}%"))
    order = ARTICLE_SORTS.get(sort)
    if order is None:  # "acts": most acts first
        order = (sa.desc("n_acts"), A.c.date.desc().nulls_last(), A.c.pk.desc())
    return query.order_by(*order)


def sources(connection: Connection) -> list[str]:
    """The outlets in the ledger (cached)."""
    return cached(connection, "sources", Filters(), lambda: distinct(connection, A.c.source))


def region_index(connection: Connection, f: Filters) -> list[dict]:
    """Regions concerned by acts in the range: code, name, country, acts with who did what, and
    the map colour (demanded / offered / both / other), most acts first. Cached."""
    f = _range(f)

    def compute() -> list[dict]:
        query = f.on_articles(sa.select(ACT.c.article_id, ACT.c.act_id, ACT.c.actor, ACT.c.type,
                                        ACT.c.issue, ACT.c.regions, A.c.date)
                              .join(A, A.c.id == ACT.c.article_id))
        regions: dict[str, dict] = {}
        for row in _rows(connection, query.where(ACT.c.regions.is_not(None))):
            for code in loads(row["regions"]) or []:
                entry = regions.setdefault(code, {"code": code, "country": code.split("-")[0],
                                                  "acts": [], "issues": set(), "actors": set()})
                entry["acts"].append({k: row[k] for k in ("actor", "type", "article_id",
                                                          "act_id", "issue", "date")})
                entry["issues"].add(row["issue"] or "other")
                if row["actor"]:
                    entry["actors"].add(row["actor"])
        if regions:
            for place in _rows(connection, sa.select(
                    P.c.code, sa.func.max(P.c.name).label("name"),
                    sa.func.avg(P.c.lat).label("lat"), sa.func.avg(P.c.lon).label("lon"))
                    .where(P.c.code.in_(list(regions))).group_by(P.c.code)):
                regions[place["code"]].update(name=place["name"], lat=place["lat"],
                                              lon=place["lon"])
        result = []
        for entry in regions.values():
            entry["issues"] = sorted(entry["issues"])
            entry["actors"] = sorted(entry["actors"])
            entry["acts"].sort(key=lambda a: a["date"] or "", reverse=True)
            result.append(entry)
        return sorted(result, key=lambda r: (-len(r["acts"]), r["code"]))
    return cached(connection, "region-index", f, compute)


def ledger_dates(connection: Connection) -> dict:
    """The first and last article dates, and the starts of the ledger's latest week and 30
    days (the range bar's quick links): cached per version."""
    def compute() -> dict:
        import datetime as dt

        first, last = connection.execute(sa.select(sa.func.min(A.c.date),
                                                   sa.func.max(A.c.date))).one()
        result = {"first": first, "last": last, "week": None, "month": None}
        day = _ordinal(last) if last else None
        if day is not None and len(last) == 10:
            result["week"] = dt.date.fromordinal(day - 6).isoformat()
            result["month"] = dt.date.fromordinal(day - 29).isoformat()
        return result
    return cached(connection, "ledger-dates", Filters(), compute)
