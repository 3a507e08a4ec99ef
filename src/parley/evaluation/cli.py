"""`parley eval ...`: one subcommand per gold source; each prints a table and can write JSON."""

from __future__ import annotations

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Score Parley against gold data.")
