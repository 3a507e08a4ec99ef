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
    items = cached(connection, "actors", f, lambda: _rows(connection, actors_query(f)))
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset:offset + limit]}


def actor(connection: Connection, actor_id: str) -> dict | None:
    found = _rows(connection, actors_query(Filters(actor=actor_id)))
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
    for entry in grouped.values():
        entry["anonymous_share"] = round(entry.pop("n_anonymous") / entry["n_acts"], 3)
        entry["regions"] = sorted(entry["regions"])
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
    query = acts_query(f).where(sa.or_(ACT.c.time.is_not(None), A.c.date.is_not(None)))
    events = []
    for row in _rows(connection, query.limit(limit)):
        when = (row["time"] or row["date"] or "")[:10]
        if len(when) < 4:
            continue
        events.append({"when": when, "scheduled": bool(row["date"] and when > row["date"]),
                       "type": row["type"], "actor": row["actor"], "target": row["target"],
                       "issue": row["issue"], "article_id": row["article_id"],
                       "act_id": row["act_id"], "evidence_text": row["evidence_text"],
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


def issue_matrix(connection: Connection, issue: str) -> dict:
    """Actors x stance for one issue, plus regions with who demands or offers what."""
    rows = positions(connection, Filters(issue=issue))
    regions: dict[str, dict] = {}
    for row in _rows(connection, acts_query(Filters(issue=issue))):
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
