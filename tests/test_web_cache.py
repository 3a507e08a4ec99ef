"""The web API caches whole GET responses (`parley.web.cache`) and derived results (list totals,
actors, positions, shifts, timeline) per ledger version (`ledger_state.version`, bumped by a trigger on every change to `articles`,
migration 0003). These tests write through a separate engine, as `parley ingest` in another
process would, and check that the next read sees the new data, including an article replaced
within the same second under a reused SQLite rowid (what the old fingerprint missed).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from parley.ledger.store import open_ledger, write_article
from parley.reading import Article
from parley.web.app import create_app
from web_fixtures import ARTICLES, _analysis


def _write(url: str, *ids: str, text_suffix: str = "", max_acts: int | None = None) -> None:
    engine = open_ledger(url)  # a writer of its own, like `parley ingest`
    with engine.begin() as connection:
        for article_id, date, source, title, text in ARTICLES:
            if article_id in ids:
                article = Article(id=article_id, text=text + text_suffix, date=date, title=title,
                                  source=source)
                analysis = _analysis(article)
                analysis["acts"] = analysis["acts"][:max_acts]
                write_article(connection, article, analysis, "test")
    engine.dispose()


def _version(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version FROM ledger_state").scalar()
    engine.dispose()
    return version


RESPONSE_CACHE = pytest.mark.parametrize("response_cache", [True, False],
                                         ids=["response-cache", "no-response-cache"])


@RESPONSE_CACHE
def test_reads_after_an_ingest_see_the_new_data(tmp_path, response_cache):
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    _write(url, "web-a1")
    client = TestClient(create_app(url, response_cache=response_cache))

    def read():
        return {
            "articles": client.get("/api/articles").json()["total"],
            "acts": client.get("/api/acts").json()["total"],
            "actors": {a["id"]: a["n_articles"] for a in client.get("/api/actors").json()["items"]},
            "positions": {(p["actor"], p["issue"]): p["n_acts"]
                          for p in client.get("/api/positions").json()["items"]},
            "timeline": client.get("/api/timeline").json()["total"],
            "shifts": len(client.get("/api/shifts").json()["items"]),
            "overview": client.get("/").text,
        }

    first = read()
    assert read() == first  # served from the caches, same answer
    assert first["articles"] == 1 and first["acts"] == 2
    assert ("freedonia", "territory") not in first["positions"]
    assert "Freedonia rejects the demand" not in first["overview"]

    before = _version(url)
    _write(url, "web-a2", "web-a3")
    assert _version(url) > before
    second = read()
    assert second["articles"] == 3 and second["acts"] == 7
    assert second["actors"]["freedonia"] == 3
    assert second["positions"][("freedonia", "territory")] == 2  # reject, then accept
    assert second["positions"][("ruritania", "territory")] == 2  # demand, then concede
    assert second["timeline"] > first["timeline"]
    assert second["shifts"] >= 1  # Freedonia: against, then for
    assert "Freedonia rejects the demand" in second["overview"]


@RESPONSE_CACHE
def test_an_article_replaced_within_the_same_second_is_seen(tmp_path, response_cache):
    """Replacing the newest article deletes it and inserts it again: SQLite reuses its rowid,
    the count is unchanged and `ingested_at` has one-second resolution; the version still moves."""
    url = f"sqlite:///{tmp_path / 'replace.db'}"
    _write(url, "web-a1", "web-a2", "web-a3")
    client = TestClient(create_app(url, response_cache=response_cache))
    assert "A late correction." not in client.get("/api/articles/web-a3").json()["text"]
    assert client.get("/api/acts").json()["total"] == 7
    positions = {(p["actor"], p["issue"]) for p in client.get("/api/positions").json()["items"]}
    assert ("freedonia", "territory") in positions and ("ruritania", "ceasefire") in positions
    _write(url, "web-a3", text_suffix="\nA late correction.", max_acts=1)  # concede only
    assert client.get("/api/articles").json()["total"] == 3
    assert client.get("/api/acts").json()["total"] == 5
    positions = {(p["actor"], p["issue"]): p["n_acts"]
                 for p in client.get("/api/positions").json()["items"]}
    assert ("ruritania", "ceasefire") not in positions
    assert positions[("freedonia", "territory")] == 1
    assert "A late correction." in client.get("/api/articles/web-a3").json()["text"]
    assert "A late correction." in client.get("/articles/web-a3").text


@RESPONSE_CACHE
def test_a_delete_by_hand_is_seen(tmp_path, response_cache):
    """The trigger bumps the version whoever writes, plain SQL included."""
    url = f"sqlite:///{tmp_path / 'delete.db'}"
    _write(url, "web-a1", "web-a2")
    client = TestClient(create_app(url, response_cache=response_cache))
    assert client.get("/api/articles").json()["total"] == 2
    assert ("freedonia", "territory") in {
        (p["actor"], p["issue"]) for p in client.get("/api/positions").json()["items"]}
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for table in ("actors", "quotes", "acts", "times", "places"):
            connection.exec_driver_sql(f"DELETE FROM {table} WHERE article_id = 'web-a2'")
        connection.exec_driver_sql("DELETE FROM articles WHERE id = 'web-a2'")
    engine.dispose()
    assert client.get("/api/articles").json()["total"] == 1
    assert ("freedonia", "territory") not in {
        (p["actor"], p["issue"]) for p in client.get("/api/positions").json()["items"]}


def test_response_cache_hits_etags_and_leaves_errors_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'etag.db'}"
    _write(url, "web-a1")
    client = TestClient(create_app(url))
    first = client.get("/api/acts?limit=5")
    second = client.get("/api/acts?limit=5")
    assert first.headers["x-parley-cache"] == "miss" and second.headers["x-parley-cache"] == "hit"
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert second.headers["content-type"] == "application/json"
    assert client.get("/api/acts?limit=6").headers["x-parley-cache"] == "miss"  # other query
    page = client.get("/actors/ruritania")
    assert client.get("/actors/ruritania").text == page.text
    assert page.headers["content-type"].startswith("text/html")
    unchanged = client.get("/api/acts?limit=5", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    for _ in range(2):  # errors are never stored
        missing = client.get("/api/articles/nope")
        assert missing.status_code == 404 and "x-parley-cache" not in missing.headers
        bad = client.get("/api/acts?limit=0")
        assert bad.status_code == 422 and bad.json()["error"].startswith("invalid request")
    static = client.get("/static/parley.js")
    assert static.status_code == 200 and "x-parley-cache" not in static.headers
    _write(url, "web-a2")
    after = client.get("/api/acts?limit=5")
    assert after.headers["x-parley-cache"] == "miss" and after.json()["total"] == 4
    assert after.headers["etag"] != first.headers["etag"]
    stale = client.get("/api/acts?limit=5", headers={"If-None-Match": first.headers["etag"]})
    assert stale.status_code == 200


def test_no_response_cache_runs_every_request(tmp_path):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    _write(url, "web-a1")
    client = TestClient(create_app(url, response_cache=False))
    for _ in range(2):
        assert "x-parley-cache" not in client.get("/api/acts").headers
