"""The `--format table` report: one readable rich panel per article, evidence shown in place."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table


def _clip(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(title: str, columns: list[str], rows: list[list[str]]) -> Table | None:
    if not rows:
        return None
    table = Table(title=title, title_justify="left", expand=True, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def article_panel(analysis: dict) -> Panel:
    """A panel with the article's actors, quotes, acts, times and places."""
    text = analysis["article"]["text"]
    actor_names = {a["id"]: a["name"] for a in analysis["actors"]}

    def span_text(span: list[int] | None) -> str:
        return _clip(text[span[0]:span[1]]) if span else ""

    def speaker(spk: dict) -> str:
        who = actor_names.get(spk["actor"], spk["actor"]) or spk["anonymous"] or "—"
        return f"{who} ({spk['anonymity']})"

    tables = [
        _table("Actors", ["id", "name", "type", "country", "mentions"],
               [[a["id"], a["name"], a["type"], a["country"] or "", str(len(a["mentions"]))]
                for a in analysis["actors"]]),
        _table("Quotes", ["kind", "speaker", "cue", "content"],
               [[q["kind"], speaker(q["speaker"]), (q["cue"] or {}).get("text", ""),
                 " / ".join(span_text(s) for s in q["segments"])] for q in analysis["quotes"]]),
        _table("Acts", ["actor", "type", "issue", "regions", "modality", "evidence"],
               [[actor_names.get(a["actor"], a["actor"]), a["type"]
                 + (" (neg)" if a["polarity"] == "negative" else ""), a["issue"] or "",
                 " ".join(a["regions"]), a["modality"], span_text(a["evidence"])]
                for a in analysis["acts"]]),
        _table("Times", ["text", "type", "value", "anchor"],
               [[t["text"], t["type"], t["value"], t["anchor"]] for t in analysis["times"]]),
        _table("Places", ["text", "name", "code", "kind", "lat, lon"],
               [[p["text"], p["name"], p["code"] or "", p["kind"],
                 f"{p['lat']:.2f}, {p['lon']:.2f}" if p.get("lat") is not None else ""]
                for p in analysis["places"]]),
    ]
    parts = [t for t in tables if t is not None] or ["(nothing extracted)"]
    parts += [f"[yellow]warning:[/] {w}" for w in analysis["warnings"]]
    article = analysis["article"]
    title = f"{article['id']}  {article['date'] or 'no date'}  {article['title'] or ''}"
    return Panel(Group(*parts), title=title, title_align="left")


def print_report(analyses: list[dict], console: Console | None = None) -> None:
    console = console or Console()
    for analysis in analyses:
        console.print(article_panel(analysis))
