"""The REST API, with httpx against the real app served by uvicorn on loopback, over a real
SQLite ledger: hand-written articles plus examples/ ingested by the pipeline (tests/web_fixtures.py).
"""

from __future__ import annotations

import httpx
import pytest

from web_fixtures import LiveServer, build_ledger

from parley.web.app import create_app


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory) -> str:
    return build_ledger(tmp_path_factory.mktemp("web") / "ledger.db")


@pytest.fixture(scope="module")
def app(ledger_url):
    return create_app(ledger_url)


@pytest.fixture(scope="module")
def api(app):
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def ids(page: dict, key: str = "id") -> list:
    return [item[key] for item in page["items"]]


def test_lists_are_paginated_envelopes(api):
    everything = api.get("/api/articles", params={"limit": 500}).json()
    assert everything["total"] >= 3 and len(everything["items"]) == everything["total"]
    second = api.get("/api/articles", params={"limit": 1, "offset": 1}).json()
    assert second["total"] == everything["total"]
    assert ids(second) == ids(everything)[1:2]
    dated = [item["date"] for item in everything["items"] if item["date"]]
    assert dated == sorted(dated, reverse=True), "newest first"
    for route in ("actors", "quotes", "acts", "positions", "timeline"):
        body = api.get(f"/api/{route}", params={"limit": 2}).json()
        assert set(body) >= {"total", "limit", "offset", "items"} and len(body["items"]) <= 2


def test_filters_by_date_actor_issue_and_source(api):
    march = api.get("/api/articles", params={"date_from": "2025-03-01", "date_to": "2025-03-31"})
    assert {"web-a1", "web-a2"} <= set(ids(march.json()))
    assert "web-a3" not in ids(march.json())
    wire = api.get("/api/articles", params={"source": "Example Wire"}).json()
    assert set(ids(wire)) == {"web-a1", "web-a3"}
    acts = api.get("/api/acts", params={"actor": "ruritania", "issue": "territory"}).json()
    assert acts["total"] == 2 and {a["type"] for a in acts["items"]} == {"demand", "concede"}
    by_firefly = api.get("/api/articles", params={"actor": "rufus-firefly"}).json()
    assert ids(by_firefly) == ["web-a2"]


def test_article_carries_every_row_and_its_evidence(api):
    article = api.get("/api/articles/web-a1").json()
    assert article["text"].startswith("Ruritania demanded")
    demand = next(a for a in article["acts"] if a["type"] == "demand")
    start, end = demand["evidence_start"], demand["evidence_end"]
    assert article["text"][start:end] == demand["evidence_text"]
    assert {q["anonymity"] for q in article["quotes"]} == {"named", "anonymous"}
    assert {p["code"] for p in article["places"]} >= {"XR-NO", "XR-SU"}


def test_unknown_ids_are_json_404s(api):
    for path in ("/api/articles/no-such-article", "/api/actors/no-such-actor", "/api/nothing"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 100000}, {"offset": -1}, {"offset": 10**30}, {"date_from": "March"},
    {"date_to": "2025-3-1"}, {"limit": "many"},
])
def test_bad_parameters_are_422_with_a_message(api, params):
    response = api.get("/api/acts", params=params)
    assert response.status_code == 422
    body = response.json()
    assert "invalid request" in body["error"] and body["details"][0]["where"].startswith("query")


def test_positions_are_derived_from_acts(api):
    actor = api.get("/api/actors/ruritania").json()
    territory = next(p for p in actor["positions"] if p["issue"] == "territory")
    assert territory["counts"] == {"demand": 1, "concede": 1}
    assert (territory["first_seen"], territory["last_seen"]) == ("2025-03-01", "2025-05-02")
    assert territory["regions"] == ["XR-NO", "XR-SU"]
    freedonia = api.get("/api/positions", params={"actor": "freedonia", "issue": "territory"})
    [position] = freedonia.json()["items"]
    assert position["anonymous_share"] == 0.5  # the accept comes from an unnamed official
    assert position["stance"] == "for"  # latest: accept


def test_shifts_and_contradictions_say_how_they_were_computed(api):
    shifts = api.get("/api/shifts", params={"actor": "freedonia"}).json()
    contradictions = api.get("/api/contradictions").json()
    assert shifts["note"] and contradictions["note"]
    try:
        import parley.positions  # noqa: F401
    except ImportError:
        assert shifts["items"] == [] and "not available" in shifts["note"]
        return
    [shift] = [s for s in shifts["items"] if s["issue"] == "territory"]
    assert (shift["before"]["type"], shift["after"]["type"]) == ("reject", "accept")
    assert shift["after"]["article_id"] == "web-a3"


def test_quotes_by_and_about_an_actor(api):
    by = api.get("/api/quotes", params={"actor": "anna-vogel"}).json()
    assert by["total"] == 2 and all(q["speaker_actor"] == "anna-vogel" for q in by["items"])
    about = api.get("/api/quotes", params={"about": "freedonia"}).json()
    assert about["items"] and all(q["speaker_actor"] != "freedonia" for q in about["items"])
    anonymous = api.get("/api/quotes", params={"anonymity": "anonymous"}).json()
    assert anonymous["total"] >= 2 and all(q["speaker_anonymous"] for q in anonymous["items"])
    assert api.get("/api/quotes", params={"anonymity": "secret"}).status_code == 422


def test_timeline_marks_scheduled_meetings(api):
    events = api.get("/api/timeline", params={"actor": "ruritania", "limit": 500}).json()["items"]
    meeting = next(e for e in events if e["type"] == "meet")
    assert meeting["when"] == "2025-03-20" and meeting["scheduled"] is True
    whens = [e["when"] for e in events]
    assert whens == sorted(whens)


@pytest.mark.parametrize("query", ["Norland", "norland Freedonia", '"Our land', "U.S.-led (talks)",
                                   "NEAR(", "*", "a AND OR"])
def test_search_never_fails_on_user_input(api, query):
    response = api.get("/api/search", params={"q": query})
    assert response.status_code in (200, 400), response.text
    if query.startswith("Norland"):
        assert "web-a1" in [hit["article_id"] for hit in response.json()["articles"]]


def test_search_finds_quotes(api):
    hits = api.get("/api/search", params={"q": "sale"}).json()
    assert [(h["article_id"], h["speaker_actor"]) for h in hits["quotes"]] == [
        ("web-a2", "rufus-firefly")]
    assert api.get("/api/search").status_code == 422


def test_examples_are_ingested_through_the_pipeline(api):
    articles = api.get("/api/articles", params={"limit": 500}).json()
    example_ids = [i for i in ids(articles) if not i.startswith("web-")]
    if not example_ids:
        pytest.skip("examples not ingested (PARLEY_WEB_SKIP_EXAMPLES=1)")
    for article_id in example_ids:
        article = api.get(f"/api/articles/{article_id}").json()
        for act in article["acts"]:
            if act["evidence_start"] is not None:
                assert article["text"][act["evidence_start"]:act["evidence_end"]] == \
                    act["evidence_text"]


def test_analyze_does_not_store(api):
    before = api.get("/api/articles").json()["total"]
    text = "Ruritania rejected the proposal on Tuesday, its foreign minister said."
    response = api.post("/api/analyze", json={"text": text, "date": "2025-06-03"})
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["article"]["text"] == text and isinstance(record["acts"], list)
    assert api.get("/api/articles").json()["total"] == before
    assert api.post("/api/analyze", json={"text": ""}).status_code == 422
    assert api.post("/api/analyze", content=b"not json",
                    headers={"content-type": "application/json"}).status_code == 422


def test_openapi_documents_every_route(api):
    spec = api.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/actors", "/api/quotes",
                 "/api/acts", "/api/positions", "/api/shifts", "/api/contradictions",
                 "/api/timeline", "/api/search", "/api/analyze"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/acts"]["get"]["parameters"]}
    assert params >= {"date_from", "date_to", "actor", "issue", "source", "limit", "offset"}


def test_schemathesis_finds_no_server_error(api, tmp_path):
    """Property-based requests from the OpenAPI spec: no 500, documented statuses, Allow on 405.
    `/api/analyze` is left out here (each case runs the pipeline); docs/web.md has a run on it."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("schemathesis is not installed")
    result = subprocess.run(
        [cli, "run", str(api.base_url.join("/openapi.json")),
         "--checks", "all", "--max-examples", "5", "--phases", "fuzzing", "--seed", "1",
         "--exclude-path", "/api/analyze", "--no-color"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
