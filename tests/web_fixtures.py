"""A small real SQLite ledger for the web tests: hand-written articles (our own sentences) with
contract-shaped analyses written through the ledger's own `write_article`, plus the
repository's examples/ run through the real pipeline and `ingest` (skip: PARLEY_WEB_SKIP_EXAMPLES=1).

The hand-written analyses are spelled out rather than produced by the pipeline so that the tests
see positions, a shift, regions and anonymous sourcing whatever the extraction stages currently
emit, and so that the suite stays well under its time budget.
"""

from __future__ import annotations

import os
from pathlib import Path

from parley.ledger.store import open_ledger, write_article
from parley.reading import Article

ROOT = Path(__file__).resolve().parents[1]

#: (id, date, source, title, text)
ARTICLES = [
    ("web-a1", "2025-03-01", "Example Wire", "Ruritania demands the northern provinces",
     "Ruritania demanded that Freedonia withdraw from the provinces of Norland and Sudland, "
     "President Anna Vogel said on Saturday.\n"
     "\"We will not sign anything without Norland,\" Vogel told reporters.\n"
     "A diplomatic source said talks could resume in Geneva on 20 March."),
    ("web-a2", "2025-03-10", "Example Post", "Freedonia rejects the demand",
     "Freedonia rejected the demand for Norland on Monday.\n"
     "\"Our land is not for sale,\" said Prime Minister Rufus Firefly.\n"
     "The two sides will meet in Geneva on 20 March, officials said."),
    ("web-a3", "2025-05-02", "Example Wire", "Ruritania softens its line",
     "Ruritania offered to drop its claim to Sudland in exchange for a ceasefire, Anna Vogel "
     "announced.\n"
     "\"Peace is worth a compromise,\" Vogel said.\n"
     "An official who asked not to be named said Freedonia would accept the offer."),
]


def _span(text: str, needle: str, occurrence: int = 1) -> list[int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return [start, start + len(needle)]


def _analysis(article: Article) -> dict:
    t = article.text
    actors = [
        {"id": "anna-vogel", "name": "Anna Vogel", "type": "person", "country": "RU",
         "aliases": [], "mentions": [_span(t, "Vogel")] if "Vogel" in t else []},
        {"id": "ruritania", "name": "Ruritania", "type": "state", "country": None,
         "aliases": [], "mentions": [_span(t, "Ruritania")] if "Ruritania" in t else []},
        {"id": "freedonia", "name": "Freedonia", "type": "state", "country": None,
         "aliases": [], "mentions": [_span(t, "Freedonia")] if "Freedonia" in t else []},
    ]
    quotes, acts, times, places = [], [], [], []
    if article.id == "web-a1":
        quotes = [
            {"id": "q1", "kind": "direct", "segments": [_span(t, "We will not sign anything without Norland,")],
             "cue": {"text": "told", "span": _span(t, "told")},
             "speaker": {"actor": "anna-vogel", "anonymous": None,
                         "mention": _span(t, "Vogel", 2), "anonymity": "named"},
             "confidence": 0.9},
            {"id": "q2", "kind": "indirect", "segments": [_span(t, "talks could resume in Geneva on 20 March")],
             "cue": {"text": "said", "span": _span(t, "said", 2)},
             "speaker": {"actor": None, "anonymous": "A diplomatic source",
                         "mention": _span(t, "A diplomatic source"), "anonymity": "anonymous"},
             "confidence": 0.7},
        ]
        acts = [
            _act("act-1", "demand", "ruritania", "freedonia", "territory", ["XR-NO", "XR-SU"],
                 _span(t, "Ruritania demanded that Freedonia withdraw from the provinces of "
                          "Norland and Sudland"), t),
            _act("act-2", "meet", "ruritania", "freedonia", "talks_format", [],
                 _span(t, "talks could resume in Geneva on 20 March"), t, time="2025-03-20",
                 anonymous="A diplomatic source", quote="q2"),
        ]
        times = [{"span": _span(t, "20 March"), "text": "20 March", "type": "date",
                  "value": "2025-03-20", "anchor": "article"}]
        places = [
            {"span": _span(t, "Norland"), "text": "Norland", "name": "Norland", "code": "XR-NO",
             "lat": 50.0, "lon": 30.0, "kind": "region"},
            {"span": _span(t, "Sudland"), "text": "Sudland", "name": "Sudland", "code": "XR-SU",
             "lat": 47.0, "lon": 33.0, "kind": "region"},
            {"span": _span(t, "Geneva"), "text": "Geneva", "name": "Geneva", "code": None,
             "lat": 46.2, "lon": 6.1, "kind": "city"},
        ]
    elif article.id == "web-a2":
        actors.append({"id": "rufus-firefly", "name": "Rufus Firefly", "type": "person",
                       "country": None, "aliases": [], "mentions": [_span(t, "Rufus Firefly")]})
        quotes = [{"id": "q1", "kind": "direct", "segments": [_span(t, "Our land is not for sale,")],
                   "cue": {"text": "said", "span": _span(t, "said")},
                   "speaker": {"actor": "rufus-firefly", "anonymous": None,
                               "mention": _span(t, "Rufus Firefly"), "anonymity": "named"},
                   "confidence": 0.9}]
        acts = [
            _act("act-1", "reject", "freedonia", "ruritania", "territory", [],
                 _span(t, "Freedonia rejected the demand for Norland"), t),
            _act("act-2", "meet", "freedonia", "ruritania", "talks_format", [],
                 _span(t, "The two sides will meet in Geneva on 20 March"), t, time="2025-03-20"),
        ]
        times = [{"span": _span(t, "20 March"), "text": "20 March", "type": "date",
                  "value": "2025-03-20", "anchor": "article"}]
    else:
        quotes = [
            {"id": "q1", "kind": "direct", "segments": [_span(t, "Peace is worth a compromise,")],
             "cue": {"text": "said", "span": _span(t, "said")},
             "speaker": {"actor": "anna-vogel", "anonymous": None,
                         "mention": _span(t, "Vogel", 2), "anonymity": "named"},
             "confidence": 0.9},
            {"id": "q2", "kind": "indirect", "segments": [_span(t, "Freedonia would accept the offer")],
             "cue": {"text": "said", "span": _span(t, "said", 2)},
             "speaker": {"actor": None, "anonymous": "An official who asked not to be named",
                         "mention": _span(t, "An official who asked not to be named"),
                         "anonymity": "anonymous"},
             "confidence": 0.6},
        ]
        acts = [
            _act("act-1", "concede", "ruritania", "freedonia", "territory", ["XR-SU"],
                 _span(t, "Ruritania offered to drop its claim to Sudland"), t,
                 modality="conditional"),
            _act("act-2", "propose", "ruritania", "freedonia", "ceasefire", [],
                 _span(t, "in exchange for a ceasefire"), t, quote="q1"),
            _act("act-3", "accept", "freedonia", "ruritania", "territory", [],
                 _span(t, "Freedonia would accept the offer"), t, quote="q2",
                 anonymous="An official who asked not to be named", modality="hedged"),
        ]
    return {"article": article.contract_record(), "actors": actors, "quotes": quotes,
            "acts": acts, "times": times, "places": places, "warnings": []}


def _act(act_id, type_, actor, target, issue, regions, evidence, text, *, time=None,
         anonymous=None, quote=None, modality="asserted") -> dict:
    return {"id": act_id, "type": type_, "actor": actor, "target": target, "issue": issue,
            "object": None, "regions": regions, "polarity": "positive", "modality": modality,
            "condition": None, "time": time,
            "source": {"quote": quote, "actor": None, "anonymous": anonymous},
            "evidence": evidence, "confidence": 0.8}


def build_ledger(path: Path) -> str:
    """Create the ledger file at `path`; return its URL."""
    url = f"sqlite:///{path}"
    engine = open_ledger(url)
    with engine.begin() as connection:
        for article_id, date, source, title, text in ARTICLES:
            article = Article(id=article_id, text=text, date=date, title=title, source=source)
            write_article(connection, article, _analysis(article), "test")
    if os.environ.get("PARLEY_WEB_SKIP_EXAMPLES") != "1":
        from parley.cli import Problems
        from parley.ledger.ingest import ingest
        from parley.pipeline import load_pipeline

        ingest(Problems().articles([str(ROOT / "examples")]), engine, load_pipeline)
    engine.dispose()
    return url


class LiveServer:
    """uvicorn serving `app` on a free loopback port in a thread, for httpx and the browser."""

    def __init__(self, app) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
