"""Reading articles: one reader per input format, all yielding the same `Article` record.

Readers never raise on bad input. A problem with a file (or one line of a JSONL file) is yielded as
a `ReadProblem` naming the file and line, and reading goes on with the rest, so that one broken
line in a 10,000-line dump costs one article, not the run. The CLI reports the problems at the end
and exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Union

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
    """A file or line that could not be read; `str()` is the message shown to the user."""

    path: str
    message: str
    line: int | None = None

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


def normalise_date(value: object, origin: str) -> tuple[str | None, list[str]]:
    """Return an ISO `YYYY-MM-DD` date (or None) and the warnings explaining a None."""
    if value in (None, ""):
        return None, []
    raw = str(value).strip()
    if _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw).isoformat(), []
        except ValueError:
            return None, [f"{origin}: unparseable date {raw!r}; date set to null"]
    import dateparser  # imported lazily: it costs ~0.3 s and most inputs have ISO dates

    parsed = dateparser.parse(raw, settings={"STRICT_PARSING": True, "DATE_ORDER": "YMD"})
    if parsed is None:
        return None, [f"{origin}: unparseable date {raw!r}; date set to null"]
    return parsed.date().isoformat(), []


def split_header(raw: str) -> tuple[str | None, str]:
    """Split the optional ` date YYYY-MM-DD ` header off a .txt body: (date token, text)."""
    match = _HEADER.match(raw)
    if not match:
        return None, raw
    return match.group(1), raw[match.end():]


# --------------------------------------------------------------------------------------------
# Bytes to text


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 20)


def decode(data: bytes, origin: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM); otherwise detect the encoding and say which was used."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    text = data.decode(encoding, errors="replace")
    return text, [f"{origin}: not valid UTF-8; decoded as {encoding}"]


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
    raw, warnings = decode(data, origin)
    token, text = split_header(raw)
    date, date_warnings = normalise_date(token, origin)
    if not text.strip():
        yield ReadProblem(origin, "no text after the date header; nothing to analyse")
        return
    yield Article(id=article_id, text=text, date=date, origin=origin,
                  warnings=warnings + date_warnings)


def read_html_file(data: bytes, origin: str, article_id: str) -> Iterator[Item]:
    """An HTML page: main text by trafilatura, date by htmldate (via trafilatura's metadata)."""
    problem = check_text_bytes(data, origin)
    if problem:
        yield problem
        return
    html, warnings = decode(data, origin)
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
    date, date_warnings = normalise_date(date_value, origin)
    yield Article(
        id=article_id, text=text, date=date, origin=origin,
        title=getattr(meta, "title", None) if meta else None,
        source=getattr(meta, "sitename", None) if meta else None,
        url=getattr(meta, "url", None) if meta else None,
        warnings=warnings + date_warnings,
    )


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
            yield ReadProblem(path, f"invalid JSON ({error.msg} at column {error.colno}); "
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
        date, warnings = normalise_date(record.get("date"), origin)
        yield Article(
            id=str(record.get("id") or f"{default_prefix}-{number}"),
            text=text, date=date, origin=origin, warnings=warnings,
            title=_optional_str(record.get("title")),
            source=_optional_str(record.get("source")),
            url=_optional_str(record.get("url")),
        )


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
        date = dt.date(*published[:3]).isoformat() if published else None
        warnings = [] if date else [f"{entry_origin}: entry has no date; date set to null"]
        yield Article(
            id=str(entry.get("id") or entry.get("link") or f"{article_id}-{number}"),
            text=text, date=date, title=entry.get("title"), source=source,
            url=entry.get("link"), origin=entry_origin, warnings=warnings,
        )


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
    """Files under a directory, recursively, sorted, hidden files and unknown types skipped."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            if path.suffix.lower() in KNOWN_SUFFIXES:
                yield path


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
            files = list(iter_files(path))
            if not files:
                yield ReadProblem(name, "directory holds no readable article files")
            for file in files:
                yield from read_path(file)
        elif path.exists():
            yield from read_path(path)
        else:
            yield ReadProblem(name, "no such file or directory")
