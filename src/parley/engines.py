"""Extraction engines for `parley ingest --engine ...`: where the NLP runs.

`local` (the default) is `parley.ledger.ingest.local_analyser`: spaCy in this process, with
spaCy's own `n_process` worker processes. `ray` runs the same pipeline on a Ray cluster with Ray
Data: articles go out in windows, `map_batches` hands batches of them to a pool of actors that
each load the pipeline once, and the analyses come back as JSON strings. The driver (this process)
does all the writing, through the same one-transaction-per-article path as `local`, so the
ledger's guarantees (idempotence, resume after kill -9) do not depend on the engine; see
docs/scale.md.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import resource
import warnings
from typing import Iterable, Iterator

from .reading import Article

#: Articles per Ray Dataset. Each window starts a fresh actor pool (one model load per worker),
#: so windows are large; they are bounded so that an endless input (`parley watch`) streams.
RAY_WINDOW = 20_000

#: Most Ray Data blocks per window: one per batch up to this many.
MAX_BLOCKS = 10_000


class ParleyActor:
    """A Ray Data worker: loads the pipeline once, then analyses batch after batch."""

    def __init__(self, registry: str | None = None, batch_size: int = 16) -> None:
        from .pipeline import load_pipeline

        self.nlp = load_pipeline(registry)
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        from .analysis import analyse

        articles = [Article(**json.loads(record)) for record in batch["article"]]
        analyses = [json.dumps(analysis, ensure_ascii=False)
                    for _, analysis in analyse(articles, self.nlp, batch_size=self.batch_size)]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        count = len(analyses)
        return {"i": list(batch["i"]), "analysis": analyses, "pid": [os.getpid()] * count,
                "cpu_s": [usage.ru_utime + usage.ru_stime] * count,
                "peak_rss_mb": [usage.ru_maxrss // 1024] * count}


#: pid -> (CPU seconds, peak RSS MB) of every Ray actor seen by this process, as the actors
#: reported them with their last batch (model load included): bench/scale.py reads it.
WORKER_STATS: dict[int, tuple[float, int]] = {}


def _note_worker(pid: int, cpu: float, rss: int) -> None:
    old_cpu, old_rss = WORKER_STATS.get(pid, (0.0, 0))
    WORKER_STATS[pid] = (max(old_cpu, cpu), max(old_rss, rss))


def start_ray(address: str | None = None, workers: int = 2) -> None:
    """Connect to `address` (`auto`, `ray://host:10001`) or start a local cluster of `workers` CPUs."""
    import ray

    if ray.is_initialized():
        return
    options = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
    if address:
        ray.init(address=address, **options)
    else:
        ray.init(num_cpus=workers, object_store_memory=256 * 1024 * 1024, **options)
    ray.data.DataContext.get_current().enable_progress_bars = False
    # a poll or window smaller than the pool (fewer batches than actors) is normal, not a problem
    warnings.filterwarnings("ignore", message="The minimum number of concurrent actors")
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines


def ray_analyser(*, address: str | None = None, workers: int = 2, batch_size: int = 16,
                 registry: str | None = None, window: int = RAY_WINDOW):
    """An `Analyser` (see `parley.ledger.ingest`) backed by a Ray Data actor pool."""
    def run(articles: Iterable[Article]) -> Iterator[tuple[Article, dict]]:
        import ray

        start_ray(address, workers)
        articles = iter(articles)
        while chunk := list(itertools.islice(articles, window)):
            records = [{"i": i, "article": json.dumps(dataclasses.asdict(article))}
                       for i, article in enumerate(chunk)]
            # one block per batch: with a few big blocks the last one keeps one actor busy while
            # the others idle (measured: 600 articles in 8 blocks left the pool 25% idle)
            # (capped: a 1M-article backfill window would otherwise be 62,500 tiny blocks)
            blocks = max(1, min(MAX_BLOCKS, -(-len(records) // batch_size)))
            dataset = ray.data.from_items(records, override_num_blocks=blocks).map_batches(
                ParleyActor, fn_constructor_kwargs={"registry": registry,
                                                    "batch_size": batch_size},
                batch_size=batch_size, batch_format="numpy", num_cpus=1,
                compute=ray.data.ActorPoolStrategy(size=workers))
            for row in dataset.iter_rows():
                _note_worker(int(row["pid"]), float(row["cpu_s"]), int(row["peak_rss_mb"]))
                yield chunk[int(row["i"])], json.loads(row["analysis"])

    return run
