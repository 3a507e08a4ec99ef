"""Initial ledger: articles and their actors, quotes, acts, times, places; FTS5 on SQLite.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Plain portable types only, so this runs on PostgreSQL too; the full-text part (FTS5 virtual
tables kept in sync by triggers) is SQLite-only and sits behind a dialect check.
"""

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _article_fk() -> sa.Column:
    return sa.Column("article_id", sa.String, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String, nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("date", sa.String(10)),
        sa.Column("title", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.String, nullable=False),
        sa.Column("parley_version", sa.String),
        sa.Column("analysis_json", sa.Text, nullable=False),
    )
    op.create_index("ix_articles_date", "articles", ["date"])
    op.create_index("ix_articles_source", "articles", ["source"])

    op.create_table(
        "actors",
        _article_fk(),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("actor_id", sa.String, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("type", sa.String),
        sa.Column("country", sa.String(2)),
        sa.Column("aliases", sa.JSON),
        sa.Column("mentions", sa.JSON),
        sa.PrimaryKeyConstraint("article_id", "n"),
    )
    op.create_index("ix_actors_actor_id", "actors", ["actor_id"])
    op.create_index("ix_actors_country", "actors", ["country"])

    op.create_table(
        "quotes",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        _article_fk(),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("quote_id", sa.String, nullable=False),
        sa.Column("kind", sa.String),
        sa.Column("speaker_actor", sa.String),
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
    op.create_index("ix_quotes_speaker_actor", "quotes", ["speaker_actor"])

    op.create_table(
        "acts",
        _article_fk(),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("act_id", sa.String, nullable=False),
        sa.Column("type", sa.String),
        sa.Column("actor", sa.String),
        sa.Column("target", sa.String),
        sa.Column("issue", sa.String),
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
    for column in ("type", "actor", "target", "issue"):
        op.create_index(f"ix_acts_{column}", "acts", [column])

    op.create_table(
        "times",
        _article_fk(),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("text", sa.Text),
        sa.Column("type", sa.String),
        sa.Column("value", sa.String),
        sa.Column("anchor", sa.String),
        sa.PrimaryKeyConstraint("article_id", "n"),
    )
    op.create_index("ix_times_value", "times", ["value"])

    op.create_table(
        "places",
        _article_fk(),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("text", sa.Text),
        sa.Column("name", sa.Text),
        sa.Column("code", sa.String),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("kind", sa.String),
        sa.PrimaryKeyConstraint("article_id", "n"),
    )
    op.create_index("ix_places_code", "places", ["code"])

    if op.get_context().dialect.name == "sqlite":
        for statement in FTS5_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in FTS5_DOWN:
            op.execute(statement)
    for table in ("places", "times", "acts", "quotes", "actors", "articles"):
        op.drop_table(table)


# External-content FTS5 tables: the text lives once, in `articles`/`quotes`; the index follows
# every insert, delete and update through triggers, whoever writes. Datasette detects these
# (`content=`) and adds a search box to the articles and quotes tables.
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _fts_statements(table: str, columns: list[str]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.pk, {old});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.pk, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='pk', {_TOKENIZE})",
        f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {table}_fts_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
    ]


FTS5_UP = _fts_statements("articles", ["title", "text"]) + _fts_statements("quotes", ["content"])
FTS5_DOWN = [f"DROP TABLE IF EXISTS {t}_fts" for t in ("articles", "quotes")]
