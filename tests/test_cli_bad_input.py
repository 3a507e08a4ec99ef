"""The command line on bad input and in small terminals, as a user or a script meets it: exit
codes, one line on stderr, nothing created or cut. Each test runs the real `parley` in a
subprocess; none loads the spaCy model (the ledger below is written from hand-made analyses)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from parley import __version__
from parley.ledger.store import open_ledger, write_article
from parley.reading import Article

REPO = Path(__file__).resolve().parents[1]
PARLEY = str(Path(sys.executable).parent / "parley")


def run(*args, cwd=None, columns: int = 120, timeout: int = 120):
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([PARLEY, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


def one_error_line(result) -> str:
    """stderr holds exactly one line, an `error:` without a traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# ---- item 9: --version, the license field --------------------------------------------------------

def test_version_from_the_script_and_from_python_dash_m():
    assert run("--version").stdout.strip() == f"parley {__version__}"
    module = subprocess.run([sys.executable, "-m", "parley", "--version"], capture_output=True,
                            text=True, timeout=60)
    assert module.returncode == 0 and module.stdout.strip() == f"parley {__version__}"


def test_license_is_an_spdx_expression_that_setuptools_reads_without_a_warning():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]  # PEP 639 support


# ---- item 1: broken UTF-8 ------------------------------------------------------------------------

def test_broken_utf8_is_reported_on_stderr_with_exit_1_and_never_decoded(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("Zelensky said “no” to the plan — Kyiv’s position.\n".encode()
                     + b"Then \xff the talks resumed.")
    result = run("analyze", path, "-f", "jsonl")
    assert result.returncode == 1 and result.stdout == ""
    assert f"error: {path}: not valid UTF-8 (byte 0xFF at line 2, column 6)" in result.stderr
    assert "Traceback" not in result.stderr


# ---- item 3: output paths checked first ----------------------------------------------------------

def test_analyze_refuses_an_unwritable_output_before_reading_anything(tmp_path):
    result = run("analyze", tmp_path / "missing-input.txt", "-o", "/missing/dir/out.json")
    assert result.returncode == 2
    line = one_error_line(result)  # the input's own problem is never reached
    assert line == ("error: cannot write /missing/dir/out.json: directory /missing/dir does "
                    "not exist")
    directory = run("analyze", tmp_path / "x.txt", "-o", tmp_path)
    assert directory.returncode == 2 and "is a directory" in one_error_line(directory)


def test_export_to_a_missing_folder_is_one_line_not_a_traceback(tmp_path):
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert run("db", "upgrade", "--db", db).returncode == 0
    result = run("export", "positions", "/missing/dir/x.csv", "--db", db)
    assert result.returncode == 2
    assert one_error_line(result) == ("error: cannot write /missing/dir/x.csv: directory "
                                      "/missing/dir does not exist")


def test_eval_gold_checks_its_json_path_before_scoring(tmp_path):
    result = run("eval", "gold", tmp_path / "no-gold", "--json", "/missing/dir/gold.json")
    assert result.returncode == 2  # the missing gold folder is never reached
    assert "cannot write /missing/dir/gold.json" in one_error_line(result)


# ---- item 4: reading commands never create a ledger ----------------------------------------------

@pytest.mark.parametrize("command", [["positions"], ["timeline"], ["shifts"],
                                     ["export", "acts", "acts.csv"], ["db", "search", "truce"],
                                     ["serve", "--port", "8765"]],
                         ids=lambda c: " ".join(c[:2]))
def test_reading_commands_say_there_is_no_ledger_and_create_none(tmp_path, command):
    result = run(*command, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "no ledger at parley.db" in line
    assert "parley ingest FILES --db sqlite:///parley.db" in line
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_no_ledger_either(tmp_path):
    (tmp_path / "empty.db").touch()
    result = run("positions", "--db", tmp_path / "empty.db")
    assert result.returncode == 2 and "holds no Parley ledger" in one_error_line(result)


# A ledger written from hand-made analyses: Putin rejects a ceasefire on 1 March (Wire) and accepts
# one on 20 March (Gazette), a shift; Zelensky demands security guarantees on 2 March.
STORIES = [
    ("wire-1", "2025-03-01", "Wire", "vladimir-putin", "reject", "ceasefire",
     "Vladimir Putin rejected the ceasefire proposal, calling it a trap."),
    ("herald-1", "2025-03-02", "Herald", "volodymyr-zelensky", "demand", "security_guarantees",
     "Volodymyr Zelensky demanded security guarantees from Europe."),
    ("gazette-1", "2025-03-20", "Gazette", "vladimir-putin", "accept", "ceasefire",
     "Vladimir Putin accepted a 30-day ceasefire after talks in Jeddah."),
]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'parley.db'}"
    engine = open_ledger(db)
    for article_id, date, outlet, actor, act, issue, text in STORIES:
        article = Article(id=article_id, text=text, date=date, source=outlet)
        analysis = {"article": article.contract_record(), "actors": [], "quotes": [],
                    "times": [], "places": [], "warnings": [],
                    "acts": [{"id": "a1", "type": act, "actor": actor, "target": None,
                              "issue": issue, "object": issue.split("_")[0], "regions": [],
                              "polarity": "positive", "modality": "asserted", "condition": None,
                              "time": None, "source": None, "evidence": [0, len(text) - 1]}]}
        with engine.begin() as connection:
            write_article(connection, article, analysis)
    engine.dispose()
    return db


@pytest.mark.parametrize("option, value, suggestion", [
    ("--actor", "putin", "did you mean vladimir-putin?"),
    ("--actor", "zelensky", "did you mean volodymyr-zelensky?"),
    ("--issue", "ceasfire", "did you mean ceasefire?"),
])
def test_an_unknown_id_is_an_error_with_the_closest_ids(ledger, option, value, suggestion):
    result = run("positions", "--db", ledger, option, value)
    assert result.returncode == 2 and result.stdout == ""
    assert one_error_line(result).endswith(suggestion)


def test_a_known_actor_still_lists_its_positions(ledger):
    result = run("positions", "--db", ledger, "--actor", "vladimir-putin", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert [(p["actor"], p["issue"]) for p in json.loads(result.stdout)] == [
        ("vladimir-putin", "ceasefire")]


# ---- item 7: 80 columns, and csv/json for scripts ------------------------------------------------

def fits(output: str, columns: int = 80) -> None:
    """Nothing cut with an ellipsis, no line wider than the terminal."""
    assert "…" not in output
    assert max(len(line) for line in output.splitlines()) <= columns


def test_positions_at_80_columns_keep_dates_and_numbers_whole(ledger):
    output = run("positions", "--db", ledger, columns=80).stdout
    fits(output)
    for value in ("2025-03-01", "2025-03-20", "2025-03-02", "0%", "vladimir-putin"):
        assert value in output


def test_timeline_and_shifts_at_80_columns_give_evidence_a_line_of_its_own(ledger):
    timeline = run("timeline", "--db", ledger, columns=80).stdout
    fits(timeline)
    lines = [line.strip() for line in timeline.splitlines()]
    for *_, text in STORIES:  # each evidence (under 76 characters) whole, on its own line
        assert text[:-1] in lines
    shifts = run("shifts", "--db", ledger, columns=80).stdout
    fits(shifts)
    assert "shift  vladimir-putin  ceasefire" in shifts
    assert "2025-03-01 reject (author, Wire): Vladimir Putin rejected the ceasefire" in shifts


def test_wide_terminals_keep_the_full_table(ledger):
    output = run("positions", "--db", ledger, columns=150).stdout
    assert "sources" in output and "regions" in output  # the columns the narrow layout drops


@pytest.mark.parametrize("command", ["positions", "timeline", "shifts"])
def test_table_commands_print_csv_and_json_for_scripts(ledger, command):
    as_json = json.loads(run(command, "--db", ledger, "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(run(command, "--db", ledger, "-f", "csv").stdout)))
    assert len(as_json) == len(rows) > 0
    if command == "shifts":
        assert rows[0]["kind"] == "shift" and rows[0]["before_type"] == "reject"
        assert rows[0]["after_date"] == "2025-03-20"
    else:
        assert {r["actor"] for r in rows} == {"vladimir-putin", "volodymyr-zelensky"}


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    """One hand-written gold article and a perfect prediction of it (tests/test_eval_gold.py)."""
    from test_eval_gold import GOLD, perfect_prediction

    root = tmp_path_factory.mktemp("gold")
    (root / "gold").mkdir()
    (root / "gold" / "ruritania.json").write_text(json.dumps(GOLD), "utf-8")
    (root / "predictions.jsonl").write_text(json.dumps(perfect_prediction()) + "\n", "utf-8")
    return root / "gold", root / "predictions.jsonl"


def test_eval_gold_at_80_columns_never_cuts_a_number(gold):
    directory, predictions = gold
    result = run("eval", "gold", directory, "--predictions", predictions, columns=80)
    assert result.returncode == 0, result.stderr
    fits(result.stdout)
    assert result.stdout.count("1.000") >= 20 and "tp=2 fp=0 fn=0" in result.stdout


def test_eval_gold_prints_json_and_csv_for_scripts(gold):
    directory, predictions = gold
    as_json = json.loads(run("eval", "gold", directory, "--predictions", predictions,
                             "--format", "json").stdout)
    assert as_json["articles"] == ["ruritania-test"] and as_json["acts"]["f1"] == 1.0
    rows = list(csv.DictReader(io.StringIO(run("eval", "gold", directory, "--predictions",
                                               predictions, "-f", "csv").stdout)))
    assert [r["kind"] for r in rows] == ["article", "genre", "micro", "macro"]
    assert rows[0]["row"] == "ruritania-test" and float(rows[0]["acts_f1"]) == 1.0
