"""Opening the ledger database, migrating it, and writing one article per transaction.

SQLite is opened in WAL mode (readers such as Datasette never block the writer, and a killed
writer leaves the file consistent) with `synchronous=NORMAL`: a committed article survives a crash
or kill of the process; a power cut may roll back the last few commits, never corrupt the file,
and a re-run restores them. Every error the database raises while opening or migrating is turned
into a `LedgerError` with a message for the user, so the CLI never shows a traceback for a
read-only file or a missing directory.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from . import schema
from ..reading import Article

DEFAULT_URL = "sqlite:///parley.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class LedgerError(Exception):
    """The database cannot be used (unwritable, missing directory, not a database...)."""


def normalise_url(value: str) -> str:
    """`parley.db` and `sqlite:///parley.db` both name the SQLite file `parley.db`.

    `postgresql://` and `postgres://` (libpq style) mean psycopg 3, the driver Parley ships with
    (SQLAlchemy's default for a bare `postgresql://` is psycopg2).
    """
    if "://" not in value:
        return f"sqlite:///{value}"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None (in-memory, another dialect)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if database.startswith("file:"):  # URI filename: `sqlite:///file:x.db?mode=ro&uri=true`
        database = database[5:].split("?", 1)[0]
    return Path(database)


def check_writable(url: str) -> None:
    """Fail early, with a clear message, when a SQLite file or its directory cannot be written.

    The directory matters too: WAL mode keeps `-wal` and `-shm` files beside the database.
    """
    path = sqlite_path(url)
    if path is None:
        return
    parsed = make_url(url)
    if parsed.query.get("mode") == "ro":
        raise LedgerError(f"database {path} is opened read-only (mode=ro); ingest needs to write")
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise LedgerError(f"database path {path} is a directory")
    if not directory.is_dir():
        raise LedgerError(f"cannot create database {path}: directory {directory} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise LedgerError(f"database {path} is read-only (no write permission)")
    if not os.access(directory, os.W_OK):
        raise LedgerError(f"database directory {directory} is not writable "
                          "(SQLite needs it for its journal files)")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, foreign keys and a busy timeout on every connection; transactions begun by us."""
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _begin)
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "busy_timeout=10000"):
        try:
            cursor.execute(f"PRAGMA {pragma}")
        except Exception:  # a read-only file cannot switch to WAL; writing will say so clearly
            pass
    cursor.close()


#: Execution option for write transactions: on SQLite they start with BEGIN IMMEDIATE, taking
#: the write lock first (waiting up to busy_timeout), because a WAL transaction that reads first
#: and writes after another process committed fails at once with "database is locked".
WRITE = {"parley_write": True}


def _begin(connection) -> None:
    immediate = connection.get_execution_options().get("parley_write")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_ledger_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, with the pragmas above and real transactions."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    return engine


def alembic_config(connection: Connection | None = None):
    """An Alembic config built in code, pointing at the migrations shipped in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest revision (creates every table on a new database)."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two ingests starting at once: one migrates
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(7301)"))
        command.upgrade(alembic_config(connection), "head")


def open_ledger(url: str, *, write: bool = True) -> Engine:
    """Open (and create or migrate) the ledger at `url`; `LedgerError` if it cannot be used."""
    url = normalise_url(url)
    if write:
        check_writable(url)
    with _as_ledger_errors(url):
        engine = create_ledger_engine(url)
        upgrade(engine)
    return engine


@contextmanager
def _as_ledger_errors(url: str):
    """Driver, URL and migration failures as one-line `LedgerError`s naming the database."""
    try:
        yield
    except sa.exc.ArgumentError as error:
        raise LedgerError(f"bad database URL {url!r}: {error}") from None
    except sa.exc.DBAPIError as error:
        raise LedgerError(f"cannot open database {url}: {error.orig}") from None
    except sa.exc.SQLAlchemyError as error:
        raise LedgerError(f"cannot open database {url}: {error}") from None
    except ImportError as error:
        raise LedgerError(f"no driver for database URL {url!r}: {error}") from None
    except Exception as error:  # alembic.util.CommandError: e.g. a revision newer than ours
        if type(error).__module__.startswith("alembic"):
            raise LedgerError(f"cannot migrate database {url}: {error}") from None
        raise


def open_existing_ledger(url: str) -> Engine:
    """Open a ledger for reading; never create one. `LedgerError` says there is none and how to
    make one (a reading command that created an empty `parley.db` would only hide a wrong --db).
    """
    url = normalise_url(url)
    path = sqlite_path(url)
    hint = (f"make one with `parley ingest FILES --db {url}` (or an empty one with "
            f"`parley db upgrade --db {url}`)")
    if path is not None and not path.exists():
        raise LedgerError(f"no ledger at {path}; {hint}")
    if path is not None and path.is_dir():
        raise LedgerError(f"database path {path} is a directory")
    with _as_ledger_errors(url):
        probe = sa.create_engine(url)
        try:
            found = sa.inspect(probe).has_table(schema.articles.name)
        finally:
            probe.dispose()
    if not found:
        raise LedgerError(f"{path or url} holds no Parley ledger (no articles table); {hint}")
    return open_ledger(url, write=False)


def stored_hashes(engine: Engine) -> set[str]:
    """Content hashes of every stored article (one query: a re-run reads and hashes only)."""
    with engine.connect() as connection:
        return set(connection.scalars(sa.select(schema.articles.c.content_hash)))


# --------------------------------------------------------------------------------------------
# Rows


def write_article(connection: Connection, article: Article, analysis: dict,
                  version: str | None = None) -> bool | None:
    """Insert one article and its rows in the caller's transaction.

    Returns True if it replaced an older version of the same id, False if it is new, and None if
    another writer stored this very content (same hash) first, in which case nothing is written.
    An article whose id is stored with another content hash is replaced (its rows deleted and
    written anew): the ledger holds the latest text of each id, see docs/ledger.md.

    Concurrent writers (several `parley ingest` processes on one PostgreSQL ledger) are serialised
    per article id by a transaction-scoped advisory lock, taken before anything is read: the
    second writer then sees the first one's committed row and skips. The content hash (which
    includes the id) is also UNIQUE in the database, so even a writer that bypasses this function
    cannot store an article twice. SQLite serialises writers itself.
    """
    articles = schema.articles
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                           {"key": article.id})

    stored = connection.execute(
        sa.select(articles.c.content_hash).where(articles.c.id == article.id)).first()
    if stored is not None and stored.content_hash == article.content_hash:
        return None
    replaced = stored is not None
    if replaced:
        delete_article(connection, article.id)
    connection.execute(articles.insert().values(
        id=article.id, content_hash=article.content_hash, date=article.date,
        title=article.title, source=article.source, url=article.url, text=article.text,
        ingested_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        parley_version=version,
        analysis_json=json.dumps(analysis, ensure_ascii=False),
    ))
    for name, rows in child_rows(article.id, article.text, analysis).items():
        if rows:
            connection.execute(schema.TABLES[name].insert(), rows)
    return replaced


def delete_article(connection: Connection, article_id: str) -> None:
    for name in schema.CHILD_TABLES:
        table = schema.TABLES[name]
        connection.execute(table.delete().where(table.c.article_id == article_id))
    connection.execute(schema.articles.delete().where(schema.articles.c.id == article_id))


def child_rows(article_id: str, text: str, analysis: dict) -> dict[str, list[dict]]:
    """The rows of every child table for one analysis (missing fields become NULL)."""
    builders = {"actors": _actor_row, "quotes": _quote_row, "acts": _act_row,
                "times": _span_row, "places": _place_row}
    rows = {}
    for name, build in builders.items():
        items = analysis.get(name) or []
        rows[name] = [{"article_id": article_id, "n": n, **build(item, text)}
                      for n, item in enumerate(items) if isinstance(item, dict)]
    return rows


def _span(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, int) for v in value):
        return value[0], value[1]
    return None, None


def _slice(text: str, span: Any) -> str | None:
    start, end = _span(span)
    return None if start is None else text[start:end]


def _actor_row(actor: dict, _text: str) -> dict:
    return {"actor_id": str(actor.get("id")), "name": actor.get("name"),
            "type": actor.get("type"), "country": actor.get("country"),
            "aliases": actor.get("aliases"), "mentions": actor.get("mentions")}


def _quote_row(quote: dict, text: str) -> dict:
    speaker = quote.get("speaker") or {}
    cue = quote.get("cue") or {}
    speaker_start, speaker_end = _span(speaker.get("mention"))
    cue_start, cue_end = _span(cue.get("span"))
    segments = quote.get("segments") or []
    content = " ".join(filter(None, (_slice(text, segment) for segment in segments)))
    return {"quote_id": str(quote.get("id")), "kind": quote.get("kind"),
            "speaker_actor": speaker.get("actor"), "speaker_anonymous": speaker.get("anonymous"),
            "anonymity": speaker.get("anonymity"), "speaker_start": speaker_start,
            "speaker_end": speaker_end, "cue": cue.get("text"), "cue_start": cue_start,
            "cue_end": cue_end, "content": content, "segments": segments,
            "confidence": quote.get("confidence")}


def _act_row(act: dict, text: str) -> dict:
    source = act.get("source") or {}
    start, end = _span(act.get("evidence"))
    return {"act_id": str(act.get("id")), "type": act.get("type"), "actor": act.get("actor"),
            "target": act.get("target"), "issue": act.get("issue"), "object": act.get("object"),
            "regions": act.get("regions"), "polarity": act.get("polarity"),
            "modality": act.get("modality"), "condition": act.get("condition"),
            "time": act.get("time"), "source_quote": source.get("quote"),
            "source_actor": source.get("actor"), "source_anonymous": source.get("anonymous"),
            "evidence_start": start, "evidence_end": end,
            "evidence_text": _slice(text, act.get("evidence")),
            "confidence": act.get("confidence")}


def _span_row(item: dict, _text: str) -> dict:
    start, end = _span(item.get("span"))
    return {"start": start, "end": end, "text": item.get("text"), "type": item.get("type"),
            "value": item.get("value"), "anchor": item.get("anchor")}


def _place_row(place: dict, _text: str) -> dict:
    start, end = _span(place.get("span"))
    return {"start": start, "end": end, "text": place.get("text"), "name": place.get("name"),
            "code": place.get("code"), "lat": place.get("lat"), "lon": place.get("lon"),
            "kind": place.get("kind")}


# --------------------------------------------------------------------------------------------
# Reading back


def search(connection: Connection, query: str, *, quotes: bool = False,
           limit: int = 20) -> list[dict]:
    """Full-text search over article title+text, or over quote contents.

    SQLite: FTS5 (query syntax: `ceasefire OR truce`, `"grain deal"`, `talk*`). PostgreSQL: its
    own text search (`websearch_to_tsquery`: `ceasefire or truce`, `"grain deal"`, `-tariff`)
    over the same expressions the GIN indexes of migration 0002 cover.
    """
    if connection.dialect.name == "postgresql":
        return _search_postgresql(connection, query, quotes=quotes, limit=limit)
    if quotes:
        sql = ("SELECT q.article_id, q.quote_id, q.content FROM quotes_fts "
               "JOIN quotes q ON q.pk = quotes_fts.rowid WHERE quotes_fts MATCH :q "
               "ORDER BY rank LIMIT :limit")
    else:
        sql = ("SELECT a.id AS article_id, a.title, "
               "snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet FROM articles_fts "
               "JOIN articles a ON a.pk = articles_fts.rowid WHERE articles_fts MATCH :q "
               "ORDER BY rank LIMIT :limit")
    result = connection.execute(sa.text(sql), {"q": query, "limit": limit})
    return [dict(row._mapping) for row in result]


#: The indexed text-search expressions (must match migration 0002 exactly, or the GIN indexes
#: are not used).
PG_ARTICLE_TSV = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
PG_QUOTE_TSV = "to_tsvector('english', coalesce(content, ''))"


def _search_postgresql(connection: Connection, query: str, *, quotes: bool,
                       limit: int) -> list[dict]:
    if quotes:
        sql = (f"SELECT article_id, quote_id, content FROM quotes, "
               f"websearch_to_tsquery('english', :q) query WHERE {PG_QUOTE_TSV} @@ query "
               f"ORDER BY ts_rank({PG_QUOTE_TSV}, query) DESC, pk LIMIT :limit")
    else:
        sql = (f"SELECT id AS article_id, title, regexp_replace(ts_headline('english', text, "
               f"query, 'StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=2'), "
               f"'\\s+', ' ', 'g') AS snippet "
               f"FROM articles, websearch_to_tsquery('english', :q) query "
               f"WHERE {PG_ARTICLE_TSV} @@ query "
               f"ORDER BY ts_rank({PG_ARTICLE_TSV}, query) DESC, pk LIMIT :limit")
    result = connection.execute(sa.text(sql), {"q": query, "limit": limit})
    return [dict(row._mapping) for row in result]


def stored_ids(connection: Connection) -> list[str]:
    return list(connection.scalars(sa.select(schema.articles.c.id)))


def rows_of(connection: Connection, table: str, article_id: str) -> Iterable[dict]:
    t = schema.TABLES[table]
    return [dict(r._mapping) for r in connection.execute(
        sa.select(t).where(t.c.article_id == article_id).order_by(t.c.n))]
