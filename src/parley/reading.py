"""Reading articles: one reader per input format, all yielding the same `Article` record.

Readers never raise on bad input. A problem with a file (or one line of a JSONL file) is yielded as
a `ReadProblem` naming the file and line, and reading goes on with the rest, so that one broken
line in a 10,000-line dump costs one article, not the run. The CLI reports each problem on stderr
as it comes and exits 1 at the end. Every kind of bad input and what happens to it: docs/input.md.

Some problems do not cost the article: an unparseable or relative date is reported and the article
kept with date null (an article date comes from the data, never from the reading machine's clock).
Some messages are notes (`ReadProblem.note`): said on stderr, no effect on the exit code (a file
decoded from a legacy encoding, a hidden file left out of a directory).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Union

from .encodings import declared_charset, decode

#: One article may not be larger than this (characters of text, or bytes of a single file).
#: A 50 MB "article" is a mistake (a dump, a binary) far more often than a real text; it is
#: reported rather than fed to the parser, which would take minutes and gigabytes on it.
MAX_ARTICLE_BYTES = 5_000_000

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

# ` date 2025-08-17 ` at the very start of a .txt file; the body may continue on the same line.
_HEADER = re.compile(r"\A[ \t]*date[ \t]+([0-9][0-9./-]*[0-9])(?:[ \t]|\r?\n|\Z)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Article:
    """One article as read from its source, before any analysis.

    `text` is exactly the text that is analysed: every span in the output indexes it.
    `paragraphs` are `(start, end)` spans of the non-empty lines of `text`; they are hard
    boundaries for sentences and entities.
    """

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str = ""  # "path" or "path:line", for messages
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        return paragraph_spans(self.text)

    @property
    def content_hash(self) -> str:
        """Hash of what determines the analysis: the text, the date and the identity fields."""
        key = json.dumps([self.id, self.date, self.title, self.source, self.url, self.text])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def contract_record(self) -> dict:
        return {
            "id": self.id,
            "date": self.date,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "text": self.text,
        }


@dataclass
class ReadProblem:
    """A file, line or field that could not be read; `str()` is the message shown to the user.

    `note`: not a problem, something to say on stderr (the exit code stays 0)."""

    path: str
    message: str
    line: int | None = None
    note: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


Item = Union[Article, ReadProblem]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of `text` (a line break always ends a paragraph)."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def parse_date(value: object) -> tuple[str | None, str | None]:
    """An ISO `YYYY-MM-DD` date stated by `value`, or None and why (None, None: no date given).

    Only what the value states counts: "yesterday", "2 days ago" or "Monday" would be dated by
    the clock of the machine reading them, so they are refused like "2025-13-45". A date with a
    time keeps the day it states ("2025-08-17T23:30-05:00" is the 17th, wherever it is read);
    a Unix timestamp is a UTC day.
    """
    if value is None or isinstance(value, bool):
        return None, None
    raw = str(value).strip()
    if not raw:
        return None, None
    unparseable = f"unparseable date {raw!r}; date set to null"
    if _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw).isoformat(), None
        except ValueError:
            return None, unparseable
    if re.fullmatch(r"\d{10}(\d{3})?(\.\d+)?", raw):  # Unix seconds or milliseconds
        seconds = float(raw) / (1000 if len(raw.split(".")[0]) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat(), None
    try:
        return dt.datetime.fromisoformat(raw).date().isoformat(), None
    except ValueError:
        pass
    import dateparser  # imported lazily: it costs ~0.3 s and most inputs have ISO dates

    stated = {"STRICT_PARSING": True, "DATE_ORDER": "YMD",
              "PARSERS": ["custom-formats", "absolute-time"]}
    parsed = dateparser.parse(raw, settings=stated)
    if parsed is not None:
        return parsed.date().isoformat(), None
    if dateparser.parse(raw, settings={"PARSERS": ["relative-time"]}) is not None:
        return None, (f"relative date {raw!r}: an article date must be stated in the data, "
                      "not counted from the day it is read; date set to null")
    return None, unparseable


def normalise_date(value: object, origin: str) -> tuple[str | None, list[str]]:
    """Return an ISO `YYYY-MM-DD` date (or None) and the warnings explaining a None."""
    date, problem = parse_date(value)
    return date, [f"{origin}: {problem}"] if problem else []


def _dated(article: Article, problem: str | None, path: str, line: int | None) -> Iterator[Item]:
    """The article, preceded by its date problem if it has one (reported; the article is kept)."""
    if problem:
        article.warnings.append(f"{article.origin}: {problem}")
        yield ReadProblem(path, f"{problem} (article kept)", line)
    yield article


def split_header(raw: str) -> tuple[str | None, str]:
    """Split the optional ` date YYYY-MM-DD ` header off a .txt body: (date token, text)."""
    match = _HEADER.match(raw)
    if not match:
        return None, raw
    return match.group(1), raw[match.end():]


# --------------------------------------------------------------------------------------------
# Bytes to text


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not a text file
    (unless a UTF-16 or UTF-32 byte-order mark says why there are NULs)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 20)


def decode_text(data: bytes, origin: str, declared: str | None = None,
                ) -> tuple[str | None, list[Item], list[str]]:
    """(text or None, what to report, record warnings): see `parley.encodings` for the rules.

    A text decoded from another encoding than UTF-8 comes with a note naming the encoding (and
    the same words in the record's warnings); bytes that cannot be read with confidence come
    with a problem, and no text."""
    decoded = decode(data, declared)
    if decoded.text is None:
        return None, [ReadProblem(origin, decoded.problem or "cannot be decoded; skipped")], []
    note = decoded.note
    if note is None:
        return decoded.text, [], []
    return decoded.text, [ReadProblem(origin, note, note=True)], [f"{origin}: {note}"]


def read_bytes(path: Path) -> bytes | ReadProblem:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES and path.suffix.lower() not in JSONL_SUFFIXES | FEED_SUFFIXES:
            return ReadProblem(str(path), f"file is {size / 1e6:.1f} MB, over the "
                               f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB limit for one article; skipped")
        return path.read_bytes()
    except OSError as error:
        return ReadProblem(str(path), f"cannot read: {error.strerror or error}")


def check_text_bytes(data: bytes, origin: str) -> ReadProblem | None:
    if not data.strip():
        return ReadProblem(origin, "empty file; nothing to analyse")
    if looks_binary(data):
        return ReadProblem(origin, "binary file (not text); skipped")
    return None


# --------------------------------------------------------------------------------------------
# One reader per format


def read_text_file(data: bytes, origin: str, article_id: str) -> Iterator[Item]:
    """A plain-text article, with or without the ` date YYYY-MM-DD ` header."""
    problem = check_text_bytes(data, origin)
    if problem:
        yield problem
        return
    raw, reports, warnings = decode_text(data, origin)
    yield from reports
    if raw is None:
        return
    token, text = split_header(raw)
    date, date_problem = parse_date(token)
    if not text.strip():
        yield ReadProblem(origin, "no text after the date header; nothing to analyse")
        return
    yield from _dated(Article(id=article_id, text=text, date=date, origin=origin,
                              warnings=warnings), date_problem, origin, None)


def read_html_file(data: bytes, origin: str, article_id: str) -> Iterator[Item]:
    """An HTML page: main text by trafilatura, date by htmldate (via trafilatura's metadata)."""
    problem = check_text_bytes(data, origin)
    if problem:
        yield problem
        return
    html, reports, warnings = decode_text(data, origin, declared_charset(data))
    yield from reports
    if html is None:
        return
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False,
                               favor_precision=True)
    if not text or not text.strip():
        yield ReadProblem(origin, "no article text found in the HTML")
        return
    meta = trafilatura.extract_metadata(html)
    date_value = getattr(meta, "date", None) if meta else None
    if not date_value:
        from htmldate import find_date

        date_value = find_date(html, extensive_search=False)
    date, date_problem = parse_date(date_value)
    yield from _dated(Article(
        id=article_id, text=text, date=date, origin=origin,
        title=getattr(meta, "title", None) if meta else None,
        source=getattr(meta, "sitename", None) if meta else None,
        url=getattr(meta, "url", None) if meta else None,
        warnings=warnings,
    ), date_problem, origin, None)


def read_jsonl_lines(lines: Iterable[bytes], path: str, default_prefix: str) -> Iterator[Item]:
    """One article per line (`id`, `date`, `title`, `url`, `source`, `text`); bad lines reported."""
    for number, line in enumerate(lines, start=1):
        origin = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield ReadProblem(path, "line is not valid UTF-8; skipped", number)
            continue
        except json.JSONDecodeError as error:
            # json's own messages may end in "at" ("Invalid control character '\\n' at")
            reason = re.sub(r"\s+at$", "", error.msg)
            yield ReadProblem(path, f"invalid JSON ({reason} at column {error.colno}); "
                              "line skipped", number)
            continue
        if not isinstance(record, dict):
            yield ReadProblem(path, "line is not a JSON object; skipped", number)
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield ReadProblem(path, "no 'text' field (or it is empty); line skipped", number)
            continue
        if len(text) > MAX_ARTICLE_BYTES:
            yield ReadProblem(path, f"text is {len(text) / 1e6:.1f} M characters, over the "
                              "limit for one article; line skipped", number)
            continue
        date, date_problem = parse_date(record.get("date"))
        yield from _dated(Article(
            id=str(record.get("id") or f"{default_prefix}-{number}"),
            text=text, date=date, origin=origin,
            title=_optional_str(record.get("title")),
            source=_optional_str(record.get("source")),
            url=_optional_str(record.get("url")),
        ), date_problem, path, number)


def read_feed_file(data: bytes, origin: str, article_id: str) -> Iterator[Item]:
    """RSS or Atom: one article per entry; its text is the entry's content or summary."""
    problem = check_text_bytes(data, origin)
    if problem:
        yield problem
        return
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = getattr(feed, "bozo_exception", None)
        yield ReadProblem(origin, f"no feed entries found{f' ({reason})' if reason else ''}")
        return
    source = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        text = html_to_text(html)
        entry_origin = f"{origin}#{number}"
        if not text.strip():
            yield ReadProblem(origin, f"feed entry {number} has no text; skipped")
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        stated = entry.get("published") or entry.get("updated")
        date_problem = None
        if published:  # feedparser's reading of the stated date, in UTC
            date = dt.date(*published[:3]).isoformat()
        else:
            date, date_problem = parse_date(stated)
        no_date = f"{entry_origin}: entry has no date; date set to null"
        warnings = [] if date or stated else [no_date]
        yield from _dated(Article(
            id=str(entry.get("id") or entry.get("link") or f"{article_id}-{number}"),
            text=text, date=date, title=entry.get("title"), source=source,
            url=entry.get("link"), origin=entry_origin, warnings=warnings,
        ), date_problem and f"entry {number}: {date_problem}", origin, None)


def html_to_text(html: str) -> str:
    """Text of an HTML fragment, block elements becoming paragraph breaks."""
    if "<" not in html:
        return html.strip()
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except Exception:  # lxml raises several types on junk; the raw text is the best fallback
        return re.sub(r"<[^>]+>", " ", html).strip()
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines()
                     if line.strip())


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Dispatch


def read_path(path: Path) -> Iterator[Item]:
    """Read one file by its suffix (unknown suffixes are read as plain text)."""
    suffix = path.suffix.lower()
    origin = str(path)
    if suffix in JSONL_SUFFIXES:
        try:
            with path.open("rb") as handle:
                yield from read_jsonl_lines(handle, origin, path.stem)
        except OSError as error:
            yield ReadProblem(origin, f"cannot read: {error.strerror or error}")
        return
    data = read_bytes(path)
    if isinstance(data, ReadProblem):
        yield data
        return
    if suffix in HTML_SUFFIXES:
        yield from read_html_file(data, origin, path.stem)
    elif suffix in FEED_SUFFIXES or _looks_like_feed(data):
        yield from read_feed_file(data, origin, path.stem)
    else:
        yield from read_text_file(data, origin, path.stem)


def _looks_like_feed(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in data[:2048] or b"<feed" in data[:2048])


def read_stdin(stream: io.BufferedIOBase | None = None) -> Iterator[Item]:
    """`-`: stdin, read as JSONL when every non-blank line is a JSON object, else as one .txt."""
    data = (stream or sys.stdin.buffer).read()
    lines = [line for line in data.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith(b"{") for line in lines):
        yield from read_jsonl_lines(data.splitlines(), "<stdin>", "stdin")
    else:
        yield from read_text_file(data, "<stdin>", "stdin")


def iter_files(root: Path) -> Iterator[Path]:
    """Article files under a directory, recursively, sorted (`scan_dir`: what is left out)."""
    return (entry for entry in scan_dir(root) if isinstance(entry, Path))


def scan_dir(root: Path) -> list[Path | ReadProblem]:
    """Every entry under `root` in path order: an article file to read, or why it is left out.

    Left out, each named: files of other types (.pdf, .bin...; a problem, exit 1), broken and
    directory symbolic links and special files (problems), hidden files and directories (notes:
    `.git`, `.DS_Store` are expected there; a hidden directory is named once, not file by file).
    """
    readable = ", ".join(sorted(KNOWN_SUFFIXES))
    entries: list[tuple[Path, Path | ReadProblem]] = []

    def unreadable(error: OSError) -> None:  # os.walk would pass over it without a word
        path = Path(error.filename or root)
        entries.append((path, ReadProblem(str(path), f"cannot read directory: "
                                          f"{error.strerror or error}; skipped")))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        base = Path(folder)
        for name in list(dirs):
            path = base / name
            if name.startswith("."):
                entries.append((path, ReadProblem(str(path), "hidden directory; skipped with "
                                                  "everything in it", note=True)))
                dirs.remove(name)
            elif path.is_symlink():
                entries.append((path, ReadProblem(str(path), "symbolic link to a directory; "
                                                  "not followed, skipped")))
                dirs.remove(name)
        for name in files:
            path = base / name
            entries.append((path, _file_entry(path, name, readable)))
    return [entry for _, entry in sorted(entries, key=lambda item: item[0])]


def _file_entry(path: Path, name: str, readable: str) -> Path | ReadProblem:
    if path.is_symlink() and not path.exists():
        return ReadProblem(str(path), f"broken symbolic link (to {os.readlink(path)}, which "
                           "does not exist); skipped")
    if name.startswith("."):
        return ReadProblem(str(path), "hidden file; skipped", note=True)
    if not path.is_file():
        return ReadProblem(str(path), "not a regular file (a pipe, socket or device); skipped")
    if path.suffix.lower() not in KNOWN_SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "no suffix"
        return ReadProblem(str(path), f"not an article file ({kind}; Parley reads {readable}); "
                           "skipped")
    return path


def read_inputs(inputs: Iterable[str]) -> Iterator[Item]:
    """Every article of every input (files, directories, `-`), duplicate ids made unique."""
    seen: dict[str, str] = {}
    for item in _read_all(inputs):
        if isinstance(item, Article):
            if item.id in seen:
                first = seen[item.id]
                new_id = _unique_id(item.id, seen)
                item.warnings.append(f"{item.origin}: duplicate id {item.id!r} (first seen at "
                                     f"{first}); renamed to {new_id!r}")
                item.id = new_id
            seen[item.id] = item.origin
        yield item


def _unique_id(article_id: str, seen: dict[str, str]) -> str:
    number = 2
    while f"{article_id}~{number}" in seen:
        number += 1
    return f"{article_id}~{number}"


def _read_all(inputs: Iterable[str]) -> Iterator[Item]:
    for name in inputs:
        if name == "-":
            yield from read_stdin()
            continue
        path = Path(name)
        if path.is_dir():
            entries = scan_dir(path)
            if not any(isinstance(entry, Path) for entry in entries):
                yield ReadProblem(name, "directory holds no readable article files")
            for entry in entries:
                if isinstance(entry, Path):
                    yield from read_path(entry)
                else:
                    yield entry
        elif path.exists():
            yield from read_path(path)
        elif path.is_symlink():
            yield ReadProblem(name, f"broken symbolic link (to {os.readlink(path)}, which does "
                              "not exist)")
        else:
            yield ReadProblem(name, "no such file or directory")
