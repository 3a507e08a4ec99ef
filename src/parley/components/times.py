"""The times stage: TIMEX3 expressions with values resolved against the article date.

Writes `doc._.times`: contract records `{span, text, type, value, anchor}` with character offsets
into `doc.text`.

How it works, and why:
- Candidates come from regular expressions built from `data/times.yaml` (one pass of precompiled
  regexes over the text is far cheaper than dateparser per candidate, and TimeML's conventions,
  such as "Saturday night" -> a date, "two years" -> P2Y, "weekly" -> a set, need rules anyway).
  Overlapping matches are resolved longest-first.
- Relative expressions are resolved against an anchor date: the article date, or, inside a
  quotation, the date of the statement it comes from (`anchor: "utterance"`; see
  `statement_anchors`).
- Weekdays and bare months take their direction from the sentence: a future verb ("will meet on
  Sunday") or a forward-looking noun ("Monday's talks") picks the next occurrence (today included),
  a past verb the previous one (today included), anything else the nearest.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from . import doc_text
from .places import in_dateline

# Paired quotation marks, and the marks that open a quotation paragraph.
_OPEN_QUOTES = "“\"«"
_QUOTE_PAIRS = re.compile(r"“[^”\n]*(?:”|$)|\"[^\"\n]*(?:\"|$)|«[^»\n]*(?:»|$)", re.M)


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The data file, with its patterns compiled (once per process)."""
    text = resources.files("parley.data").joinpath("times.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["patterns"] = [Pattern(p["rule"], re.compile(_fill(p["regex"], data), _flags(p)),
                                _needs(p, data), bool(p.get("cased_needs")))
                        for p in data["patterns"]]
    data["lower_weekdays"] = {k.lower(): v for k, v in data["weekdays"].items()}
    data["lower_months"] = {k.lower(): v for k, v in data["months"].items()}
    data["future_re"] = re.compile(r"(?<!\w)(?:%s)(?!\w)" % _alternation(data["future_markers"]),
                                   re.I)
    data["future_preposition_re"] = re.compile(
        r"(?<!\w)(?:%s)\s+(?:on\s+)?"  # "until 9 a.m. Tuesday": a clock time may come between
        r"(?:(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)|noon|midnight)"
        r"(?:\s+[A-Z]{2,4}T)?,?\s+(?:on\s+)?)?$" % _alternation(data["future_prepositions"]), re.I)
    data["statement_re"] = re.compile(r"\b(?:%s)\b" % _alternation(data["statement_cues"]), re.I)
    data["deadline_re"] = re.compile(r"\b(?:%s)\s+(?:(?:early|mid|late)[\s-]+)?$"
                                     % _alternation(data["deadline_prepositions"]), re.I)
    data["period_end_re"] = re.compile(r"\b(?:%s)\s+$" % _alternation(data["period_end_cues"]),
                                       re.I)
    data["effective_re"] = re.compile(r"\b(?:%s)\s+$" % _alternation(data["effective_cues"]),
                                      re.I)
    return data


_SLOT_LISTS = {"MONTH": "months", "WEEKDAY": "weekdays", "SEASON": "seasons", "PART": "parts_of_day",
               "RELDAY": "relative_days", "SETWORD": "set_words", "REFERENCE": "references",
               "HOLIDAY": "holidays", "DECADEWORD": "decade_words", "DAYORD": "day_ordinals"}


class Pattern(NamedTuple):
    """A compiled pattern of times.yaml, with the strings its matches hold."""

    rule: str
    regex: re.Pattern
    needs: tuple[str, ...]
    cased_needs: bool


def _needs(pattern: dict, data: dict) -> tuple[str, ...]:
    """A pattern's `needs`: strings of which every match holds one (`"{SEASON}"` stands for the
    first word of every season), lowercase unless the pattern's `cased_needs`. Why: the scan runs
    each of ~50 patterns over the text, and most texts hold no quarter, season, clock time or
    holiday, or hold them in a few places; the scan reads only the text around these strings.
    Empty: scan the whole text."""
    found: list[str] = []
    for need in pattern.get("needs") or ():
        slot = re.fullmatch(r"\{([A-Z]+)\}", need)
        if slot:
            found += [str(key).split()[0] for key in data[_SLOT_LISTS[slot.group(1)]]]
        else:
            found.append(need)
    if not pattern.get("cased_needs"):
        found = [need.lower() for need in found]
    return tuple(dict.fromkeys(found))


def _flags(pattern: dict) -> int:
    return re.I if "i" in pattern.get("flags", "") else 0


def _alternation(words) -> str:
    r"""Regex alternation of words (a space stands for any whitespace), written as a trie:
    "a|an|a few" becomes `a(?:n|\s+few)?`. Why: Python's `re` tries every alternative at every
    position of the text, and the times scan runs ~50 such patterns over each article; the trie
    tests one character per branch (the scan got 18% faster, same matches). The words a text
    matches at one position lie on one path of the trie, and the trie tries the longer first, so
    "a few" still wins over "a" as in a longest-first alternation (a property test checks it)."""
    trie: dict = {}
    for word in words:
        node = trie
        for unit in _regex_units(word):
            node = node.setdefault(unit, {})
        node[""] = {}
    return _trie_regex(trie)


def _regex_units(word: str) -> list[str]:
    r"""The word as a list of one-character regexes, each space as `\s+`."""
    return [r"\s+" if char == " " else re.escape(char) for char in word]


def _trie_regex(node: dict) -> str:
    branches = [unit + _trie_regex(child) for unit, child in node.items() if unit]
    if not branches:
        return ""
    alternation = "|".join(branches)
    if "" in node:
        return "(?:%s)?" % alternation
    return alternation if len(branches) == 1 else "(?:%s)" % alternation


def _fill(regex: str, data: dict) -> str:
    numbers = _alternation(list(data["numbers"]) + data["vague_numbers"])
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    slots = {
        "WEEKDAY": _alternation(data["weekdays"]),
        "MONTH": _alternation(data["months"]),
        "UNIT": _alternation(data["units"]),
        "NUM": rf"(?:\d+(?:\.\d+)?|(?:{tens})[\s-](?:one|two|three|four|five|six|seven|eight|nine)"
               rf"|{numbers})(?:\s+and\s+a\s+half|(?<=\d)\s+1/2|(?<=\d)½)?",
        "ORDINAL": _alternation(data["ordinals"]),
        "PART": _alternation(data["parts_of_day"]),
        "SEASON": _alternation(data["seasons"]),
        "RELDAY": _alternation(data["relative_days"]),
        "SHIFT": _alternation(data["shifts"]),
        "FUZZY": _alternation(data["fuzzy_shifts"]),
        "SETWORD": _alternation(data["set_words"]),
        "REFERENCE": _alternation(data["references"]),
        "HOLIDAY": _alternation(data["holidays"]),
        "DECADEWORD": _alternation(data["decade_words"]),
        "DAYORD": _alternation(data["day_ordinals"]),
    }
    for name, alternation in slots.items():
        regex = regex.replace("{%s}" % name, f"(?:{alternation})")
    return regex


# --------------------------------------------------------------------------------------------
# Candidates


# How far a match, with the context its lookarounds read, reaches from the need word inside it.
# A match is a few words (the longest pattern, a duration like "the following twenty-seven and a
# half consecutive centuries", is under 60 letters) and the whitespace between them; the longest
# match in the BBC, TimeBank, AQUAINT, MEANTIME and PolNeAR texts is 31 characters. A text with
# a run of whitespace of WIDE_SPACE or more (tables, padding: 28 of 2,225 BBC articles) is
# scanned whole, so that no match can stretch past its window.
SCAN_MARGIN = 120
WIDE_SPACE = re.compile(r"\s{4,}")


def find_candidates(text: str, gate: bool = True) -> list[tuple[int, int, str, re.Match]]:
    """Non-overlapping `(start, end, rule, match)` over `text`, longest match first. `gate`
    scans a pattern with `needs` only around the words it needs, unless the text has a wide run
    of whitespace (the same result as scanning the whole text, `gate=False`, checked by tests)."""
    found = []
    lower = text.lower()
    # (where lowercasing changes the length, as "İ" does, its offsets are not the text's)
    gate = gate and len(lower) == len(text) and WIDE_SPACE.search(text) is None
    for rule, regex, needs, cased_needs in lexicon()["patterns"]:
        if gate and needs:
            spans = _need_windows(text if cased_needs else lower, needs)
        else:
            spans = [(0, len(text))]
        for window_start, window_end in spans:
            for match in regex.finditer(text, window_start, window_end):
                start, end = _core_span(match)
                if end > start:
                    found.append((start, end, rule, match))
    found.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, str, re.Match]] = []
    for cand in found:
        if all(cand[1] <= t[0] or cand[0] >= t[1] for t in taken):
            taken.append(cand)
    taken.sort(key=lambda c: c[0])
    return taken


def _need_windows(text: str, needs: tuple[str, ...]) -> list[tuple[int, int]]:
    r"""Where a pattern can match: SCAN_MARGIN characters around each need word, merged; the
    whole text where that covers most of it, nothing where no need occurs. Why: every match
    holds one of its need words, and a few windows are much less text than the article (with
    the trie alternations, the scan of the 2,225 BBC articles went from 6.6 s to 3.1 s).
    Windows that do not overlap can hold no match across them, and `re` reads the text before
    a window's start for `\b` and lookbehinds."""
    hits = sorted((at, at + len(need)) for need in needs for at in _occurrences(text, need))
    windows: list[list[int]] = []
    for start, end in hits:
        start, end = max(0, start - SCAN_MARGIN), end + SCAN_MARGIN
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    if sum(end - start for start, end in windows) > len(text) // 2:
        return [(0, len(text))]
    return [(start, min(end, len(text))) for start, end in windows]


def _occurrences(text: str, word: str):
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def _core_span(match: re.Match) -> tuple[int, int]:
    """The span to report: a `core`/`core2` group when the pattern needs context around it
    ("for years": "for" tells a duration, but TimeML's span is "years")."""
    groups = match.groupdict()
    for name in ("core", "core2"):
        if groups.get(name):
            return match.span(name)
    return match.span()


# --------------------------------------------------------------------------------------------
# Context: tense, forward-looking nouns, quotations


class Context:
    """What a resolver may ask about the sentence around a candidate."""

    def __init__(self, doc: Doc | None, start: int, end: int):
        if doc is not None:  # "Monday." ends a sentence: its full stop is no guide to the verb
            while end > start + 1 and doc_text(doc)[end - 1] == ".":
                end -= 1
        self.doc, self.start, self.end = doc, start, end

    def verb(self):
        """The verb that governs the expression (None without a parse)."""
        if self.doc is None:
            return None
        span = self.doc.char_span(self.start, self.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        token = span.root
        for _ in range(6):
            if token.pos_ in ("VERB", "AUX") or token.head == token:
                break
            token = token.head
        return token

    def direction(self, day: bool = False) -> int:
        """+1 future, -1 past, 0 unknown, from the verb that governs the expression."""
        verb = self.verb()
        return 0 if verb is None else _verb_direction(verb, lexicon(), day)

    def perfect(self) -> bool:
        """The governing verb is in a perfect tense ("had filed", "have named")."""
        verb = self.verb()
        return verb is not None and any(c.lower_ in ("had", "has", "have", "'d", "’d")
                                        for c in verb.children if c.dep_ == "aux")


def _verb_direction(verb, data: dict, day: bool = False) -> int:
    """Tense of a verb from its auxiliaries and morphology (`day`: for a weekday)."""
    children = list(verb.children)
    aux = [c.lower_ for c in children if c.dep_ in ("aux", "auxpass")]
    if any(a in ("will", "'ll", "’ll", "shall", "wo") for a in aux):
        return 1
    window = verb.doc[max(verb.i - 3, verb.sent.start):verb.i + 1].text
    if data["future_re"].search(window):  # "plans to meet", "scheduled a meeting"
        if re.search(r"\b(?:had|'d|’d)\s+(?:been\s+)?\w+\s+(?:to|for)\b",
                     verb.doc[max(verb.i - 5, verb.sent.start):verb.i + 1].text, re.I):
            return 0  # "it had been due to expire Friday": a plan overtaken, either side
        return 1
    ruler = verb.head
    if verb.dep_ in ("acl", "relcl") and ruler.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
        ruler = ruler.head  # "the first states to ratify it on Friday were ...": the noun's verb
    if (day and verb.tag_ == "VB" and "to" in aux and ruler.tag_ == "VBD"
            and verb.dep_ in ("xcomp", "advcl", "acl", "relcl", "nsubj", "csubj")):
        # "agreed to buy the firm Friday", "the first to join on Friday": a weekday after an
        # infinitive under a past verb mostly dates the past event, not a plan
        return -1
    if verb.tag_ == "VB" and any(a in ("to", "could", "would", "should", "might", "may", "must",
                                       "can") for a in aux):
        return 1  # "plans to meet Monday", "could vote Friday": looks ahead of the speech
    if (verb.tag_ == "VBN" and any(a in ("would", "should", "might", "may", "must") for a in aux)
            and not any(a in ("have", "'ve", "’ve") for a in aux)):
        return 1  # a modal passive: "should be completed in October"
    if (day and verb.lemma_ in ("plan", "schedule") and verb.tag_ in ("VBD", "VBN")
            and any(c.dep_ == "dobj" for c in children)
            and not any(c.dep_ == "xcomp" for c in children)):
        return 0  # "they planned a rally on Saturday": the plan is past, the rally either side
    if verb.tag_ in ("VBD",) or any(a in ("had", "did", "has", "have", "was", "were") for a in aux):
        return -1
    if verb.tag_ == "VBN" and not aux:
        return -1
    return 0


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text: paired marks in a line, and lines that open with a mark.

    A news quote running over several paragraphs opens each one with a mark and closes only the
    last, so a paragraph that starts with an opening mark counts as quoted up to its closing mark
    or its end. Quotation marks are detected here because the quote stage runs later.
    """
    regions: list[tuple[int, int]] = []
    open_chain = False
    for match in _QUOTE_PAIRS.finditer(text):
        start, end = match.span()
        if end - start <= 2:
            continue
        gap = text[regions[-1][1]:start] if regions else ""
        if open_chain and gap.strip() == "":
            regions[-1] = (regions[-1][0], end)  # the quote goes on in this paragraph
        else:
            regions.append((start, end))
        open_chain = text[end - 1] not in "”\"»"
    return regions


def statement_anchors(text: str, regions: list[tuple[int, int]],
                      dated: list[tuple[int, int, dt.date]]) -> dict[int, dt.date]:
    """Quote region index -> the date of the statement it belongs to.

    Heuristic: the statement date is a day-precise date expression outside any quote, in the
    same paragraph as the quote or in one of the three paragraphs before it, whose sentence holds
    a statement cue ("said", "issued a statement", "told"). The closest such date before the quote
    wins; failing that, one after the quote in the same paragraph ("..., he said on Saturday.").
    """
    data = lexicon()
    anchors: dict[int, dt.date] = {}
    outside = [d for d in dated if not any(r[0] <= d[0] < r[1] for r in regions)]
    if not outside:
        return anchors
    for index, (q_start, q_end) in enumerate(regions):
        para_start = _paragraph_start(text, q_start, back=3)
        best = None
        for start, end, date in outside:
            if para_start <= start < q_start and _sentence_has_cue(text, start, end, data):
                best = date  # later ones are closer
        if best is None:
            line_end = text.find("\n", q_end)
            line_end = len(text) if line_end < 0 else line_end
            for start, end, date in outside:
                if q_end <= start < line_end and _sentence_has_cue(text, start, end, data):
                    best = date
                    break
        if best is not None:
            anchors[index] = best
    return anchors


def _paragraph_start(text: str, pos: int, back: int) -> int:
    """Start of the paragraph `back` paragraphs before the one holding `pos`."""
    start = pos
    for _ in range(back + 1):
        start = text.rfind("\n", 0, max(start - 1, 0))
        if start < 0:
            return 0
    return start + 1


def _sentence_has_cue(text: str, start: int, end: int, data: dict) -> bool:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), 0)
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    return bool(data["statement_re"].search(text, left, right))


# --------------------------------------------------------------------------------------------
# Resolution


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_months(year: int, month: int, offset: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + offset
    return total // 12, total % 12 + 1


def _number(word: str | None) -> float | None:
    """Numeric value of "two", "24", "twenty four"; None for vague quantities."""
    if word is None:
        return 1
    word = re.sub(r"\s+", " ", word.lower().strip())
    for half in (" and a half", " 1/2", "½"):
        if word.endswith(half):
            whole = _number(word[:-len(half)])
            return None if whole is None else whole + 0.5
    data = lexicon()
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    if word in data["numbers"]:
        return data["numbers"][word]
    parts = re.split(r"[\s-]", word)
    if len(parts) == 2 and all(p in data["numbers"] for p in parts):
        return data["numbers"][parts[0]] + data["numbers"][parts[1]]
    return None


def _fmt_number(value: float | None) -> str:
    if value is None:
        return "X"
    return str(int(value)) if float(value).is_integer() else str(value)


def _weekday_date(anchor: dt.date, weekday: int, direction: int) -> dt.date:
    """The weekday's date: next (today included), previous (today included) or nearest."""
    ahead = (weekday - anchor.weekday()) % 7
    if direction > 0:
        return anchor + dt.timedelta(days=ahead)
    if direction < 0:
        return anchor - dt.timedelta(days=(7 - ahead) % 7)
    return anchor + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)


def _nearest_year(anchor: dt.date, month: int, day: int = 15) -> int:
    """The year that puts month/day nearest the anchor, a future date counting 3x as far.

    News refers back far more often than ahead, and the tense of the sentence proved a worse
    guide on TimeBank ("payable Nov. 16" in a story of Oct. 31 is this year's)."""
    best, best_cost = anchor.year, None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            when = dt.date(year, month, min(day, 28))
        except ValueError:
            continue
        delta = (when - anchor).days
        cost = 3 * delta if delta > 0 else -delta
        if best_cost is None or cost < best_cost:
            best, best_cost = year, cost
    return best


def _year_for_month(anchor: dt.date, month: int, direction: int) -> int:
    if direction > 0:
        return anchor.year if month >= anchor.month else anchor.year + 1
    if direction < 0:
        return anchor.year if month <= anchor.month else anchor.year - 1
    diff = month - anchor.month
    if diff > 6:
        return anchor.year - 1
    if diff < -6:
        return anchor.year + 1
    return anchor.year


def resolve(rule: str, m: re.Match, anchor: dt.date | None, ctx: Context) -> tuple[str, str] | None:
    """TIMEX3 `(type, value)` of a match, or None when it is not a time after all."""
    handler = _RULES[rule]
    return handler(m, anchor, ctx, lexicon())


def _month_day_year(m, anchor, ctx, data):
    month = data["lower_months"][m.group("month").lower()]
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    shift = (m.groupdict().get("shift") or "").lower()
    if m.group("year"):
        year = int(m.group("year"))
    elif anchor is None:
        return "date", f"XXXX-{month:02d}-{day:02d}"
    elif shift:  # "last Oct. 23": the one before the article date, "next March 5" after it
        if shift == "last":
            year = anchor.year if (month, day) < (anchor.month, anchor.day) else anchor.year - 1
        else:
            year = anchor.year if (month, day) > (anchor.month, anchor.day) else anchor.year + 1
    elif data["period_end_re"].search(doc_text(ctx.doc)[max(0, m.start() - 12):m.start()]
                              if ctx.doc is not None else ""):
        # "the fiscal year ended Jan. 31" (in October): a period over, the latest such day
        year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
    elif data["effective_re"].search(doc_text(ctx.doc)[max(0, m.start() - 20):m.start()]
                                  if ctx.doc is not None else ""):
        # "a new office of the chairman, effective Feb. 1" (in October): the next such day
        year = anchor.year if (month, day) >= (anchor.month, anchor.day) else anchor.year + 1
    else:
        year = _month_day_year_by_tense(anchor, month, day, 1 if _plain_future(ctx) else 0)
    try:
        return "date", dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _plain_future(ctx) -> bool:
    """The governing verb is a plain future ("will succeed him Feb. 1", "is scheduled to"), not
    an infinitive or a modal (as often a past plan in reported speech: "would look for ways to
    repatriate the child by Jan. 14"), and no "since" comes before the date."""
    verb = ctx.verb()
    if verb is None:
        return False
    text = doc_text(ctx.doc)
    if re.search(r"\bsince\s+$", text[max(0, ctx.start - 8):ctx.start], re.I):
        return False
    aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a in ("will", "'ll", "’ll", "shall") for a in aux):
        return True
    window = verb.doc[max(verb.i - 3, verb.sent.start):verb.i + 1].text
    return bool(lexicon()["future_re"].search(window))


def _month_day_year_by_tense(anchor: dt.date, month: int, day: int, direction: int) -> int:
    """A yearless month-day: after a future verb ("will succeed him Feb. 1" in October) the next
    one, today included; otherwise the nearest (a future one counted 3x as far), as a past verb
    is often the "said" of reported plans."""
    if direction > 0 and (month, day) < (anchor.month, anchor.day):
        return anchor.year + 1
    if direction > 0:
        return anchor.year
    return _nearest_year(anchor, month, day)


def _month_year(m, anchor, ctx, data):
    month = data["lower_months"][m.group("month").lower().rstrip(".")]
    return "date", f"{int(m.group('year')):04d}-{month:02d}"


def _month_shift_year(m, anchor, ctx, data):
    """"June last year" -> the anchor's year minus one, June; "April next year" plus one."""
    if anchor is None:
        return None
    month = data["lower_months"][m.group("month").lower()]
    offset = data["shifts"][m.group("shift").lower()]
    return "date", f"{anchor.year + offset:04d}-{month:02d}"


def _iso_date(m, anchor, ctx, data):
    year = int(m.group("year"))
    if len(m.group("year")) == 2:  # "7/8/07": the century nearest the article (or 2000s)
        base = (anchor.year if anchor else 2000) // 100 * 100
        year = min((base - 100 + year, base + year, base + 100 + year),
                   key=lambda y: abs(y - (anchor.year if anchor else 2000)))
    try:
        return "date", dt.date(year, int(m.group("month")),
                               int(m.group("day"))).isoformat()
    except ValueError:
        return None


def _month_only(m, anchor, ctx, data):
    month = data["lower_months"][m.group("month").lower().rstrip(".")]
    if anchor is None:
        return "date", f"XXXX-{month:02d}"
    shift = (m.groupdict().get("shift") or "").lower()
    if shift:
        direction = data["shifts"].get(re.sub(r"\s+", " ", shift), 0)
        direction = direction if direction else 0
    else:
        direction = ctx.direction()
    if shift == "this":  # "this September" (in February): the anchor's year
        year = anchor.year
    elif shift and direction < 0:  # "last March": strictly before this month
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif shift and direction > 0:
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif month != anchor.month and _past_event_verb(ctx):
        # "In January, the firm hired a new chief" (in October): the January before
        year = anchor.year if month < anchor.month else anchor.year - 1
    else:
        year = _month_year_by_tense(anchor, month, ctx.direction())
    return "date", f"{year:04d}-{month:02d}"


def _past_event_verb(ctx) -> bool:
    """The expression's own verb is a simple past of an event ("In January, it hired a
    chief", "the plant was sold in March"), not a verb of saying ("said ... in April" is
    as often about a coming April) and not under a future or a modal."""
    verb = ctx.verb()
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return False
    before = doc_text(ctx.doc)[max(0, ctx.start - 20):ctx.start]
    if lexicon()["deadline_re"].search(before):  # "gave them until mid-November": a deadline
        return False
    if verb.lemma_ in lexicon()["reporting_verbs"]:
        return False
    aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBD" and not aux:
        return True
    return verb.tag_ == "VBN" and bool(aux) and all(a in ("was", "were") for a in aux)


def _month_year_by_tense(anchor: dt.date, month: int, direction: int) -> int:
    """A bare month's year: a future verb ("will join in April") takes the next April (this
    month included), otherwise the nearest (a past future counted 3x as far). A past verb is no
    guide: it is often the "said" of reported speech about a coming month (measured: taking the
    previous month for past verbs scored lower on TimeBank+AQUAINT)."""
    if direction > 0:
        return anchor.year if month >= anchor.month else anchor.year + 1
    return _nearest_year(anchor, month)


def _decade(m, anchor, ctx, data):
    """"the 1990s", "the '80s", "the 70s", "the nineties": TimeML's three-digit decade. A decade
    without its century is the 20th century's (as in TimeBank)."""
    groups = m.groupdict()
    if groups.get("word"):
        return "date", f"19{data['decade_words'][m.group('word').lower()]}"
    century = groups.get("century") or "19"
    return "date", f"{century}{m.group('decade')}"


def _year(m, anchor, ctx, data):
    year = int(m.group("year"))
    # A bare four-digit number is a year only near a date word or in a DATE entity.
    doc = ctx.doc
    if doc is not None:
        span = doc.char_span(m.start(), m.end())
        fiscal = re.search(r"\bfiscal\s+$", doc_text(doc)[max(0, m.start() - 8):m.start()], re.I)
        if (span is not None and span.end < len(doc) and doc[span.end].tag_ == "NNS"
                and not fiscal):  # ("fiscal 1989 sales" is the year)
            return None  # "2000 troops": a quantity
        if span is not None and span[0].ent_type_ in ("DATE",):
            return "date", f"{year:04d}"
    before = (doc_text(doc) if doc is not None else "")[max(0, m.start() - 12):m.start()].lower()
    if doc is not None and re.match(r"[-–](?:1[6-9]|20)\d\d\b", doc_text(doc)[m.end():m.end() + 6]):
        return "date", f"{year:04d}"  # the first year of a range: "the period 2007-2013"
    if doc is None or re.search(r"(?:\b(?:in|since|by|until|till|from|before|after|during|of|"
                                r"through|to|year|early|late|mid|fiscal|and|or|between)\s+|"
                                r"[-–(]\s*)$", before):
        return "date", f"{year:04d}"
    return None


def _short_year(m, anchor, ctx, data):
    """"since '82": the year of that century nearest the article (1982 in 2008)."""
    yy = int(m.group("yy"))
    base = anchor.year if anchor else 2000
    year = min((base // 100 * 100 + c + yy for c in (-100, 0, 100)), key=lambda y: abs(y - base))
    return "date", str(year)


def _mid_year(m, anchor, ctx, data):
    """"mid-1996": the year (TimeML marks the "mid" as a modifier, not in the value)."""
    return "date", m.group("year")


def _century(m, anchor, ctx, data):
    """"the 20th century" -> 19 (the century's first two digits, as TimeML writes it)."""
    n = int(m.group("n"))
    return ("date", f"{n - 1:02d}") if n >= 1 else None


def _anaphoric_unit(m, anchor, ctx, data):
    """"that year", "the following month": the anchor's period (shifted) here;
    `_anaphoric_periods` then moves it to the period of the date the text named last."""
    if anchor is None:
        return None
    shift = {"following": 1, "previous": -1, "preceding": -1, "prior": -1}.get(
        (m.groupdict().get("shift") or "").lower(), 0)
    return "date", _period_value(m.group("unit").lower(), anchor.year, anchor.month, shift)


def _period_value(unit: str, year: int, month: int, shift: int) -> str:
    if unit == "year":
        return str(year + shift)
    if unit == "month":
        year, month = _shift_months(year, month, shift)
        return f"{year:04d}-{month:02d}"
    index = year * 4 + (month - 1) // 3 + shift
    return f"{index // 4}-Q{index % 4 + 1}"


def _week_of_month(m, anchor, ctx, data):
    """"the first/last week of March": an ISO week that has at least four of its days in the
    month (the last such week for "last"), in the year given, else the month's nearest year."""
    month = data["lower_months"][m.group("month").lower()]
    if m.group("year"):
        year = int(m.group("year"))
    elif anchor is not None:
        year = _nearest_year(anchor, month)
    else:
        return "date", f"XXXX-{month:02d}"
    first = dt.date(year, month, 4)  # the week holding the 4th has four days in the month
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=4))
    which = m.group("which").lower()
    if which in ("last", "final"):
        return "date", _iso_week(last)
    day = first + dt.timedelta(weeks={"first": 0, "second": 1, "third": 2}[which])
    return "date", _iso_week(day)


def _quarter(m, anchor, ctx, data):
    q = data["ordinals"][m.group("ord").lower()]
    year = m.group("year") or m.group("pre")  # "the third quarter of 1988", "the 1988 third quarter"
    if year:
        return "date", f"{year}-Q{q}"
    if anchor is None:
        return "date", f"XXXX-Q{q}"
    current = (anchor.month - 1) // 3 + 1
    if q <= current or ctx.direction() > 0:
        year = anchor.year
    elif q == current + 1 and ctx.direction() == 0:
        year = anchor.year  # "closures during the fourth quarter" (in August): the next one
    else:
        year = anchor.year - 1
    return "date", f"{year}-Q{q}"


def _quarter_of_shifted_year(m, anchor, ctx, data):
    """"this year's third quarter" -> 2025-Q3, "the first quarter of next year" -> 2026-Q1."""
    if anchor is None:
        return None
    q = data["ordinals"][m.group("ord").lower()]
    return "date", f"{anchor.year + data['shifts'][m.group('shift').lower()]}-Q{q}"


def _half_year(m, anchor, ctx, data):
    """"the last half of 1989" -> 1989-H2, "the first half of next year" -> the next year's H1."""
    if m.group("year"):
        year = int(m.group("year"))
    elif anchor is not None:
        year = anchor.year + data["shifts"][m.group("shift").lower()]
    else:
        return None
    return "date", f"{year}-H{1 if m.group('which').lower() == 'first' else 2}"


def _quarter_shift(m, anchor, ctx, data):
    if anchor is None:
        return None
    offset = data["shifts"].get(re.sub(r"\s+", " ", m.group("shift").lower()), 0)
    current = (anchor.month - 1) // 3 + offset
    return "date", f"{anchor.year + current // 4}-Q{current % 4 + 1}"


def _definite_quarter(m, anchor, ctx, data):
    """"The quarter" in a report: the last completed quarter before the article date."""
    if anchor is None:
        return "date", "XXXX-QX"
    index = (anchor.month - 1) // 3 - 1
    return "date", f"{anchor.year + index // 4}-Q{index % 4 + 1}"


def _year_ago(m, anchor, ctx, data):
    """"Year-ago", "year-earlier": last year (a quarter of it when the sentence names one)."""
    return ("date", str(anchor.year - 1)) if anchor else None


def _relative_day(m, anchor, ctx, data):
    offset, part = data["relative_days"][m.group("rel").lower()]
    if m.group("part"):
        part = data["parts_of_day"][m.group("part").lower()]
    if m.group("rel").lower() == "today" and not part and (_generic_today(ctx)
                                                             or _todays_generic_noun(m, ctx)):
        return "date", "PRESENT_REF"
    if anchor is None:
        return None
    day = anchor + dt.timedelta(days=offset)
    return "date", day.isoformat() + (f"T{part}" if part else "")


def _todays_generic_noun(m, ctx) -> bool:
    """"today's world", "today's young people", "today's GM": "today's" meaning nowadays
    (TimeML PRESENT_REF) before a noun of the list `generic_after_today` (or one adjective and
    such a noun), or before a name that ends the phrase; "today's meeting", "today's editions"
    stay the day."""
    if ctx.doc is None:
        return False
    text = doc_text(ctx.doc)
    after = re.match(r"\s?[’']s\s+([\w-]+)(?:\s+(\w+))?", text[m.end():m.end() + 60])
    if after is None:
        return False
    words = [w.lower() for w in after.groups() if w]
    if words[0] in lexicon()["generic_after_today"] or (
            len(words) > 1 and words[1] in lexicon()["generic_after_today"]):
        return True
    first = ctx.doc.char_span(m.end() + after.start(1), m.end() + after.end(1))
    return (first is not None and first[0].pos_ == "PROPN"
            and re.match(r"\s*[^\w\s]", text[m.end() + after.end(1):]) is not None)


def _generic_today(ctx) -> bool:
    """"Today" meaning nowadays (TimeML PRESENT_REF): it qualifies a state ("Today the issue is
    air defence", "today you are in Kyiv") or a hypothetical ("to do it today would mean",
    "stopping Putin today"), not an event of the day ("said today", "talks resume today",
    "will meet today"). Read from the governing verb: a present-tense "be"/"have" with no
    progressive after a clause-initial "Today", a gerund, or an infinitive subject."""
    verb = ctx.verb()
    if verb is None:
        return False
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if verb.lemma_ in ("be", "have") and verb.tag_ in ("VBZ", "VBP") and not aux:
        # only a clause-initial "Today": "the world is safer today" is that day
        before = doc_text(ctx.doc)[max(0, ctx.start - 40):ctx.start].rstrip(" “\"'‘")
        opens = not before or before[-1] in ".!?:;\n"
        return opens and not any(c.tag_ == "VBG" for c in verb.children)
    if verb.tag_ == "VBG" and verb.dep_ in ("csubj", "nsubj", "pcomp", "pobj") and not aux:
        return True
    if verb.tag_ == "VB" and "to" in aux and verb.dep_ in ("csubj", "nsubj"):
        return True
    return False


def _last_night(m, anchor, ctx, data):
    if anchor is None:
        return None
    part = data["parts_of_day"][m.group("part").lower()]
    last = m.group(0).lower().startswith("last")
    day = anchor - dt.timedelta(days=1) if last else anchor
    return "date", f"{day.isoformat()}T{part}"


def _weekday(m, anchor, ctx, data):
    weekday = data["lower_weekdays"][m.group("weekday").lower()]
    if anchor is None:
        return "date", f"XXXX-WXX-{weekday + 1}"
    shift = (m.group("shift") or "").lower()
    if shift:
        offset = data["shifts"].get(re.sub(r"\s+", " ", shift), 0)
        if offset > 0:
            day = anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
        elif offset < 0:
            day = anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7 or 7)
        else:
            day = anchor + dt.timedelta(days=weekday - anchor.weekday())
    else:
        direction = ctx.direction(day=True)
        if _future_preposition_before(m, ctx, data):
            # "closed until Friday", "postponed until Tuesday", "as early as Tuesday": ahead,
            # unless the verb is perfect ("had filed reports by Wednesday"): the nearest one
            direction = 0 if ctx.perfect() else 1
        elif m.group("poss") and direction >= 0:
            # "Monday's talks" looks ahead, "Friday's attack" back; a past verb wins
            # ("In Sunday's debate, he attacked ...")
            direction = 1 if _future_noun_after(m, ctx, data) else -1
        day = _weekday_date(anchor, weekday, direction or data["default_weekday_direction"])
    part = (m.group("part") or "").lower()
    if part in data["weekday_parts_with_suffix"]:
        return "date", f"{day.isoformat()}T{data['parts_of_day'][part]}"
    return "date", day.isoformat()


def _future_preposition_before(m, ctx, data) -> bool:
    """A weekday right after "until", "by", "as early as" is a deadline or plan: the next one."""
    if ctx.doc is None:
        return False
    before = doc_text(ctx.doc)[max(0, m.start() - 40):m.start()]
    return bool(data["future_preposition_re"].search(before))


def _future_noun_after(m, ctx, data) -> bool:
    if ctx.doc is None:
        return True
    # The noun, or the one after an adjective: "Monday's talks", "Monday's crucial talks"
    words = re.findall(r"[\w-]+", doc_text(ctx.doc)[m.end():m.end() + 40])[:2]
    return any(word.lower() in data["future_nouns"] for word in words)


def _season(m, anchor, ctx, data):
    season = data["seasons"][m.group("season").lower()]
    if m.group("year"):
        return "date", f"{m.group('year')}-{season}"
    if anchor is None:
        return "date", f"XXXX-{season}"
    shift = (m.group("shift") or "").lower().split()
    offset = data["shifts"].get(shift[0], 0) if shift else 0
    if shift and shift[0] == "past":  # "this past spring": the latest one over
        return "date", f"{_season_year_shifted(anchor, season, offset)}-{season}"
    if shift and shift[0] in ("this", "next", "coming"):
        return "date", f"{_season_year_shifted(anchor, season, offset)}-{season}"
    return "date", f"{anchor.year + offset}-{season}"


# The months a season spans (winter counted from its December: TimeML's "1998-WI" is the winter
# that starts in December 1998).
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def _season_year_shifted(anchor: dt.date, season: str, offset: int) -> int:
    """"Past spring" is the latest spring over before the anchor (in October 1989: 1989's, not
    1988's; "last spring" stays the previous year's, as TimeBank has it), "next spring" the
    first not yet begun; "this spring" the anchor's year."""
    first, last = _SEASON_MONTHS[season]
    month = anchor.month if anchor.month >= 3 else anchor.month + 12  # Jan/Feb: last winter's
    year = anchor.year if anchor.month >= 3 else anchor.year - 1
    if offset < 0:
        return year if month > last else year - 1
    if offset > 0:
        return year if month < first else year + 1
    return year if season == "WI" else anchor.year


def _season_year(m, anchor, ctx, data):
    return "date", f"{m.group('year')}-{data['seasons'][m.group('season').lower()]}"


def _shifted_unit(m, anchor, ctx, data):
    if ctx.doc is not None and _quoted_title(doc_text(ctx.doc), m):
        return None  # ABC's "This Week": a programme, not a week
    unit = m.group("unit").lower()
    shift = re.sub(r"\s+", " ", m.group("shift").lower())
    if shift == "past" or (shift == "last" and m.start() >= 4
                           and ctx.doc is not None
                           and doc_text(ctx.doc)[max(0, m.start() - 4):m.start()].lower() == "the "):
        return "duration", "P1" + data["units"].get(unit, "W")
    offset = data["shifts"].get(shift, 0)
    if anchor is None:
        return None
    if unit == "year":
        return "date", str(anchor.year + offset)
    if unit == "month":
        year, month = _shift_months(anchor.year, anchor.month, offset)
        return "date", f"{year:04d}-{month:02d}"
    if unit == "weekend" and shift == "the":
        direction = ctx.direction() or data["default_weekday_direction"]
        return "date", _iso_week(_weekday_date(anchor, 5, direction)) + "-WE"
    if unit in ("week", "weekend"):
        suffix = "-WE" if unit == "weekend" else ""
        return "date", _iso_week(anchor + dt.timedelta(weeks=offset)) + suffix
    if unit == "decade":
        return "date", str(anchor.year // 10 + offset)
    if unit == "century":
        return "date", str(anchor.year // 100 + offset)
    return None


def _quoted_title(text: str, m: re.Match) -> bool:
    """Every word capitalized ("This Week", "Next Year") right after an opening quotation
    mark: the title of a programme, a book or a film (CBS's "60 Minutes")."""
    words = m.group(0).split()
    before = text[max(0, m.start() - 1):m.start()]
    return (len(words) > 1 and all(w[0].isupper() for w in words if w[0].isalpha())
            and before in ("\"", "“", "'", "‘", "`"))


def _ago(m, anchor, ctx, data):
    number = _number(m.group("num"))
    if m.group("half") and number is not None:  # "an hour and a half later"
        number += 0.5
    unit = m.group("unit").lower()
    if anchor is None or number is None:
        return None
    if unit in data["time_units"]:  # "an hour later": TimeML marks the length, PT1H
        return "duration", _duration_value(number, unit, data)
    if m.group("dir").lower() in ("before", "after") and _clause_follows(m, ctx):
        # "up to 15 years before Turkey is able to join": counted from an event, a length
        return "duration", _duration_value(number, unit, data)
    if not float(number).is_integer():
        return None
    n = int(number) * (1 if re.match(r"later|from|hence", m.group("dir").lower()) else -1)
    if unit == "year":
        return "date", str(anchor.year + n)
    if unit == "month":
        year, month = _shift_months(anchor.year, anchor.month, n)
        return "date", f"{year:04d}-{month:02d}"
    if unit == "week":
        return "date", _iso_week(anchor + dt.timedelta(weeks=n))
    if unit == "day":
        return "date", (anchor + dt.timedelta(days=n)).isoformat()
    if unit == "decade":
        return "date", str(anchor.year // 10 + n)
    return None


def _clause_follows(m, ctx) -> bool:
    """A word, not a full stop or comma, follows "before"/"after": it names the event."""
    if ctx.doc is None:
        return False
    return bool(re.match(r"[^\S\n]+[\w“\"]", doc_text(ctx.doc)[m.end():m.end() + 3]))


# The next smaller unit and how many of it make one: a fraction is written in it.
_SMALLER_UNIT = {"year": ("M", 12), "day": ("H", 24), "hour": ("M", 60), "minute": ("S", 60)}


def _duration_value(number, unit: str, data: dict) -> str:
    code = data["units"][unit]
    if unit == "decade":  # TimeBank writes "two decades" as P20Y, and "decades-long" as PXY
        return f"P{_fmt_number(number * 10 if number is not None else None)}Y"
    if unit == "quarter":
        return f"P{_fmt_number(number * 3 if number else None)}M"
    if unit == "fortnight":
        return f"P{_fmt_number(number * 2 if number else None)}W"
    if number is not None and not float(number).is_integer():
        # "2 1/2 years" -> P2Y6M, "a minute and a half" -> PT1M30S: the fraction in the next
        # smaller unit, as TimeML writes it; a decimal where that is not a whole number
        whole, part = int(number), number - int(number)
        smaller = _SMALLER_UNIT.get(unit)
        if smaller and float(part * smaller[1]).is_integer():
            rest = f"{int(part * smaller[1])}{smaller[0]}"
            if unit in data["time_units"]:
                return f"PT{whole}{code}{rest}" if whole else f"PT{rest}"
            if smaller[0] == "H":
                return f"P{whole}{code}T{rest}" if whole else f"PT{rest}"
            return f"P{whole}{code}{rest}" if whole else f"P{rest}"
        if unit in data["time_units"]:
            return f"PT{_fmt_number(number)}{code}"
        return f"P{_fmt_number(number)}{code}"
    prefix = "PT" if unit in data["time_units"] else "P"
    return f"{prefix}{_fmt_number(number)}{code}"


def _duration(m, anchor, ctx, data):
    if ctx.doc is not None and _quoted_title(doc_text(ctx.doc), m):
        return None
    unit = m.group("unit").lower()
    num = m.groupdict().get("num")
    shift = (m.groupdict().get("shift") or "").lower()
    if (not num and anchor is not None and m.groupdict().get("det")
            and shift in ("past", "last", "previous") and unit in ("year", "month", "decade")):
        # "the past year" is the year before the article's in TimeML (1997 in 1998), not P1Y
        if unit == "year":
            return "date", str(anchor.year - 1)
        if unit == "decade":
            return "date", str(anchor.year // 10 - 1)
        year, month = _shift_months(anchor.year, anchor.month, -1)
        return "date", f"{year:04d}-{month:02d}"
    if unit == "second" and num and num.lower() in ("a", "one") and _noun_follows(m, ctx):
        return None  # "a second group", "a second A380": the ordinal, not a duration
    number = _number(num) if num else 1
    if m.groupdict().get("half") and number is not None:  # "a year and a half": P1Y6M
        number += 0.5
    if (num and num.lower() in ("a", "an") and not m.groupdict().get("shift")
            and not m.groupdict().get("half")):
        before = (doc_text(ctx.doc) if ctx.doc is not None else "")[max(0, m.start() - 12):m.start()]
        if re.search(r"\b(?:once|twice|times|per)\s*$", before, re.I):
            return "set", _duration_value(1, unit, data)
    return "duration", _duration_value(number, unit, data)


def _long_adjective(m, anchor, ctx, data):
    """"day-long" -> P1D, "two-week-long" -> P2W, "decades-long" -> PXY (a number unknown)."""
    unit = m.group("unit").lower()
    if m.group("num"):
        number = _number(m.group("num"))
    else:
        number = None if m.group("plural") else 1
    return "duration", _duration_value(number, unit, data)


def _quarters(m, anchor, ctx, data):
    """"the past two quarters" -> P2Q, "several quarters" -> PXQ (TimeML's quarter unit)."""
    return "duration", f"P{_fmt_number(_number(m.group('num')))}Q"


def _noun_follows(m, ctx) -> bool:
    """The word after the match is a noun or number ("a second term"), not "ago", "or", ","."""
    if ctx.doc is None:
        return False
    span = ctx.doc.char_span(m.start(), m.end(), alignment_mode="expand")
    if span is None or span.end >= len(ctx.doc):
        return False
    return ctx.doc[span.end].pos_ in ("NOUN", "PROPN", "NUM", "ADJ")


def _duration_vague(m, anchor, ctx, data):
    unit = (m.groupdict().get("unit") or m.groupdict().get("unit2")).lower()
    unit = "century" if unit == "centurie" else unit
    return "duration", _duration_value(None, unit, data)


def _every(m, anchor, ctx, data):
    unit = m.group("unit").lower()
    num = m.group("num")
    return "set", _duration_value(_number(num.strip()) if num else 1, unit, data)


def _every_month(m, anchor, ctx, data):
    return "set", f"XXXX-{data['lower_months'][m.group('month').lower()]:02d}"


def _every_weekday(m, anchor, ctx, data):
    weekday = data["lower_weekdays"][m.group("weekday").lower().rstrip("s")]
    return "set", f"XXXX-WXX-{weekday + 1}"


_QUANTITY_BEFORE = re.compile(r"(?:\d[\d,.]*\s*(?:%|percent|million|billion|thousand)?|"
                              r"\$[\d,.]+\s*(?:million|billion)?)(?:\s+[a-z]+)?\s+$", re.I)


def _set_word(m, anchor, ctx, data):
    word = m.group("word").lower()
    if (word.endswith("ly") and ctx.doc is not None
            and _QUANTITY_BEFORE.search(doc_text(ctx.doc)[max(0, m.start() - 40):m.start()])):
        return None  # "to rise 8.5% annually", "10,000 units annually": a rate, not a time
    return "set", data["set_words"][word]


def _clock(m, anchor, ctx, data):
    hour = int(m.group("hour"))
    minute = int(m.group("minute") or 0)
    ampm = (m.groupdict().get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    if ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23:
        return None
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    utc = "Z" if (m.groupdict().get("zone") or "") in ("UTC", "GMT") else ""
    return "time", f"{day}T{hour:02d}:{minute:02d}{utc}"


def _clock_part(m, anchor, ctx, data):
    """"4 in the morning" -> T04:00, "8 o'clock in the evening" -> T20:00."""
    hour = int(m.group("hour")) % 12
    if m.group("part").lower() in ("afternoon", "evening"):
        hour += 12
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    return "time", f"{day}T{hour:02d}:00"


def _noon(m, anchor, ctx, data):
    hour = "12:00" if m.group("word").lower() in ("noon", "midday") else "24:00"
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    return "time", f"{day}T{hour}"


def _reference(m, anchor, ctx, data):
    word = re.sub(r"\s+", " ", m.group("word").lower())
    return "date", data["references"][word]


def _the_year(m, anchor, ctx, data):
    """"The year": the article's year; before "ended/ending" a fiscal year's length (P1Y)."""
    if m.group("ended"):
        return "duration", "P1Y"
    return ("date", str(anchor.year)) if anchor else None


def _the_day(m, anchor, ctx, data):
    """"The day": the article's date here; `_the_day_refers_back` then takes the day the text
    last named, the day the story is about ("fell 3% on Monday ... by the end of the day")."""
    return ("date", anchor.isoformat()) if anchor else None


def _spelled_year(m, anchor, ctx, data):
    """"nineteen ninety-six" -> 1996, "the year two thousand" -> 2000 (transcribed speech)."""
    century = re.sub(r"\s+", " ", m.group("century").lower())
    base = 2000 if century == "two thousand" else data["numbers"][century] * 100
    rest = _number(m.group("rest")) if m.group("rest") else 0
    return None if rest is None else ("date", str(base + int(rest)))


def _holiday(m, anchor, ctx, data):
    """A named holiday: its date in the year nearest the anchor (past preferred), or the
    previous/next one after "last"/"next"."""
    rule = data["holidays"][re.sub(r"\s+", " ", m.group("name"))]
    if anchor is None:
        return ("date", f"XXXX-{rule[0]:02d}-{rule[1]:02d}") if len(rule) == 2 else None
    shift = data["shifts"].get((m.group("shift") or "").lower(), 0)
    dates = [_holiday_date(rule, year) for year in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if shift < 0:
        day = max(d for d in dates if d < anchor)
    elif shift > 0:
        day = min(d for d in dates if d > anchor)
    else:
        day = min(dates, key=lambda d: 3 * (d - anchor).days if d > anchor else (anchor - d).days)
    return "date", day.isoformat()


def _event_day(m, anchor, ctx, data):
    """"The second day of the talks": a day counted from an event's start, so unknown here
    (XXXX-XX-XX; `_event_days_from_text` dates it when the text dates the event), unless the
    sentence says it is today ("Today is the eighth day of the blockade", "It's the second day
    of the offensive": a present "be" with "today"/"it" as subject)."""
    if anchor is not None and _is_today(ctx):
        return "date", anchor.isoformat()
    return "date", "XXXX-XX-XX"


def _is_today(ctx) -> bool:
    """The expression is the predicate of a present "be" whose subject is "today", "it" or
    "this" (spaCy's `attr`): the day named is the anchor's."""
    if ctx.doc is None:
        return False
    span = ctx.doc.char_span(ctx.start, ctx.end, alignment_mode="expand")
    if span is None or span.root.dep_ != "attr":
        return False
    verb = span.root.head
    subjects = [t.lower_ for t in verb.children if t.dep_ in ("nsubj", "expl")]
    return verb.lemma_ == "be" and verb.tag_ in ("VBZ", "VBP") and \
        any(word in ("today", "it", "this") for word in subjects)


def _holiday_date(rule: list, year: int) -> dt.date:
    if len(rule) == 2:
        return dt.date(year, rule[0], rule[1])
    month, weekday, n, earliest = (list(rule) + [1])[:4]  # n-th weekday on or after `earliest`
    first = dt.date(year, month, earliest)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


_RULES = {
    "month_day_year": _month_day_year, "month_year": _month_year, "iso_date": _iso_date,
    "month_only": _month_only, "decade": _decade, "year": _year, "quarter": _quarter,
    "quarter_shift": _quarter_shift,
    "definite_quarter": _definite_quarter, "year_ago": _year_ago, "relative_day": _relative_day, "last_night": _last_night,
    "weekday": _weekday, "season": _season, "season_year": _season_year,
    "shifted_unit": _shifted_unit, "ago": _ago, "duration": _duration,
    "duration_vague": _duration_vague, "every": _every, "every_weekday": _every_weekday,
    "set_word": _set_word, "clock": _clock, "noon": _noon, "reference": _reference,
    "the_year": _the_year, "the_day": _the_day, "spelled_year": _spelled_year,
    "holiday": _holiday, "month_shift_year": _month_shift_year,
    "quarter_of_shifted_year": _quarter_of_shifted_year, "short_year": _short_year,
    "mid_year": _mid_year, "century": _century, "anaphoric_unit": _anaphoric_unit,
    "week_of_month": _week_of_month, "event_day": _event_day, "quarters": _quarters,
    "clock_part": _clock_part, "half_year": _half_year,
    "every_month": _every_month, "long_adjective": _long_adjective,
}

# Rules whose value depends on the anchor: only these are re-anchored on a statement's date.
_DEICTIC = {"relative_day", "last_night", "weekday", "shifted_unit", "ago", "month_only",
            "clock", "clock_part", "noon", "quarter", "quarter_shift", "season",
            "definite_quarter", "year_ago", "the_year", "the_day", "holiday", "event_day",
            "month_shift_year", "quarter_of_shifted_year", "half_year"}


# --------------------------------------------------------------------------------------------
# The component


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def extract_times(doc: Doc, article_date: str | None) -> list[dict]:
    """Contract Time records for every time expression in `doc`."""
    text = doc_text(doc)
    anchor = _parse_date(article_date)
    records = []
    resolved = []
    narrative: dict[int, bool] = {}  # yearless month (day) records -> may follow the narrative
    for start, end, rule, match in find_candidates(text):
        result = resolve(rule, match, anchor, Context(doc, start, end))
        if result is None:
            continue
        start, end = _trim(text, start, end)
        resolved.append((start, end, rule, match, result))
    regions = quote_regions(text)
    if regions and anchor is not None:
        dated = [(s, e, dt.date.fromisoformat(r[1][:10])) for s, e, _, _, r in resolved
                 if re.fullmatch(r"\d{4}-\d\d-\d\d(?:T\w+)?", r[1])]
        anchors = statement_anchors(text, regions, dated)
    else:
        anchors = {}
    for start, end, rule, match, (kind, value) in resolved:
        used = "article"
        region = _region_index(regions, start)
        if region is not None and region in anchors and rule in _DEICTIC:
            again = resolve(rule, match, anchors[region], Context(doc, start, end))
            if again is not None:
                kind, value = again
                used = "utterance"
        records.append({"span": [start, end], "text": text[start:end], "type": kind,
                        "value": value, "anchor": used, "rule": rule})
        if _yearless(rule, match) and used == "article" and _opens_chronology(text, start):
            narrative[len(records) - 1] = Context(doc, start, end).direction() <= 0
    _part_of_day_apart(records)
    _year_ago_quarters(text, records)
    _same_period_a_year_before(text, records)
    _the_day_refers_back(records)
    _weekday_from_named_day(text, records)
    _the_quarter_refers_back(records)
    _narrative_years(records, narrative, anchor)
    _anaphoric_periods(records)
    _the_year_of_the_sentence(text, records)
    _event_days_from_text(doc, records)
    _the_week_of_a_day(text, records)
    records = _second_day_of_a_pair(text, records)
    records = _clock_with_weekday(text, records)
    _clock_on_named_day(text, records)
    return _month_with_spelled_year(text, records)


_FULL_STOP = re.compile(r"(?<![ap]\.m)\. |[ap]\.m\. (?=[A-Z][a-z])(?!\w+day\b)")


def _clock_on_named_day(text: str, records: list[dict]) -> None:
    """A clock time in a sentence that names a day is a time of that day, not of the article
    date: "the jet flew on Tuesday, taking off at 18:00 UTC" -> Tuesday's 18:00. The nearest
    day-precise date in the same sentence wins."""
    days = [r for r in records if re.fullmatch(r"\d{4}-\d\d-\d\d", r["value"])
            or r.get("rule") == "clock_day"]  # "4 in the morning (4 a.m. Thursday)"
    for record in records:
        if record.get("rule") not in ("clock", "clock_part", "noon") or "T" not in record["value"]:
            continue
        start, end = record["span"]
        left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
        stop = _FULL_STOP.search(text, end)  # (not the stop of "a.m." before a zone or day)
        right = min(i if i >= 0 else len(text)
                    for i in (stop.start() if stop else -1, text.find("\n", end)))
        near = [d for d in days if left < d["span"][0] and d["span"][1] <= right + 1]
        if near:
            day = min(near, key=lambda d: min(abs(d["span"][0] - end), abs(start - d["span"][1])))
            record["value"] = day["value"][:10] + "T" + record["value"].split("T", 1)[1]


_OF_GAP = re.compile(r",?\s+(?:of\s+)?")


def _month_with_spelled_year(text: str, records: list[dict]) -> list[dict]:
    """"January nineteen ninety-seven", "the winter of nineteen ninety-four": a month or season
    followed by a year in words is that month/season of that year (one expression)."""
    merged: list[dict] = []
    for record in records:
        prev = merged[-1] if merged else None
        if (prev is not None and record.get("rule") == "spelled_year"
                and prev.get("rule") in ("month_only", "season")
                and _OF_GAP.fullmatch(text, prev["span"][1], record["span"][0])):
            start, end = prev["span"][0], record["span"][1]
            suffix = prev["value"].split("-", 1)[1]
            merged[-1] = {**prev, "span": [start, end], "text": text[start:end],
                          "value": f"{record['value']}-{suffix}"}
            continue
        merged.append(record)
    return merged


_NAMED_PERIOD = re.compile(r"(\d{4})(?:-(?:(\d\d)|Q(\d)))?(?:-\d\d)?(?:T.*)?")


def _anaphoric_periods(records: list[dict]) -> None:
    """"that year", "later that year", "the following month" take the period of the date the
    text named last ("fled in June 1998 and returned later that year" -> 1998), shifted for
    "following"/"previous"; without a date fine enough before them they keep the anchor's."""
    last = last_month = None  # (year, month or None, quarter or None)
    for record in records:
        if record.get("rule") == "anaphoric_unit" and last is not None:
            text = record["text"].lower()
            shift = 1 if "following" in text else -1 if re.search(
                r"previous|preceding|prior", text) else 0
            unit = re.search(r"\b(year|month|quarter)\b", text).group(1)  # ("the year previous")
            year, month, quarter = last
            if unit == "month" and month is None and last_month is not None:
                year, month, quarter = last_month  # "December 14 and 15 last year ... later
                # in the month": the month named last, not the year named after it
            if unit == "month" and month is None:
                continue
            if unit == "quarter" and month is None and quarter is None:
                continue
            month = month or (quarter - 1) * 3 + 1 if unit == "quarter" else month or 1
            record["value"] = _period_value(unit, year, month, shift)
            continue
        match = _NAMED_PERIOD.fullmatch(record["value"])
        if match and record["type"] in ("date", "time"):
            month = int(match.group(2)) if match.group(2) else None
            quarter = int(match.group(3)) if match.group(3) else None
            last = (int(match.group(1)), month, quarter)
            if month is not None:
                last_month = last


_PART_OF_DAY = re.compile(r"(\d{4}-\d\d-\d\d)T(MO|AF|EV|NI)")


def _part_of_day_apart(records: list[dict]) -> None:
    """"This morning", "last night", "Friday evening": the contract's gold values them as the
    day (2025-06-22), TimeML as the day and a part of it (2025-06-22TMO). `value` keeps the
    contract's day and `part_of_day` the TimeML suffix, so neither reading is lost
    (`timeml_value` puts them back together for TimeML corpora)."""
    for record in records:
        match = _PART_OF_DAY.fullmatch(record["value"])
        if match:
            record["value"], record["part_of_day"] = match.group(1), match.group(2)


def timeml_value(record: dict) -> str:
    """The TIMEX3 value of a Time record: its value, with the part of day TimeML appends."""
    part = record.get("part_of_day")
    return f"{record['value']}T{part}" if part else record["value"]


_SENTENCE_OPENING = re.compile(r"(?:[Oo]n|[Ii]n|[Bb]y|[Ee]arly|[Ll]ate|[Ii]n\s+(?:early|late|mid-?))?\s*")


def _opens_chronology(text: str, start: int) -> bool:
    """The sentence of a yearless date opens with it ("On March 10, ...", "In early April, ...")
    or with a sequencing word ("Then, ...", "Ten days later, on ..."); a dateline does not."""
    line = text.rfind("\n", 0, start) + 1
    if in_dateline(text, start):
        return False
    opening = text[max(line, text.rfind(". ", 0, start) + 2):start]
    if _SENTENCE_OPENING.fullmatch(opening):
        return True
    words = re.sub(r"^[^\w]+", "", opening).lower()
    return any(re.match(rf"(?:\w+\s+)?{re.escape(w)}\b", words)
               for w in lexicon()["narrative_openers"])


NARRATIVE_WINDOW = 1500  # characters back to the date a chronology is counting from
NARRATIVE_GAP_DAYS = 120  # ... which must lie this far before the article date


def _yearless(rule: str, match: re.Match) -> bool:
    """A month or a month and day with no year and no "next"/"last": "on March 7", "in April"."""
    groups = match.groupdict()
    return rule in ("month_day_year", "month_only") and not groups.get("year") and not groups.get("shift")


_MONTH_PRECISE = re.compile(r"(\d{4})-(\d\d)(?:-(\d\d))?")


def _narrative_years(records: list[dict], narrative: dict[int, bool], anchor: dt.date | None) -> None:
    """A chronology ("in February 2022 ... ending on March 7 ... On March 10 ...") dates a
    yearless month from the last date it named, not from the article: the first such month on
    or after that date (HeidelTime's narrative reference time). Only for past or untensed
    clauses, only while the last named date is month-precise, recent in the text and well
    before the article date, and never past the article date; otherwise news time rules."""
    last = None  # (date, start offset)
    for index, record in enumerate(records):
        match = _MONTH_PRECISE.fullmatch(record["value"])
        if (match and narrative.get(index) and last is not None and anchor is not None
                and record["span"][0] - last[1] < NARRATIVE_WINDOW
                and (anchor - last[0]).days > NARRATIVE_GAP_DAYS):
            month, day = int(match.group(2)), int(match.group(3) or 1)
            year = last[0].year + ((month, day) < (last[0].month, last[0].day))
            try:
                when = dt.date(year, month, day)
            except ValueError:
                when = None
            if when is not None and when <= anchor:
                record["value"] = f"{year:04d}{record['value'][4:]}"
        match = _MONTH_PRECISE.fullmatch(record["value"])
        if match and record["type"] == "date" and record.get("rule") != "anaphoric_unit":
            try:
                last = (dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)),
                        record["span"][0])
            except ValueError:
                pass


def _the_year_of_the_sentence(text: str, records: list[dict]) -> None:
    """"The year" after a date with a year in the same sentence is that year: "a loss in the
    fourth quarter of 2005 and of $8.6 billion for the entire year" (in a 2006 article) is 2005."""
    for index, record in enumerate(records):
        if record.get("rule") != "the_year" or record["type"] != "date":
            continue
        start = record["span"][0]
        left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
        named = [r for r in records[:index] if r["span"][0] > left and r["type"] == "date"
                 and re.match(r"\d{4}(?:-|$)", r["value"])]
        if named:
            record["value"] = named[-1]["value"][:4]


_OF_EVENT = re.compile(r"\s+of\s+(?:(?:the|a|an|its|their|this|these|those)\s+)?")
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")


def _event_days_from_text(doc: Doc, records: list[dict]) -> None:
    """"On the second day of the talks" is the talks' date plus one day when the text dates
    the talks: the day-precise date nearest before (else after) it in a sentence that names the
    event's noun ("The talks opened in Geneva on Monday, August 18"). Dates before the
    expression in its own sentence are left out: they date the ordinal day itself ("On
    Wednesday, the second day of the talks"). Runs only where there is an `event_day` record."""
    wanted = [r for r in records if r.get("rule") == "event_day"]
    if not wanted:
        return
    text = doc_text(doc)
    data = lexicon()
    for record in wanted:
        noun = _event_noun(doc, record["span"][1])
        if noun is None:
            continue
        start = _event_start(text, records, record, noun)
        if start is None:
            continue
        words = record["text"].lower().split()
        ordinal = words[-2]
        n = data["day_ordinals"].get(ordinal) or int(re.match(r"\d+", ordinal).group(0))
        record["value"] = (start + dt.timedelta(days=n - 1)).isoformat()


def _event_noun(doc: Doc, end: int) -> str | None:
    """The head noun of "of the talks" after an ordinal day (the parse's object of "of"; the
    word after the determiner where the parse has none)."""
    text = doc_text(doc)
    gap = _OF_EVENT.match(text, end)
    if gap is None:
        return None
    token = doc.char_span(gap.end(), gap.end() + 1, alignment_mode="expand")
    if token is None or len(token) == 0:
        return None
    word = token[0]
    of = [t for t in word.ancestors if t.lower_ == "of"]
    if of:
        objects = [t for t in of[0].children if t.dep_ == "pobj"]
        if objects:
            word = objects[0]
    return word.text if word.is_alpha else None


def _event_start(text: str, records: list[dict], record: dict, noun: str) -> dt.date | None:
    """The day-precise date nearest the ordinal day in a sentence naming `noun` (see
    `_event_days_from_text`), looking back first."""
    own_start = _sentence_bounds(text, record["span"][0])[0]
    pattern = re.compile(r"\b%s\b" % re.escape(noun), re.I)
    before, after = [], []
    for other in records:
        if other is record or other["type"] != "date" or not _DAY_VALUE.fullmatch(other["value"]):
            continue
        if own_start <= other["span"][0] < record["span"][0]:
            continue
        left, right = _sentence_bounds(text, other["span"][0])
        if not pattern.search(text, left, right):
            continue
        (before if other["span"][0] < record["span"][0] else after).append(other)
    chosen = before[-1] if before else (after[0] if after else None)
    return dt.date.fromisoformat(chosen["value"]) if chosen else None


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence (or line) around `pos`, by full stops and line breaks."""
    left = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [at for at in (text.find(". ", pos), text.find("\n", pos)) if at >= 0]
    return left, min(ends) if ends else len(text)


def _the_quarter_refers_back(records: list[dict]) -> None:
    """"The quarter", "the latest period" after a named quarter is that quarter: a company on a
    fiscal calendar reports "the fiscal first quarter" in October, then "sales for the quarter"
    (its first, not the calendar's third). Only quarters named by an ordinal count (not the
    year-ago one) and not one after the last completed quarter."""
    named = None
    for record in records:
        rule = record.get("rule")
        if rule in ("quarter", "quarter_of_shifted_year") and record["type"] == "date":
            named = record["value"]
        elif rule == "definite_quarter" and named is not None and named <= record["value"]:
            record["value"] = named  # (a quarter still to come, "the fourth quarter" in a
            # forecast, is not the one reported: the last completed quarter stays)


_ANAPHORIC_WEEKDAY = re.compile(r"(previous|following|next)\s+(\w+)\.?", re.I)


def _weekday_from_named_day(text: str, records: list[dict]) -> None:
    """"The previous Friday", "the following Monday" count from the day the text named last,
    not from the article date: "shares closed Friday 4% below the previous Friday" is the
    Friday a week before; "next Monday" without "the" stays the article's."""
    last_day = None
    for record in records:
        match = _ANAPHORIC_WEEKDAY.fullmatch(record["text"])
        start = record["span"][0]
        if (match and record.get("rule") == "weekday" and last_day is not None
                and text[max(0, start - 4):start].lower() == "the "):
            weekday = lexicon()["lower_weekdays"][match.group(2).lower()]
            if match.group(1).lower() in ("following", "next"):
                day = last_day + dt.timedelta(days=(weekday - last_day.weekday()) % 7 or 7)
            else:
                day = last_day - dt.timedelta(days=(last_day.weekday() - weekday) % 7 or 7)
            record["value"] = day.isoformat() + record["value"][10:]
        elif _DAY_VALUE.fullmatch(record["value"]):
            last_day = dt.date.fromisoformat(record["value"])


_AND_DAY = re.compile(r"\s+(?:and|or|to|through)\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
                      r"(?=\s*(?:[,.;:)]|$|\s(?:in|at|of|when|for|to)\b))")


def _second_day_of_a_pair(text: str, records: list[dict]) -> list[dict]:
    """"The summit on April 24 and 25": the bare "25" is a day of the same month."""
    added = []
    for record in records:
        if record.get("rule") != "month_day_year" or not _DAY_VALUE.fullmatch(record["value"]):
            continue
        match = _AND_DAY.match(text, record["span"][1])
        if match is None:
            continue
        first = dt.date.fromisoformat(record["value"])
        try:
            second = first.replace(day=int(match.group("day")))
        except ValueError:
            continue
        if second <= first:
            continue
        start, end = match.span("day")
        added.append({**record, "span": [start, end], "text": text[start:end],
                      "value": second.isoformat()})
    if not added:
        return records
    return sorted(records + added, key=lambda r: r["span"][0])


_WEEK_OF = re.compile(r"\bthe\s+week\s+of\s+$", re.I)


def _the_week_of_a_day(text: str, records: list[dict]) -> None:
    """"A hearing the week of March 6" is that week (2000-W10), one expression."""
    for record in records:
        start = record["span"][0]
        before = _WEEK_OF.search(text, max(0, start - 20), start)
        if before and _DAY_VALUE.fullmatch(record["value"]) and not record.get("part_of_day"):
            record["value"] = _iso_week(dt.date.fromisoformat(record["value"]))
            record["span"] = [before.start(), record["span"][1]]
            record["text"] = text[before.start():record["span"][1]]


def _the_day_refers_back(records: list[dict]) -> None:
    """"The day" is the day the text last named (a day-precise date before it), else the
    article date: news says "on Monday ... stocks closed the day down 2%"."""
    last_day = None
    for record in records:
        if record.get("rule") == "the_day" and last_day is not None:
            record["value"] = last_day
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", record["value"]):
            last_day = record["value"]


# A clock time followed by its day: "10 p.m. Wednesday", "noon Thursday", "9 a.m. EST Tuesday".
_CLOCK_DAY_GAP = re.compile(r"(?:\s+(?:[A-Z]{2,4}T|UTC|GMT))?,?\s+(?:on\s+)?")


def _clock_with_weekday(text: str, records: list[dict]) -> list[dict]:
    """Merge a clock time and the day that follows it into one time of that day, as TimeML
    annotates them ("10 p.m. Wednesday" -> 1998-02-11T22:00, not the article date's 22:00)."""
    merged: list[dict] = []
    for record in records:
        prev = merged[-1] if merged else None
        if (prev is not None and prev["type"] == "time" and "T" in prev["value"]
                and re.fullmatch(r"\d{4}-\d\d-\d\d", record["value"])
                and _CLOCK_DAY_GAP.fullmatch(text, prev["span"][1], record["span"][0])):
            clock = prev["value"].split("T", 1)[1]
            start, end = prev["span"][0], record["span"][1]
            merged[-1] = {**prev, "span": [start, end], "text": text[start:end],
                          "value": f"{record['value']}T{clock}", "rule": "clock_day"}
            continue
        merged.append(record)
    return merged


def _year_ago_quarters(text: str, records: list[dict]) -> None:
    """In a sentence about a quarter, "a year ago" / "last year" mean that quarter a year before.

    Financial news compares a quarter with the same quarter of the previous year ("profit rose
    12% from a year ago"); TimeML values those as the quarter (1988-Q3), taken here from the
    latest quarter named before it in the article; also without the word "quarter" when that
    quarter was named less than 300 characters before ("... from $5 million a year ago").
    """
    last_quarter, quarter_end = None, 0
    for record in records:
        value = record["value"]
        if re.fullmatch(r"\d{4}-Q\d", value):
            last_quarter, quarter_end = value, record["span"][1]
        elif last_quarter and re.fullmatch(r"\d{4}", value):
            start, end = record["span"]
            left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), 0)
            right = text.find(". ", end)
            sentence = text[left:right if right > 0 else len(text)].lower()
            if record.get("rule") == "year":
                # a year written out is that quarter only as "the 1988 period/quarter" ("its
                # 1988 recapitalization" is the year), this year's as well as last year's
                if (_PERIOD_AFTER.match(text, end)
                        and 0 <= int(last_quarter[:4]) - int(value) <= 1):
                    record["value"] = f"{value}-{last_quarter[5:]}"
                continue
            near = start - quarter_end < 300 and record["text"].lower() != "last year"
            if ("quarter" in sentence or near) and int(value) == int(last_quarter[:4]) - 1:
                record["value"] = f"{value}-{last_quarter[5:]}"


_PERIOD_AFTER = re.compile(r"[\s-]+(?:fiscal\s+)?(?:period|quarter)\b", re.I)


_SAME_PERIOD = re.compile(r"(?:\bthe\s+)?\b(?:same|corresponding|comparable)\s+"
                          r"(?P<unit>month|period|quarter)\s+(?:of\s+)?$", re.I)
_PERIOD_VALUE = re.compile(r"(\d{4})-(\d\d|Q\d)")


def _same_period_a_year_before(text: str, records: list[dict]) -> None:
    """"Sales fell 35% in January, compared with the same month a year ago": the month (or
    quarter) the text named last, a year before (one expression, "the same month a year ago"
    -> 2008-01), not the year."""
    last = None  # (year, "MM" or "Qn")
    for record in records:
        start = record["span"][0]
        match = _SAME_PERIOD.search(text, max(0, start - 40), start)
        if match and last is not None and re.fullmatch(r"\d{4}", record["value"]):
            unit = match.group("unit").lower()
            if unit == "period" or (unit == "quarter") == last[1].startswith("Q"):
                record["value"] = f"{int(last[0]) - 1:04d}-{last[1]}"
                record["span"] = [match.start(), record["span"][1]]
                record["text"] = text[match.start():record["span"][1]]
            continue
        period = _PERIOD_VALUE.fullmatch(record["value"][:7])
        if period and record["type"] == "date" and not _DAY_VALUE.match(record["value"]):
            last = (period.group(1), period.group(2))


def _region_index(regions: list[tuple[int, int]], pos: int) -> int | None:
    for index, (start, end) in enumerate(regions):
        if start <= pos < end:
            return index
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a trailing possessive or full stop from a span ("Monday's" -> "Monday")."""
    piece = text[start:end]
    for suffix in ("’s", "'s"):
        if piece.endswith(suffix):
            end -= len(suffix)
    return start, end


@Language.component("parley_times")
def find_times(doc: Doc) -> Doc:
    """Write the article's time expressions to `doc._.times`."""
    doc._.times = extract_times(doc, doc._.article_date)
    return doc
