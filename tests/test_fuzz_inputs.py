"""Fuzz: random bytes and random Unicode to POST /api/analyze, /api/search and the watcher's
readers never raise an unhandled exception (a bad request is a 4xx, never a 500).

The readers themselves are fuzzed in tests/test_reading.py; the ledger is an empty SQLite file.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

fastapi_testclient = pytest.importorskip("fastapi.testclient")

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from parley.ledger.store import open_ledger
    from parley.web.app import create_app

    db = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    open_ledger(f"sqlite:///{db}").dispose()
    # raise_server_exceptions: an unhandled exception in the app fails the test
    with fastapi_testclient.TestClient(create_app(f"sqlite:///{db}")) as test_client:
        yield test_client


@FUZZ
@given(text=st.text(min_size=1, max_size=400), title=st.one_of(st.none(), st.text(max_size=50)),
       date=st.one_of(st.none(), st.text(max_size=12)))
def test_analyze_random_unicode(client, text, title, date):
    response = client.post("/api/analyze", json={"text": text, "title": title, "date": date})
    assert response.status_code < 500
    if response.status_code == 200:
        assert response.json()["article"]["text"] == text


@FUZZ
@given(body=st.binary(max_size=600))
def test_analyze_random_bytes(client, body):
    response = client.post("/api/analyze", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code < 500


@FUZZ
@given(payload=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                            lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(st.sampled_from(["text", "id", "date", "x"]),
                                              inner, max_size=4), max_leaves=8))
def test_analyze_random_json(client, payload):
    response = client.post("/api/analyze", content=json.dumps(payload),
                           headers={"content-type": "application/json"})
    assert response.status_code < 500


@FUZZ
@given(query=st.text(min_size=1, max_size=60))
def test_search_random_unicode(client, query):
    assert client.get("/api/search", params={"q": query}).status_code < 500


@FUZZ
@given(data=st.binary(max_size=800), suffix=st.sampled_from([".xml", ".jsonl", ".txt", ".html"]))
def test_watcher_random_files(tmp_path_factory, data, suffix):
    from parley.watch import Watcher

    inbox = tmp_path_factory.mktemp("inbox")
    (inbox / f"f{suffix}").write_bytes(data)
    Watcher(str(inbox), settle=0).poll()
