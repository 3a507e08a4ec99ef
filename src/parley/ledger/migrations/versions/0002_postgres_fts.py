"""PostgreSQL full-text search: GIN indexes over the articles' and quotes' tsvectors.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

SQLite has its FTS5 tables (0001); this revision does nothing there. On PostgreSQL the text is
not copied anywhere: expression indexes cover exactly the `to_tsvector(...)` expressions that
`parley.ledger.store.search` queries (`PG_ARTICLE_TSV`, `PG_QUOTE_TSV`), so no trigger and no
extra column has to be kept in sync by concurrent writers.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ARTICLE_TSV = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
QUOTE_TSV = "to_tsvector('english', coalesce(content, ''))"


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_articles_fts ON articles USING gin (({ARTICLE_TSV}))")
    op.execute(f"CREATE INDEX ix_quotes_fts ON quotes USING gin (({QUOTE_TSV}))")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_quotes_fts")
    op.execute("DROP INDEX IF EXISTS ix_articles_fts")
