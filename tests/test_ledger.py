"""The ledger: schema vs migration, rows and full-text search, idempotent ingest, bad input and
unusable databases."""

import json
import time

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from parley.cli import app
from parley.ledger import schema
from parley.ledger.ingest import ingest
from parley.ledger.store import open_ledger, search, write_article
from parley.reading import Article

TABLES = ("articles", "actors", "quotes", "acts", "times", "places")

TEMPLATE = ("The foreign minister of {a} met her counterpart from {b} in Geneva on Tuesday.\n"
            "\u201cWe will not accept any settlement on {topic} without firm guarantees,\u201d "
            "she told reporters after talks number {n}.\n"
            "Officials from {b} said they were ready to offer a ceasefire if {a} withdrew "
            "its troops from the border region.\n")
COUNTRIES = ["Norland", "Ostravia", "Belmark", "Suvania", "Kestria"]
TOPICS = ["fishing rights", "border crossings", "grain exports", "prisoner exchanges"]


def make_records(count: int, prefix: str = "art") -> list[dict]:
    """Short templated articles, each with a distinct text."""
    return [{"id": f"{prefix}-{n:03d}", "date": f"2024-03-{1 + n % 28:02d}",
             "title": f"Talks round {n}",
             "text": TEMPLATE.format(a=COUNTRIES[n % 5], b=COUNTRIES[(n + 2) % 5],
                                     topic=TOPICS[n % 4], n=n)}
            for n in range(count)]


def write_jsonl(path, records, tail: str = "") -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, encoding="utf-8")
    return str(path)


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in TABLES}


def synthetic(article: Article, word: str) -> dict:
    """A hand-made analysis with one row of each kind (no NLP needed)."""
    start = article.text.index(word)
    end = start + len(word)
    return {
        "article": article.contract_record(),
        "actors": [{"id": "norland", "name": "Norland", "type": "state", "country": "NO",
                    "aliases": [], "mentions": [[0, 7]]}],
        "quotes": [{"id": "q1", "kind": "direct", "segments": [[start, end]],
                    "cue": {"text": "said", "span": [0, 4]},
                    "speaker": {"actor": "norland", "anonymous": None, "mention": [0, 7],
                                "anonymity": "named"}, "confidence": 0.9}],
        "acts": [{"id": "a1", "type": "reject", "actor": "norland", "target": None,
                  "issue": "territory", "object": None, "regions": ["UA-14"],
                  "polarity": "positive", "modality": "asserted", "condition": None,
                  "time": None, "source": {"quote": "q1", "actor": "norland", "anonymous": None},
                  "evidence": [start, end]}],
        "times": [{"span": [0, 4], "text": article.text[:4], "type": "date",
                   "value": "2024-03-01", "anchor": "article"}],
        "places": [{"span": [0, 7], "text": article.text[:7], "name": "Norland", "code": "NO",
                    "lat": 1.0, "lon": 2.0, "kind": "country"}],
        "warnings": [],
    }


@pytest.fixture
def engine(tmp_path):
    engine = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield engine
    engine.dispose()


# ---- schema ---------------------------------------------------------------------------------

def test_migration_builds_the_tables_the_schema_module_describes(engine):
    """schema.py and migrations/versions must not drift apart."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    real = [d for d in diffs if not (d[0] == "remove_table" and "_fts" in d[1].name)]
    assert real == []


def test_new_database_is_in_wal_mode_at_head_revision(engine):
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# ---- rows and search ------------------------------------------------------------------------

def test_rows_of_every_table_and_fts_over_text_and_quotes(engine):
    article = Article(id="x1", text="Norland said: grain corridors must reopen.", date=None)
    with engine.begin() as connection:
        write_article(connection, article, synthetic(article, "grain corridors must reopen"))
    assert counts(engine) == dict.fromkeys(TABLES, 1)
    with engine.connect() as connection:
        quote = connection.execute(sa.select(schema.quotes)).mappings().one()
        act = connection.execute(sa.select(schema.acts)).mappings().one()
        assert quote["content"] == "grain corridors must reopen"
        assert (quote["speaker_actor"], quote["cue"]) == ("norland", "said")
        assert act["evidence_text"] == "grain corridors must reopen"
        assert act["regions"] == ["UA-14"] and act["source_quote"] == "q1"
        assert [r["article_id"] for r in search(connection, "corridor")] == ["x1"]  # stemmed
        assert [r["quote_id"] for r in search(connection, "reopen", quotes=True)] == ["q1"]
        assert search(connection, "Norland", quotes=True) == []  # not inside the quote


def test_same_id_with_new_text_replaces_rows_and_index(engine):
    old = Article(id="x1", text="Norland said: fishing quotas stay.")
    new = Article(id="x1", text="Norland said: tariffs will rise.")
    with engine.begin() as connection:
        write_article(connection, old, synthetic(old, "fishing quotas stay"))
    with engine.begin() as connection:
        assert write_article(connection, new, synthetic(new, "tariffs will rise")) is True
    assert counts(engine) == dict.fromkeys(TABLES, 1)
    with engine.connect() as connection:
        assert search(connection, "fishing") == []
        assert search(connection, "fishing", quotes=True) == []
        assert [r["article_id"] for r in search(connection, "tariffs", quotes=True)] == ["x1"]
        assert connection.exec_driver_sql(
            "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')") is not None


# ---- ingest ---------------------------------------------------------------------------------

def test_ingest_is_idempotent_and_the_rerun_is_much_faster(engine, nlp, tmp_path):
    """Second run: same corpus, no new row, and only reading + hashing (no NLP)."""
    path = write_jsonl(tmp_path / "in.jsonl", make_records(24))
    from parley.reading import read_inputs

    def articles():
        return (a for a in read_inputs([path]) if isinstance(a, Article))

    started = time.perf_counter()
    first = ingest(articles(), engine, lambda: nlp)
    first_s = time.perf_counter() - started
    before = counts(engine)
    started = time.perf_counter()
    second = ingest(articles(), engine, lambda: pytest.fail("the model must not be loaded"))
    second_s = time.perf_counter() - started
    assert (first.new, first.skipped) == (24, 0)
    assert (second.new, second.skipped) == (0, 24)
    assert counts(engine) == before and before["articles"] == 24
    assert second_s < first_s / 3, (first_s, second_s)


def test_truncated_jsonl_line_stores_the_good_lines_and_exits_1(tmp_path):
    db = tmp_path / "l.db"
    path = write_jsonl(tmp_path / "in.jsonl", make_records(3), tail='{"id": "cut", "text": "Nor')
    result = CliRunner().invoke(app, ["ingest", path, "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1, result.output
    engine = open_ledger(f"sqlite:///{db}")
    assert counts(engine)["articles"] == 3
    # fixing the line and re-running stores only the missing article
    write_jsonl(tmp_path / "in.jsonl", make_records(3) + [{"id": "cut", "text": "Norland."}])
    result = CliRunner().invoke(app, ["ingest", path, "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    assert counts(engine)["articles"] == 4
    engine.dispose()


@pytest.mark.parametrize("url, expected", [
    ("sqlite:///file:{db}?mode=ro&uri=true", "read-only"),
    ("sqlite:///{tmp}/missing-dir/x.db", "does not exist"),
    ("sqlite:///{junk}", "not a database"),
])
def test_unusable_database_is_a_clear_error_without_traceback(tmp_path, url, expected):
    db = tmp_path / "ro.db"
    open_ledger(f"sqlite:///{db}").dispose()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    source = write_jsonl(tmp_path / "in.jsonl", make_records(1))
    result = CliRunner().invoke(app, ["ingest", source, "--db",
                                      url.format(db=db, tmp=tmp_path, junk=junk)])
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert junk.read_bytes() == b"this is not sqlite" * 100


def test_disk_full_is_a_clear_error(tmp_path):
    """SQLITE_FULL (here: max_page_count reached) stops the run; committed articles stay."""
    from parley.ledger.store import LedgerError

    engine = open_ledger(f"sqlite:///{tmp_path / 'full.db'}")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    @sa.event.listens_for(engine, "connect")
    def _cap(dbapi_connection, _record):  # a "disk" with 4 free pages
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 4}")

    engine.dispose()
    articles = [Article(id=f"big-{n}", text=("Talks on fishing quotas resumed. " * 400) + str(n))
                for n in range(20)]
    analyser = lambda batch: ((a, synthetic(a, "fishing quotas")) for a in batch)  # noqa: E731
    with pytest.raises(LedgerError, match="full"):
        ingest(articles, engine, analyser=analyser)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        stored = connection.exec_driver_sql("SELECT count(*) FROM articles").scalar()
        orphans = connection.exec_driver_sql(
            "SELECT count(*) FROM quotes WHERE article_id NOT IN (SELECT id FROM articles)").scalar()
    assert stored < len(articles) and orphans == 0
    engine.dispose()


def test_db_upgrade_and_search_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    engine = open_ledger(url)
    article = Article(id="s1", text="Norland said: the embargo ends in May.", title="Embargo")
    with engine.begin() as connection:
        write_article(connection, article, synthetic(article, "the embargo ends in May"))
    engine.dispose()
    hit = runner.invoke(app, ["db", "search", "embargo", "--quotes", "--db", url])
    assert hit.exit_code == 0 and "s1\tq1\tthe embargo ends in May" in hit.output
    miss = runner.invoke(app, ["db", "search", "tariff", "--db", url])
    assert miss.exit_code == 0 and "s1" not in miss.output
    bad = runner.invoke(app, ["db", "search", '"open', "--db", url])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_migration_renders_for_postgresql_without_the_sqlite_fts_part():
    """Portable types: the same revision yields PostgreSQL DDL (offline, no server needed)."""
    import io

    from alembic import command

    from parley.ledger.store import alembic_config

    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    ddl = config.output_buffer.getvalue()
    assert all(f"CREATE TABLE {t} " in ddl for t in TABLES)
    assert '"end" INTEGER' in ddl  # reserved word quoted
    assert "fts5" not in ddl and "_fts_ai" not in ddl  # no SQLite FTS5 tables or triggers
    assert "CONSTRAINT TRIGGER articles_version" in ddl  # 0003: the ledger version counter


def test_two_concurrent_ingests_on_one_sqlite_file_store_each_article_once(tmp_path, parley_bin):
    """Write transactions begin IMMEDIATE, so the second process waits for the lock (busy
    timeout) instead of failing with "database is locked", then skips what the first stored."""
    import os
    import subprocess

    source = write_jsonl(tmp_path / "race.jsonl", make_records(12, prefix="race"))
    db = tmp_path / "race.db"
    open_ledger(f"sqlite:///{db}").dispose()
    env = dict(os.environ, PARLEY_LEDGER_WRITE_DELAY="0.05")
    command = [parley_bin, "ingest", source, "--db", str(db)]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=240)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    new = [int(stderr.strip().splitlines()[-1].split(" new")[0]) for stderr in outputs]
    assert sum(new) == 12, outputs
    engine = open_ledger(f"sqlite:///{db}")
    assert counts(engine)["articles"] == 12
    engine.dispose()
