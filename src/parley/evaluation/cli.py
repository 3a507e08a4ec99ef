"""`parley eval ...`: one subcommand per gold source; each prints a table and can write JSON.

`parley eval gold --format csv|json` prints the scores for scripts instead of the tables, which
switch to a narrower layout below 100 columns (numbers never cut)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..cli_support import FORMAT_HELP, TableFormat, check_output, is_narrow, write_csv, write_json

eval_app = typer.Typer(no_args_is_help=True, help="Score Parley against gold data.")


@eval_app.command("gold")
def gold(
    directory: Optional[Path] = typer.Argument(
        None, help="Gold folder (default: $PARLEY_SHARED/gold/dev, else ../shared/gold/dev)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the scores here."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="List the misses: gold items not found, false positives."),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Score saved `parley analyze` output (JSON/JSONL) instead of "
        "running the pipeline."),
    floors: Optional[Path] = typer.Option(
        None, "--floors", help="Check these per-article regression floors (YAML); exit 1 if an "
        "article fell below one."),
    raise_floors: Optional[Path] = typer.Option(
        None, "--raise-floors", help="Raise the floors in this YAML file to today's scores "
        "(never lowers one; adds new articles)."),
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """The contract's scoring protocol (CONTRACT.md section 3) on the gold articles: the micro
    totals, then one row per article, per genre (micro) and the macro mean."""
    from rich.console import Console

    from . import floors as floor_rules
    from .gold import GoldError, default_gold_dir, evaluate_dir, miss_line, total

    console, errors = Console(), Console(stderr=True)
    for path in (json_path, raise_floors):
        check_output(path)  # before the pipeline runs over every article
    directory = directory or default_gold_dir()
    if not directory.is_dir():
        errors.print(f"[red]error:[/] no gold folder at {directory}", highlight=False)
        raise typer.Exit(2)
    try:
        golds, scores = evaluate_dir(directory, predictions)
    except GoldError as error:
        errors.print(f"[red]error:[/] {error}", highlight=False)
        raise typer.Exit(2)
    score = total(scores)
    measured = {g["id"]: floor_rules.article_metrics(s) for g, s in zip(golds, scores)}
    payload = {"gold_dir": str(directory), "articles": [g["id"] for g in golds],
               **score.as_dict(), "per_article": measured, "misses": score.misses}
    if format is TableFormat.json:
        write_json(payload)
    elif format is TableFormat.csv:
        write_csv(_article_records(golds, scores))
    else:
        narrow = is_narrow(console)
        console.print(_totals_table(score, f"parley eval gold: {len(golds)} article(s) in "
                                    f"{directory}", narrow))
        console.print(_articles_table(golds, scores, narrow))
        if verbose:
            console.print(f"[bold]misses ({len(score.misses)})[/]: gold items not found, "
                          "false positives")
            for miss in score.misses:
                console.print(miss_line(miss), highlight=False, markup=False, soft_wrap=True)
    if json_path:
        json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if raise_floors:
        floor_rules.write_floors(
            raise_floors, floor_rules.raised(floor_rules.load_floors(raise_floors), measured))
        errors.print(f"floors raised where scores rose: {raise_floors}", highlight=False)
    if floors:
        table = floor_rules.load_floors(floors)
        for article in floor_rules.unfloored(table, measured):
            errors.print(f"note: {article} has no floors yet in {floors}", highlight=False)
        problems = floor_rules.check_floors(table, measured)
        for line in problems:
            errors.print(f"[red]below floor:[/] {line}", highlight=False)
        if problems:
            raise typer.Exit(1)


def _totals_table(score, title: str, narrow: bool = False):
    """The micro totals. Narrow: no box, and the metric's name wraps; numbers never do."""
    from rich import box
    from rich.table import Table

    from .gold import rows

    table = Table(title=title, box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
                  pad_edge=not narrow)
    for column in ("metric", "P", "R", "F1 / share", "counts"):
        table.add_column(column, justify="left" if column in ("metric", "counts") else "right",
                         no_wrap=not (narrow and column == "metric"))
    for row in rows(score):
        table.add_row(*row)
    return table


#: The per-article columns: (header, narrow header, metric key).
ARTICLE_COLUMNS = [("quotes e2e F1", "quotes\ne2e F1", "quotes_e2e_f1"),
                   ("speaker", "speaker", "quote_speaker_accuracy"),
                   ("acts P", "acts\nP", "acts_precision"), ("acts F1", "acts\nF1", "acts_f1"),
                   ("times", "times", "times_found"), ("places", "places", "places_found")]


def _article_rows(golds: list[dict], scores: list) -> list[tuple[str, str, str, dict, object]]:
    """(label, kind, genre, metrics, acts PRF or None): per article, per genre (micro), the
    micro total and the macro mean over articles."""
    from .floors import article_metrics
    from .gold import total

    found = [(g["id"], "article", g.get("genre") or "-", article_metrics(s), s.acts)
             for g, s in zip(golds, scores)]
    for genre in sorted({g.get("genre") or "-" for g in golds}):
        summed = total(s for g, s in zip(golds, scores) if (g.get("genre") or "-") == genre)
        found.append((f"genre {genre}", "genre", genre, article_metrics(summed), summed.acts))
    summed = total(scores)
    found.append(("micro", "micro", "all", article_metrics(summed), summed.acts))
    per_article = [article_metrics(s) for s in scores]
    macro = {}
    for _, _, key in ARTICLE_COLUMNS:
        values = [m[key] for m in per_article if key in m]
        macro[key] = sum(values) / len(values) if values else None
    found.append(("macro (mean of articles)", "macro", "all", macro, None))
    return found


def _article_records(golds: list[dict], scores: list) -> list[dict]:
    """The per-article table as CSV records (`--format csv`)."""
    records = []
    for label, kind, genre, values, acts in _article_rows(golds, scores):
        record = {"row": label, "kind": kind, "genre": genre}
        record.update({key: values.get(key) for _, _, key in ARTICLE_COLUMNS})
        record.update({"acts_tp": acts.tp if acts else None, "acts_fp": acts.fp if acts else None,
                       "acts_fn": acts.fn if acts else None})
        records.append(record)
    return records


def _articles_table(golds: list[dict], scores: list, narrow: bool = False):
    """Per article, per genre (micro) and the macro mean over articles: the figures that say
    whether the product holds across genres, not only on the seed. Narrow: two-line headers,
    the genre under the article's name, no acts counts column; numbers whole."""
    from rich import box
    from rich.table import Table

    table = Table(title="per article (then per genre, micro; and the macro mean)",
                  box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, pad_edge=not narrow)
    table.add_column("article", no_wrap=not narrow, overflow="fold")
    if not narrow:
        table.add_column("genre", no_wrap=True)
    for name, short, _ in ARTICLE_COLUMNS:
        table.add_column(short if narrow else name, justify="right", no_wrap=True)
    if not narrow:  # narrow: the counts are in the totals table and in --format csv|json
        table.add_column("acts tp/fp/fn", justify="right", no_wrap=True)
    for label, kind, genre, values, acts in _article_rows(golds, scores):
        cells = [f"{values[key]:.3f}" if values.get(key) is not None else "-"
                 for _, _, key in ARTICLE_COLUMNS]
        counts = f"{acts.tp}/{acts.fp}/{acts.fn}" if acts is not None else ""
        style = None if kind == "article" else "bold"
        if narrow:
            name = f"{label}\n  {genre}" if kind == "article" else label.split(" (")[0]
            table.add_row(name, *cells, style=style)
        else:
            table.add_row(label, genre, *cells, counts, style=style)
    return table


@eval_app.command("timex")
def timex_command(
    root: str = typer.Option("../shared/data/timex", help="Folder with timebank/, aquaint/, meantime/."),
    limit: int = typer.Option(None, help="At most N documents per corpus (quick runs)."),
    corpus: list[str] = typer.Option(None, help="Only these corpora (repeatable)."),
    json_path: str = typer.Option(None, "--json", help="Write the results as JSON here."),
    errors: int = typer.Option(0, help="Print up to N value errors, misses and spurious times."),
    bench: str = typer.Option(None, help="Instead: time the stage on this JSONL of articles."),
    bench_n: int = typer.Option(200, help="Articles to time with --bench."),
) -> None:
    """Times: TempEval-3 style span and value F1 on TimeBank, AQUAINT and MEANTIME."""
    from pathlib import Path

    from . import timex

    if bench:
        typer.echo(json.dumps(timex.bench_throughput(bench, bench_n), indent=2))
        return

    if not Path(root).is_dir():
        typer.echo(f"no TimeML corpora under {root}", err=True)
        raise typer.Exit(2)
    details: list = []
    results = timex.evaluate(Path(root), limit=limit, corpora=corpus or None, errors_out=details)
    typer.echo(timex.format_table(results))
    if errors:
        timex.print_errors(details, errors)
    if json_path:
        timex.write_json(results, json_path)


@eval_app.command("polnear")
def polnear(
    data: str = typer.Option(None, help="PolNeAR split folder (text/, attributions/); default ../shared/data/polnear/dev"),
    gold: str = typer.Option(None, help="Contract gold folder for quote end-to-end F1; default ../shared/gold/dev"),
    limit: int = typer.Option(None, help="Score only the first N documents (sorted by name)."),
    json_path: str = typer.Option(None, "--json", help="Also write the numbers to this JSON file."),
    timing: bool = typer.Option(False, help="Also time the quotes stage against bare spaCy."),
) -> None:
    """Attribution (quotes) on PolNeAR dev, plus quote end-to-end F1 on the contract gold."""
    import json
    from pathlib import Path

    from ..pipeline import load_pipeline
    from . import polnear as scorer

    nlp = load_pipeline()
    data_dir = Path(data) if data else scorer.DEFAULT_DIR
    gold_dir = Path(gold) if gold else scorer.DEFAULT_GOLD
    if not data_dir.is_dir():
        raise typer.BadParameter(f"no PolNeAR folder at {data_dir}")
    result = scorer.evaluate(scorer.load_split(data_dir, limit), nlp)
    gold_result = scorer.evaluate_gold(gold_dir, nlp) if gold_dir.is_dir() else None
    typer.echo(scorer.report(result, gold_result))
    cost = None
    if timing:
        from ..pipeline import load_model

        texts = [text for _, text, _ in scorer.load_split(data_dir, limit)]
        cost = scorer.stage_cost(texts, nlp, load_model())
        typer.echo(f"Timing (best of 2): {cost}")
    if json_path:
        Path(json_path).write_text(json.dumps({"polnear": result, "gold": gold_result,
                                               "timing": cost}, indent=2))


@eval_app.command("geo")
def geo_command(
    root: str = typer.Option("../shared/data/geo", help="Folder with GWN.xml and lgl.xml."),
    limit: int = typer.Option(None, help="At most N documents per corpus (quick runs)."),
    corpus: list[str] = typer.Option(None, help="Only these corpora: gwn, lgl (repeatable)."),
    no_e2e: bool = typer.Option(False, "--no-e2e", help="Skip the end-to-end run (resolution only)."),
    min_population: int = typer.Option(
        None, help="Smallest GeoNames city in the gazetteer (default: the product's, "
                   "places.MIN_CITY_POPULATION)."),
    json_path: str = typer.Option(None, "--json", help="Write the results as JSON here."),
    errors: int = typer.Option(0, help="Print up to N resolutions off by more than 161 km."),
    bench: int = typer.Option(0, help="Instead: time the places stage on N BBC bench articles."),
) -> None:
    """Places: accuracy within 161 km given gold toponyms, and end-to-end toponym F1."""
    from pathlib import Path

    from . import geo

    if bench:
        path = Path(root).parent.parent / "bench" / "bbc-2004-2005.jsonl"
        if not path.is_file():
            typer.echo(f"no bench file at {path}", err=True)
            raise typer.Exit(2)
        result = geo.bench_overhead(path, bench)
        typer.echo(json.dumps(result, indent=2))
        return

    if not Path(root).is_dir():
        typer.echo(f"no geoparsing corpora under {root}", err=True)
        raise typer.Exit(2)
    details: list = []
    table = {"min_city_population": min_population} if min_population else {}
    results = geo.evaluate(Path(root), corpora=corpus or None, limit=limit, end_to_end=not no_e2e,
                           errors_out=details, **table)
    typer.echo(geo.format_table(results))
    for item in details[:errors]:
        typer.echo(f"  {item['doc']}: {item['text']!r} -> {item['picked']} ({item['km']} km)")
    if json_path:
        geo.write_json(results, json_path)
