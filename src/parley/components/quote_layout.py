"""Speakers the page's layout gives, not its sentences: labels, headings and interviews.

Official pages of quotes and interview write-ups credit quotations without a speech verb:

- a **label** opens the line: `- Secretary Smith: “...”`, `**Minister Lee:** “...”`;
- a label that is a **topic** (`- On tariffs: “...”`) continues the speaker the list is under;
- a **heading** names the speaker of the lines below it (`#### Vice President Vance on Meet the
  Press`, a bold line, or a lead-in ending in a colon: `Secretary Smith then told reporters:`),
  until the next heading;
- in an **interview**, a quotation standing alone in its paragraph goes on in the voice of the
  last named speaker (the interviewer's questions in between are not quotes).

`apply(doc, quotes)` fills in the speaker (and the label as cue) of direct quotes the sentence
rules left unattributed; it never overrides a speaker the rules found. Labels, headings and
topics are read off the parse view (`pipeline.parse_view`, Markdown marks already blanked), so
every offset is an offset into the article.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from . import doc_text, quote_data, source_text
from .actors import resolve_mention, slugify

# A label: the start of a line (a list bullet allowed), a few words, a colon, then a quotation.
LABEL = re.compile(r"^[ \t]*(?:[-*\u2022][ \t]+)?(?P<label>[^\n:\u201c\"]{2,90}?)[ \t]*:[ \t]*"
                   r"(?=[\u201c\"])", re.MULTILINE)
# A heading: a Markdown heading line, or a short line with no quotation and no full stop.
HEADING = re.compile(r"^(?P<line>[ \t]*[^\n\u201c\"]{3,120})$", re.MULTILINE)
MAX_INTERVIEW_GAP = 3   # paragraphs between a quotation and the speaker it continues


def _speaker_in(doc: Doc, start: int, end: int) -> tuple[str, list[int]] | None:
    """(actor id or name slug, mention span) of the speaker named in `text[start:end]`: a
    registry actor or a PERSON/ORG entity; None for a topic or a heading about something else."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    first = next((t for t in span if not t.is_space and not t.is_punct), None)
    if first is None or first.lower_ in _topic_words() or first.is_lower:
        return None
    # a person before an organisation: "Secretary of State Marco Rubio" is Rubio, not "State"
    people = [e for e in span.ents if e.label_ == "PERSON"]
    for ent in people[-1:]:
        actor = resolve_mention(doc, ent.start_char, ent.end_char)
        if actor:
            return actor, [ent.start_char, ent.end_char]
    actor = resolve_mention(doc, span.start_char, span.end_char)
    if actor:
        return actor, [span.start_char, span.end_char]
    for ent in people[-1:] + [e for e in span.ents if e.label_ == "ORG"][:1]:
        return slugify(ent.text), [ent.start_char, ent.end_char]
    return None


@lru_cache(maxsize=1)
def _topic_words() -> frozenset[str]:
    return frozenset(quote_data.quotes_yaml()["topic_words"])


def _heading_lines(doc: Doc, original: str) -> list[tuple[int, int]]:
    """Lines that head what follows: Markdown headings, bold-only lines and lead-ins that end in
    a colon, as (start, end) character spans of their words."""
    out = []
    for match in HEADING.finditer(doc_text(doc)):
        start, end = match.span("line")
        raw = original[start:end].strip()
        words = doc_text(doc)[start:end].strip()
        if not words:
            continue
        heading = raw.startswith("#") or (raw.startswith("**") and raw.rstrip(":").endswith("**"))
        lead_in = words.endswith(":") and len(words) < 120
        if heading or lead_in:
            out.append((start, end))
    return out


def _paragraph_of(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _record(actor: str, mention: list[int]) -> dict:
    return {"actor": actor, "anonymous": None, "mention": mention, "anonymity": "named"}


def apply(doc: Doc, quotes: list[dict]) -> None:
    """Give unattributed direct quotes the speaker their layout names (in place)."""
    text = doc_text(doc)
    original = source_text(doc)
    open_quotes = [q for q in quotes if q["kind"] == "direct"
                   and q["speaker"]["anonymity"] == "unattributed"]
    if not open_quotes:
        return
    headings = _heading_lines(doc, original)
    speakers: dict[tuple[int, int], tuple | None] = {}   # each heading resolved once, if needed
    labels = {m.start(): m for m in LABEL.finditer(text)}
    for quote in sorted(open_quotes, key=lambda q: q["segments"][0][0]):
        start = quote["segments"][0][0]
        line_start, _ = _paragraph_of(text, start)
        label = labels.get(line_start)
        if label is not None and label.end() <= start:
            named = _speaker_in(doc, *label.span("label"))
            if named:
                quote["speaker"] = _record(named[0], named[1])
                quote["cue"] = {"text": original[label.start("label"):label.end()].strip(),
                                "span": list(label.span("label"))}
                quote["layout"] = "label"
                continue
        above = [h for h in headings if h[1] <= line_start]
        if above and above[-1] not in speakers:
            speakers[above[-1]] = _speaker_in(doc, *above[-1])
        # the nearest heading above (one naming nobody ends the previous one's reach)
        heading = speakers[above[-1]] if above else None
        if heading is not None:
            quote["speaker"] = _record(heading[0], heading[1])
            quote["layout"] = "heading"
            continue
        carried = _interview_speaker(text, quotes, quote)
        if carried is not None:
            quote["speaker"] = dict(carried["speaker"])
            quote["layout"] = "continued"
            quote["continues"] = carried["id"]


def _the_writer(text: str, speaker: dict) -> bool:
    mention = speaker.get("mention")
    return bool(mention) and text[mention[0]:mention[1]].lower() in ("i", "we") \
        and not speaker.get("actor")


def _interview_speaker(text: str, quotes: list[dict], quote: dict) -> dict | None:
    """The last quote before this one with a named speaker, if this quotation stands alone in
    its paragraph and no more than MAX_INTERVIEW_GAP paragraphs lie between them."""
    start, end = quote["segments"][0][0], quote["segments"][-1][1]
    para_start, para_end = _paragraph_of(text, start)
    before, after = text[para_start:start], text[end:para_end]
    if re.search(r"\w", before) or re.search(r"\w{3}", after):
        return None
    earlier = [q for q in quotes if q["segments"][-1][1] <= para_start and q is not quote]
    for previous in sorted(earlier, key=lambda q: -q["segments"][-1][1]):
        speaker = previous["speaker"]
        if speaker.get("anonymity") == "unattributed" or _the_writer(text, speaker):
            continue   # the interviewer's question ("I asked") does not end the answer
        gap = text[previous["segments"][-1][1]:para_start]
        lines = [line for line in gap.split("\n") if re.search(r"\w", line)]
        if len(lines) > MAX_INTERVIEW_GAP or not speaker.get("actor") \
                or speaker.get("anonymity") != "named":
            return None
        return previous
    return None

