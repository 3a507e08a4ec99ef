"""Readers: each format, each kind of bad input, and the header and offset properties."""

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.reading import (Article, ReadProblem, paragraph_spans, read_inputs, read_stdin,
                            split_header)


def read_all(*paths):
    items = list(read_inputs([str(p) for p in paths]))
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, ReadProblem)])


# ---- plain text and its date header ---------------------------------------------------------

def test_header_on_the_same_line_as_the_first_paragraph(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(" date 2025-08-17 Putin demanded Donbas.\nTrump agreed.", encoding="utf-8")
    [article], problems = read_all(path)
    assert problems == []
    assert article.date == "2025-08-17"
    assert article.text == "Putin demanded Donbas.\nTrump agreed."
    assert article.id == "seed"


def test_header_on_its_own_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("date 2024-01-02\nBody here.", encoding="utf-8")
    [article], _ = read_all(path)
    assert (article.date, article.text) == ("2024-01-02", "Body here.")


def test_text_without_header_is_kept_whole(tmp_path):
    path = tmp_path / "b.txt"
    body = "date night talks went well, aides said.\n"
    path.write_text(body, encoding="utf-8")
    [article], _ = read_all(path)
    assert article.date is None and article.text == body


def test_unparseable_date_is_null_with_a_warning(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("date 2025-13-45 Text.", encoding="utf-8")
    [article], problems = read_all(path)
    assert problems == [] and article.date is None
    assert any("unparseable date" in w and "c.txt" in w for w in article.warnings)
    assert article.text == "Text."


def test_the_seed_example_round_trips_to_the_gold_text(shared_dir):
    gold = json.loads((shared_dir / "gold/dev/telegraph-2025-08-17.json").read_text("utf-8"))
    from conftest import EXAMPLES

    [article], _ = read_all(EXAMPLES / "telegraph-2025-08-17.txt")
    assert article.text == gold["text"] and article.date == gold["date"]


# ---- bad input --------------------------------------------------------------------------------

def test_empty_file_is_reported(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    articles, [problem] = read_all(path)
    assert articles == [] and "empty" in str(problem) and "empty.txt" in str(problem)


def test_binary_file_is_reported(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 10)
    articles, [problem] = read_all(path)
    assert articles == [] and "binary" in str(problem)


def test_non_utf8_is_decoded_and_the_encoding_named(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Le président a déclaré : « pas de cessez-le-feu ».".encode("cp1252"))
    [article], problems = read_all(path)
    assert problems == []
    assert "président" in article.text
    assert any("not valid UTF-8; decoded as" in w for w in article.warnings)


def test_huge_file_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 10_500_000)  # 52.5 MB
    articles, [problem] = read_all(path)
    assert articles == [] and "52.5 MB" in str(problem) and "huge.txt" in str(problem)


def test_truncated_jsonl_keeps_the_good_lines_and_names_the_bad_one(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": f"Article {i}.", "date": "2025-01-0" + str(i)})
             for i in range(1, 4)]
    path.write_text("\n".join(lines) + '\n{"id": "a4", "text": "cut sh', encoding="utf-8")
    articles, [problem] = read_all(path)
    assert [a.id for a in articles] == ["a1", "a2", "a3"]
    assert problem.line == 4 and str(problem).startswith(f"{path}:4:")


def test_jsonl_line_without_text_is_reported(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n[1, 2]\n{"id": "b"}\n', encoding="utf-8")
    articles, problems = read_all(path)
    assert [a.id for a in articles] == ["a"]
    assert [p.line for p in problems] == [2, 3]


def test_duplicate_ids_are_kept_and_renamed_with_a_warning(tmp_path):
    path = tmp_path / "dups.jsonl"
    path.write_text('{"id": "x", "text": "one"}\n{"id": "x", "text": "two"}\n', encoding="utf-8")
    articles, _ = read_all(path)
    assert [a.id for a in articles] == ["x", "x~2"]
    assert "duplicate id 'x'" in articles[1].warnings[0]


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    articles, [problem] = read_all(tmp_path / "nope.txt")
    assert "no such file" in str(problem)


# ---- other formats ----------------------------------------------------------------------------

def test_jsonl_keeps_ids_and_metadata(tmp_path):
    path = tmp_path / "feed.jsonl"
    record = {"id": "bbc-1", "date": "2005-03-01", "title": "T", "url": "http://x/1",
              "source": "BBC", "text": "Body."}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [article], _ = read_all(path)
    assert article.contract_record() == record


def test_html_uses_trafilatura_text_and_the_page_date(tmp_path):
    paragraph = ("Negotiators from both delegations met in Geneva on Monday and agreed to "
                 "continue the talks next week, officials said after the meeting ended. ")
    html = f"""<html><head><title>Talks resume</title>
    <meta property="article:published_time" content="2025-05-12"></head>
    <body><nav>Home | World</nav><article><h1>Talks resume</h1>
    <p>{paragraph * 2}</p><p>{paragraph}</p></article><footer>Copyright</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [article], problems = read_all(path)
    assert problems == []
    assert article.date == "2025-05-12"
    assert "Negotiators from both delegations" in article.text
    assert "Copyright" not in article.text


def test_rss_feed_gives_one_article_per_item(tmp_path):
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
    <item><title>One</title><link>http://w/1</link><guid>w1</guid>
    <pubDate>Mon, 18 Aug 2025 09:00:00 GMT</pubDate>
    <description>&lt;p&gt;Kyiv rejected the plan.&lt;/p&gt;&lt;p&gt;Moscow insisted.&lt;/p&gt;</description></item>
    <item><title>Two</title><link>http://w/2</link><guid>w2</guid>
    <description>No date here.</description></item></channel></rss>"""
    path = tmp_path / "wire.rss"
    path.write_text(feed, encoding="utf-8")
    articles, problems = read_all(path)
    assert problems == []
    assert [(a.id, a.date, a.source) for a in articles] == [("w1", "2025-08-18", "Wire"),
                                                            ("w2", None, "Wire")]
    assert articles[0].text == "Kyiv rejected the plan.\nMoscow insisted."
    assert "no date" in articles[1].warnings[0]


def test_directories_are_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two", encoding="utf-8")
    (tmp_path / "1.txt").write_text("one", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"id": "j", "text": "three"}\n', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    articles, _ = read_all(tmp_path)
    assert [a.text for a in articles] == ["one", "three", "two"]


def test_stdin_text_and_stdin_jsonl():
    [article] = list(read_stdin(io.BytesIO(b" date 2025-08-17 Hello.")))
    assert (article.id, article.date, article.text) == ("stdin", "2025-08-17", "Hello.")
    items = list(read_stdin(io.BytesIO(b'{"id": "s1", "text": "a"}\n{"id": "s2", "text": "b"}\n')))
    assert [a.id for a in items] == ["s1", "s2"]


# ---- properties -------------------------------------------------------------------------------

body_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)


@given(st.dates(), st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from([" ", "\n"]), body_text)
def test_header_is_always_split_exactly(date, lead, sep, body):
    token, text = split_header(f"{lead}date {date.isoformat()}{sep}{body}")
    assert token == date.isoformat() and text == body


@given(st.text(alphabet=st.sampled_from("ab .\n\r\t“”"), max_size=60))
def test_paragraph_spans_index_nonblank_lines(text):
    spans = paragraph_spans(text)
    for start, end in spans:
        piece = text[start:end]
        assert piece == piece.strip() and piece and "\n" not in piece and "\r" not in piece
    assert "".join(text[s:e] for s, e in spans).replace(" ", "").replace("\t", "") == \
        "".join(text.split())


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.txt"
    path.write_bytes(data)
    for item in read_inputs([str(path)]):
        assert isinstance(item, (Article, ReadProblem))
        if isinstance(item, Article):
            assert item.text.strip()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40), body_text.map(lambda t: t.encode())),
                max_size=5))
def test_random_jsonl_lines_never_raise(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(b"\n".join(lines))
    for item in read_inputs([str(path)]):
        assert isinstance(item, (Article, ReadProblem))
