"""Page furniture in plain-text input: the parts of a scraped page that are not the article.

Text copied or scraped from news sites carries the site around the story: "related stories"
lists (a headline and a link, again and again), category strings glued to teasers
(`AfricacategoryEgypt's House ...`), time stamps (`· February 10, 2026 · 3:07 PM UTC`), link
lines and navigation menus (runs of short title-case lines). trafilatura removes them from HTML
by its structure; a .txt or JSONL text has no structure left, so this module finds them by the
shape of their lines:

- a **link line**: Markdown link syntax or a bare URL and little else;
- a **teaser**: a line right before a link line that does not read as a sentence of the story
  (no final full stop, or under 25 words);
- a **category or time-stamp line**; a **navigation run**: three or more consecutive short
  lines of title-case words without a full stop.

`furniture_spans(text)` returns the `[start, end)` spans of those lines. The pipeline blanks them
in the text the model parses (same length, so every offset still indexes the article), which
keeps them out of every extraction, and says in the analysis' `warnings` how much it skipped.
"""

from __future__ import annotations

import re

LINK = re.compile(r"^\s*(?:[*\-\u2022]\s*)?(?:\[[^\]\n]*\]\([^)\n]*\)?[^\w\n]*|<?https?://\S+>?)\s*$")
LINK_ONLY = re.compile(r"\[[^\]\n]*\]\([^\n]*")
CATEGORY = re.compile(r"^\s*[A-Z][A-Za-z ]{2,30}category(?=[A-Z\s\u00b7])")
STAMP = re.compile(r"\u00b7\s*\w+ \d{1,2}, \d{4}\s*\u00b7\s*\d{1,2}:\d{2}")
SENTENCE_END = re.compile(r"[.!?\u201d\"')\]]\s*$")
MIN_STORY_WORDS = 25
NAV_RUN = 3
NAV_WORDS = 6


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _is_link(line: str) -> bool:
    if LINK.match(line):
        return True
    stripped = LINK_ONLY.sub("", line)
    return "](" in line and len(re.findall(r"\w+", stripped)) <= 2


def _is_teaser(line: str) -> bool:
    words = re.findall(r"\w+", line)
    return bool(words) and (not SENTENCE_END.search(line) or len(words) < MIN_STORY_WORDS)


def _is_nav(line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= NAV_WORDS and not SENTENCE_END.search(line)
            and all(w[:1].isupper() or not w[:1].isalpha() for w in words))


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the furniture lines of `text` (see the module docstring)."""
    if "\n" not in text:
        return []
    spans = _lines(text)
    lines = [text[s:e] for s, e in spans]
    marked = [False] * len(lines)
    for i, line in enumerate(lines):
        if _is_link(line) or CATEGORY.match(line) or STAMP.search(line):
            marked[i] = True
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and not marked[j] and _is_link(line) and _is_teaser(lines[j]):
                marked[j] = True
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if i < len(lines) and _is_nav(line):
            run.append(i)
            continue
        if len(run) >= NAV_RUN:
            for k in run:
                marked[k] = True
        run = []
    return [spans[i] for i, flag in enumerate(marked) if flag and lines[i].strip()]


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with every span replaced by spaces (same length)."""
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(" " * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)
