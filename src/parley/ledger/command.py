"""The body of `parley ingest`: progress bar, summary line and clear errors around `ingest`.

Kept here rather than in `parley/cli.py` so the CLI holds one small command definition.
"""

from __future__ import annotations

import itertools
import time
from typing import Iterable

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TaskProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text

from ..reading import Article
from .ingest import IngestStats, estimate_total, ingest
from .store import LedgerError, open_existing_ledger, open_ledger

#: Runs with fewer articles than this get no progress bar (it would only flicker).
PROGRESS_MIN_ARTICLES = 5


def run_ingest(problems, paths: list[str], db: str, console: Console, *, n_process: int = 1,
               registry: str | None = None, limit: int | None = None, engine_name: str = "local",
               address: str | None = None, workers: int = 2,
               window: int | None = None) -> IngestStats:
    """Ingest `paths` into `db`; read problems go to `problems` (the CLI's `Problems`).

    Exits 2 with one line on stderr when the database cannot be used, 130 on Ctrl-C (what was
    committed stays; a re-run completes the rest).
    """
    try:
        engine = open_ledger(db)
    except LedgerError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    articles: Iterable[Article] = problems.articles(paths)
    total = estimate_total(paths)
    if limit is not None:
        articles = itertools.islice(articles, limit)
        total = limit if total is None else min(total, limit)
    show = console.is_terminal and (total is None or total > PROGRESS_MIN_ARTICLES)
    progress = _progress_bar(console) if show else None
    stats = IngestStats()
    try:
        with progress or _nothing():
            task = progress.add_task("ingest", total=total) if progress else None

            def report(problem) -> None:
                problems.items.append(problem)
                console.print(f"[red]error:[/] {escape(str(problem))}", highlight=False)

            def update(current: IngestStats) -> None:
                if progress:
                    progress.update(task, completed=current.seen + len(problems.items))

            analyser = None
            if engine_name == "ray":
                from ..engines import ray_analyser

                options = {"window": window} if window else {}
                analyser = ray_analyser(address=address, workers=workers, registry=registry,
                                        **options)
            stats = ingest(articles, engine, lambda: _load_pipeline(registry), n_process=n_process,
                           analyser=analyser, on_problem=report, on_progress=update)
    except LedgerError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    except KeyboardInterrupt:
        console.print("interrupted: every article committed so far is stored; "
                      "run the same command again to complete the rest.", highlight=False)
        raise typer.Exit(130)
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - stats.started
    replaced = f" ({stats.replaced} replacing an older version)" if stats.replaced else ""
    console.print(f"{stats.new} new{replaced}, {stats.skipped} already stored, "
                  f"{len(problems.items)} problems in {elapsed:.1f} s", highlight=False)
    return stats


def _load_pipeline(registry: str | None):
    """Imported late: spaCy costs a second to import, and a re-run with nothing new skips it."""
    from ..pipeline import load_pipeline

    return load_pipeline(registry)


def _progress_bar(console: Console) -> Progress:
    return Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                    TaskProgressColumn(), ArticlesPerSecond(),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=console, transient=False)


class ArticlesPerSecond(ProgressColumn):
    """Throughput, averaged by rich over the last 30 s (skipped articles count too)."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- articles/s" if speed is None else f"{speed:.1f} articles/s")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


# --------------------------------------------------------------------------------------------
# `parley db ...`

db_app = typer.Typer(no_args_is_help=True, help="The ledger database: migrate, search.")
_DB_OPTION = typer.Option("sqlite:///parley.db", "--db",
                          help="Database URL (or a SQLite file name).")


@db_app.command("upgrade")
def db_upgrade(db: str = _DB_OPTION) -> None:
    """Create the ledger or bring its schema to the latest revision (ingest does this too)."""
    console = Console(stderr=True, soft_wrap=True)
    try:
        open_ledger(db).dispose()
    except LedgerError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    console.print(f"{db}: schema at the latest revision", highlight=False)


@db_app.command("search")
def db_search(query: str = typer.Argument(..., help="SQLite: FTS5 query ('ceasefire OR truce'); "
                                          "PostgreSQL: web-search syntax ('ceasefire or truce')."),
              db: str = _DB_OPTION,
              quotes: bool = typer.Option(False, "--quotes", help="Search quotes, not articles."),
              limit: int = typer.Option(20, "--limit", min=1)) -> None:
    """Full-text search over stored articles (or quotes): FTS5 on SQLite, tsvector on PostgreSQL.

    Never creates a ledger: with none at --db it says so (exit 2)."""
    import sqlalchemy as sa

    from .store import search

    console = Console(stderr=True, soft_wrap=True)
    try:
        engine = open_existing_ledger(db)
        with engine.connect() as connection:
            hits = search(connection, query, quotes=quotes, limit=limit)
    except LedgerError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as error:  # bad query syntax
        console.print(f"[red]error:[/] bad search query {query!r}: {error.orig}", highlight=False)
        raise typer.Exit(2)
    for hit in hits:
        if quotes:
            print(f"{hit['article_id']}\t{hit['quote_id']}\t{hit['content']}")
        else:
            print(f"{hit['article_id']}\t{hit['title'] or ''}\t{hit['snippet']}")
