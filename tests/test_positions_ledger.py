"""Positions end to end: a corpus we wrote (tests/data/positions_corpus.jsonl) through the real
pipeline into a real SQLite ledger, then `parley positions`, `shifts`, `timeline` and `export`.

Known answers: Ukraine rejects a ceasefire on 1 March and accepts one on 20 March (a shift); two
outlets carry Russia's same sanctions demand on 4 March (one statement, two sources); on 5 March one
outlet says the United States supports a leaders' summit, another quotes Marco Rubio saying it
opposes one (a contradiction).
"""

import json
import subprocess
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

CORPUS = Path(__file__).parent / "data" / "positions_corpus.jsonl"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    import sys

    parley = str(Path(sys.executable).parent / "parley")
    db = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'positions.db'}"
    result = subprocess.run([parley, "ingest", str(CORPUS), "--db", db], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return parley, db


def cli(ledger, *args):
    parley, db = ledger
    result = subprocess.run([parley, *args, "--db", db], capture_output=True, text=True,
                            timeout=300, env={"COLUMNS": "250", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def analysed(ledger):
    from parley.ledger.store import open_ledger
    from parley.positions import analyse_positions, load_act_rows

    return analyse_positions(load_act_rows(open_ledger(ledger[1], write=False)))


def test_two_outlets_one_statement(ledger):
    positions = {(p.actor, p.issue): p for p in analysed(ledger)["positions"]}
    sanctions = positions[("russia", "sanctions")].as_dict()
    assert sanctions["n_statements"] == 1 and sanctions["n_sources"] == 2
    assert sanctions["timeline"][0]["outlets"] == ["Herald", "Wire"]


def test_shift_and_contradiction_are_flagged_with_evidence(ledger):
    result = analysed(ledger)
    assert [(s["actor"], s["issue"], s["before"]["type"], s["after"]["type"])
            for s in result["shifts"]] == [("ukraine", "ceasefire", "reject", "accept")]
    [contradiction] = result["contradictions"]
    assert (contradiction["actor"], contradiction["issue"]) == ("united-states", "talks_format")
    assert {contradiction["before"]["outlet"], contradiction["after"]["outlet"]} == \
        {"Wire", "Herald"}
    assert "opposes a leaders' summit" in (contradiction["before"]["evidence"]
                                            + contradiction["after"]["evidence"])


def test_terminal_commands_show_them(ledger):
    shifts = cli(ledger, "shifts")
    assert "shift" in shifts and "contradiction" in shifts
    assert "Ukraine rejected the ceasefire proposal" in shifts
    positions = cli(ledger, "positions", "--actor", "ukraine")
    assert "ceasefire" in positions and "russia" not in positions
    timeline = cli(ledger, "timeline", "--since", "2025-03-04", "--until", "2025-03-04")
    assert "Herald, Wire" in timeline and "ceasefire" not in timeline


def test_exports(ledger, tmp_path):
    for suffix in ("csv", "jsonl", "parquet"):
        cli(ledger, "export", "acts", str(tmp_path / f"acts.{suffix}"))
    rows = [json.loads(l) for l in (tmp_path / "acts.jsonl").read_text().splitlines()]
    assert {(r["actor"], r["type"], r["plover"]) for r in rows} >= {
        ("ukraine", "reject", "REJECT"), ("russia", "demand", "REQUEST")}
    assert pq.read_table(tmp_path / "acts.parquet").num_rows == len(rows)
    assert (tmp_path / "acts.csv").read_text().count("\n") == len(rows) + 1
    cli(ledger, "export", "positions", str(tmp_path / "positions.csv"))
    cli(ledger, "export", "actor-issue", str(tmp_path / "stances.graphml"))
    graph = nx.read_graphml(tmp_path / "stances.graphml")
    assert graph.has_edge("ukraine", "issue:ceasefire")
    cli(ledger, "export", "agreement", str(tmp_path / "agreement.gexf"))
    assert nx.read_gexf(tmp_path / "agreement.gexf").number_of_nodes() >= 3


def test_the_readers_packet_shows_each_flag_and_sampled_position_in_its_paragraph(ledger, tmp_path):
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench" / "positions_packet.py"
    out = tmp_path / "packet.md"
    result = subprocess.run([sys.executable, str(bench), "--db", ledger[1], "--texts", str(CORPUS),
                             "--n", "3", "--out", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    packet = out.read_text("utf-8")
    assert packet.startswith("# Flags (2)")           # the shift and the contradiction
    assert "## F1: " in packet and "## F2: " in packet
    assert packet.count("## P") == 3
    # every evidence sits in bold inside text of the corpus, never "(text not found)"
    texts = [json.loads(line)["text"] for line in CORPUS.read_text("utf-8").splitlines() if line]
    bold = [line.split("**")[1] for line in packet.splitlines() if line.startswith("  > ")
            or line.startswith("> ")]
    assert bold and all(any(b in t for t in texts) for b in bold)
    assert "(text not found)" not in packet
