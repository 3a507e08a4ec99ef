"""The ledger: articles and their analyses in SQLite (or any SQLAlchemy database).

`schema` holds the tables, `migrations/` the Alembic scripts (run automatically on open),
`store` opening and writing, `ingest` the idempotent, resumable ingest loop behind `parley ingest`.
See docs/ledger.md.
"""

from .store import DEFAULT_URL, LedgerError, open_ledger, search

__all__ = ["DEFAULT_URL", "LedgerError", "open_ledger", "search"]
