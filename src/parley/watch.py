"""`parley watch DIR|FEED`: ingest new files or feed items as they appear.

There is no state file: the ledger is the state. Every poll reads what changed and hands it to
the ordinary ingest, which drops every article whose content hash is stored before any NLP runs.
A restart (or a `kill -9`) therefore costs one re-read and re-hash of the inputs and nothing
else, and never stores an article twice.

A directory is polled by file signature (path, size, mtime): a poll with no new or changed file
does not read anything. Files modified less than `settle` seconds ago are left for the next
poll, so a file still being written (copied, downloaded) is not read half-way; JSONL files that
grow line by line are re-read when they change, their old lines skipped by hash. A feed (a local
.xml/.rss/.atom file, or an http(s) URL fetched each poll) is re-read whole; feed items already
stored are skipped the same way.
"""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .ledger.ingest import IngestStats, ingest
from .reading import Article, ReadProblem, read_feed_file, read_inputs, scan_dir

Signature = tuple[int, int]  # size, mtime_ns


@dataclass
class Watcher:
    """Polls one target; `poll()` yields the articles to offer to ingest this round."""

    target: str
    settle: float = 1.0
    on_problem: Callable[[ReadProblem], None] = lambda problem: None
    seen: dict[str, Signature] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)  # files left out, each said once

    @property
    def is_url(self) -> bool:
        return self.target.startswith(("http://", "https://"))

    def poll(self) -> list[Article]:
        if self.is_url:
            return self._articles(self._fetch())
        path = Path(self.target)
        if not path.exists():
            self.on_problem(ReadProblem(self.target, "no such file or directory (yet)"))
            return []
        entries = scan_dir(path) if path.is_dir() else [path]
        for entry in entries:
            if isinstance(entry, ReadProblem) and entry.path not in self.skipped:
                self.skipped.add(entry.path)
                self.on_problem(entry)
        files = [entry for entry in entries if isinstance(entry, Path)]
        now = time.time_ns()
        settled, changed = [], set()
        for file in files:
            try:
                stat = file.stat()
            except OSError:  # deleted between listing and stat
                continue
            if now - stat.st_mtime_ns < self.settle * 1e9:
                continue  # still being written, perhaps: next poll
            settled.append(file)
            signature = (stat.st_size, stat.st_mtime_ns)
            if self.seen.get(str(file)) != signature:
                changed.add(str(file))
                self.seen[str(file)] = signature
        if not changed:
            return []
        # All settled files, read together as `parley ingest DIR` would (same duplicate-id
        # renaming); unchanged ones cost a read and a hash, and only new problems are shown.
        return self._articles(read_inputs([str(file) for file in settled]), changed)

    def _fetch(self) -> Iterator:
        try:
            with urllib.request.urlopen(self.target, timeout=30) as response:
                data = response.read()
        except (OSError, ValueError) as error:
            self.on_problem(ReadProblem(self.target, f"cannot fetch feed: {error}"))
            return iter(())
        return read_feed_file(data, self.target, "feed")

    def _articles(self, items, changed: set[str] | None = None) -> list[Article]:
        articles = []
        for item in items:
            if isinstance(item, ReadProblem):
                if changed is None or item.path in changed:
                    self.on_problem(item)
            else:
                articles.append(item)
        return articles


def watch(target: str, engine, load_nlp: Callable[[], object], *, interval: float = 30.0,
          once: bool = False, settle: float = 1.0, n_process: int = 1, analyser=None,
          on_problem: Callable[[ReadProblem], None] = lambda problem: None,
          on_round: Callable[[IngestStats], None] = lambda stats: None,
          sleep: Callable[[float], None] = time.sleep) -> IngestStats:
    """Poll `target` every `interval` seconds (once with `once`) and ingest what is new.

    `analyser` (see `parley.ledger.ingest`) replaces the local spaCy path, e.g. a Ray engine's;
    it is only called for a poll that found articles not yet stored.
    """
    watcher = Watcher(target, settle=settle, on_problem=on_problem)
    total = IngestStats()
    while True:
        articles = watcher.poll()
        if articles:
            stats = ingest(articles, engine, load_nlp, n_process=n_process,
                           analyser=analyser, on_problem=on_problem)
            total.new += stats.new
            total.skipped += stats.skipped
            total.failed += stats.failed
            total.replaced += stats.replaced
            on_round(stats)
        if once:
            return total
        sleep(interval)
