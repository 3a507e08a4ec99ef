"""`parley positions`, `parley timeline`, `parley shifts` and `parley export`: the ledger's
positions in the terminal and in files. Registered on the main app by `register(app)`.

They read the ledger and never create one. `--format csv|json` prints the rows for scripts;
the table switches to a narrower layout below 100 columns (fewer columns, numbers never cut,
evidence on a line of its own)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .cli_support import (FORMAT_HELP, TableFormat, check_output, fail, is_narrow,
                          unknown_message, write_csv, write_json)

DEFAULT_DB = "sqlite:///parley.db"
console = Console()


class What(str, Enum):
    acts = "acts"
    positions = "positions"
    actor_issue = "actor-issue"
    agreement = "agreement"


def _rows(db: str, actor, issue, since, until):
    """The act rows the filters select; exit 2 with one line when there is no ledger at `db` or
    the actor or issue is in none of its acts (with the closest ids as suggestions)."""
    import sqlalchemy as sa

    from .ledger.schema import acts
    from .ledger.store import LedgerError, open_existing_ledger
    from .positions import load_act_rows

    try:
        engine = open_existing_ledger(db)
    except LedgerError as error:
        fail(str(error))
    with engine.connect() as connection:
        for what, column, value in (("actor", acts.c.actor, actor), ("issue", acts.c.issue, issue)):
            found = value and connection.scalar(sa.select(column).where(column == value).limit(1))
            if value and found is None:
                known = sorted(v for v in connection.scalars(sa.select(column).distinct()) if v)
                fail(unknown_message(what, value, known))
    return load_act_rows(engine, actor=actor, issue=issue, since=since, until=until)


def _sides(flag: dict) -> list[str]:
    return [f"{side['date']} {side['type']} ({side['reporter']}, {side['outlet']}): "
            f"{side['evidence']}" for side in (flag["before"], flag["after"])]


def _entry(head: str, lines: list[str]) -> None:
    """The narrow layout's unit: a bold head line, then each long text on its own lines."""
    console.print(Text(head, style="bold"), highlight=False)
    for line in lines:
        console.print(Padding(Text(line), (0, 0, 0, 4)), highlight=False)


def _title(text: str) -> None:
    console.print(Text(text, style="bold underline"), highlight=False)


def _flag_record(flag: dict) -> dict:
    """A shift or contradiction as one flat row: the before_* and after_* sides side by side."""
    record = {k: v for k, v in flag.items() if k not in ("before", "after")}
    for side in ("before", "after"):
        record.update({f"{side}_{key}": value for key, value in flag[side].items()})
    return record


def register(app: typer.Typer) -> None:
    db_option = typer.Option(DEFAULT_DB, "--db", help="Ledger URL (read; never created here).")
    actor_option = typer.Option(None, "--actor", help="Actor id, e.g. vladimir-putin.")
    issue_option = typer.Option(None, "--issue", help="Issue, e.g. territory.")
    since_option = typer.Option(None, "--since", help="Only articles dated on or after (YYYY-MM-DD).")
    until_option = typer.Option(None, "--until", help="Only articles dated on or before.")
    format_option = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP)

    @app.command()
    def positions(db: str = db_option, actor: Optional[str] = actor_option,
                  issue: Optional[str] = issue_option, since: Optional[str] = since_option,
                  until: Optional[str] = until_option,
                  format: TableFormat = format_option) -> None:
        """Each actor's stance on each issue: counts, first and last seen, sources."""
        from .exports import position_records
        from .positions import analyse_positions

        found = analyse_positions(_rows(db, actor, issue, since, until))["positions"]
        if format is TableFormat.json:
            return write_json([p.as_dict() for p in found])
        if format is TableFormat.csv:
            return write_csv(position_records(found))
        rows = [p.as_dict() for p in found]
        counts = [", ".join(f"{k} {v}" for k, v in sorted(p["counts"].items())) for p in rows]
        if is_narrow(console):
            table = Table(title="Positions", title_justify="left", box=box.SIMPLE_HEAD)
            table.add_column("actor / issue", overflow="fold")
            table.add_column("stance", no_wrap=True)
            table.add_column("acts")
            table.add_column("first / last", no_wrap=True)
            table.add_column("src", justify="right", no_wrap=True)
            table.add_column("anon.", justify="right", no_wrap=True)
            for p, count in zip(rows, counts):
                place = f" [{' '.join(p['regions'])}]" if p["regions"] else ""
                table.add_row(f"{p['actor']}\n{p['issue'] or '-'}{place}", p["stance"], count,
                              f"{p['first_seen'] or '-'}\n{p['last_seen'] or '-'}",
                              str(p["n_sources"]), f"{p['anonymous_share']:.0%}")
            return console.print(table)
        table = Table("actor", "issue", "regions", "stance", "acts", title="Positions",
                      title_justify="left")
        for column in ("first", "last", "sources", "anon."):
            table.add_column(column, no_wrap=True,
                             justify="right" if column in ("sources", "anon.") else "left")
        for p, count in zip(rows, counts):
            table.add_row(p["actor"], p["issue"] or "", " ".join(p["regions"]), p["stance"],
                          count, p["first_seen"] or "", p["last_seen"] or "",
                          str(p["n_sources"]), f"{p['anonymous_share']:.0%}")
        console.print(table)

    @app.command()
    def timeline(db: str = db_option, actor: Optional[str] = actor_option,
                 issue: Optional[str] = issue_option, since: Optional[str] = since_option,
                 until: Optional[str] = until_option,
                 format: TableFormat = format_option) -> None:
        """Statements in date order, each with its reports and evidence."""
        from .positions import merge_reports

        statements = [s.as_dict() for s in merge_reports(_rows(db, actor, issue, since, until))]
        if format is TableFormat.json:
            return write_json(statements)
        if format is TableFormat.csv:
            return write_csv(statements)
        if is_narrow(console):
            _title("Timeline")
            for s in statements:
                act = s["type"] + (" (neg)" if s["polarity"] == "negative" else "")
                _entry(f"{s['first_seen'] or 'undated'}  {s['actor']}  {act}  "
                       f"{s['issue'] or '-'}  ({', '.join(s['outlets'])})",
                       [s["evidence"][0]["text"] or ""])
            return
        table = Table(title="Timeline", title_justify="left")
        table.add_column("date", no_wrap=True)
        for column in ("actor", "act", "issue", "outlets"):
            table.add_column(column)
        table.add_column("evidence", min_width=30)
        for s in statements:
            table.add_row(s["first_seen"] or "undated", s["actor"],
                          s["type"] + (" (neg)" if s["polarity"] == "negative" else ""),
                          s["issue"] or "", ", ".join(s["outlets"]),
                          s["evidence"][0]["text"] or "")
        console.print(table)

    @app.command()
    def shifts(db: str = db_option, actor: Optional[str] = actor_option,
               issue: Optional[str] = issue_option, since: Optional[str] = since_option,
               until: Optional[str] = until_option,
               format: TableFormat = format_option) -> None:
        """Stance shifts and contradictions between sources, with both sides' evidence."""
        from .positions import analyse_positions

        result = analyse_positions(_rows(db, actor, issue, since, until))
        flags = result["shifts"] + result["contradictions"]
        if format is TableFormat.json:
            return write_json(flags)
        if format is TableFormat.csv:
            return write_csv([_flag_record(flag) for flag in flags])
        if is_narrow(console):
            _title("Shifts and contradictions")
            for flag in flags:
                _entry(f"{flag['kind']}  {flag['actor']}  {flag['issue'] or '-'}", _sides(flag))
            return
        table = Table("kind", "actor", "issue", title="Shifts and contradictions",
                      title_justify="left", show_lines=True)
        table.add_column("both sides", min_width=40)
        for flag in flags:
            table.add_row(flag["kind"], flag["actor"], flag["issue"] or "", "\n".join(_sides(flag)))
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
        tables = {"acts": exports.TABLE_FORMATS, "positions": exports.TABLE_FORMATS}
        allowed = tables.get(what.value, exports.NETWORK_FORMATS)
        if fmt not in allowed:
            fail(f"{what.value} can be written as {', '.join('.' + f for f in allowed)}, "
                 f"not {output.suffix!r}")
        check_output(output)
        rows = _rows(db, actor, issue, since, until)
        try:
            if what is What.acts:
                exports.write_table(exports.act_records(rows), output, fmt)
            else:
                positions_ = build_positions(merge_reports(rows))
                if what is What.positions:
                    exports.write_table(exports.position_records(positions_), output, fmt)
                else:
                    exports.write_network(exports.stance_network(positions_, what.value),
                                          output, fmt)
        except OSError as error:  # disk full, the folder removed meanwhile...
            fail(f"cannot write {output}: {error.strerror or error}", 1)
        console.print(f"wrote {output}", highlight=False)
