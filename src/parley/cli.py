"""The `parley` command line: analyse, ingest, evaluate.

Exit codes: 0 all went well; 1 some inputs could not be read (each reported as `file:line:
message` on stderr, the rest processed); 2 bad usage (an output path that cannot be written, no
ledger where one is read, an unknown actor or issue), said in one line before any work is done.
Every kind of bad input and what happens to it: docs/input.md.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.markup import escape

from .cli_support import check_output, err, fail
from .reading import Article, ReadProblem, read_inputs

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Parley: who demands, offers, accepts or rejects what, sourced and dated.")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        from . import __version__

        try:
            number = version("parley")
        except PackageNotFoundError:  # running from a source tree that is not installed
            number = __version__
        typer.echo(f"parley {number}")
        raise typer.Exit()


@app.callback()
def _group(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print Parley's version and exit."),
) -> None:
    """Parley: who demands, offers, accepts or rejects what, sourced and dated."""


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


# Options shared by `ingest` and `watch` (one definition, so their help cannot drift apart)
ENGINE_OPTION = typer.Option(Engine.local, "--engine",
                             help="local: spaCy (with --n-process); ray: a Ray cluster.")
ADDRESS_OPTION = typer.Option(None, "--address", help="Ray cluster: auto or ray://host:10001 "
                                                      "(default: start a local one).")
RAY_WORKERS_OPTION = typer.Option(2, "--workers", min=1, help="Ray worker actors.")


def say(problem: ReadProblem) -> None:
    """One line on stderr: `error: file:line: message`, or `note: ...` for a note."""
    label = "[cyan]note:[/]" if problem.note else "[red]error:[/]"
    err.print(f"{label} {escape(str(problem))}", highlight=False)


class Problems:
    """Reports read problems on stderr as articles stream by, and counts them for the exit code
    (notes are said and not counted)."""

    def __init__(self) -> None:
        self.items: list[ReadProblem] = []

    def articles(self, inputs: list[str]) -> Iterator[Article]:
        for item in read_inputs(inputs):
            if isinstance(item, ReadProblem):
                say(item)
                if not item.note:
                    self.items.append(item)
            else:
                yield item

    def finish(self, done: int, verb: str) -> None:
        if self.items:
            err.print(f"{done} article(s) {verb}; {len(self.items)} input problem(s), see above.",
                      highlight=False)
            raise typer.Exit(1)


def _write_atomically(path: Path, chunks: Iterator[str], keep=lambda: True) -> None:
    """Write to a temporary file beside `path` and rename: never a half-written output.

    `keep()` is asked once everything is written; False leaves an existing `path` untouched
    (a run in which nothing could be read must not replace yesterday's good output).
    """
    handle, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(chunk)
        if keep():
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    except BaseException:
        os.unlink(tmp)
        raise


@app.command()
def analyze(
    paths: List[str] = typer.Argument(..., help="Files, directories, or - for stdin."),
    format: Format = typer.Option(Format.json, "--format", "-f", help="json, jsonl or table."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write here (atomically) instead of stdout."),
    n_process: int = typer.Option(1, "--n-process", "-j", min=1, help="spaCy worker processes."),
    registry: Optional[Path] = typer.Option(None, "--registry",
                                            help="Extra actor registry (YAML)."),
) -> None:
    """Analyse articles and print one contract record per article."""
    from .analysis import analyse
    from .pipeline import load_pipeline

    check_output(output)  # before any work: a bad path fails now, not after the whole batch
    problems = Problems()
    articles = problems.articles(paths)
    first = next(articles, None)  # nothing readable: no pipeline to load
    results: Iterator[dict] = iter(())
    if first is not None:
        nlp = load_pipeline(str(registry) if registry else None)
        results = (a for _, a in analyse(itertools.chain([first], articles), nlp,
                                         n_process=n_process))
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for analysis in results:
            count += 1
            yield analysis

    if format is Format.table:
        from .report import print_report

        print_report(list(counted()))
    else:
        chunks = _render(counted(), format)
        if output:
            _write_atomically(output, chunks, keep=lambda: count > 0 or not problems.items)
        else:
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
    problems.finish(count, "analysed")


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files, directories, or - for stdin."),
    db: str = typer.Option("sqlite:///parley.db", "--db",
                           help="Database URL (or a SQLite file name); created if missing."),
    n_process: int = typer.Option(1, "--n-process", "-j", min=1, help="spaCy worker processes."),
    registry: Optional[Path] = typer.Option(None, "--registry",
                                            help="Extra actor registry (YAML)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1,
                                        help="Read at most this many articles."),
    engine: Engine = ENGINE_OPTION,
    address: Optional[str] = ADDRESS_OPTION,
    workers: int = RAY_WORKERS_OPTION,
    window: int = typer.Option(20_000, "--window", min=1,
                               help="Ray: articles per Dataset (one actor-pool start each; "
                                    "use ~1,000,000 for a backfill)."),
) -> None:
    """Store articles and their analyses in the ledger (idempotent; re-run to resume)."""
    from .ledger.command import run_ingest

    problems = Problems()
    stats = run_ingest(problems, paths, db, err, n_process=n_process,
                       registry=str(registry) if registry else None, limit=limit,
                       engine_name=engine.value, address=address, workers=workers,
                       window=window)
    problems.finish(stats.new, "stored")


@app.command()
def watch(
    target: str = typer.Argument(..., help="Directory, feed file (.xml/.rss/.atom) or feed URL."),
    db: str = typer.Option("sqlite:///parley.db", "--db", help="Ledger URL (or a SQLite file)."),
    interval: float = typer.Option(30.0, "--interval", min=0.1, help="Seconds between polls."),
    once: bool = typer.Option(False, "--once", help="Poll once and exit."),
    settle: float = typer.Option(1.0, "--settle", min=0.0,
                                 help="Leave files modified less than this many seconds ago "
                                      "for the next poll."),
    n_process: int = typer.Option(1, "--n-process", "-j", min=1, help="spaCy worker processes."),
    engine_name: Engine = ENGINE_OPTION,
    address: Optional[str] = ADDRESS_OPTION,
    workers: int = RAY_WORKERS_OPTION,
) -> None:
    """Ingest new files or feed items as they appear (restart-safe: the ledger is the state).

    With `--engine ray` each poll that finds new articles runs them through a Ray actor pool
    (one pool start, ~5 s, per such poll; Ray itself starts once)."""
    import datetime as dt

    from .ledger.store import LedgerError, open_ledger
    from .pipeline import load_pipeline
    from .watch import watch as run_watch

    report = say

    def round_done(stats) -> None:
        now = dt.datetime.now().strftime("%H:%M:%S")
        err.print(f"{now} {stats.new} new, {stats.skipped} already stored", highlight=False)

    analyser = None
    if engine_name is Engine.ray:
        from .engines import ray_analyser

        analyser = ray_analyser(address=address, workers=workers)
    try:
        engine = open_ledger(db)
        total = run_watch(target, engine, load_pipeline, interval=interval, once=once,
                          settle=settle, n_process=n_process, analyser=analyser,
                          on_problem=report, on_round=round_done)
    except LedgerError as error:
        err.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    except KeyboardInterrupt:
        err.print("stopped: every article committed so far is stored.", highlight=False)
        raise typer.Exit(0)
    err.print(f"{total.new} new, {total.skipped} already stored", highlight=False)


@app.command()
def serve(
    db: str = typer.Option("sqlite:///parley.db", "--db", help="Ledger URL (or a SQLite file)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, help="uvicorn worker processes."),
    response_cache: bool = typer.Option(True, "--response-cache/--no-response-cache",
                                        help="Replay GET responses until the ledger changes."),
) -> None:
    """Serve the ledger: REST API under /api (docs at /docs) and the dashboard at /."""
    import uvicorn

    from .ledger.store import LedgerError, open_existing_ledger
    from .web.app import create_app

    try:
        open_existing_ledger(db).dispose()  # serving never creates a ledger
        application = create_app(db, response_cache=response_cache)
    except LedgerError as error:
        fail(str(error))
    from .web.server import NoDelayHTTPProtocol

    if workers > 1:
        os.environ["PARLEY_DB"] = db
        os.environ["PARLEY_RESPONSE_CACHE"] = "1" if response_cache else "0"
        uvicorn.run("parley.web.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", http=NoDelayHTTPProtocol)
    else:
        uvicorn.run(application, host=host, port=port, log_level="warning",
                    http=NoDelayHTTPProtocol)


def _render(analyses: Iterator[dict], format: Format) -> Iterator[str]:
    if format is Format.jsonl:
        for analysis in analyses:
            yield json.dumps(analysis, ensure_ascii=False) + "\n"
        return
    collected = list(analyses)
    payload = collected[0] if len(collected) == 1 else collected
    yield json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


from .evaluation.cli import eval_app  # noqa: E402
from .commands_positions import register as register_position_commands  # noqa: E402

app.add_typer(eval_app, name="eval")

from .ledger.command import db_app  # noqa: E402

app.add_typer(db_app, name="db")

train_app = typer.Typer(no_args_is_help=True, help="Rebuild Parley's learned and derived data.")
app.add_typer(train_app, name="train")


@train_app.command("acts")
def train_acts(
    folder: Optional[Path] = typer.Option(None, help="Training documents (default: training/acts)."),
    out: Optional[Path] = typer.Option(None, help="Weights file (default: the packaged "
                                       "data/acts/model.json)."),
    folds: int = typer.Option(5, help="Cross-validation folds (documents, balanced by genre)."),
) -> None:
    """Train the act model on the annotated documents (fixed seed: same data, same file)."""
    from .components.acts import training

    training.train(folder or training.TRAINING_DIR, out or training.OUT, folds,
                   report=lambda line: err.print(line, highlight=False, markup=False))


@train_app.command("lexicon")
def train_lexicon(
    source: Optional[Path] = typer.Argument(None, help="CAMEO verb dictionary (default: "
                                            "../shared/data/petrarch2/CAMEO.2.0.txt)."),
) -> None:
    """Derive the act trigger tables from PETRARCH2's CAMEO verb dictionary."""
    from .components.acts import training

    verbs, patterns = training.derive_lexicon(source)
    err.print(f"{verbs} verbs, {patterns} patterns written to data/acts/")
register_position_commands(app)


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
