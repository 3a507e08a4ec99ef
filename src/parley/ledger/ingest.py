"""`parley ingest`: read -> skip stored hashes -> analyse -> write, one transaction per article.

Idempotence comes before the NLP: an article whose content hash is already stored is dropped
right after reading, so a re-run only reads and hashes (and never even loads the spaCy model when
nothing is new). Each analysed article is written with all its rows in one transaction, so a
crash, a `kill -9` or Ctrl-C loses at most the article being written, and a re-run completes the
rest.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .. import __version__
from ..reading import JSONL_SUFFIXES, Article, ReadProblem, iter_files
from .store import WRITE, LedgerError, stored_hashes, write_article

#: Seconds to sleep inside each article's transaction, after its first row is written. A test
#: hook only: it makes `kill -9` land mid-transaction in `tests/test_ingest_resume.py`.
WRITE_DELAY_ENV = "PARLEY_LEDGER_WRITE_DELAY"


@dataclass
class IngestStats:
    new: int = 0
    replaced: int = 0  # among `new`: ids stored before with another content hash
    skipped: int = 0  # already stored (same content hash)
    failed: int = 0  # analysed but not stored (the write raised; reported as a problem)
    started: float = field(default_factory=time.perf_counter)

    @property
    def seen(self) -> int:
        return self.new + self.skipped + self.failed


#: Turns a stream of articles into `(article, analysis)` pairs (any order): the local spaCy
#: path (`local_analyser`) or a Ray cluster (`parley.engines.ray_analyser`). Both feed the same
#: write path below, so idempotence and crash safety do not depend on the engine.
Analyser = Callable[[Iterable[Article]], Iterable[tuple[Article, dict]]]


def local_analyser(load_nlp: Callable[[], object], *, n_process: int = 1,
                   batch_size: int = 16) -> Analyser:
    """spaCy in this process (`n_process` > 1: spaCy's own worker processes)."""
    def run(articles: Iterable[Article]) -> Iterable[tuple[Article, dict]]:
        from ..analysis import analyse

        return analyse(articles, load_nlp(), n_process=n_process, batch_size=batch_size)

    return run


def ingest(articles: Iterable[Article], engine: Engine,
           load_nlp: Callable[[], object] | None = None, *,
           n_process: int = 1, batch_size: int = 16, analyser: Analyser | None = None,
           on_problem: Callable[[ReadProblem], None] = lambda problem: None,
           on_progress: Callable[[IngestStats], None] = lambda stats: None) -> IngestStats:
    """Store every article not yet in the ledger; return what happened.

    `analyser` defaults to the local spaCy path built from `load_nlp`; it is called only when at
    least one article is new, so a re-run of a stored corpus never loads a model or starts Ray.
    """
    if analyser is None:
        if load_nlp is None:
            raise TypeError("ingest needs load_nlp or analyser")
        analyser = local_analyser(load_nlp, n_process=n_process, batch_size=batch_size)
    stats = IngestStats()
    fresh = _unstored(articles, stored_hashes(engine), stats, on_progress)
    first = next(fresh, None)
    if first is None:  # nothing new: no model load, no NLP
        return stats
    delay = float(os.environ.get(WRITE_DELAY_ENV) or 0)
    for article, analysis in analyser(itertools.chain([first], fresh)):
        _store(engine, article, analysis, stats, on_problem, delay)
        on_progress(stats)
    return stats


def _unstored(articles: Iterable[Article], known: set[str], stats: IngestStats,
              on_progress: Callable[[IngestStats], None]) -> Iterator[Article]:
    for article in articles:
        digest = article.content_hash
        if digest in known:
            stats.skipped += 1
            on_progress(stats)
            continue
        known.add(digest)  # the same content twice in one run is stored once
        yield article


def _store(engine: Engine, article: Article, analysis: dict, stats: IngestStats,
           on_problem: Callable[[ReadProblem], None], delay: float) -> None:
    """Write one article in its own transaction; a bad record is reported, a bad database fatal."""
    try:
        with engine.connect() as connection, \
                connection.execution_options(**WRITE).begin():
            replaced = write_article(connection, article, analysis, __version__)
            if delay:
                time.sleep(delay)
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.InternalError) as error:
        # read-only, disk full, locked, connection lost (PostgreSQL: ReadOnlySqlTransaction is
        # an InternalError): every further write would fail the same way, so stop the run
        raise LedgerError(f"cannot write to the database: {error.orig}") from None
    except (sa.exc.SQLAlchemyError, TypeError, ValueError) as error:
        stats.failed += 1
        on_problem(ReadProblem(article.origin or article.id,
                               f"analysis not stored ({type(error).__name__}: {error})"))
        return
    if replaced is None:  # another process stored the same content meanwhile
        stats.skipped += 1
        return
    stats.new += 1
    stats.replaced += int(replaced)


def estimate_total(inputs: Iterable[str]) -> int | None:
    """How many articles the inputs hold, cheaply (JSONL: non-blank lines; other files: 1).

    Only for the progress bar's ETA; None when stdin is among the inputs.
    """
    total = 0
    for name in inputs:
        if name == "-":
            return None
        path = Path(name)
        files = iter_files(path) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            total += _count_lines(file) if file.suffix.lower() in JSONL_SUFFIXES else 1
    return total


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0
