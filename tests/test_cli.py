"""`parley analyze` end to end on the bundled examples, as a user runs it."""

import json
import subprocess

from conftest import EXAMPLES

from parley.analysis import validation_errors

SEED = EXAMPLES / "telegraph-2025-08-17.txt"


def run(parley_bin, *args, input=None):
    return subprocess.run([parley_bin, *args], capture_output=True, text=True, input=input,
                          timeout=300)


def test_json_for_one_article_is_one_object(parley_bin):
    result = run(parley_bin, "analyze", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["article"]["id"] == "telegraph-2025-08-17"
    assert analysis["article"]["date"] == "2025-08-17"
    assert analysis["article"]["text"].startswith("A source with knowledge of the matter said")
    assert validation_errors(analysis) == []


def test_jsonl_for_the_examples_directory_and_json_array(parley_bin, tmp_path):
    result = run(parley_bin, "analyze", str(EXAMPLES), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    analyses = [json.loads(line) for line in result.stdout.splitlines()]
    expected = sorted(p.stem for p in EXAMPLES.iterdir() if p.suffix == ".txt")
    assert [a["article"]["id"] for a in analyses] == expected
    assert all(validation_errors(a) == [] for a in analyses)
    out = tmp_path / "all.json"
    result = run(parley_bin, "analyze", str(EXAMPLES), "-f", "json", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert [a["article"]["id"] for a in json.loads(out.read_text())] == expected


def test_table_report_shows_the_article(parley_bin):
    result = run(parley_bin, "analyze", str(SEED), "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "telegraph-2025-08-17" in result.stdout and "2025-08-17" in result.stdout


def test_bad_lines_are_reported_by_file_and_line_and_the_rest_analysed(parley_bin, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "ok", "text": "Kyiv rejected the plan."}\n{"id": "bad", "tex\n',
                    encoding="utf-8")
    result = run(parley_bin, "analyze", str(path), "-f", "jsonl")
    assert result.returncode == 1
    assert [json.loads(l)["article"]["id"] for l in result.stdout.splitlines()] == ["ok"]
    assert f"{path}:2:" in result.stderr and "Traceback" not in result.stderr
    assert "1 article(s) analysed; 1 input problem(s)" in result.stderr


def test_stdin_is_read_with_dash(parley_bin):
    result = run(parley_bin, "analyze", "-", "-f", "json", input=" date 2025-08-17 Talks resumed.")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["article"]["date"] == "2025-08-17"


def test_failed_output_never_leaves_a_partial_file(parley_bin, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("previous good output", encoding="utf-8")
    result = run(parley_bin, "analyze", str(tmp_path / "missing.txt"), "-f", "json", "-o", str(out))
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous good output"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]
