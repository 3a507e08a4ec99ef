"""What the commands share: one-line errors, output paths checked before any work, suggestions
for unknown ids, the narrow-terminal switch and CSV or JSON on stdout for scripts."""

from __future__ import annotations

import csv
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Iterable, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True, soft_wrap=True)

#: Below this many columns the table commands switch to a layout that fits: fewer columns,
#: numbers never cut, evidence on a line of its own.
NARROW_BELOW = 100


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_HELP = "table (for people; narrower below 100 columns), csv or json (for scripts)."


def fail(message: str, code: int = 2) -> NoReturn:
    """`error: message` on stderr, one line, and exit (2: bad usage, the default)."""
    err.print(f"[red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def output_problem(path: Path) -> str | None:
    """Why `path` cannot be written, or None; checked before the work that produces it."""
    parent = path.parent
    if path.is_dir():
        return f"cannot write {path}: it is a directory (give a file name)"
    if not parent.exists():
        return f"cannot write {path}: directory {parent} does not exist"
    if not parent.is_dir():
        return f"cannot write {path}: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot write {path}: directory {parent} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return f"cannot write {path}: the file is read-only"
    return None


def check_output(path: Path | None) -> None:
    """Exit 2 with one line when `path` (if given) cannot be written."""
    if path is not None:
        problem = output_problem(path)
        if problem:
            fail(problem)


def closest(value: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known ids closest to a mistyped one ("putin" -> "vladimir-putin")."""
    from rapidfuzz import fuzz, process, utils

    return [match for match, _, _ in process.extract(
        value, list(known), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit,
        score_cutoff=70)]


def unknown_message(what: str, value: str, known: list[str]) -> str:
    if not known:
        return f"no {what} {value!r}: the ledger holds no acts yet"
    close = closest(value, known)
    if close:
        return f"no {what} {value!r} in the ledger; did you mean {' or '.join(close)}?"
    return f"no {what} {value!r} in the ledger ({len(known)} {what}s hold acts)"


def is_narrow(console: Console) -> bool:
    return console.width < NARROW_BELOW


def flat(value):
    """A CSV cell: lists and dicts as JSON, None as empty."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def write_csv(records: list[dict], out=None, columns: list[str] | None = None) -> None:
    """Records as CSV (a header, then one row per record; nested values as JSON)."""
    out = out or sys.stdout
    if columns is None:
        columns = list(dict.fromkeys(key for record in records for key in record))
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: flat(record.get(key)) for key in columns})


def write_json(payload, out=None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
