"""`parley eval ...`: one subcommand per gold source; each prints a table and can write JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Score Parley against gold data.")


@eval_app.command("gold")
def gold(
    directory: Optional[Path] = typer.Argument(
        None, help="Gold folder (default: $PARLEY_SHARED/gold/dev, else ../shared/gold/dev)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the scores here."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="List the misses: gold items not found, false positives."),
) -> None:
    """The contract's scoring protocol (CONTRACT.md section 3) on the gold articles."""
    from rich.console import Console
    from rich.table import Table

    from .gold import GoldError, default_gold_dir, evaluate_dir, miss_line, rows

    console = Console()
    directory = directory or default_gold_dir()
    if not directory.is_dir():
        console.print(f"[red]error:[/] no gold folder at {directory}", highlight=False)
        raise typer.Exit(2)
    try:
        golds, score = evaluate_dir(directory)
    except GoldError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    table = Table(title=f"parley eval gold: {len(golds)} article(s) in {directory}")
    for column in ("metric", "P", "R", "F1 / share", "counts"):
        table.add_column(column, justify="left" if column in ("metric", "counts") else "right",
                         no_wrap=column in ("metric", "counts"))
    for row in rows(score):
        table.add_row(*row)
    console.print(table)
    if verbose:
        console.print(f"[bold]misses ({len(score.misses)})[/]: gold items not found, false positives")
        for miss in score.misses:
            console.print(miss_line(miss), highlight=False, markup=False, soft_wrap=True)
    if json_path:
        payload = {"gold_dir": str(directory), "articles": [g["id"] for g in golds],
                   **score.as_dict(), "misses": score.misses}
        json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
