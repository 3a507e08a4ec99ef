"""`parley watch`: new files and feed items are ingested as they appear; a restart re-reads but
stores nothing twice (the ledger is the only state); files still being written wait."""

from __future__ import annotations

import os
import subprocess
import time

import sqlalchemy as sa

from parley.ledger.store import open_ledger
from parley.watch import Watcher, watch
from test_ledger import make_records, synthetic, write_jsonl

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test wire</title>
{items}
</channel></rss>
"""
ITEM = ("<item><guid>wire-{n}</guid><title>Round {n}</title>"
        "<pubDate>Mon, 0{n} Mar 2024 10:00:00 GMT</pubDate>"
        "<description>Envoys from Norland and Belmark met in Geneva for round {n} of talks."
        "</description></item>")


def _fake_nlp_ingest(monkeypatch):
    """Patch the analysis out: these tests are about what gets offered to ingest, not NLP."""
    import parley.ledger.ingest as ingest_module

    def local(load_nlp, **_):
        return lambda articles: ((a, synthetic(a, a.text.split()[0])) for a in articles)

    monkeypatch.setattr(ingest_module, "local_analyser", local)


def _ids(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(sa.text("SELECT id FROM articles")))


def test_directory_new_files_once_each_and_restart_free(tmp_path, monkeypatch):
    _fake_nlp_ingest(monkeypatch)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    engine = open_ledger(str(tmp_path / "l.db"))
    write_jsonl(inbox / "a.jsonl", make_records(3, prefix="a"))
    rounds = []
    first = watch(str(inbox), engine, object, once=True, settle=0, on_round=rounds.append)
    assert first.new == 3
    # a new file, and a file still being written (too fresh to read) in the same poll
    write_jsonl(inbox / "b.jsonl", make_records(2, prefix="b"))
    old = time.time() - 10
    for name in ("a.jsonl", "b.jsonl"):
        os.utime(inbox / name, (old, old))
    write_jsonl(inbox / "c.jsonl", make_records(2, prefix="c"))
    watcher = Watcher(str(inbox), settle=5)
    offered = watcher.poll()
    assert {a.id for a in offered} == {"a-000", "a-001", "a-002", "b-000", "b-001"}
    assert watcher.poll() == []  # nothing changed since: nothing read
    # a "restart": a new watcher, nothing new in the ledger twice, then the fresh file settles
    second = watch(str(inbox), engine, object, once=True, settle=0)
    assert (second.new, second.skipped) == (4, 3)
    assert _ids(engine) == sorted([f"{p}-{n:03d}" for p, k in (("a", 3), ("b", 2), ("c", 2))
                                   for n in range(k)])
    engine.dispose()


def test_feed_items_appear_and_corrupt_feed_is_a_problem(tmp_path, monkeypatch):
    _fake_nlp_ingest(monkeypatch)
    feed = tmp_path / "wire.xml"
    feed.write_text(FEED.format(items=ITEM.format(n=1)), encoding="utf-8")
    engine = open_ledger(str(tmp_path / "l.db"))
    assert watch(str(feed), engine, object, once=True, settle=0).new == 1
    feed.write_text(FEED.format(items=ITEM.format(n=1) + ITEM.format(n=2)), encoding="utf-8")
    again = watch(str(feed), engine, object, once=True, settle=0)
    assert (again.new, again.skipped) == (1, 1)
    assert _ids(engine) == ["wire-1", "wire-2"]
    feed.write_bytes(b"<?xml version='1.0'?><rss><channel><item><title>trunc")
    problems = []
    watch(str(feed), engine, object, once=True, settle=0, on_problem=problems.append)
    assert _ids(engine) == ["wire-1", "wire-2"]  # the ledger is untouched by a broken feed
    engine.dispose()


def test_cli_watch_once(tmp_path, parley_bin):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text("Envoys from Norland and Belmark met in Geneva on Monday "
                                    "and agreed to meet again next week.", encoding="utf-8")
    old = time.time() - 10
    os.utime(inbox / "note.txt", (old, old))
    db = tmp_path / "l.db"
    command = [parley_bin, "watch", str(inbox), "--db", str(db), "--once"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stderr.splitlines()[-1]
    again = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert "0 new, 1 already stored" in again.stderr.splitlines()[-1], again.stderr


def test_files_left_out_of_a_watched_folder_are_named_once(tmp_path):
    (tmp_path / "a.txt").write_text("Norland and Belmark met.", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    said = []
    watcher = Watcher(str(tmp_path), settle=0, on_problem=said.append)
    assert [a.id for a in watcher.poll()] == ["a"]
    (tmp_path / "b.txt").write_text("Belmark offered talks.", encoding="utf-8")
    watcher.poll()  # a second round: the same files are not named again
    assert sorted(os.path.basename(p.path) for p in said) == ["gone.txt", "paper.pdf"]
    assert all(not p.note and "skipped" in p.message for p in said)
