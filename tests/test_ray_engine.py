"""`--engine ray`: a local Ray cluster (2 CPUs) analyses the examples exactly as the local path.

Ray starts in 10-20 s, so this is one test; it needs `ray[data]` (the `scale` extra, pinned in
requirements/lock.txt). Without Ray it skips, except under CI=true where it fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from parley.ledger.ingest import ingest, local_analyser
from parley.ledger.store import open_ledger
from parley.pipeline import load_pipeline
from parley.reading import Article, read_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

try:
    import ray  # noqa: F401
except ImportError:  # pragma: no cover
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise
    pytest.skip("ray[data] is not installed (pip install -e '.[scale]')", allow_module_level=True)


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    from parley.engines import start_ray

    start_ray(workers=2)
    yield
    ray.shutdown()


def _ledger_analyses(engine) -> dict[str, dict]:
    with engine.connect() as connection:
        return {row.id: json.loads(row.analysis_json) for row in connection.execute(
            sa.text("SELECT id, analysis_json FROM articles"))}


def test_ray_ingest_matches_local_ingest(tmp_path, ray_cluster):
    from parley.engines import ray_analyser

    articles = [a for a in read_inputs([str(EXAMPLES)]) if isinstance(a, Article)]
    assert len(articles) >= 2
    local = open_ledger(str(tmp_path / "local.db"))
    distributed = open_ledger(str(tmp_path / "ray.db"))
    ingest(articles, local, analyser=local_analyser(load_pipeline))
    # batch_size 1: articles spread over both actors, each of which loads the pipeline itself
    stats = ingest(articles, distributed,
                   analyser=ray_analyser(workers=2, batch_size=1))
    assert (stats.new, stats.failed) == (len(articles), 0)
    expected, got = _ledger_analyses(local), _ledger_analyses(distributed)
    assert set(got) == {a.id for a in articles}
    for article_id, analysis in expected.items():
        assert got[article_id] == analysis, article_id
    # a re-run never reaches Ray: everything is skipped by hash first
    again = ingest(articles, distributed, analyser=lambda _: pytest.fail("analysed again"))
    assert again.skipped == len(articles)
    local.dispose()
    distributed.dispose()


def _kill_one_actor() -> int | None:
    """SIGKILL one live ParleyActor process of the local cluster; its pid, or None."""
    import signal

    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"ray::") and b"ParleyActor" in cmdline:
            os.kill(int(entry.name), signal.SIGKILL)
            return int(entry.name)
    return None


def test_ray_worker_killed_mid_run_every_article_stored_once(tmp_path, ray_cluster):
    """kill -9 of a worker actor after the first article is stored: Ray Data restarts the actor
    and retries its batch; the driver stores each article exactly once."""
    from parley.engines import ray_analyser
    from test_ledger import make_records

    articles = [Article(**record) for record in make_records(12, prefix="rk")]
    engine = open_ledger(str(tmp_path / "ray-kill.db"))
    killed = []

    def progress(stats) -> None:
        if stats.new >= 1 and not killed:
            killed.append(_kill_one_actor())

    stats = ingest(articles, engine, analyser=ray_analyser(workers=2, batch_size=1),
                   on_progress=progress)
    assert killed and killed[0] is not None
    assert (stats.new, stats.failed) == (len(articles), 0)
    with engine.connect() as connection:
        ids = list(connection.scalars(sa.text("SELECT id FROM articles")))
    assert sorted(ids) == sorted(a.id for a in articles)
    engine.dispose()


def test_watch_with_the_ray_engine_stores_new_files_once(tmp_path, ray_cluster):
    """`parley watch --engine ray`: each poll's new articles go through the actor pool; a poll
    with nothing new never reaches Ray."""
    from parley.engines import ray_analyser
    from parley.watch import watch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(" date 2025-08-17 Putin demanded that Ukraine withdraw its "
                                 "troops from Donbas.\n", encoding="utf-8")
    engine = open_ledger(str(tmp_path / "watch.db"))
    calls = []

    def counting(articles):
        articles = list(articles)
        calls.append(len(articles))
        return ray_analyser(workers=2, batch_size=1)(articles)

    first = watch(str(inbox), engine, load_pipeline, once=True, settle=0, analyser=counting)
    (inbox / "b.txt").write_text(" date 2025-08-18 Kyiv rejected the demand on Monday.\n",
                                 encoding="utf-8")
    second = watch(str(inbox), engine, load_pipeline, once=True, settle=0, analyser=counting)
    third = watch(str(inbox), engine, load_pipeline, once=True, settle=0, analyser=counting)
    assert (first.new, second.new, second.skipped, third.new) == (1, 1, 1, 0)
    assert calls == [1, 1]
    analyses = _ledger_analyses(engine)
    assert sorted(analyses) == ["a", "b"]
    assert any(act["type"] == "demand" for act in analyses["a"]["acts"])
    engine.dispose()
