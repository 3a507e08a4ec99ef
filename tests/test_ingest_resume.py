"""Crash safety: `kill -9` in the middle of `parley ingest`, then a re-run completes the rest.

The writer is slowed down inside each article's transaction (PARLEY_LEDGER_WRITE_DELAY), so the
kill lands while an article is half written; that article must be absent, not half stored.
"""

import json
import os
import signal
import sqlite3
import subprocess
import time

from test_ledger import make_records, write_jsonl

ARTICLES = 40
CHILDREN = ("actors", "quotes", "acts", "times", "places")


def stored(db) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.DatabaseError:  # file or tables not created yet
        return 0


def assert_consistent(db) -> list[str]:
    """integrity_check, FTS integrity, and every article has exactly its analysis' rows."""
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        connection.execute("INSERT INTO quotes_fts(quotes_fts) VALUES('integrity-check')")
        ids = []
        for article_id, analysis_json in connection.execute(
                "SELECT id, analysis_json FROM articles"):
            analysis = json.loads(analysis_json)
            for table in CHILDREN:
                rows = connection.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?",
                                          (article_id,)).fetchone()[0]
                assert rows == len(analysis[table]), (article_id, table)
            ids.append(article_id)
        for table in CHILDREN:
            orphans = connection.execute(f"SELECT count(*) FROM {table} WHERE article_id NOT IN "
                                         "(SELECT id FROM articles)").fetchone()[0]
            assert orphans == 0, table
        return ids
    finally:
        connection.close()


def test_kill_9_mid_ingest_then_rerun_stores_every_article_once(tmp_path, parley_bin):
    source = write_jsonl(tmp_path / "corpus.jsonl", make_records(ARTICLES, prefix="kill"))
    db = tmp_path / "ledger.db"
    command = [parley_bin, "ingest", source, "--db", f"sqlite:///{db}"]
    env = dict(os.environ, PARLEY_LEDGER_WRITE_DELAY="0.15")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 45
    try:
        while stored(db) < 3:
            assert process.poll() is None, "ingest ended before it could be killed"
            assert time.monotonic() < deadline, "no article committed in 45 s"
            time.sleep(0.02)
        time.sleep(0.07)  # inside the next article's transaction (the writer sleeps 0.15 s)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    after_kill = stored(db)
    assert 3 <= after_kill < ARTICLES
    assert len(assert_consistent(db)) == after_kill

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{ARTICLES - after_kill} new, {after_kill} already stored" in rerun.stderr
    ids = assert_consistent(db)
    assert sorted(ids) == [f"kill-{n:03d}" for n in range(ARTICLES)]  # each exactly once

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and f"0 new, {ARTICLES} already stored" in again.stderr
    assert stored(db) == ARTICLES

