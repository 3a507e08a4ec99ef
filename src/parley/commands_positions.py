"""`parley positions`, `parley timeline`, `parley shifts` and `parley export`: the ledger's
positions in the terminal and in files. Registered on the main app by `register(app)`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

DEFAULT_DB = "sqlite:///parley.db"
console = Console()


class What(str, Enum):
    acts = "acts"
    positions = "positions"
    actor_issue = "actor-issue"
    agreement = "agreement"


def _rows(db: str, actor, issue, since, until):
    from .ledger.store import LedgerError, open_ledger
    from .positions import load_act_rows

    try:
        engine = open_ledger(db, write=False)
    except LedgerError as error:
        console.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(1)
    return load_act_rows(engine, actor=actor, issue=issue, since=since, until=until)


def _sides(flag: dict) -> str:
    b, a = flag["before"], flag["after"]
    return (f"{b['date']} {b['type']} ({b['reporter']}, {b['outlet']}): {b['evidence']}\n"
            f"{a['date']} {a['type']} ({a['reporter']}, {a['outlet']}): {a['evidence']}")


def register(app: typer.Typer) -> None:
    db_option = typer.Option(DEFAULT_DB, "--db", help="Ledger URL.")
    actor_option = typer.Option(None, "--actor", help="Actor id, e.g. vladimir-putin.")
    issue_option = typer.Option(None, "--issue", help="Issue, e.g. territory.")
    since_option = typer.Option(None, "--since", help="Only articles dated on or after (YYYY-MM-DD).")
    until_option = typer.Option(None, "--until", help="Only articles dated on or before.")

    @app.command()
    def positions(db: str = db_option, actor: Optional[str] = actor_option,
                  issue: Optional[str] = issue_option, since: Optional[str] = since_option,
                  until: Optional[str] = until_option) -> None:
        """Each actor's stance on each issue: counts, first and last seen, sources."""
        from .positions import analyse_positions

        result = analyse_positions(_rows(db, actor, issue, since, until))
        table = Table("actor", "issue", "regions", "stance", "acts", "first", "last", "sources",
                      "anon.", title="Positions", title_justify="left")
        for position in result["positions"]:
            p = position.as_dict()
            table.add_row(p["actor"], p["issue"] or "", " ".join(p["regions"]), p["stance"],
                          ", ".join(f"{k} {v}" for k, v in sorted(p["counts"].items())),
                          p["first_seen"] or "", p["last_seen"] or "", str(p["n_sources"]),
                          f"{p['anonymous_share']:.0%}")
        console.print(table)

    @app.command()
    def timeline(db: str = db_option, actor: Optional[str] = actor_option,
                 issue: Optional[str] = issue_option, since: Optional[str] = since_option,
                 until: Optional[str] = until_option) -> None:
        """Statements in date order, each with its reports and evidence."""
        from .positions import merge_reports

        table = Table("date", "actor", "act", "issue", "outlets", "evidence", title="Timeline",
                      title_justify="left")
        for statement in merge_reports(_rows(db, actor, issue, since, until)):
            s = statement.as_dict()
            table.add_row(s["first_seen"] or "undated", s["actor"],
                          s["type"] + (" (neg)" if s["polarity"] == "negative" else ""),
                          s["issue"] or "", ", ".join(s["outlets"]),
                          s["evidence"][0]["text"] or "")
        console.print(table)

    @app.command()
    def shifts(db: str = db_option, actor: Optional[str] = actor_option,
               issue: Optional[str] = issue_option, since: Optional[str] = since_option,
               until: Optional[str] = until_option) -> None:
        """Stance shifts and contradictions between sources, with both sides' evidence."""
        from .positions import analyse_positions

        result = analyse_positions(_rows(db, actor, issue, since, until))
        table = Table("kind", "actor", "issue", "both sides", title="Shifts and contradictions",
                      title_justify="left", show_lines=True)
        for flag in result["shifts"] + result["contradictions"]:
            table.add_row(flag["kind"], flag["actor"], flag["issue"] or "", _sides(flag))
        console.print(table)

    @app.command()
    def export(what: What = typer.Argument(..., help="acts, positions, actor-issue, agreement."),
               output: Path = typer.Argument(..., help="File; its suffix picks the format: "
                                             ".csv .jsonl .parquet (tables), .graphml .gexf "
                                             "(networks)."),
               db: str = db_option, actor: Optional[str] = actor_option,
               issue: Optional[str] = issue_option, since: Optional[str] = since_option,
               until: Optional[str] = until_option) -> None:
        """Export acts or positions as tables, or stance networks for Gephi or visone."""
        from . import exports
        from .positions import build_positions, merge_reports

        fmt = output.suffix.lower().lstrip(".")
        rows = _rows(db, actor, issue, since, until)
        tables = {"acts": exports.TABLE_FORMATS, "positions": exports.TABLE_FORMATS}
        allowed = tables.get(what.value, exports.NETWORK_FORMATS)
        if fmt not in allowed:
            console.print(f"[red]error:[/] {what.value} can be written as "
                          f"{', '.join('.' + f for f in allowed)}, not {output.suffix!r}")
            raise typer.Exit(2)
        if what is What.acts:
            exports.write_table(exports.act_records(rows), output, fmt)
        else:
            positions_ = build_positions(merge_reports(rows))
            if what is What.positions:
                exports.write_table(exports.position_records(positions_), output, fmt)
            else:
                exports.write_network(exports.stance_network(positions_, what.value), output, fmt)
        console.print(f"wrote {output}")
