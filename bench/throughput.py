"""Throughput of `parley analyze` against bare spaCy `nlp.pipe` on the same texts (target >= 0.90).

    .venv/bin/python bench/throughput.py [--limit 400] [--n-process 1] [--json PATH]

Why it is measured this way:
- Both pipelines are loaded and warmed up first, so model loading and first-call costs are
  outside the timings.
- The texts are cut into chunks and the two variants run on each chunk in turn, the order
  alternating from chunk to chunk (bare, parley; parley, bare; ...). The machine is shared, so
  load from other processes comes and goes; interleaving makes both variants see the same noise
  instead of one of them getting a quiet minute. With `--n-process` > 1 each `nlp.pipe` call
  starts its workers, so the chunk defaults to the whole set (one run each).
- "parley" is the whole `parley analyze` path after the file is read from disk: parsing the
  JSONL lines into `Article` records (parley.reading), the pipeline with Parley's components,
  the contract dict and its JSON serialisation. "bare" is `nlp.pipe` over the texts, already in
  memory, with spaCy's default batch size: the fastest thing a user of the model could do.
- Peak RSS cannot be told apart when both pipelines share a process, so each variant is run
  again alone in a child process (`--variant`), which reports its own peak RSS (VmHWM; and its
  workers', for n_process > 1). Skip with `--no-rss`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from parley.analysis import analyse  # noqa: E402
from parley.pipeline import load_model, load_pipeline  # noqa: E402
from parley.reading import Article, read_jsonl_lines  # noqa: E402

TARGET = 0.90
ANALYSE_BATCH_SIZE = analyse.__kwdefaults__["batch_size"]  # what `parley analyze` uses


def default_input() -> Path:
    shared = os.environ.get("PARLEY_SHARED")
    root = Path(shared) if shared else REPO.parent / "shared"
    return root / "bench" / "bbc-2004-2005.jsonl"


def read_lines(path: Path, limit: int | None) -> list[bytes]:
    """The first `limit` non-blank raw lines: reading them is outside the timing for both."""
    lines = []
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                lines.append(line)
                if limit and len(lines) >= limit:
                    break
    return lines


def texts_of(lines: list[bytes]) -> list[str]:
    return [json.loads(line)["text"] for line in lines]


def run_bare(nlp, texts: list[str], n_process: int, batch_size: int | None = None) -> int:
    count = 0
    for _doc in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
        count += 1
    return count


def run_parley(nlp, lines: list[bytes], n_process: int, source: str) -> int:
    """Records, pipeline, contract dicts and JSON: what `parley analyze -f jsonl` does."""
    articles = (item for item in read_jsonl_lines(lines, source, "bench")
                if isinstance(item, Article))
    count = 0
    for _article, analysis in analyse(articles, nlp, n_process=n_process):
        json.dumps(analysis, ensure_ascii=False)
        count += 1
    return count


def rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest (waited-for) child, in MB (Linux: KB)."""
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    own = _high_water_mark_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return own, children


def _high_water_mark_mb() -> float | None:
    """This process's own peak RSS (Linux `VmHWM`), or None where /proc has none.

    Not `ru_maxrss`: Linux carries it across `exec`, so a child started by this benchmark after
    the interleaved runs reported the parent's peak (1122 MB for a pipeline that peaks at 576)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children (spaCy's workers).

    On a machine shared with other jobs wall-clock time mostly measures how much CPU the others
    left us; CPU time measures the work done, so the CPU ratio is the steadier of the two."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_interleaved(lines: list[bytes], n_process: int, chunk: int, warmup: int,
                      source: str, bare_batch_size: int | None) -> dict:
    bare_nlp, parley_nlp = load_model(), load_pipeline()
    texts = texts_of(lines)
    run_bare(bare_nlp, texts[:warmup], 1)
    run_parley(parley_nlp, lines[:warmup], 1, source)
    seconds = {"bare": 0.0, "parley": 0.0}
    cpu = {"bare": 0.0, "parley": 0.0}
    counts = {"bare": 0, "parley": 0}
    for number, start in enumerate(range(0, len(lines), chunk)):
        order = ("bare", "parley") if number % 2 == 0 else ("parley", "bare")
        for variant in order:
            began, began_cpu = time.perf_counter(), cpu_seconds()
            if variant == "bare":
                counts[variant] += run_bare(bare_nlp, texts[start:start + chunk], n_process,
                                            bare_batch_size)
            else:
                counts[variant] += run_parley(parley_nlp, lines[start:start + chunk],
                                              n_process, source)
            seconds[variant] += time.perf_counter() - began
            cpu[variant] += cpu_seconds() - began_cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "articles": counts,
            "batch_size": {"bare": bare_batch_size or bare_nlp.batch_size,
                           "parley": ANALYSE_BATCH_SIZE}}


def profile_components(lines: list[bytes]) -> dict[str, float]:
    """CPU seconds per pipeline component, doc by doc (unbatched, so the model's own components look
    slower than in `nlp.pipe`; what matters is the share of Parley's components)."""
    nlp = load_pipeline()
    seconds = {name: 0.0 for name in nlp.pipe_names}
    for text in texts_of(lines):
        doc = nlp.make_doc(text)
        for name, component in nlp.pipeline:
            began = time.process_time()  # CPU time: steady while other jobs load the box
            doc = component(doc)
            seconds[name] += time.process_time() - began
    return seconds


def isolated(variant: str, lines: list[bytes], n_process: int, source: str,
             bare_batch_size: int | None) -> dict:
    """One variant alone in this process: time and peak RSS (child mode)."""
    nlp = load_model() if variant == "bare" else load_pipeline()
    began = time.perf_counter()
    if variant == "bare":
        count = run_bare(nlp, texts_of(lines), n_process, bare_batch_size)
    else:
        count = run_parley(nlp, lines, n_process, source)
    elapsed = time.perf_counter() - began
    own, children = rss_mb()
    return {"variant": variant, "articles": count, "seconds": elapsed, "rss_mb": own,
            "worker_rss_mb": children if n_process > 1 else None}


def isolated_in_child(variant: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--variant", variant, "--input", str(args.input),
               "--limit", str(args.limit or 0), "--n-process", str(args.n_process)]
    if args.bare_batch_size:
        command += ["--bare-batch-size", str(args.bare_batch_size)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    cores = os.cpu_count()
    try:
        model = next(line.split(":", 1)[1].strip() for line in
                     Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{cores} cores, {model}, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=default_input())
    parser.add_argument("--limit", type=int, default=400,
                        help="articles to use (0: all 2225 of the BBC set)")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=None,
                        help="articles per interleaved chunk (default 100; all if n_process > 1)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--bare-batch-size", type=int, default=None,
                        help="batch size of the bare run (default: the model's, 256); "
                             f"`parley analyze` uses {ANALYSE_BATCH_SIZE}")
    parser.add_argument("--profile", action="store_true",
                        help="only time each pipeline component (doc by doc) and exit")
    parser.add_argument("--no-rss", action="store_true", help="skip the isolated RSS runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--variant", choices=("bare", "parley"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if not args.input.is_file():
        print(f"error: no benchmark file at {args.input}", file=sys.stderr)
        return 2
    lines = read_lines(args.input, args.limit or None)
    source = str(args.input)
    if args.variant:  # child mode: one variant alone, JSON on stdout
        print(json.dumps(isolated(args.variant, lines, args.n_process, source,
                                  args.bare_batch_size)))
        return 0

    if args.profile:
        seconds = profile_components(lines)
        total = sum(seconds.values())
        for name, value in seconds.items():
            print(f"{name:28s} {value:8.3f} s {100 * value / total:5.1f} %")
        return 0

    chunk = args.chunk or (100 if args.n_process == 1 else len(lines))
    timing = timed_interleaved(lines, args.n_process, chunk, args.warmup, source,
                               args.bare_batch_size)
    variants = ("bare", "parley")
    rates = {v: timing["articles"][v] / timing["seconds"][v] for v in variants}
    cpu_rates = {v: timing["articles"][v] / timing["cpu_seconds"][v] for v in variants}
    ratio = rates["parley"] / rates["bare"]
    cpu_ratio = cpu_rates["parley"] / cpu_rates["bare"]
    print(f"interleaved: bare {rates['bare']:.1f}/s, parley {rates['parley']:.1f}/s, "
          f"ratio {ratio:.3f} (CPU-time ratio {cpu_ratio:.3f})"
          + ("" if args.no_rss else "; now the isolated RSS runs..."), flush=True)
    memory = {} if args.no_rss else {v: isolated_in_child(v, args) for v in ("bare", "parley")}

    results = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(), "input": source, "articles": len(lines),
        "n_process": args.n_process, "chunk": chunk, "warmup": args.warmup,
        "batch_size": timing["batch_size"],
        "variants": {v: {"articles": timing["articles"][v], "seconds": timing["seconds"][v],
                         "articles_per_s": rates[v], "cpu_seconds": timing["cpu_seconds"][v],
                         "articles_per_cpu_s": cpu_rates[v],
                         **({"isolated": memory[v]} if memory else {})}
                     for v in variants},
        "ratio": ratio, "cpu_ratio": cpu_ratio, "target": TARGET,
        "meets_target": ratio >= TARGET, "meets_target_cpu": cpu_ratio >= TARGET,
    }
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


def print_table(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"throughput: {results['articles']} articles, "
                        f"n_process={results['n_process']}, chunk={results['chunk']}, "
                        f"batch bare/parley={results['batch_size']['bare']}/"
                        f"{results['batch_size']['parley']} "
                        f"({results['machine']})")
    for column in ("variant", "articles", "seconds", "articles/s", "ratio", "CPU s",
                   "CPU ratio", "peak RSS MB"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    bare_rate = results["variants"]["bare"]["articles_per_s"]
    bare_cpu_rate = results["variants"]["bare"]["articles_per_cpu_s"]
    for name, label in (("bare", "bare nlp.pipe"), ("parley", "parley analyze")):
        row = results["variants"][name]
        rss = row.get("isolated")
        rss_text = "" if not rss else f"{rss['rss_mb']:.0f}" + (
            f" (+{rss['worker_rss_mb']:.0f}/worker)" if rss.get("worker_rss_mb") else "")
        table.add_row(label, str(row["articles"]), f"{row['seconds']:.2f}",
                      f"{row['articles_per_s']:.1f}", f"{row['articles_per_s'] / bare_rate:.3f}",
                      f"{row['cpu_seconds']:.2f}",
                      f"{row['articles_per_cpu_s'] / bare_cpu_rate:.3f}", rss_text)
    console = Console()
    if console.width < 120:  # a pipe or a narrow terminal: keep the rows on one line each
        console = Console(width=120)
    console.print(table)
    for key, name in (("", "wall-clock"), ("_cpu", "CPU-time")):
        ratio = results[f"{'cpu_' if key else ''}ratio"]
        verdict = "meets" if results[f"meets_target{key}"] else "MISSES"
        print(f"{name} ratio parley/bare = {ratio:.3f}: {verdict} the target of "
              f">= {results['target']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
