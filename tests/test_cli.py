"""`parley analyze` end to end on the bundled examples, as a user runs it."""

import json
import os
import subprocess

from conftest import EXAMPLES

from parley.analysis import validation_errors

SEED = EXAMPLES / "telegraph-2025-08-17.txt"


def run(parley_bin, *args, input=None, columns=None):
    env = {**os.environ, "COLUMNS": str(columns)} if columns else None
    return subprocess.run([parley_bin, *args], capture_output=True, text=True, input=input,
                          timeout=300, env=env)


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


def test_table_report_shows_the_article_and_fits_80_columns(parley_bin):
    result = run(parley_bin, "analyze", str(SEED), "--format", "table", columns=80)
    assert result.returncode == 0, result.stderr
    assert "telegraph-2025-08-17" in result.stdout and "2025-08-17" in result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert max(map(len, result.stdout.splitlines())) <= 80
    # evidence on a line of its own, not ten characters a line in a sixth of the width
    assert "de facto demands that Ukraine leave Donbas" in lines
    assert "Vladimir Putin  demand  territory  UA-14 UA-09  asserted" in lines


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


def test_a_mixed_folder_names_every_skip_and_dates_come_from_the_data(parley_bin, tmp_path):
    """Each kind of bad input in one folder (docs/input.md): what is read, what is skipped and
    said, and exit 1. One run, one model load."""
    (tmp_path / "fr.txt").write_bytes("Le président a déclaré : « pas de cessez-le-feu ». "
                                      "Kyiv rejected the plan.".encode("cp1252"))
    (tmp_path / "broken.txt").write_bytes("Kyiv said “no”.\n".encode() + b"Then \xff talks.")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "wire.jsonl").write_text(
        '{"id": "y", "date": "yesterday", "text": "Moscow rejected the plan."}\n'
        '{"id": "z", "date": "2025-13-45", "text": "Kyiv insisted."}\n'
        '{"id": "ok", "date": "17 August 2025", "text": "Talks resumed."}\n', encoding="utf-8")
    result = run(parley_bin, "analyze", str(tmp_path), "-f", "jsonl")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    articles = {a["article"]["id"]: a["article"]
                for a in map(json.loads, result.stdout.splitlines())}
    assert {k: v["date"] for k, v in articles.items()} == {"fr": None, "y": None, "z": None,
                                                           "ok": "2025-08-17"}
    assert articles["fr"]["text"].startswith("Le président a déclaré")
    said = result.stderr
    assert f"note: {tmp_path / 'fr.txt'}: not valid UTF-8; decoded as cp1252 (detected)" in said
    assert f"error: {tmp_path / 'broken.txt'}: not valid UTF-8 (byte 0xFF at line 2" in said
    assert f"error: {tmp_path / 'wire.jsonl'}:1: relative date 'yesterday'" in said
    assert f"error: {tmp_path / 'wire.jsonl'}:2: unparseable date '2025-13-45'" in said
    for name, reason in [("paper.pdf", "not an article file ('.pdf'"),
                         ("blob.bin", "not an article file ('.bin'"),
                         ("gone.txt", "broken symbolic link"), (".DS_Store", "hidden file")]:
        assert f"{tmp_path / name}: {reason}" in said
    assert "4 article(s) analysed; 6 input problem(s)" in said
