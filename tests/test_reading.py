"""Readers: each format, each kind of bad input, and the header and offset properties."""

import io
import json
from pathlib import Path

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


def test_unparseable_date_is_reported_and_the_article_kept_with_date_null(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("date 2025-13-45 Text.", encoding="utf-8")
    [article], [problem] = read_all(path)
    assert article.date is None and article.text == "Text."
    assert any("unparseable date" in w and "c.txt" in w for w in article.warnings)
    assert not problem.note and str(problem).startswith(f"{path}: unparseable date '2025-13-45'")
    assert "article kept" in str(problem)


def test_relative_dates_are_refused_not_counted_from_the_reading_day(tmp_path):
    """An article date comes from the data: "yesterday" would be dated by the machine's clock."""
    path = tmp_path / "feed.jsonl"
    relative = ["yesterday", "2 days ago", "tomorrow", "today"]
    path.write_text("".join(json.dumps({"id": f"r{n}", "date": d, "text": "Talks resumed."}) + "\n"
                            for n, d in enumerate(relative)), encoding="utf-8")
    articles, problems = read_all(path)
    assert [a.date for a in articles] == [None] * 4
    assert [p.line for p in problems] == [1, 2, 3, 4]
    assert all("relative date" in str(p) and not p.note for p in problems)


def test_stated_dates_keep_the_day_they_state(tmp_path):
    path = tmp_path / "dated.jsonl"
    dates = {"2025-08-17T23:30:00-05:00": "2025-08-17", "Mon, 18 Aug 2025 23:30:00 -0500":
             "2025-08-18", "17 August 2025": "2025-08-17", "2025/08/17": "2025-08-17",
             1692230400: "2023-08-17"}
    path.write_text("".join(json.dumps({"date": d, "text": "Talks."}) + "\n" for d in dates),
                    encoding="utf-8")
    articles, problems = read_all(path)
    assert problems == [] and [a.date for a in articles] == list(dates.values())


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
    text = "Le président a déclaré : « pas de cessez-le-feu »."
    path.write_bytes(text.encode("cp1252"))
    [article], [note] = read_all(path)
    assert article.text == text
    assert any("not valid UTF-8; decoded as cp1252" in w for w in article.warnings)
    assert note.note and str(note) == f"{path}: not valid UTF-8; decoded as cp1252 (detected)"


def test_broken_utf8_is_reported_and_skipped_never_turned_into_mojibake(tmp_path):
    """The issue's case: UTF-8 with one bad byte used to come out as cp1250 mojibake."""
    path = tmp_path / "broken.txt"
    path.write_bytes("Zelensky said “no” to the plan — Kyiv’s position is firm.\n".encode() * 3
                     + b"Then \xff the talks resumed in Gen\xc3\xa8ve.")
    articles, [problem] = read_all(path)
    assert articles == [] and not problem.note
    assert str(problem).startswith(f"{path}: not valid UTF-8 (byte 0xFF at line 4, column 6)")


def test_a_central_european_text_is_read_in_its_own_code_page(tmp_path):
    """charset-normalizer's first guess for this Polish text is cp1252 ("powiedzia³")."""
    text = ("Prezydent powiedział, że rozmowy będą kontynuowane w przyszłym tygodniu w Genewie. "
            "Źródła podają, że to ściśle tajne.")
    path = tmp_path / "pl.txt"
    path.write_bytes(text.encode("cp1250"))
    [article], [note] = read_all(path)
    assert article.text == text and "cp1250" in str(note)


def test_a_legacy_text_two_code_pages_read_differently_is_skipped(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("Officials met in Genève and Zürich; the São Paulo delegation left."
                     .encode("cp1252"))
    articles, [problem] = read_all(path)
    assert articles == [] and "cannot be told with confidence" in str(problem)


def test_utf16_with_a_byte_order_mark_is_text_not_binary(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Kyiv – “no ceasefire”.".encode("utf-16"))
    [article], [note] = read_all(path)
    assert article.text == "Kyiv – “no ceasefire”." and "byte-order mark" in str(note)


def test_html_uses_the_charset_it_declares(tmp_path):
    paragraph = "Президент заявил, что переговоры продолжатся на следующей неделе в Женеве. " * 3
    html = (f'<html><head><meta charset="windows-1251"><title>Переговоры</title></head>'
            f"<body><article><p>{paragraph}</p><p>{paragraph}</p></article></body></html>")
    path = tmp_path / "ru.html"
    path.write_bytes(html.encode("cp1251"))
    [article], [note] = read_all(path)
    assert "Президент заявил" in article.text and "(declared)" in str(note)


# A legacy text is read exactly or not at all: never a wrong code page's letters. Each case is a
# sentence of one language with its words shuffled in again (a soup of two words, "à où à où",
# holds too few letters for any detector; `encodings.MIN_DIFFERENCES`).
WORDS = {  # (code page, a sentence of one language)
    "French": ("cp1252", "président déclaré négociations à Genève reçu très français où même "
                         "première après fenêtre"),
    "German": ("cp1252", "Außenminister Gespräche würden nächste Österreich für Überraschend"),
    "Spanish": ("cp1252", "afirmó próxima según niño reunión ¿Habrá acuerdo?"),
    "Polish": ("cp1250", "powiedział że będą przyszłym Źródła ściśle rozmów"),
    "Czech": ("cp1250", "řekl že jednání pokračovat příští týden Ženevě ministr zahraničí"),
    "Slovak": ("cp1250", "povedal budú pokračovať budúci týždeň Ľudia čakajú"),
    "Hungarian": ("cp1250", "elnök tárgyalások jövő héten folytatódnak Ő ütötte"),
    "Russian": ("cp1251", "Президент заявил переговоры продолжатся неделе Женеве"),
    "Ukrainian": ("cp1251", "Президент заявив наступного тижня Їхні позиції відомі"),
    "Greek": ("cp1253", "Ο πρόεδρος δήλωσε ότι διαπραγματεύσεις συνεχιστούν επόμενη εβδομάδα"),
    "Turkish": ("cp1254", "Cumhurbaşkanı müzakerelerin gelecek hafta devam edeceğini söyledi"),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(WORDS)).flatmap(lambda language: st.tuples(
    st.just(WORDS[language]),
    st.lists(st.sampled_from(WORDS[language][1].split() + ["Kyiv", "said", "–", "“no”"]),
             max_size=15))))
def test_a_legacy_text_is_read_exactly_or_skipped(case):
    from parley.encodings import decode

    (encoding, sentence), words = case
    text = " ".join([sentence] + words)
    decoded = decode(text.encode(encoding))
    assert decoded.text in (None, text)


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


def test_invalid_json_says_where_once(tmp_path):
    path = tmp_path / "ctl.jsonl"
    path.write_bytes(b'{"id": "a", "text": "tab\there"}\n')
    _, [problem] = read_all(path)
    assert "Invalid control character at column" in str(problem)
    assert "at at" not in str(problem)


def test_every_file_skipped_in_a_folder_is_named_with_its_reason(tmp_path):
    (tmp_path / "a.txt").write_text("Kyiv rejected the plan.", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]", encoding="utf-8")
    articles, problems = read_all(tmp_path)
    assert [a.id for a in articles] == ["a"]
    said = {Path(p.path).name: (p.note, p.message) for p in problems}
    assert set(said) == {"paper.pdf", "blob.bin", "gone.txt", ".DS_Store", ".git"}
    assert said["paper.pdf"][0] is False and "not an article file ('.pdf'" in said["paper.pdf"][1]
    assert said["blob.bin"][0] is False and "'.bin'" in said["blob.bin"][1]
    assert said["gone.txt"][0] is False and "broken symbolic link" in said["gone.txt"][1]
    assert said[".DS_Store"] == (True, "hidden file; skipped")
    assert said[".git"][0] is True and "hidden directory" in said[".git"][1]


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
