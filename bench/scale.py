"""Scale-out numbers for `parley ingest`, all measured in one run (see docs/scale.md).

    .venv/bin/python bench/scale.py [--limit 60] [--json PATH]
    (with PARLEY_TEST_POSTGRES_URL set, e.g. after `source .ci/postgres.sh`, PostgreSQL too)

Phases, in this order, on the first `--limit` articles of the BBC bench corpus:
1. bare spaCy `nlp.pipe` (same model, same batch size), n_process 1 and 2: the baseline for
   each engine (with spaCy's default batch of 256, a 100-text run is one batch and one worker);
2. `parley ingest` local (spaCy n_process 1 and 2) into a fresh SQLite ledger;
3. `parley ingest --engine ray` with 2 worker actors on a local `ray.init(num_cpus=2)` cluster,
   after a 2-article warm-up ingest that measures the per-dataset overhead (actor pool start and
   one model load per actor); Ray's own start-up is timed separately;
4. re-ingest of the already stored corpus (hash check only) against the first ingest;
5. the write path alone (analyses precomputed) into PostgreSQL and into SQLite.
Wall-clock and CPU seconds are both reported: the machine is shared, and articles per CPU-second
is the rate that survives other people's load (it is the basis of the projection in docs).
Peak memory: the largest worker's peak RSS (ru_maxrss) for spaCy's n_process workers and for
Ray's actors (which report it, with their CPU time, beside each batch of analyses).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from parley.ledger.ingest import ingest, local_analyser  # noqa: E402
from parley.ledger.store import open_ledger  # noqa: E402
from parley.pipeline import load_model, load_pipeline  # noqa: E402
from parley.reading import Article, read_jsonl_lines  # noqa: E402



def corpus(limit: int) -> list[Article]:
    shared = os.environ.get("PARLEY_SHARED")
    path = (Path(shared) if shared else REPO.parent / "shared") / "bench" / "bbc-2004-2005.jsonl"
    with path.open("rb") as handle:
        lines = [line for line in handle if line.strip()][:limit or None]
    return [item for item in read_jsonl_lines(lines, str(path), "bbc") if isinstance(item, Article)]


def own_cpu() -> float:
    """CPU seconds of this process and its finished children (spaCy's n_process workers)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def ray_cpu() -> float:
    """CPU seconds the Ray actors reported (cumulative per actor, model load included)."""
    from parley.engines import WORKER_STATS

    return sum(cpu for cpu, _ in WORKER_STATS.values())


def measure(name: str, count: int, run, cpu=own_cpu) -> dict:
    cpu0, wall0 = cpu(), time.perf_counter()
    run()
    wall, used = time.perf_counter() - wall0, cpu() - cpu0
    row = {"variant": name, "articles": count, "wall_s": round(wall, 4),
           "articles_per_s": round(count / wall, 2), "cpu_s": round(used, 2),
           "articles_per_cpu_s": round(count / used, 2) if used else None}
    print(json.dumps(row), flush=True)
    return row


def fresh_db(tmp: Path, name: str):
    return open_ledger(f"sqlite:///{tmp / name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60, help="articles (0: the whole corpus)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--batch-size", type=int, default=16,
                        help="articles per batch for bare nlp.pipe, parley and Ray alike")
    args = parser.parse_args()
    articles = corpus(args.limit)
    texts = [a.text for a in articles]
    n = len(articles)
    rows, extra = [], {"load_average_start": os.getloadavg(), "cpus": os.cpu_count()}
    tmp = Path(tempfile.mkdtemp(prefix="parley-scale."))

    bare = load_model()
    list(bare.pipe(texts[:5]))  # warm-up
    load_pipeline()
    for processes in (1, 2):
        rows.append(measure(f"bare nlp.pipe n_process={processes}", n,
                            lambda: list(bare.pipe(texts, n_process=processes,
                                                       batch_size=args.batch_size))))
        engine = fresh_db(tmp, f"local{processes}.db")
        rows.append(measure(f"parley ingest local n_process={processes}", n, lambda: ingest(
            articles, engine, analyser=local_analyser(load_pipeline, n_process=processes,
                                              batch_size=args.batch_size))))
        if processes == 2:
            extra["local_worker_peak_rss_mb"] = resource.getrusage(
                resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        engine.dispose()
    extra["driver_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

    # Re-ingest of the stored corpus: hash check only
    engine = fresh_db(tmp, "local1.db")
    rows.append(measure("re-ingest (all stored)", n, lambda: ingest(
        articles, engine, analyser=lambda _: sys.exit("re-ingest analysed something"))))
    engine.dispose()

    try:
        from parley.engines import ray_analyser, start_ray
    except ImportError:
        ray_analyser = None
    if ray_analyser is not None:
        started = time.perf_counter()
        start_ray(workers=2)
        extra["ray_init_s"] = round(time.perf_counter() - started, 2)
        engine = fresh_db(tmp, "ray-warm.db")
        warm = measure("ray overhead: 2-article ingest", 2, lambda: ingest(
            articles[:2], engine, analyser=ray_analyser(workers=2)), cpu=ray_cpu)
        extra["ray_dataset_overhead_s"] = warm["wall_s"]
        engine = fresh_db(tmp, "ray.db")
        rows.append(measure("parley ingest ray workers=2", n, lambda: ingest(
            articles, engine, analyser=ray_analyser(workers=2)), cpu=ray_cpu))
        from parley.engines import WORKER_STATS

        extra["ray_worker_peak_rss_mb"] = max((rss for _, rss in WORKER_STATS.values()),
                                              default=None)
        import ray

        ray.shutdown()

    # Write path alone: SQLite vs PostgreSQL, same precomputed analyses
    import sqlalchemy as sa

    with fresh_db(tmp, "local1.db").connect() as connection:
        stored = {row.id: json.loads(row.analysis_json) for row in connection.execute(
            sa.text("SELECT id, analysis_json FROM articles"))}
    replay = lambda batch: ((a, stored[a.id]) for a in batch)  # noqa: E731
    writes = {"sqlite": fresh_db(tmp, "write.db")}
    url = os.environ.get("PARLEY_TEST_POSTGRES_URL")
    if url:
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        name = f"parley_bench_{os.getpid()}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        writes["postgresql"] = open_ledger(sa.engine.make_url(url).set(database=name)
                                           .render_as_string(hide_password=False))
    for dialect, engine in writes.items():
        rows.append(measure(f"write path only, {dialect}", n,
                            lambda: ingest(articles, engine, analyser=replay)))
        engine.dispose()

    by = {row["variant"]: row for row in rows}
    rate = lambda key, name: by[name][key]  # noqa: E731
    for key in ("articles_per_s", "articles_per_cpu_s"):
        speedup_parley = rate(key, "parley ingest local n_process=2") / rate(
            key, "parley ingest local n_process=1")
        speedup_bare = rate(key, "bare nlp.pipe n_process=2") / rate(
            key, "bare nlp.pipe n_process=1")
        extra[f"{key}: 2-process speed-up parley / bare"] = round(speedup_parley / speedup_bare, 3)
        if "parley ingest ray workers=2" in by:
            extra[f"{key}: ray / local (2 workers)"] = round(
                rate(key, "parley ingest ray workers=2") / rate(
                    key, "parley ingest local n_process=2"), 3)
    extra["re-ingest speed-up (first / re-ingest wall)"] = round(
        by["parley ingest local n_process=1"]["wall_s"] / by["re-ingest (all stored)"]["wall_s"], 1)
    if "write path only, postgresql" in by:
        extra["write path postgresql / sqlite (articles/s)"] = round(
            by["write path only, postgresql"]["articles_per_s"]
            / by["write path only, sqlite"]["articles_per_s"], 3)
    extra["load_average_end"] = os.getloadavg()
    print(json.dumps(extra, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": extra}, indent=1) + "\n")


if __name__ == "__main__":
    main()
