"""The `--format table` report: one readable rich panel per article, evidence shown in place.

Below 100 columns (`cli_support.NARROW_BELOW`) the report switches to a layout that fits: quotes
and acts become entries whose evidence has a line of its own, tables lose their secondary
columns, and numbers, codes and dates are never cut."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .cli_support import is_narrow

#: Columns that hold numbers, codes or dates: never wrapped, never cut.
KEEP_WHOLE = {"mentions", "country", "cc", "value", "code", "lat, lon", "n"}


def _clip(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(title: str, columns: list[str], rows: list[list[str]], narrow: bool = False,
           ) -> Table | None:
    if not rows:
        return None
    table = Table(title=title, title_justify="left", expand=not narrow, show_lines=False,
                  box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD)
    for column in columns:
        if column in KEEP_WHOLE:
            table.add_column(column, no_wrap=True,
                             justify="right" if column in ("mentions", "n") else "left")
        else:
            table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _entries(title: str, entries: list[tuple[str, str]]) -> Group | None:
    """The narrow layout of quotes and acts: a head line, then the text on its own line(s)."""
    if not entries:
        return None
    parts = [Text(title, style="italic")]
    for head, body in entries:
        parts.append(Text(head, style="bold"))
        if body:
            parts.append(Padding(Text(body), (0, 0, 0, 4)))
    return Group(*parts)


def article_panel(analysis: dict, narrow: bool = False):
    """The article's actors, quotes, acts, times and places, with its warnings."""
    text = analysis["article"]["text"]
    actor_names = {a["id"]: a["name"] for a in analysis["actors"]}

    def span_text(span: list[int] | None) -> str:
        return _clip(text[span[0]:span[1]]) if span else ""

    def speaker(spk: dict) -> str:
        who = actor_names.get(spk["actor"], spk["actor"]) or spk["anonymous"] or "—"
        return f"{who} ({spk['anonymity']})"

    def act_head(a: dict) -> list[str]:
        return [actor_names.get(a["actor"], a["actor"]),
                a["type"] + (" (neg)" if a["polarity"] == "negative" else ""), a["issue"] or "",
                " ".join(a["regions"]), a["modality"]]

    quotes = [[q["kind"], speaker(q["speaker"]), (q["cue"] or {}).get("text", ""),
               " / ".join(span_text(s) for s in q["segments"])] for q in analysis["quotes"]]
    acts = [act_head(a) + [span_text(a["evidence"])] for a in analysis["acts"]]
    places = [[p["text"], p["name"], p["code"] or "", p["kind"],
               f"{p['lat']:.2f}, {p['lon']:.2f}" if p.get("lat") is not None else ""]
              for p in analysis["places"]]
    times = [[t["text"], t["type"], t["value"], t["anchor"]] for t in analysis["times"]]
    if narrow:
        parts = [
            _table("Actors", ["id", "type", "cc", "n"],
                   [[a["id"], a["type"], a["country"] or "", str(len(a["mentions"]))]
                    for a in analysis["actors"]], narrow=True),
            _entries("Quotes", [("  ".join(q[:3]), q[3]) for q in quotes]),
            _entries("Acts", [("  ".join(part for part in a[:5] if part), a[5]) for a in acts]),
            _table("Times", ["text", "type", "value"], [t[:3] for t in times], narrow=True),
            _table("Places", ["text", "code", "lat, lon"], [[p[0], p[2], p[4]] for p in places],
                   narrow=True),
        ]
    else:
        parts = [
            _table("Actors", ["id", "name", "type", "country", "mentions"],
                   [[a["id"], a["name"], a["type"], a["country"] or "", str(len(a["mentions"]))]
                    for a in analysis["actors"]]),
            _table("Quotes", ["kind", "speaker", "cue", "content"], quotes),
            _table("Acts", ["actor", "type", "issue", "regions", "modality", "evidence"], acts),
            _table("Times", ["text", "type", "value", "anchor"], times),
            _table("Places", ["text", "name", "code", "kind", "lat, lon"], places),
        ]
    parts = [p for p in parts if p is not None] or ["(nothing extracted)"]
    parts += [Text.assemble(("warning: ", "yellow"), w) for w in analysis["warnings"]]
    article = analysis["article"]
    title = f"{article['id']}  {article['date'] or 'no date'}  {article['title'] or ''}".strip()
    if narrow:
        return Group(Rule(Text(title, style="bold"), align="left"), *parts)
    return Panel(Group(*parts), title=title, title_align="left")


def print_report(analyses: list[dict], console: Console | None = None) -> None:
    console = console or Console()
    narrow = is_narrow(console)
    for analysis in analyses:
        console.print(article_panel(analysis, narrow=narrow))
