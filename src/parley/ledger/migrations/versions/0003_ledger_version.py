"""Ledger version: one counter that every change to `articles` bumps, for readers' caches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

The web API caches derived results (positions, shifts, list totals) per ledger state. Before this
revision the state was fingerprinted by `count(*), max(pk), max(ingested_at)` of `articles`: an
unindexed scan of the whole table (text included) on every request, and blind to an article
replaced within the same second under a reused SQLite rowid. Now `ledger_state.version` is bumped
by a trigger on every insert, update or delete of an article, whoever writes:

* SQLite: plain AFTER triggers (SQLite serialises writers anyway).
* PostgreSQL: a DEFERRABLE INITIALLY DEFERRED constraint trigger, so the counter row is updated
  (and its row lock taken) only at commit: concurrent ingests do not queue on it while they
  write their child rows.

Readers read one row (`SELECT version FROM ledger_state WHERE id = 1`).
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BUMP = "UPDATE ledger_state SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO ledger_state (id, version) VALUES (1, 1)")
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"CREATE TRIGGER articles_version_{event} AFTER {event.upper()} ON articles "
                       f"BEGIN {_BUMP}; END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION parley_bump_ledger_version() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$")
        op.execute("CREATE CONSTRAINT TRIGGER articles_version AFTER INSERT OR UPDATE OR DELETE "
                   "ON articles DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                   "EXECUTE FUNCTION parley_bump_ledger_version()")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_version_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS articles_version ON articles")
        op.execute("DROP FUNCTION IF EXISTS parley_bump_ledger_version()")
    op.drop_table("ledger_state")
