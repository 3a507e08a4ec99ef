"""The ledger's tables, as SQLAlchemy Core metadata.

One row per article plus one row per actor, quote, act, time and place of its analysis, so the API
and the dashboard can query and join them without parsing JSON. Only portable types are used (the
same Alembic migration is meant to run on PostgreSQL); JSON-shaped fields that are rarely filtered
on (mention spans, segments, regions) are stored as JSON. Child rows are keyed by
`(article_id, n)`, `n` being the item's position in the analysis list, so that a stage emitting a
duplicate id costs nothing but a confusing id, never a failed write. `articles` and `quotes` carry
an INTEGER primary key `pk` because SQLite's FTS5 external-content tables need a stable rowid.

This module must stay in step with the migrations under `migrations/versions/`
(`tests/test_ledger.py` checks that they produce the same tables).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Children of an article, in the order rows are deleted when an article is replaced.
CHILD_TABLES = ("actors", "quotes", "acts", "times", "places")

articles = sa.Table(
    "articles", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String, nullable=False, unique=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("date", sa.String(10), index=True),
    sa.Column("title", sa.Text),
    sa.Column("source", sa.Text, index=True),
    sa.Column("url", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.String, nullable=False),
    sa.Column("parley_version", sa.String),
    sa.Column("analysis_json", sa.Text, nullable=False),
)


def _article_fk() -> sa.Column:
    return sa.Column("article_id", sa.String, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                     nullable=False)


actors = sa.Table(
    "actors", metadata,
    _article_fk(),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("actor_id", sa.String, nullable=False, index=True),
    sa.Column("name", sa.Text),
    sa.Column("type", sa.String),
    sa.Column("country", sa.String(2), index=True),
    sa.Column("aliases", sa.JSON),
    sa.Column("mentions", sa.JSON),
    sa.PrimaryKeyConstraint("article_id", "n"),
)

quotes = sa.Table(
    "quotes", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    _article_fk(),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("quote_id", sa.String, nullable=False),
    sa.Column("kind", sa.String),
    sa.Column("speaker_actor", sa.String, index=True),
    sa.Column("speaker_anonymous", sa.Text),
    sa.Column("anonymity", sa.String),
    sa.Column("speaker_start", sa.Integer),
    sa.Column("speaker_end", sa.Integer),
    sa.Column("cue", sa.Text),
    sa.Column("cue_start", sa.Integer),
    sa.Column("cue_end", sa.Integer),
    sa.Column("content", sa.Text),
    sa.Column("segments", sa.JSON),
    sa.Column("confidence", sa.Float),
    sa.UniqueConstraint("article_id", "n", name="uq_quotes_article_n"),
)

acts = sa.Table(
    "acts", metadata,
    _article_fk(),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("act_id", sa.String, nullable=False),
    sa.Column("type", sa.String, index=True),
    sa.Column("actor", sa.String, index=True),
    sa.Column("target", sa.String, index=True),
    sa.Column("issue", sa.String, index=True),
    sa.Column("object", sa.String),
    sa.Column("regions", sa.JSON),
    sa.Column("polarity", sa.String),
    sa.Column("modality", sa.String),
    sa.Column("condition", sa.Text),
    sa.Column("time", sa.String),
    sa.Column("source_quote", sa.String),
    sa.Column("source_actor", sa.String),
    sa.Column("source_anonymous", sa.Text),
    sa.Column("evidence_start", sa.Integer),
    sa.Column("evidence_end", sa.Integer),
    sa.Column("evidence_text", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.PrimaryKeyConstraint("article_id", "n"),
)

times = sa.Table(
    "times", metadata,
    _article_fk(),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    sa.Column("text", sa.Text),
    sa.Column("type", sa.String),
    sa.Column("value", sa.String, index=True),
    sa.Column("anchor", sa.String),
    sa.PrimaryKeyConstraint("article_id", "n"),
)

places = sa.Table(
    "places", metadata,
    _article_fk(),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    sa.Column("text", sa.Text),
    sa.Column("name", sa.Text),
    sa.Column("code", sa.String, index=True),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("kind", sa.String),
    sa.PrimaryKeyConstraint("article_id", "n"),
)

#: One row (id 1): `version` is bumped by a trigger on every insert, update or delete of an
#: article (migration 0003), so readers can cache derived results per ledger state.
ledger_state = sa.Table(
    "ledger_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

TABLES = {table.name: table for table in (articles, actors, quotes, acts, times, places)}
