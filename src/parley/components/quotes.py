"""The quotes stage: direct, partial and indirect quotes with their cue and speaker.

Writes `doc._.quotes`: contract `Quote` records (plain dicts, offsets into `doc.text`).

How it works, in three passes over one parsed Doc:

1. Quotation marks are paired by a character scan per paragraph (`quoted_spans`), so apostrophes
   (don't, Zelenskyy's, the '90s) are never marks and an unbalanced mark only yields an unclosed
   span up to the paragraph end, never an exception. A span left open at a paragraph end continues
   when the next paragraph opens with a mark: one quote, one segment per paragraph.
2. Each group of marks is attached to a cue: a cue verb before it (`X said: "..."`), after it
   (`"...," the source said`), or governing it in the parse (`said Putin "de facto ..."`, a partial
   quote). Short uncued strings in marks are quoted terms or scare quotes and are dropped.
3. Indirect speech: a cue verb (lexicon in `data/quotes.yaml`) with a clausal complement, or an
   `according to X` phrase. The speaker is the verb's subject; its actor id comes from the actors
   stage (`resolve_mention`), with a local fallback for pronouns and unregistered names.
4. The learned layer (`attribution_model`, trained on PolNeAR train) adds attributions without a
   speech verb (`X has long opposed Y`, `X wants to Y`) where the rules found nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import actors, attribution_model, doc_text, quote_data, quote_layout
from .places import dateline_end, in_dateline

NAMED_ENTITY_TYPES = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
NOMINAL_POS = {"NOUN", "PROPN", "PRON"}
TIME_ENTITY_TYPES = {"DATE", "TIME"}  # never a speaker (`said this week`)
# Clauses the parser may hang on the left of a speaker's name: never part of the speaker
# mention (on the right, a relative or participle clause is: see `_mention_span`).
CLAUSE_DEPS = {"ccomp", "parataxis", "advcl", "csubj", "nsubj", "relcl", "acl"}
# Right-hand dependents of a subject that describe it ("a source close to Trump", "a source with
# knowledge of the matter"); `_mention_span` also keeps appositions, clauses and conjuncts.
DESCRIPTOR_DEPS = {"prep", "amod", "compound", "pobj", "advmod", "nummod", "poss", "case"}
CONTENT_TRIM = " \t\n.,;:—–-"
CONTENT_KEEP_END = ".,!?;:…"


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first ("known as" before "known")."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The cue and speaker lexicons (`data/quotes.yaml`), loaded once per process."""
    data = quote_data.quotes_yaml()
    marks = data["quote_marks"]
    return {
        "cue_verbs": frozenset(data["cue_verbs"]),
        "weak_cue_verbs": frozenset(data["weak_cue_verbs"]),
        "phrasal_cues": {verb: frozenset(words) for verb, words in data["phrasal_cues"].items()},
        "reporting_nouns": frozenset(data["reporting_nouns"]),
        "poll_nouns": frozenset(data["poll_nouns"]),
        "anonymous_nouns": frozenset(data["anonymous_nouns"]),
        "event_nouns": frozenset(data["event_nouns"]),
        "document_nouns": frozenset(data["document_nouns"]),
        "role_nouns": frozenset(data["role_nouns"]),
        "marks": {opener: tuple(closers) for opener, closers in marks.items()},
        "line_openers": dict(data["line_openers"]),
        "mark_re": re.compile("[" + re.escape("".join(sorted(
            set(marks) | {c for cs in marks.values() for c in cs}))) + "]"),
        "min_uncued_words": int(data["min_uncued_words"]),
        "xcomp_cues": frozenset(data["xcomp_cues"]),
        "question_verbs": frozenset(data["question_verbs"]),
        "indefinite": frozenset(data["indefinite_determiners"]),
        "naming_cue_re": re.compile(
            r"\b(?:%s)(?:\s+(?:it|them|this|that))?(?:\s+(?:a|an|the|its|his|her|their))?"
            r"\s*[“\"‘«]?\s*$" % _alternation(data["naming_cues"]), re.I),
        "colon_label_stopwords": frozenset(w.upper() for w in data["colon_label_stopwords"]),
        "min_cued_words": int(data["min_cued_words"]),
        "learned_cues": learned_cues(**data["polnear_cues"]),
        "learned_min_count": int(data["polnear_cues"]["min_count"]),
        "evidential_verbs": frozenset(data["polnear_cues"]["evidential_verbs"]),
        "evidence_verbs": frozenset(data["evidence_verbs"]),
        "naming_verbs": frozenset(data["naming_verbs"]),
        "evidence_nouns": frozenset(data["evidence_nouns"]),
        "learned_nouns": learned_cues(data["polnear_cues"]["min_count"],
                                      data["polnear_cues"]["noun_precision"], "NOUN"),
        "learned_strong": float(data["polnear_cues"]["strong_precision"]),
        "complement_precision": float(data["polnear_cues"]["complement_precision"]),
        "min_complement_words": int(data["polnear_cues"]["min_complement_words"]),
        "hypothetical_aux": frozenset(data["polnear_cues"]["hypothetical_aux"]),
    }


def learned_cues(min_count: int, min_precision: float, pos: str = "VERB",
                 evidential_verbs: tuple = (), **_thresholds) -> dict[str, float]:
    """Verb lemmas learned from PolNeAR train (`data/quotes_cues_polnear.tsv`): lemma -> the share
    of its tokens that were gold attribution cues there, for lemmas seen as a cue `min_count`
    times with at least `min_precision`, evidential hedges (`seem`) left out. They widen indirect
    speech only (a clausal complement still required); below `strong_precision` they need a
    `that` clause, like the weak cues."""
    return {lemma: precision for (lemma, tag), (count, precision) in quote_data.cue_rates().items()
            if tag == pos and count >= int(min_count) and precision >= min_precision
            and lemma not in evidential_verbs}


# ---------------------------------------------------------------------------------------------
# 1. Quotation marks




def _is_opening(text: str, i: int, mark: str) -> bool:
    """Whether the mark at `text[i]` can open a quotation here (not an apostrophe, not a closer)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    if mark in "\"\u2018":
        # A straight double or a single curly mark opens only after a space or opening punctuation;
        # `‘90s` (a year) is an apostrophe.
        if not (before.isspace() or before in "([{—–-/:;,"):
            return False
        if mark == "\u2018" and re.match(r"\d\ds\b", text[i + 1:i + 4]):
            return False
    return True


def _opens_line(line: str, i: int, mark: str, lex: dict) -> bool:
    """A closing mark typed where an opening one belongs: first on its line, right before a word
    (`”Mr. Trump embodies ...” ― Sonya Herridge`, web copy). Nothing is open before it on the
    line, so it can close nothing; read as the opener `line_openers` in quotes.yaml names."""
    return (mark in lex["line_openers"] and not line[:i].strip()
            and line[i + 1:i + 2].isalnum())


def _is_closing(text: str, i: int, mark: str) -> bool:
    """Whether the mark at `text[i]` can close an open quotation (not an apostrophe in a word)."""
    after = text[i + 1] if i + 1 < len(text) else " "
    if mark in "\u2019\"" and after.isalnum():
        return False  # don't, Zelenskyy's
    return True


# A full stop that ends a sentence (not `Mr.`, `Rep.`, `D.C.`, an initial).
SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bRep)(?<!\bSen)"
                          r"(?<!\bGov)(?<!\bSt)(?<!\bGen)(?<!\bJr)\.(?=\s|$)")
# `"..." ― Maria Lopez`, or the name alone on the next line (`"..."` ¶ `- Sanders.`)
# Spaces there may be no-break spaces (`.”\xa0― Jorge Falcon`, web copy): `[^\S\n]`, not `[ \t]`.
DASH_CREDIT = re.compile(r"(?:[^\S\n]*\n+)?[^\S\n]*[\u2015\u2014\u2013-][^\S\n]*"
                         r"((?:[A-Z][\w.'\u2019-]*[^\S\n]?){1,5})(?:[^\S\n]|\.)*(?=\n|$)")
COLON_CREDIT = re.compile(r"^[ \t\"\u201c]*((?:[A-Z][\w.'\u2019-]*[ \t]?){1,4}):[ \t]+(\S[^\n]*)$",
                          re.MULTILINE)
DOUBLE_APOSTROPHE = re.compile(r"''")


def _double_apostrophe(match: re.Match) -> str:
    """`''` (two apostrophes, some newspapers' double quote) becomes a same-length `"` mark:
    ` "` before a word (an opener), `" ` after one (a closer)."""
    text, end = match.string, match.end()
    after = text[end] if end < len(text) else " "
    return ' "' if not after.isspace() and after not in ",.;:!?" else '" '


def quoted_spans(text: str) -> list[list[tuple[int, int, bool]]]:
    """Groups of `(start, end, closed)` content spans, marks excluded; a group is one quotation.

    A span left open at a paragraph end continues into the next paragraph when that paragraph
    starts with an opening mark (the multi-paragraph convention); otherwise it stops there.
    """
    lex = lexicon()
    marks, mark_re = lex["marks"], lex["mark_re"]
    groups: list[list[tuple[int, int, bool]]] = []
    pending: list[tuple[int, int, bool]] | None = None  # an open group awaiting continuation
    offset = 0
    for original in text.split("\n"):
        paragraph = DOUBLE_APOSTROPHE.sub(_double_apostrophe, original)
        spans = []
        opener, open_at, depth = None, -1, 0
        for match in mark_re.finditer(paragraph):
            i, mark = match.start(), match.group()
            if opener is not None and mark in marks[opener] and _is_closing(paragraph, i, mark):
                if depth:
                    depth -= 1  # closes a nested quotation: “... what he calls “hell” ...”
                    continue
                spans.append((open_at + 1, i, True))
                opener = None
            elif (opener is not None and mark in marks and set(marks[mark]) & set(marks[opener])
                  and _is_opening(paragraph, i, mark)):
                depth += 1  # a nested quotation whose closer could be taken for the outer one's
            elif opener is None and mark in marks and _is_opening(paragraph, i, mark):
                opener, open_at, depth = mark, i, 0
            elif opener is None and _opens_line(paragraph, i, mark, lex):
                opener, open_at, depth = lex["line_openers"][mark], i, 0
        if opener is not None:
            spans.append((open_at + 1, len(paragraph.rstrip()), False))
        first_nonspace = len(paragraph) - len(paragraph.lstrip())
        opens_paragraph = bool(spans) and spans[0][0] == first_nonspace + 1
        if pending is not None and opens_paragraph:
            first = spans.pop(0)
            pending.append((first[0] + offset, first[1] + offset, first[2]))
            if first[2]:
                pending = None
        else:
            pending = None
        for start, end, closed in spans:
            group = [(start + offset, end + offset, closed)]
            groups.append(group)
            pending = None if closed else group
        offset += len(paragraph) + 1
    return [[span for span in group if span[1] > span[0]] for group in groups
            if any(span[1] > span[0] for span in group)]


# ---------------------------------------------------------------------------------------------
# 2. Cues and speakers


def is_statement(doc: Doc, quote: dict) -> bool:
    """Whether a quote reports a statement (the contract's quotes) rather than a belief, wish or
    stance that PolNeAR also counts as attribution ("Russia wants to join", "hoping to strike a
    deal", "rejected Zelenskyy's proposal", "to discuss a framework"): quoted words, a colon or
    label, a reporting noun, or a speech verb (`cue_verbs`, `phrasal_cues`, `xcomp_cues`) make a
    statement; an unquoted clause under any other verb does not."""
    cue = quote.get("cue")
    if quote.get("kind") != "indirect" or not cue:
        return True
    span = doc.char_span(*cue["span"], alignment_mode="expand")
    if span is None:
        return True
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")]
    if not verbs:
        return True  # "according to", "in a statement", "the accusation that", a colon
    lex = lexicon()
    segments = quote.get("segments") or ()
    first = doc_text(doc)[segments[0][0]:segments[0][0] + 8].lower() if segments else ""
    if any(t.lemma_.lower() in lex["question_verbs"] for t in verbs) and re.match(r"(?:whether|if)\b", first):
        return False  # "Asked whether he had spoken to Putin, ...": a question, not a statement
    if any(t.lemma_.lower() in lex["cue_verbs"] or t.lemma_.lower() in lex["xcomp_cues"]
           or t.lemma_.lower() in lex["phrasal_cues"] for t in verbs):
        return True
    inside = [(qs, qe) for s, e in quote.get("segments") or () for qs, qe in _quotation_spans(doc)
              if qs < e and s < qe]
    # quoted words under another verb: a statement when they are a clause or the verb's
    # predicate ('called the rebate "unjustified"'), not a term inside a noun phrase ('rejected
    # the call for "de-escalation"', 'citing the country's "captured" judiciary')
    return any(_quotation_is_said(doc, qs, qe) for qs, qe in inside)


def _is_term(doc: Doc, start: int, end: int) -> bool:
    """Quoted words that name something rather than report words: a title ("Board of Peace")
    or what someone "calls" a thing ("what he calls a "special military operation"")."""
    text = doc_text(doc)
    words = [w for w in re.findall(r"[\w'’-]+", text[start:end])]
    if not words or len(words) > 5:
        return False
    small = {"of", "the", "and", "for", "a", "an", "to", "in", "on"}
    title = all(w[0].isupper() for w in words if w.lower() not in small)
    return title or bool(lexicon()["naming_cue_re"].search(text[max(0, start - 40):start]))


def _quotation_is_said(doc: Doc, start: int, end: int) -> bool:
    words = doc.char_span(start, end, alignment_mode="expand")
    if words is None or len(words) == 0:
        return True
    root = words.root
    if len([t for t in words if not t.is_punct]) > 4 or (
            root.pos_ in ("VERB", "AUX") and root.dep_ not in ("amod", "compound")):
        return True  # a clause
    return root.pos_ == "ADJ" and root.dep_ in ("oprd", "acomp", "attr", "xcomp", "ccomp")


def _quotation_spans(doc: Doc) -> list[tuple[int, int]]:
    """Content spans between paired quotation marks (cached on the Doc): not an apostrophe."""
    key = "parley_quotes_quotation_spans"
    if key not in doc.user_data:
        doc.user_data[key] = [(s, e) for group in quoted_spans(doc_text(doc)) for s, e, _ in group]
    return doc.user_data[key]


def _is_cue_verb(token: Token, strict: bool = False) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ not in {"VERB", "AUX"} and token.tag_ not in {"VBD", "VBZ", "VBP", "VB", "VBG", "VBN"}:
        return False
    lex = lexicon()
    if lemma in lex["phrasal_cues"]:
        return any(child.lower_ in lex["phrasal_cues"][lemma] for child in token.children)
    if lemma not in lex["cue_verbs"]:
        return False
    return not (strict and lemma in lex["weak_cue_verbs"])


def _cue_record(doc: Doc, verb: Token, through: int | None = None) -> dict:
    """The cue: auxiliaries, negation, an adverb right before the verb, the verb and a phrasal
    particle ("has made clear", "also said": PolNeAR's Cue spans hold the adverb; train exact
    cue F1 0.584 -> 0.599 rules alone, 0.624 -> 0.645 with the layer; any adverb on the left
    0.591)."""
    lex = lexicon()
    words = [verb] + [c for c in verb.children if c.dep_ in {"aux", "neg", "auxpass", "prt"}
                      or (c.dep_ == "advmod" and c.i == verb.i - 1)  # `also said`, `just say`
                      or (verb.lemma_.lower() in lex["phrasal_cues"]
                          and c.lower_ in lex["phrasal_cues"][verb.lemma_.lower()])
                      or (verb.lower_ == "according" and c.lower_ == "to")]
    words = [w for w in words if abs(w.i - verb.i) <= 4]
    head = verb.head
    if verb.dep_ == "xcomp" and head.i < verb.i and verb.i - head.i <= 3 and head.pos_ in {"VERB", "AUX"}:
        # `is expected to announce`, `kept saying`: the governing verb is part of the cue, as
        # in PolNeAR's spans (train exact cue 0.600 -> 0.604, 0.645 -> 0.650 with the layer)
        words += [head] + [c for c in head.children
                           if c.dep_ in {"aux", "auxpass", "neg"} and head.i - c.i <= 3]
    start = min(w.idx for w in words)
    end = max(w.idx + len(w) for w in words)
    if through is not None and through > end:
        end = through
    return {"text": doc_text(doc)[start:end], "span": [start, end]}


def _subject(verb: Token) -> Token | None:
    """The speaker token of a cue verb: its subject, a passive agent, or a coordinated verb's.

    A verb the parser hung from the noun before it is that noun's (`Kasich, urging ...`;
    `“...,” Ana Ruiz, who ..., barked`). A relative pronoun stays the speaker: taking the noun
    it stands for cost 145 PolNeAR train matches, whose Source spans are the pronoun. (`asked
    voters to say` is not the voters' statement: an infinitive keeps climbing to the asker.)"""
    if _passive(verb):
        return _agent(verb)  # `Roof is accused of ...`, `Asked whether ..., Johnson said`: the
        # accuser and the asker are not named; the grammatical subject did not speak
    for _ in range(3):
        for child in verb.children:
            if (child.dep_ in SUBJECT_DEPS and child.lower_ != "there" and not _in_dateline(child)
                    and not (child.lower_ == "it" and not _referential_it(child, verb))
                    and not (child.is_punct and child.text != "%")):  # markdown `**` misparsed
                return child
        agent = _agent(verb) or _orphan_subject(verb)
        if agent is not None:
            return agent
        if (verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.dep_ in {"dobj", "dative"}
                and verb.head.head.pos_ in {"VERB", "AUX"}):
            verb = verb.head.head  # `she released a statement saying ...`: she, not the statement
            continue
        if (verb.dep_ == "acl" and verb.head.pos_ in NOMINAL_POS and verb.i > verb.head.i
                and (verb.tag_ == "VBG" or verb.doc[verb.i - 1].text == ","
                     or verb.head.dep_ == "ROOT" and verb.tag_ in {"VBD", "VBZ", "VBP"})):
            return verb.head  # (a finite verb under a noun root: `A Quinnipiac poll found ...`)
        if verb.dep_ in {"conj", "xcomp", "advcl", "acomp"} and verb.head is not verb:
            # (`acomp`: `he is correct to note`, `was not willing to say` climb to the copula)
            if verb.dep_ == "advcl" and verb.tag_ == "VBG" and _after_comma(verb):
                reported = verb.head  # `X argued that A would B, saying ...`: X says it, not A
                while reported.dep_ == "xcomp" and reported.head is not reported:
                    reported = reported.head  # (`said A will have to choose ..., saying`)
                if reported.dep_ == "ccomp" and verb.i > reported.i:
                    verb = reported
            if (verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and _is_cue_verb(verb)
                    and _is_cue_verb(verb.head.head)):
                verb = verb.head  # `X said it was early but added, “...”`: the parser joined
                # `added` to the reported clause; it shares the reporting verb's subject
            verb = verb.head
        elif verb.dep_ == "pcomp" and verb.head.pos_ == "ADP":  # `began by saying`
            verb = _verb_above(verb.head)
        elif verb.dep_ == "dep" and verb.head.pos_ in {"VERB", "AUX"} and verb.head.i < verb.i:
            verb = verb.head  # `Clinton paused, then revealed ...`: an unlabelled coordination
        else:
            break
    return None


def _orphan_subject(verb: Token) -> Token | None:
    """`About 4 in 10 say they want ...`: the parser hung the subject on the reporting verb as a
    modifier (a number, a noun phrase) and gave it no subject. The nominal right before the verb
    is the speaker; a time (`last week said`) never is. Only for a verb reporting a clause."""
    if not any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
        return None
    left = [c for c in verb.lefts if c.dep_ in ORPHAN_DEPS and c.pos_ in NOMINAL_POS | {"NUM"}
            and c.ent_type_ not in TIME_ENTITY_TYPES]
    return left[-1] if left else None


def _verb_above(word: Token) -> Token:
    """The verb a preposition's phrase hangs from, through a coordination or an adverb on the
    way (`appeared at a hearing ... and for saying that ...`, `refuses to discuss X, aside from
    saying ...`), so that a participle under the preposition finds that verb's subject."""
    for _ in range(3):
        if word.head.i == word.i:
            break
        word = word.head
        if word.pos_ in {"VERB", "AUX"}:
            break
    return word


def _after_comma(word: Token) -> bool:
    """A comma before the word, perhaps behind a closing quotation mark (`...,” adding`)."""
    i = word.i - 1
    while i >= 0 and word.doc[i].is_quote:
        i -= 1
    return i >= 0 and word.doc[i].text == ","


def _passive(verb: Token) -> bool:
    """A passive cue (`is expected to`, `has been asked`) or a bare passive participle opening a
    clause (`Asked whether ..., Johnson said`)."""
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children):
        return True
    if verb.tag_ == "VBD" and verb.dep_ == "advcl" and verb.i == verb.sent.start:
        # (`Asked whether ...` opening the sentence, tagged as a past tense without a subject)
        return not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
    return verb.tag_ == "VBN" and verb.dep_ == "advcl" and not any(c.dep_ == "aux" for c in verb.children)


def _agent(verb: Token) -> Token | None:
    """The `by` phrase of a passive verb: `was told by aides`."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _referential_it(it: Token, verb: Token) -> bool:
    """`It says foreign nationals ...` (a memo, a report): `it` as the active subject of a speech
    verb stands for a document or body; `it was reported that`, `it seems` have no speaker."""
    return it.dep_ == "nsubj" and verb.lemma_.lower() in lexicon()["cue_verbs"] and not any(
        c.dep_ == "auxpass" for c in verb.children)


def _name_span(subject: Token) -> tuple[int, int] | None:
    """Character span of the named entity holding the subject token, if any."""
    if subject.ent_type_ not in NAMED_ENTITY_TYPES:
        return None
    doc = subject.doc  # walk the IOB tags: `doc.ents` builds every entity Span on each access
    start, end = subject.i, subject.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return _strip_span(doc, start, end)


def _mention_span(subject: Token) -> tuple[int, int]:
    """Character span of the speaker mention as written: the noun phrase with its titles
    (`Mr.`, `Rep.`), descriptors (`a source close to ...`), apposition (`Kaja Kallas, the EU
    foreign policy chief`), a relative or participle clause that says who it is (`Dorothy
    Poynter, who grew up with Ali`, `a poll released Monday`) and coordinated speakers (`Bush
    and his rivals`), as PolNeAR's Source spans keep them (exact source F1 on train 0.650 ->
    0.654 with the clauses, -> 0.659 with coordination; +14 headline matches)."""
    doc = subject.doc
    left = subject.i
    for child in subject.lefts:
        if child.dep_ not in {"punct", "cc", "preconj"} | CLAUSE_DEPS:
            left = min(left, child.left_edge.i)
    right = subject.i
    for child in subject.rights:
        if child.dep_ in DESCRIPTOR_DEPS or child.dep_ in {"appos", "relcl", "acl", "conj"}:
            right = max(right, child.right_edge.i)
        elif (child.dep_ == "punct" and child.text in {",", "(", ")"}) or child.dep_ == "cc":
            continue
        else:
            break
    name = _name_span(subject)
    start, end = _strip_span(doc, left, right + 1)
    if name:
        start, end = min(start, name[0]), max(end, name[1])
    text = doc_text(doc)
    line = text.rfind("\n", start, subject.idx) + 1  # a mention never crosses a line
    filed = dateline_end(text, subject.idx)  # "MOSCOW, Feb 10 (Reuters) - Russia's point man"
    start = max(start, line, filed if filed is not None and filed <= subject.idx else 0)
    return start, end


def _in_dateline(token: Token) -> bool:
    """Part of a wire dateline, which the parser may make the subject of the first verb."""
    return in_dateline(doc_text(token.doc), token.idx)



def _strip_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def resolve_mention(doc: Doc, start: int, end: int) -> str | None:
    """The actors stage's resolver, guarded: a failure there costs a speaker id, not the article
    (it is reported once per Doc in `doc._.stage_warnings`)."""
    try:
        return actors.resolve_mention(doc, start, end)
    except Exception as error:  # noqa: BLE001  (another stage's bug must not drop every quote)
        if not doc.user_data.get("parley_quotes_resolve_failed"):
            doc.user_data["parley_quotes_resolve_failed"] = True
            warnings = doc._.stage_warnings if doc._.stage_warnings is not None else []
            warnings.append(f"quotes: actor resolution failed ({type(error).__name__}: {error})")
            doc._.stage_warnings = warnings
        return None


def _slug(name: str) -> str:
    name = re.sub(r"^(the)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"[’']s$", "", name)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _antecedent(doc: Doc, pronoun: Token) -> tuple[int, int] | None:
    """Fallback pronoun resolution until the actors stage resolves pronouns: the nearest person
    before the pronoun (a PERSON entity, or a proper-noun subject that is not a place)."""
    if pronoun.lower_ not in {"he", "she", "him", "her"}:
        return None
    for token in reversed(doc[max(0, pronoun.i - 150):pronoun.i]):
        if token.ent_type_ == "PERSON" or (token.pos_ == "PROPN" and token.dep_ in SUBJECT_DEPS
                                            and token.ent_type_ not in {"GPE", "NORP", "DATE"}):
            if token.ent_type_:
                for ent in doc.ents:
                    if ent.start <= token.i < ent.end:
                        return ent.start_char, ent.end_char
            return token.idx, token.idx + len(token)
    return None


def _proper_words(doc: Doc) -> set[str]:
    """Words the doc uses as proper nouns somewhere (the small parser tags `Zelenskyy` a NOUN at
    a sentence start but a PROPN elsewhere); cached on the Doc's user_data."""
    cached = doc.user_data.get("parley_quotes_proper")
    if cached is None:
        cached = {t.lower_ for t in doc if t.pos_ == "PROPN" or t.ent_type_ in NAMED_ENTITY_TYPES}
        doc.user_data["parley_quotes_proper"] = cached
    return cached


def speaker_record(doc: Doc, subject: Token | None) -> dict:
    """Contract speaker `{actor, anonymous, mention, anonymity}` for a subject token (or none)."""
    if subject is None:
        return {"actor": None, "anonymous": None, "mention": None, "anonymity": "unattributed"}
    if subject.pos_ == "NOUN":  # "the world's largest package delivery company, UPS": the name
        name = next((c for c in subject.children if c.dep_ == "appos"
                     and (c.pos_ == "PROPN" or c.ent_type_ in NAMED_ENTITY_TYPES)), None)
        if name is not None:  # speaks as the name; the mention stays the whole phrase
            return dict(speaker_record(doc, name), mention=list(_mention_span(subject)))
    lex = lexicon()
    start, end = _mention_span(subject)
    text = doc_text(doc)[start:end]
    lemma = subject.lower_
    if subject.pos_ == "NOUN" and lemma in lex["event_nouns"]:
        return {"actor": None, "anonymous": None, "mention": None, "anonymity": "unattributed",
                "event": True}   # "the talks were businesslike": no speaker, no quote
    if subject.pos_ == "NOUN" and lemma in lex["document_nouns"]:
        return _document_speaker(doc, subject)
    actor = resolve_mention(doc, start, end)
    if actor is None and subject.pos_ in ("NOUN", "PROPN"):
        group = actors.resolve_group(doc, subject)   # "Chinese officials", "the Ukrainian delegation"
        if actors.is_collective(subject) and not group:
            group = actors.context_parties(doc, start)   # "both sides said"
            if group:
                return {"actor": group[0], "anonymous": None, "mention": [start, end],
                        "anonymity": "named", "speakers": group}
        if (group and lemma not in lex["anonymous_nouns"]
                and subject.lemma_.lower() not in lex["anonymous_nouns"] and _unique(subject)):
            return {"actor": group[0], "anonymous": None, "mention": [start, end],
                    "anonymity": "role", **({"speakers": group} if len(group) > 1 else {})}
        actor_of_group = group[0] if group else None
    else:
        actor_of_group = None
    if subject.pos_ == "PRON" and lemma not in lex["anonymous_nouns"]:
        if actor is None and subject.head.dep_ == "relcl" and lemma in ("who", "that", "which"):
            noun = subject.head.head  # "Trump, who has repeatedly said ...": the mention stays
            actor = (resolve_mention(doc, noun.idx, noun.idx + len(noun))  # the pronoun
                     or resolve_mention(doc, *_mention_span(noun)))  # (PolNeAR's span)
        if actor is None:
            antecedent = _antecedent(doc, subject)
            if antecedent:
                actor = resolve_mention(doc, *antecedent) or _slug(doc_text(doc)[slice(*antecedent)])
        return {"actor": actor, "anonymous": None, "mention": [start, end],
                "anonymity": "named"}  # a pronoun stands for someone, resolved or not
    if not _unique(subject) and not _is_a_name(subject):
        # "US negotiators", "a spokesman for Unison": unnamed and not one office holder, so an
        # anonymous source (the contract), its affiliation kept as the actor where known
        return {"actor": actor or actor_of_group, "anonymous": text, "mention": [start, end],
                "anonymity": "anonymous"}
    if (lemma in lex["role_nouns"] and subject.ent_type_ != "PERSON"
            and not any(t.pos_ == "PROPN" and t.lower_ not in lex["role_nouns"]
                        for t in doc.char_span(start, end, alignment_mode="expand") or [])):
        return {"actor": actor, "anonymous": None, "mention": [start, end], "anonymity": "role"}
    is_named = (_is_a_name(subject)
                or (subject.is_title and (lemma in _proper_words(doc) or actor is not None)
                    and lemma not in lex["anonymous_nouns"] and lemma not in lex["role_nouns"]))
    # (`Zelenskyy and Macron said`: the tagger made the first name a NOUN outside any entity,
    # but the actor registry knows it)
    if is_named:
        name = _name_span(subject)
        fallback = _slug(doc_text(doc)[name[0]:name[1]] if name else subject.text)
        return {"actor": actor or fallback, "anonymous": None, "mention": [start, end],
                "anonymity": "named"}
    if lemma in lex["anonymous_nouns"] or subject.lemma_.lower() in lex["anonymous_nouns"]:
        affiliation = None
        for ent in doc.ents:
            if start <= ent.start_char and ent.end_char <= end and ent.label_ in NAMED_ENTITY_TYPES:
                affiliation = resolve_mention(doc, ent.start_char, ent.end_char)
                if affiliation:
                    break
        return {"actor": affiliation or actor_of_group, "anonymous": text, "mention": [start, end],
                "anonymity": "anonymous"}
    if lemma in lex["role_nouns"] or subject.lemma_.lower() in lex["role_nouns"]:
        return {"actor": actor, "anonymous": None, "mention": [start, end], "anonymity": "role"}
    return {"actor": actor, "anonymous": text, "mention": [start, end], "anonymity": "anonymous"}


def _unique(subject: Token) -> bool:
    """A noun that can name one office holder: singular and not indefinite ("the spokesman",
    not "a spokesman" or "spokesmen"). Pronouns and names are left to the other rules."""
    if subject.pos_ not in ("NOUN",):
        return True
    if subject.tag_ == "NNS":
        return False
    indefinite = lexicon()["indefinite"]
    return not any(c.dep_ in ("det", "nummod") and c.lower_ in indefinite for c in subject.children)


def _is_a_name(subject: Token) -> bool:
    """A proper noun or a named entity's word."""
    return subject.ent_type_ in NAMED_ENTITY_TYPES or subject.pos_ == "PROPN"


def _document_speaker(doc: Doc, subject: Token) -> dict:
    """The author of a document that "says" something: its possessor or a modifier that names
    an actor ("the Kremlin's statement", "a White House readout"), else no one."""
    for child in subject.children:
        if child.dep_ in ("poss", "compound", "nmod", "amod"):
            start, end = child.left_edge.idx, child.idx + len(child)
            actor = resolve_mention(doc, start, end)
            if actor:
                return {"actor": actor, "anonymous": None, "mention": [start, end],
                        "anonymity": "named"}
    start, end = _mention_span(subject)   # where the text names it, though no one speaks
    return {"actor": None, "anonymous": None, "mention": [start, end], "anonymity": "unattributed"}


def _tokens_between(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="contract") if end > start else None


def _cue_before(doc: Doc, open_at: int, quoted: list[tuple[int, int]]) -> tuple[Token, int] | None:
    """`X said: "..."`, `X told the Telegraph: "..."`: a cue verb ending at a colon or comma."""
    text = doc_text(doc)
    para_start = text.rfind("\n", 0, open_at) + 1
    before = text[para_start:open_at - 1]
    if not before.strip():  # `In a 1963 speech, he declared:` ¶ `“It is ...”`: the line before
        previous = text[:para_start].rstrip()
        if previous.endswith(":"):
            para_start = previous.rfind("\n") + 1
            before = previous[para_start:]
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in ":,":
        return None
    span = _tokens_between(doc, para_start, para_start + len(stripped))
    if span is None or not len(span):
        return None
    sentence = span[-1].sent
    for token in reversed(span):
        if token.i < sentence.start:
            break
        if any(s <= token.idx < e for s, e in quoted):
            break
        if token.dep_ == "amod":
            continue  # `told the Post in a written statement,`: an adjective, not the cue
        if _is_cue_verb(token) or (stripped[-1] == ":" and token.pos_ == "VERB"
                                   and _named_subject(token)) or _according_source(token):
            return token, para_start + len(stripped)
        if (token.i == span[-1].i - 1 and span[-1].text == "," and token.pos_ == "VERB"
                and token.tag_ in {"VBD", "VBZ", "VBP"} and _subject(token) is not None):
            return token, para_start + len(stripped)  # `He then ... and joked, “...”`
        if (token.pos_ == "VERB" and any(c.dep_ == "ccomp" and c.idx > open_at for c in token.children)
                and _subject(token) is not None):
            return token, para_start + len(stripped)  # `X proclaimed at a press conference, “...”`
    return None


def _lead_in(doc: Doc, cue: Token, open_at: int) -> int | None:
    """`he said that with thousands of counting systems, “there is no single point of failure”`:
    the reported clause begins before the mark, so the report starts there (after `that`), not
    at the mark, and the words between are no part of the cue. Two words at least."""
    clause = next((c for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i
                   and cue.i < c.left_edge.i and c.left_edge.idx < open_at <= c.right_edge.idx), None)
    if clause is None:
        return None
    words = [t for t in doc[clause.left_edge.i:clause.right_edge.i + 1] if t.idx < open_at
             and not t.is_punct and not t.is_space and not (t.dep_ == "mark" and t.lower_ == "that")]
    if len(words) < 2:
        return None
    return words[0].idx


def _named_subject(verb: Token) -> bool:
    """Does the verb have a speaker that is no wh-word? `X explained what has surprised him:
    “...”`: `surprised` is X's topic, its subject `what` no speaker; the scan goes on to X's verb."""
    subject = _subject(verb)
    return subject is not None and subject.tag_ not in {"WP", "WDT"}


def _cue_after(doc: Doc, close_at: int, content_end: str) -> Token | None:
    """`"...," the source said` / `"...," said X`: a cue verb just after the closing mark.

    Only when the quotation ends with its own punctuation (`,"` / `."` / `?"`) or a comma or dash
    follows the mark; `a "land grab" and say ...` is a quoted term inside a running clause.
    """
    para_end = doc_text(doc).find("\n", close_at)
    para_end = len(doc_text(doc)) if para_end < 0 else para_end
    following = doc_text(doc)[close_at:min(para_end, close_at + 160)]
    window = re.match(r"[^\u201c\u201e\u00ab\"\u2018!?]*", following).group()
    window = SENTENCE_END.split(window, maxsplit=1)[0]
    if not window.strip():
        return None
    if not ((content_end and content_end in CONTENT_KEEP_END) or re.match(r"^\s*[,\u2014\u2013]", window)):
        return None
    span = _tokens_between(doc, close_at, close_at + len(window))
    if span is None:
        return None
    # (past the second character of a `''` closing mark)
    new_sentence = content_end in ".?!" and window.lstrip(" '\u2019")[:1].isupper()
    for token in span[:16]:
        if _according_source(token) is not None:
            return token  # `“...,” according to CNN.`
        if _is_cue_verb(token):
            if new_sentence and any(c.dep_ in {"ccomp", "xcomp"} and c.i > token.i
                                    for c in token.children):
                return None  # `“... you.” She says they will ...`: the next sentence's own report
            if new_sentence and _opens_a_quotation(token):
                return None  # `“...” Mr. Zahed said: “...”`: the next quotation's credit
            return token
    if content_end == "," or (content_end in {"?", "!"} and (
            len(span) <= 4 or _is_learned_cue(span.root, lexicon()))):
        # `“...?” Hannity pressed.`: after a question, only a short clause credits the quote
        return _attributing_verb(span)
    return None



def _opens_a_quotation(cue: Token) -> bool:
    """A cue that ends at a colon, perhaps after its speaker or a short phrase (`said:`, `said Mr.
    Zahed:`, `said in a statement:`): it introduces what follows."""
    for token in cue.doc[cue.i + 1:cue.i + 6]:
        if token.text == ":":
            return True
        if token.is_punct or token.pos_ not in {"PROPN", "DET", "NOUN", "ADP", "ADV", "PRON"}:
            return False
    return False


def _cue_after_with_speaker(doc: Doc, close_at: int, content_end: str) -> bool:
    cue = _cue_after(doc, close_at, content_end)
    return cue is not None and (_subject(cue) or _inverted_speaker(cue)) is not None


def _attributing_verb(span: Span) -> Token | None:
    """`“...,” Oliver barked.`, `“...,” mused Stu Burguiere.`, `“...,” Melanne Verveer, who
    served as ..., told CBS News.`: a quotation that ends in a comma is attributed by the clause
    after it, whatever its verb and however long its subject. That clause's root verb is the cue
    when it has a speaker (a subject, or a name after it) and reports no clause of its own."""
    root = span.root
    if root.pos_ in NOMINAL_POS:  # `Ana Ruiz, who ..., barked`, parsed as the name's modifier
        root = next((c for c in root.children if c.dep_ == "acl" and c.pos_ == "VERB"), root)
    if root.pos_ != "VERB" or root.i < span.start:
        return None
    if any(c.dep_ in {"ccomp", "xcomp"} and root.i < c.i < span.end for c in root.children):
        return None  # `“...,” Oliver said he would ...` reports its own clause; a complement
        # past the span is the quotation's second part (`“A,” Blackwell concluded, “to B.”`)
    speaker = _subject(root) or _inverted_speaker(root)
    return root if speaker is not None else None


def _inverted_speaker(verb: Token) -> Token | None:
    """`“...,” tweeted another`, `“...,” said Skelly, explaining ...`: the speaker after the verb,
    which the parser took for an object or (a capitalised surname) an adverb."""
    for child in verb.rights:
        if (child.dep_ in {"dobj", "attr", "npadvmod"} and child.pos_ in {"PROPN", "NOUN", "PRON"}
                and child.ent_type_ not in TIME_ENTITY_TYPES):
            return child  # (`said by telephone this week`: a time, not a speaker)
        if child.dep_ in {"advmod", "dep", "appos"} and child.i == verb.i + 1 and child.is_title:
            return child
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if (after is not None and after.pos_ == "PROPN" and after.ent_type_ not in TIME_ENTITY_TYPES
            and after.sent == verb.sent):
        return after  # `said Robin Maynard, half joking`: the name the parser gave another verb
    return None


def _dash_credit(doc: Doc, close_at: int) -> tuple[int, int] | None:
    """`"..." ― Maria Lopez`: a name credited after a dash right behind the closing mark, or on
    a line of its own after the quotation's paragraph (fact-check lists: `"..."` ¶ `- Sanders.`)."""
    match = DASH_CREDIT.match(doc_text(doc), close_at)
    return (match.start(1), match.end(1)) if match else None


def _governing_cue(doc: Doc, start: int, end: int) -> tuple[Token, Token | None] | None:
    """Partial quote: the cue verb whose clause embeds the quoted words, and that clause's head.

    When that cue's own clause is the complement of a second cue above it (`Bush said history
    has shown the need for a "stable government"`), the upper one reports the whole: Bush, not
    history (+40 PolNeAR train matches)."""
    span = _tokens_between(doc, start, end)
    if span is None or not len(span):
        return None
    token, below = span.root, None
    found = None
    for _ in range(8):
        if _is_cue_verb(token) and not (start <= token.idx < end):
            if found is None:
                found = (token, below)
            elif below.dep_ == "ccomp":
                return token, below
            else:
                return found
        if token.head is token:
            return found
        token, below = token.head, token
    return found


def _content_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace around a segment (the gold keeps final punctuation inside the marks)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def direct_quotes(doc: Doc) -> tuple[list[dict], list[tuple[int, int]]]:
    """Quotes in marks (direct and partial) and every quoted span seen (to keep indirect apart)."""
    lex = lexicon()
    groups = quoted_spans(doc_text(doc))
    all_spans = [(s, e) for group in groups for s, e, _ in group]
    quotes: list[dict] = []
    consumed: set[int] = set()
    for index, group in enumerate(groups):
        if index in consumed:
            continue
        segments = [list(_content_end(doc_text(doc), s, e)) for s, e, _ in group]
        words = sum(len(doc_text(doc)[s:e].split()) for s, e in segments)
        open_at, close_at = group[0][0], group[-1][1] + (1 if group[-1][2] else 0)
        cue, speaker_token, kind, clause, through = None, None, "direct", None, None
        found = _cue_before(doc, open_at, all_spans)
        # the quotation's own last mark, past a nested quotation's (`... 'a flight to quality,' "`)
        last = doc_text(doc)[segments[-1][0]:segments[-1][1]].rstrip(" '\u2019\u201d\"")[-1:]
        if (found and not any(c.dep_ in SUBJECT_DEPS for c in found[0].children)
                and group[-1][2] and _cue_after_with_speaker(doc, close_at, last)):
            found = None  # `... but added, “...,” Pence said.`: the credit after names the
            # speaker, where the cue before has no subject of its own (none, or a coordinated verb's)
        if found:
            cue, through = found
            fronted = _fronted_phrase(doc, cue, open_at)
            if fronted is not None:  # `An economic downturn, he said, “could be a good time ...”`
                kind, clause = "partial", (fronted, close_at)
            else:
                lead = _lead_in(doc, cue, open_at)
                if lead is not None:  # `said that with thousands of systems, “there is ...”`
                    kind, clause, through = "partial", (lead, close_at), None
        else:
            cue = _cue_after(doc, close_at, last) if group[-1][2] else None
            governed = _governing_cue(doc, *segments[0]) if cue is not None else None
            if cue is not None and _reported_before(governed, open_at, cue):
                cue = None  # `Clinton says A and “B.” The race goes on.`: says reports B
            asked = _asked_before(governed, open_at) if cue is not None else None
            if asked is not None:
                # `Asked whether Clinton “has the integrity ...,” 75 percent said yes`: the
                # quotation is the question, put by someone the text does not name
                cue, kind = asked, "partial"
            elif cue is not None:
                # a split quote: `"...," he said, "..."` (one speaker, two segments)
                nxt = groups[index + 1] if index + 1 < len(groups) else None
                between = doc_text(doc)[close_at:nxt[0][0] - 1] if nxt else ""
                between = between.rstrip(" '\u2018\u201c\"")  # `''` opens with two characters
                if (nxt and "\n" not in between and len(between) < 60 and between.endswith(",")
                        and not _another_credit(doc, close_at, nxt[0][0], cue)):
                    segments += [list(_content_end(doc_text(doc), s, e)) for s, e, _ in nxt]
                    words += sum(len(doc_text(doc)[s:e].split()) for s, e, _ in nxt)
                    consumed.add(index + 1)
                elif _in_circumstance(governed, cue):
                    continue  # `On “Fox News Sunday,” Pence said ...`: a title, not words said
                elif _sentence_prefix(doc, open_at):
                    # `the group is less likely to be “overrun,” Hoover said`: the quoted words
                    # end a clause that began before the mark; that clause is what was reported
                    kind, clause = "partial", _prefix_clause(doc, open_at, close_at)
        if cue is None and group[-1][2]:
            credit = _dash_credit(doc, close_at)
            if credit:
                subject = doc.char_span(*credit, alignment_mode="expand")
                record = _quote(kind, segments, {"text": doc_text(doc)[close_at:credit[0]].strip(),
                                                 "span": [close_at, credit[0]]},
                                speaker_record(doc, subject.root), 0.8)
                quotes.append(record)
                continue
        if cue is None:
            governed = _governing_cue(doc, *segments[0])
            if governed and _in_credit_of(quotes[-1] if quotes else None, governed[0]):
                continue  # `“...,” Clinton said on ABC’s “This Week”.`: a title in the credit
            if governed and _sentence_prefix(doc, open_at):
                cue, below = governed
                kind = "partial"
                clause = _partial_clause(doc, cue, below, lex)
                if clause is not None and below.dep_ != "conj":
                    said = _said_before_adjunct(doc, below, open_at)
                    if said is not None:
                        # `insisted it would not bow to demands ..., calling the issue a "red
                        # line"`: the quoted words sit in the speaker's aside; the report is
                        # the clause before it
                        kind, segments = "indirect", [list(said)]
        if cue is None:
            previous = quotes[-1] if quotes else None
            if (previous and _continues(previous) and not _sentence_prefix(doc, open_at)
                    and ("\n" not in doc_text(doc)[previous["segments"][-1][1]:open_at]
                         or _next_paragraph(doc_text(doc), previous, open_at))):
                # `"A," X said. "B."`: the next quoted sentence continues the same quote; so does
                # a quotation that opens the next paragraph with no credit of its own
                previous["segments"] += segments
                continue
            if words < lex["min_uncued_words"] or _sentence_prefix(doc, open_at):
                continue  # a quoted term or scare quote
            near = previous and doc_text(doc).count("\n", previous["segments"][-1][1], open_at) <= 1
            speaker = dict(previous["speaker"]) if near else speaker_record(doc, None)
            quotes.append(_quote(kind, segments, None, speaker, 0.5))
            continue
        if words < lex["min_cued_words"] or (kind == "partial" and words < 2):
            continue
        speaker_token = _according_source(cue) or _subject(cue)  # `According to X, “...”`
        if speaker_token is not None and open_at <= speaker_token.idx < close_at:
            speaker_token = None  # the parser took a quoted word for the subject
        if speaker_token is None and cue.idx > close_at:
            speaker_token = _credit_subject(doc, close_at, cue) or _inverted_speaker(cue)
        record = _quote(kind, segments, _cue_record(doc, cue, through),
                        speaker_record(doc, speaker_token), 0.9 if kind == "direct" else 0.8)
        if clause and kind == "partial" and all(_is_term(doc, *seg) for seg in segments):
            # `said what he calls a “special military operation” was needed to ...`: the quoted
            # words are a term inside the report, so the report itself is the quote
            record["kind"], record["segments"] = "indirect", [list(clause)]
        if clause:
            record["clause"] = list(clause)
            previous = quotes[-1] if quotes else None
            if (previous and previous.get("clause") == record["clause"]
                    and previous["cue"] == record["cue"]):
                # `warned that while “A,” the plan “B.”`: two quoted pieces of one reported clause
                previous["segments"] += record["segments"]
                continue
        if _same_report(quotes[-1] if quotes else None, record):
            _join_pieces(quotes[-1], record)
            continue
        quotes.append(record)
    return quotes, all_spans


def _same_report(previous: dict | None, record: dict) -> bool:
    """Is `record` a later quoted piece of the partial quote before it, under the same cue word
    (`wrote in an email that Oz is “smart as hell,” but “full of s---.”`, `went on about “how the
    system is rigged,” and “wounded American families”`)? The parse may give each piece its own
    clause, but one cue reports them together: PolNeAR has one attribution, its content running
    through the last piece."""
    return bool(previous and previous["kind"] == "partial" and record["kind"] == "partial"
                and previous["cue"] and previous["cue"] == record["cue"]
                and previous["segments"][-1][1] <= record["segments"][0][0])


def _join_pieces(previous: dict, record: dict) -> None:
    """Add `record`'s quoted pieces to `previous` and stretch its reported clause over them."""
    previous["segments"] += record["segments"]
    if previous.get("clause"):
        previous["clause"][1] = max(previous["clause"][1], record["segments"][-1][1])


def _another_credit(doc: Doc, start: int, end: int, cue: Token) -> bool:
    """A second verb with its own subject between two quotations (`“A,” Franken said. Silverman
    responded, “B.”`): the second quotation is another speaker's, not the rest of a split quote."""
    span = _tokens_between(doc, start, end)
    return span is not None and any(
        token.i != cue.i and token.pos_ in {"VERB", "AUX"}
        and (any(child.dep_ in SUBJECT_DEPS for child in token.children)
             or _second_cue(token, cue)) for token in span)


def _second_cue(token: Token, cue: Token) -> bool:
    """`“A,” Trump said, adding later, “B.”`: a speech verb of its own after the credit
    introduces the second quotation, a second attribution with the same speaker (PolNeAR
    annotates two), not the second half of a split quote."""
    return token.i > cue.i and token.tag_ == "VBG" and _is_cue_verb(token)


def _credit_subject(doc: Doc, close_at: int, cue: Token) -> Token | None:
    """The name between a quotation's closing mark and its cue verb (`“My bosses, ...,” Mr.
    Conant said`), where the small parser took a word of the quotation for the verb's subject or
    found none."""
    span = _tokens_between(doc, close_at, cue.idx)
    if span is None or not len(span):
        return None
    root = span.root
    if root.pos_ in NOMINAL_POS and not root.is_punct:
        return root
    # `Mr. Daniloff, now 81 and retired in Cambridge, said`: the parse's root is the apposition's
    return next((t for t in span if t.pos_ in {"PROPN", "PRON"} and t.dep_ != "compound"), None)


def _reported_before(governed: tuple[Token, Token | None] | None, open_at: int,
                     cue_after: Token) -> bool:
    """Does a cue earlier in the quotation's own sentence (`governed`, from `_governing_cue`)
    report it, where the cue found after the closing mark stands in the next sentence?"""
    return (governed is not None and governed[0].idx < open_at
            and cue_after.sent.start != governed[0].sent.start)


def _in_circumstance(governed: tuple[Token, Token | None] | None, cue: Token) -> bool:
    """Are the quoted words inside a phrase fronted before their credit verb that only sets the
    scene (`In an interview on CBS's "Face the Nation," Ryan said ...`, `On “Fox News Sunday,”
    Pence said ...`)? Such quoted words are a title; what was said follows the verb."""
    return (governed is not None and governed[0].i == cue.i and governed[1] is not None
            and governed[1].dep_ in {"prep", "npadvmod"} and governed[1].i < cue.i)


def _asked_before(governed: tuple[Token, Token | None] | None, open_at: int) -> Token | None:
    """The `Asked` opening the sentence whose question the quoted words are (`governed`: the
    quotation's governing cue)."""
    if governed is None:
        return None
    cue = governed[0]
    return cue if cue.lemma_ == "ask" and cue.idx < open_at and _passive(cue) else None


def _in_credit_of(previous: dict | None, cue: Token) -> bool:
    """Is `cue` the credit after the previous quotation (`“...,” Clinton said`)?"""
    return bool(previous and previous["cue"] and previous["kind"] == "direct"
                and previous["segments"][-1][1] < previous["cue"]["span"][0] <= cue.idx
                < previous["cue"]["span"][1])


def _fronted_phrase(doc: Doc, cue: Token, open_at: int) -> int | None:
    """Where the words that a parenthetical credit interrupts begin, if a quotation continues
    them: `Evaluating the candidates ..., Stevens said, "is like looking at ..."`. The quoted
    words finish that sentence, so the report starts at the sentence's first word."""
    subject = _subject(cue)
    text = doc_text(doc)
    if subject is None or not text[open_at:open_at + 1].islower():
        return None
    first = min(subject.left_edge.i, cue.i)
    start = cue.sent.start
    if first <= start or doc[first - 1].text != ",":
        return None
    return doc[start].idx


def _continues(previous: dict) -> bool:
    """Can the next uncued quotation continue `previous`? A direct quote, or a partial one whose
    credit came after its quoted words (`Yet Trump is also a “change agent,” Cole said. “That's
    ...”`): the quoted voice goes on. A partial quote inside a reported clause (`He said X "A".`) does not."""
    return previous["kind"] == "direct" or (
        previous["kind"] == "partial" and previous["cue"] is not None
        and previous["cue"]["span"][0] > previous["segments"][-1][1])


# Characters between a quotation's last word and the end of its paragraph for the next
# paragraph's quotation to continue it: the credit (`," said X, a spokesman for Y.`) and perhaps a
# short sentence more (80 found 6 fewer PolNeAR train matches; 200 and 400 the same).
MAX_CREDIT_TAIL = 200


def _next_paragraph(text: str, previous: dict, open_at: int) -> bool:
    """A credited quotation ends one paragraph and `open_at` opens the next.

    News style carries the speaker over: `"A," Cruz said.` then a paragraph `"B."` with no credit
    is still Cruz, and PolNeAR annotates both as one attribution. Only where the earlier quote has
    its own cue (an uncredited pair is a dialogue, not a continuation), its paragraph ends soon
    after it, and no other paragraph stands between."""
    if previous["cue"] is None:
        return False
    gap = text[previous["segments"][-1][1]:open_at]
    tail, _, rest = gap.partition("\n")
    return not any(c.isalnum() for c in rest) and len(tail) <= MAX_CREDIT_TAIL  # `\n\n“` only


def _sentence_prefix(doc: Doc, open_at: int) -> bool:
    """Whether words of the same sentence precede the opening mark (a mid-sentence quotation)."""
    span = doc.char_span(open_at, open_at + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    sent = span[0].sent  # the quoted words' sentence (the parser may hang a `''` mark on the last)
    prefix = doc_text(doc)[sent.start_char:open_at - 1]
    return bool(re.search(r"\w", prefix)) and not prefix.rstrip().endswith((":", ","))


def _prefix_clause(doc: Doc, open_at: int, close_at: int) -> tuple[int, int]:
    """From the start of the quoted words' sentence through the closing mark."""
    span = doc.char_span(open_at, open_at + 1, alignment_mode="expand")
    start = span[0].sent.start_char if span is not None and len(span) else open_at
    text = doc_text(doc)
    while start < open_at and (text[start].isspace() or text[start] in "-—–*"):
        start += 1
    return start, close_at


def _said_before_adjunct(doc: Doc, head: Token, quoted_at: int) -> tuple[int, int] | None:
    """The reported clause up to a trailing participle after a comma that holds the quoted words
    (", calling the issue a "red line""), when at least five words come before it; else None."""
    for adjunct in head.rights:
        if (adjunct.dep_ == "advcl" and adjunct.tag_ == "VBG" and adjunct.left_edge.idx <= quoted_at
                and doc[adjunct.left_edge.i - 1].text == ","):
            start, _ = _clause_span(doc, head)
            end = doc[adjunct.left_edge.i - 1].idx
            if len(doc_text(doc)[start:end].split()) >= 5:
                return start, end
    return None


def _clause_span(doc: Doc, head: Token) -> tuple[int, int]:
    """The reported clause under a cue verb, without a leading `that` and trailing punctuation."""
    tokens = list(head.subtree)
    while tokens and (tokens[0].dep_ == "mark" and tokens[0].lower_ == "that"
                      or tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct and tokens[-1].text not in "”\"’»" or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return head.idx, head.idx + len(head)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


# ---------------------------------------------------------------------------------------------
# 3. Indirect speech


VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")


def _verbs_and_nouns(doc: Doc):
    """The tokens a cue can be (verbs by POS or tag, `according` is VBG, nouns, `in` a poll),
    picked from the Doc's arrays: testing each Token's strings was a third of the stage's time."""
    strings = doc.vocab.strings
    pos_tag_lower = doc.to_array(["POS", "TAG", "LOWER"])
    wanted = (numpy.isin(pos_tag_lower[:, 0], [strings[p] for p in ("VERB", "AUX", "NOUN")])
              | numpy.isin(pos_tag_lower[:, 1], [strings[t] for t in VERB_TAGS])
              | numpy.isin(pos_tag_lower[:, 2], [strings["according"], strings["in"]]))
    for i in numpy.flatnonzero(wanted).tolist():
        yield doc[i]


def indirect_quotes(doc: Doc, quoted: list[tuple[int, int]], taken: list[dict]) -> list[dict]:
    """Cue verbs with a clausal complement (`X has made clear that ...`), and `according to X`."""
    lex = lexicon()
    found = []
    covered = [tuple(seg) for q in taken for seg in q["segments"]]
    covered += [tuple(q["clause"]) for q in taken if "clause" in q]
    for token in _verbs_and_nouns(doc):
        if token.dep_ == "prep" and token.lower_ == "according":
            record = _according_to(doc, token)
        elif token.dep_ == "prep" and token.lower_ == "in":
            record = _in_a_poll(doc, token)
        elif _is_cue_verb(token) or _is_learned_cue(token, lex):
            if token.lemma_.lower() in lex["evidence_verbs"] and _evidence_subject(token, lex):
                record = _evidence(doc, token, lex)  # (the evidence verbs are all cue verbs)
            else:
                record = _reported_clause(doc, token, lex)
        elif token.pos_ == "NOUN" and token.lemma_.lower() in lex["learned_nouns"]:
            record = _noun_clause(doc, token)
        else:
            continue
        if record is None:
            continue
        start, end = record["segments"][0]
        if any(s < end and start < e for s, e in covered):
            continue
        if any(s <= token.idx < e for s, e in covered):
            continue
        _run_through_quotation(doc, record, quoted)
        found.append(record)
    return found


def _run_through_quotation(doc: Doc, record: dict, quoted: list[tuple[int, int]]) -> None:
    """`saying that foreigners "look at these goofballs. We've got to act."`: a reported clause
    whose quoted words run on past the parse's sentence ends where the quotation closes."""
    segment = record["segments"][-1]
    for start, end in quoted:
        if segment[0] <= start < segment[1] < end:
            closing = end < len(doc_text(doc)) and doc_text(doc)[end] in "”\"’»“"
            segment[1] = end + 1 if closing else end
            return


def _noun_clause(doc: Doc, noun: Token) -> dict | None:
    """`his assertion that ...`, `X voiced the concern that ...`: a cue noun learned from PolNeAR
    train with a `that` clause; the speaker is its possessor, else the subject of the verb it
    is the object of."""
    clause = next((c for c in noun.children if c.dep_ in {"acl", "ccomp", "appos"} and c.i > noun.i
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None or not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
        return None
    speaker = next((c for c in noun.children if c.dep_ == "poss"), None)
    if speaker is None and noun.dep_ in {"dobj", "pobj"}:
        verb = noun.head if noun.dep_ == "dobj" else noun.head.head
        speaker = _subject(verb) if verb.pos_ in {"VERB", "AUX"} else None
    start, end = _clause_span(doc, clause)
    if len(doc_text(doc)[start:end].split()) < 3:
        return None
    cue = {"text": noun.text, "span": [noun.idx, noun.idx + len(noun)]}
    return _quote("indirect", [[start, end]], cue, speaker_record(doc, speaker), 0.5)


def _evidence_subject(verb: Token, lex: dict) -> Token | None:
    """The subject of `show` (`evidence_verbs`) when it is a record, not a person (`FEC records
    show ...`, `a CNN poll showing Clinton ahead`). Pictures stay out: `event_nouns` are no
    speakers (`An illustration shows Donald Trump ...`)."""
    if verb.pos_ not in {"VERB", "AUX"}:
        return None
    subject = _subject(verb)
    if subject is None or subject.lemma_.lower() not in lex["evidence_nouns"]:
        return None
    return subject


def _evidence(doc: Doc, verb: Token, lex: dict) -> dict | None:
    """What a record shows is attributed to it, with or without `that` (PolNeAR counts `polls
    show Clinton ahead` as the polls' attribution): a clause, or the object with everything the
    parser hung on the verb after it (`showed Mr. Trump leading Mr. Cruz nationally, 45 percent
    to 18 percent, among ...`: the object alone stopped at `Mr. Trump`)."""
    first = next((c for c in verb.children if c.dep_ in {"ccomp", "dobj"} and c.i > verb.i), None)
    if first is None:
        return None
    start = first.left_edge.i
    if doc[start].dep_ == "mark" and doc[start].lower_ == "that":
        start += 1
    last = max(first.right_edge.i, verb.right_edge.i)
    if start > last:
        return None
    start, end = _strip_span(doc, start, last + 1)
    if len(doc_text(doc)[start:end].split()) < 2:
        return None
    return _quote("indirect", [[start, end]], _cue_record(doc, verb),
                  speaker_record(doc, _subject(verb)), 0.6)


def _is_learned_cue(token: Token, lex: dict) -> bool:
    """A verb whose lemma was an attribution cue often enough in PolNeAR train."""
    return token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in lex["learned_cues"]


def _is_weak(lemma: str, lex: dict) -> bool:
    """Weak cues need a `that` clause: the listed ones, and learned lemmas that were a cue less
    often than `strong_precision` in PolNeAR train. (Making train-precise weak cues such as
    *suggest*, *indicate* strong gained 0.2 points of recall on train and cost a false positive
    on the contract gold, so the hand-made weak list stands.)"""
    if lemma in lex["weak_cue_verbs"]:
        return True
    return lemma not in lex["cue_verbs"] and lex["learned_cues"].get(lemma, 1.0) < lex["learned_strong"]


def _reported_clause(doc: Doc, verb: Token, lex: dict) -> dict | None:
    lemma = verb.lemma_.lower()
    if not _is_weak(lemma, lex):
        record = _enclosed(doc, verb)
        if record is not None:
            return record
    holders = [verb] + [c for c in verb.children if c.lower_ in lex["phrasal_cues"].get(lemma, ())]
    clause = None
    for holder in holders:
        for child in holder.children:
            if child in holders:
                continue
            if child.i < verb.i and not (child.dep_ == "ccomp" and _comma_before(doc, verb)):
                continue
            if child.dep_ == "ccomp" or (holder is not verb and child.dep_ in {"csubj", "advcl"}):
                clause = child
                break
        if clause is not None:
            break
    if clause is None and lemma in lex["xcomp_cues"]:
        clause = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if clause is not None:
            start, end = _clause_span(doc, clause)
            if len(doc_text(doc)[start:end].split()) < 3:
                return None
            start = _addressee_start(verb, clause, start)
            end = _infinitive_conjuncts_end(doc, verb, clause, end)
            return _quote("indirect", [[start, end]], _cue_record(doc, verb),
                          speaker_record(doc, _subject(verb)), 0.6)
    if (clause is None and lemma not in lex["cue_verbs"]
            and lex["learned_cues"].get(lemma, 0.0) >= lex["complement_precision"]):
        record = _complement(doc, verb, lex)
        if record is not None:
            return record
    if clause is None:
        return _as_clause(doc, verb) or _parenthetical(doc, verb, lex)
    has_that = any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
    if _is_weak(lemma, lex) and not has_that and clause.i > verb.i:
        return None
    if not any(c.dep_ in SUBJECT_DEPS or c.dep_ == "expl" for c in clause.children):
        return None
    start, end = _clause_span(doc, clause)
    end = _conjuncts_end(doc, verb, clause, end, lex)
    end = _before_second_report(doc, clause, start, end, lex)
    if len(doc_text(doc)[start:end].split()) < 3:
        return None
    subject = _subject(verb)
    return _quote("indirect", [[start, end]], _cue_record(doc, verb), speaker_record(doc, subject), 0.7)


def _infinitive_conjuncts_end(doc: Doc, verb: Token, infinitive: Token, end: int) -> int:
    """`She wants to triple the program, grow the Peace Corps and create a reserve`: the parser
    hangs the infinitive's conjuncts on the cue verb; a bare verb (`VB`) with no subject of its
    own after the infinitive, under a cue that is not itself bare, is the infinitive's, and the
    report runs through it."""
    if verb.tag_ == "VB":
        return end
    for child in verb.children:
        if (child.i > infinitive.i and child.dep_ in {"conj", "dep"} and child.tag_ == "VB"
                and not any(c.dep_ in SUBJECT_DEPS for c in child.children)):
            last = child.right_edge.i
            while last > child.i and (doc[last].is_punct or doc[last].is_space):
                last -= 1
            end = max(end, doc[last].idx + len(doc[last]))
    return end


def _addressee_start(verb: Token, clause: Token, start: int) -> int:
    """`urged Republicans to join ...`, `told his subordinates never to speak ...`: the person
    urged is the subject of the infinitive, so the report starts at that object (PolNeAR's
    Content does), not at `to`."""
    for child in verb.children:
        if not verb.i < child.i < clause.i:
            continue
        if child.dep_ in {"prep", "prt"}:  # `called on fellow Republicans to unendorse ...`
            child = next((c for c in child.children if c.dep_ == "pobj"), None)
        if child is not None and child.dep_ in {"dobj", "dative", "pobj"}:
            return child.left_edge.idx
    return start


def _conjuncts_end(doc: Doc, verb: Token, clause: Token, end: int, lex: dict) -> int:
    """Where the report under `verb` ends, counting the clauses the parser coordinated on the
    cue verb after it (`predicted that A, but that B`: B is reported too)."""
    for second in verb.children:
        if second.dep_ == "conj" and second.i > clause.i and (
                second.left_edge.lower_ == "that" or _reported_conjunct(second, lex)):
            end = max(end, _clause_span(doc, second)[1])
    return end


def _before_second_report(doc: Doc, clause: Token, start: int, end: int, lex: dict) -> int:
    """`Perdue said he did not believe the attacks hurt Romney, arguing that ...`: the parser
    hangs the speaker's participle cue (after a comma) on the reported clause; it reports
    something else (its own quote, the same speaker's), so the first report ends before it
    (PolNeAR has two attributions). Coordinated verbs (`said A and warned B`) stay in: whose verb
    they are is not in the parse (tried, see docs/quotes.md)."""
    for second in clause.children:
        if second.i <= clause.i or second.pos_ != "VERB" or doc[second.left_edge.i].idx >= end:
            continue
        if any(c.dep_ in SUBJECT_DEPS or c.dep_ == "expl" for c in second.children):
            continue
        if not (_is_cue_verb(second) or _is_learned_cue(second, lex)):
            continue
        if second.dep_ != "advcl" or second.tag_ != "VBG" or second.left_edge.i == 0:
            continue
        cut = second.left_edge.i - 1
        if doc[cut].text != "," or doc[cut].idx <= start:
            continue
        stop = cut
        while stop > 0 and (doc[stop - 1].is_punct or doc[stop - 1].is_space) and doc[stop - 1].text not in "”\"’»":
            stop -= 1
        if doc[stop - 1].idx <= start:
            continue
        return doc[stop - 1].idx + len(doc[stop - 1])
    return end


def _partial_clause(doc: Doc, cue: Token, below: Token | None, lex: dict) -> tuple[int, int] | None:
    """The reported clause around a partial quote: the cue's complement on the path to the
    quoted words, with the clauses coordinated on the cue that go on with the report, as for
    indirect speech (`He's claiming that fraud is “a big problem” but “nobody has the guts to
    talk about it”`: one clause, both quoted pieces in it)."""
    if below is None:
        return None
    if below.dep_ == "conj" and _reported_conjunct(below, lex):
        below = next((c for c in cue.children if c.dep_ == "ccomp" and c.i < below.i), None)
        if below is None:
            return None
    elif below.dep_ not in {"ccomp", "xcomp", "dobj", "advcl"}:
        return None
    start, end = _clause_span(doc, below)
    if below.dep_ == "ccomp":
        end = _conjuncts_end(doc, cue, below, end, lex)
    return start, end


def _reported_conjunct(second: Token, lex: dict) -> bool:
    """`revealed that A, but no action was ever taken`: the small parser hangs a clause
    coordinated with the reported one on the cue verb. It is part of the report when it has a
    subject of its own and is no report itself (`X said A, but Y denied it` is two). Even a
    subject that repeats the reporter's (`he said A, but he ...`) is more often reported than not
    on PolNeAR train (excluding it lost 2 matches), so it is not tested."""
    lemma = second.lemma_.lower()
    if lemma in lex["cue_verbs"] or lemma in lex["learned_cues"]:
        return False
    return second.pos_ in {"VERB", "AUX"} and any(
        c.dep_ in SUBJECT_DEPS and c.i < second.i for c in second.children)


# How the parser attaches a subject it failed to recognise (`About 4 in 10 say`: nummod).
ORPHAN_DEPS = {"nummod", "npadvmod", "nmod", "dep"}

# Prepositions that start a verb's circumstance (time, place, occasion) after its object.
NAMING_DEPS = {"oprd", "xcomp", "attr", "acomp", "ccomp"}
ADJUNCT_PREPS = {"at", "after", "during", "following", "amid"}
COMPLEMENT_DEPS = {"dobj", "xcomp", "prep", "oprd", "dative", "attr", "acomp", "ccomp"}


def _complement(doc: Doc, verb: Token, lex: dict) -> dict | None:
    """`X criticized Rubio for opposing ...`, `X called for more troops`, `X declined to comment`:
    PolNeAR also attributes the object of a verb that was a cue often enough in train (its
    content is what the verb's object phrase says). Taken only when the verb has a subject and
    the complement right after it has `min_complement_words` words or more. Speech verbs from
    `cue_verbs` are left out (their object is the addressee: `told the Telegraph`)."""
    subject = _subject(verb)
    if subject is None or any(c.dep_ == "aux" and c.lower_ in lex["hypothetical_aux"]
                              for c in verb.children):
        return None  # `X will reject Y` is a prediction about X, not something X said
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ":
        return None  # `he is not willing to discuss Y`, `likely to back Y`: a disposition
    parts, adjunct = [], None
    for child in verb.rights:
        if child.dep_ == "prep" and parts and child.lower_ in ADJUNCT_PREPS and adjunct is None:
            adjunct = child  # `criticized X after the event`, `praised Y at a rally`: circumstance
        if child.dep_ in COMPLEMENT_DEPS:
            parts.append(child)
        elif child.dep_ in {"punct", "cc", "conj", "advcl", "parataxis"}:
            break
    if not parts:
        return None
    if verb.lemma_.lower() in lex["naming_verbs"] and not (
            parts[0].dep_ == "prep" and parts[0].i == verb.i + 1
            or any(p.dep_ in NAMING_DEPS or (p.dep_ == "prep" and p.lower_ == "as") for p in parts)):
        return None  # `called Alicia Machado on Friday`, `called an emergency meeting`: a call
        # names nothing; `called the test a "brazen breach"`, `called for X` do
    through = None
    first = parts[0]
    if first.dep_ == "prep" and first.i == verb.i + 1:
        # `called for X`: the preposition belongs to the cue, its object is the content
        pobj = next((c for c in first.children if c.dep_ in {"pobj", "pcomp"}), None)
        if pobj is None:
            return None
        through, parts = first.idx + len(first), [pobj] + parts[1:]
    tokens = [t for part in parts for t in part.subtree]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    if len([t for t in tokens if not t.is_punct]) < lex["min_complement_words"]:
        return None
    if adjunct is not None:  # the content stops before the circumstance (PolNeAR's spans do)
        tokens = [t for t in tokens if t.i < adjunct.i]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        if not tokens:
            return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return _quote("indirect", [[start, end]], _cue_record(doc, verb, through),
                  speaker_record(doc, subject), 0.5)


def _enclosed(doc: Doc, verb: Token) -> dict | None:
    """`Vice President Joe Biden, Rubio said, had been ...`, `In his state, Christie said,
    nonviolent offenders ...`: a cue phrase set off by commas on both sides inside a sentence
    reports the rest of that sentence, however the parser attached it."""
    subject = _subject(verb)
    if subject is None or subject.i > verb.i or verb.dep_ == "conj":
        return None
    first = min([subject.left_edge.i] + [c.i for c in verb.lefts if c.i > subject.i
                                          and c.dep_ in {"aux", "neg", "advmod", "auxpass"}])
    tail = [c for c in verb.rights if c.dep_ in {"prep", "npadvmod", "advmod"}]
    last = max([verb.i] + [c.right_edge.i for c in tail])
    sent = verb.sent
    if not (sent.start < first - 1 and last + 1 < sent.end - 1):
        return None
    if doc[first - 1].text != "," or doc[last + 1].text != ",":
        return None
    if any(c.dep_ in {"dobj", "ccomp", "xcomp"} and c.i > last for c in verb.children):
        return None
    tokens = [t for t in sent if not (first - 1 <= t.i <= last + 1)]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    tokens = _strip_connective(tokens)
    before = [t for t in tokens if t.i < first]
    after = [t for t in tokens if t.i > last]
    opens = len(after) > 1 and (after[0].text in "\"\u201c\u201d" or after[0].text == "''")
    if (len(tokens) < 4 or any(t.text in "\"\u201c\u201d" or t.text == "''" for t in before)
            or (opens and after[1].text[:1].isupper())):
        return None  # `“A,” he said, “B.”` is a split direct quote; `The industry, she said,
        # is ''doing much better''` reports the subject and the quoted predicate
    segments = [[run[0].idx, run[-1].idx + len(run[-1])] for run in (before, after) if run]
    return _quote("indirect", segments, _cue_record(doc, verb), speaker_record(doc, subject), 0.6)


def _comma_before(doc: Doc, verb: Token) -> bool:
    """Whether the cue's own phrase (`, a source said`) is set off by a comma or dash before it."""
    first = min([verb.i] + [c.left_edge.i for c in verb.children
                            if c.dep_ in SUBJECT_DEPS | {"aux", "neg", "advmod"} and c.i < verb.i])
    return first > 0 and doc[first - 1].text in {",", "\u2014", "\u2013", "\u2015"}


def _as_clause(doc: Doc, verb: Token) -> dict | None:
    """`As Purple PAC's Crane said, the two candidates have become ...`: a cue in an `as` clause
    opening the sentence reports the rest of the sentence."""
    if verb.dep_ != "advcl" or verb.left_edge.lower_ != "as" or verb.left_edge.dep_ != "mark":
        return None
    sent = verb.sent
    opens = verb.left_edge.i == sent.start or doc[verb.left_edge.i - 1].lower_ in {"but", "and", "yet"}
    edge = verb.right_edge.i  # the comma may hang on the verb or come after it
    if not opens or not (doc[edge].text == "," or edge + 1 < sent.end and doc[edge + 1].text == ","):
        return None
    subject = _subject(verb)
    if subject is None or any(c.dep_ in {"ccomp", "xcomp"} for c in verb.children):
        return None
    segments = _sentence_around(verb)
    if segments is None:
        return None
    return _quote("indirect", segments, _cue_record(doc, verb), speaker_record(doc, subject), 0.6)


def _parenthetical(doc: Doc, verb: Token, lex: dict) -> dict | None:
    """`The plan has hurt him with young voters, Graham said, since ...`: a cue verb set off by a
    comma after the clause it reports (the parser hangs it under that clause's verb)."""
    head = verb.head
    if verb.dep_ not in {"parataxis", "ccomp", "advcl"}:
        return None
    if head.i > verb.i and not (verb.i + 1 < len(doc) and doc[verb.i + 1].text == ","):
        return None
    subject = _subject(verb)
    if subject is None or any(c.dep_ in {"dobj", "ccomp", "xcomp"} for c in verb.children):
        return None
    first = min(verb.i, subject.i, *(c.i for c in verb.lefts))
    if first == 0 or doc[first - 1].text not in {",", "\u2014", "\u2013"}:
        return None
    excluded = {t.i for t in verb.subtree}
    sent = verb.sent
    tokens = [t for t in head.subtree if t.i not in excluded and sent.start <= t.i < sent.end
              and not (first - 1 <= t.i <= verb.i)]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    tokens = _strip_connective(tokens)
    if len(tokens) < 4:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return _quote("indirect", [[start, end]], _cue_record(doc, verb),
                  speaker_record(doc, subject), 0.6)


CONNECTIVES = {"but", "and", "yet", "still", "so", "however", "meanwhile", "indeed", "instead",
               "also", "moreover", "nonetheless", "nevertheless", "then", "now", "thus",
               "in fact", "even so", "of course", "after all", "and yet", "but still"}


def _trim(tokens: list) -> list:
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def _strip_connective(tokens: list) -> list:
    """`Still, most voters ...`, `But in fact, ...`: a sentence-initial connective links to the
    text before; PolNeAR's Content starts after it."""
    for _ in range(2):
        for size in (2, 1):
            words = " ".join(t.lower_ for t in tokens[:size])
            if words in CONNECTIVES and len(tokens) > size + 2:
                tokens = _trim(tokens[size:])
                break
        else:
            break
    return tokens


def _according_source(according: Token) -> Token | None:
    """X in `according to X` (None for any other word)."""
    if according.lower_ != "according":
        return None
    to = next((c for c in according.children if c.lower_ == "to"), None)
    return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None


def _according_to(doc: Doc, according: Token) -> dict | None:
    """`According to X, <clause>`: the clause is the content, X the speaker."""
    source = _according_source(according)
    if source is None:
        return None
    to = next(c for c in according.children if c.lower_ == "to")
    segments = _sentence_around(according)
    if segments is None:
        return None
    cue = {"text": doc_text(doc)[according.idx:to.idx + len(to)], "span": [according.idx, to.idx + len(to)]}
    return _quote("indirect", segments, cue, speaker_record(doc, source), 0.7)


def _sentence_around(phrase: Token) -> list[list[int]] | None:
    """`X, according to Y, Z`: the phrase is not content; the sentence around it is, in one or
    two pieces, without a leading connective."""
    sent = phrase.sent
    phrase_start, phrase_end = phrase.left_edge.i, phrase.right_edge.i + 1
    runs = [_strip_connective(_trim([t for t in sent if t.i < phrase_start])),
            _trim([t for t in sent if t.i >= phrase_end])]
    runs[1] = _strip_connective(runs[1]) if not runs[0] else runs[1]
    runs = [run for run in runs if run]
    if sum(len(run) for run in runs) < 3:
        return None
    return [[run[0].idx, run[-1].idx + len(run[-1])] for run in runs]


def _in_a_poll(doc: Doc, prep: Token) -> dict | None:
    """`In an NBC poll released Monday, 50 percent chose Clinton`, `Clinton led by 10 points in
    a Marist poll`: a poll or survey named by an `in` phrase, with no speech verb in the
    sentence. The sentence around the phrase is the content; the poll is the source.

    Tried on PolNeAR train and left out: statements and interviews (`In an interview, X laughed
    off the attack`: PolNeAR's cue is then X's verb; 1 of 37 such predictions matched), and
    a plural at the end of a sentence (`sits at single digits in the polls`: no poll named)."""
    report = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if report is None or report.lemma_.lower() not in lexicon()["poll_nouns"]:
        return None
    sent = prep.sent
    if prep.left_edge.i == sent.start or doc[prep.left_edge.i - 1].lower_ in {"but", "and", "yet"}:
        if prep.right_edge.i + 1 >= sent.end or doc[prep.right_edge.i + 1].text != ",":
            return None
    elif report.tag_ != "NN" or prep.right_edge.i + 2 < sent.end:
        return None
    if any(_is_cue_verb(t) for t in sent if not prep.left_edge.i <= t.i <= prep.right_edge.i):
        return None  # `In the poll, most voters said ...`: the verb's own quote
    segments = _sentence_around(prep)
    if segments is None:
        return None
    end = report.idx + len(report)
    cue = {"text": doc_text(doc)[prep.idx:end], "span": [prep.idx, end]}
    return _quote("indirect", segments, cue, speaker_record(doc, report), 0.6)


# ---------------------------------------------------------------------------------------------


def _quote(kind: str, segments: list, cue: dict | None, speaker: dict, confidence: float) -> dict:
    return {"id": "", "kind": kind, "segments": segments, "cue": cue, "speaker": speaker,
            "confidence": confidence}


def colon_credits(doc: Doc) -> list[dict]:
    """`PENCE: Well, ...` (a transcript turn) and `Pat Caddell: Voters worried ...` (a headline):
    a paragraph that opens with a short name and a colon credits the rest of it to that name."""
    lex = lexicon()
    found = []
    for match in COLON_CREDIT.finditer(doc_text(doc)):
        name_start, name_end = match.span(1)
        name = match.group(1).strip()
        if name.upper() in lex["colon_label_stopwords"] or len(match.group(2).split()) < 3:
            continue
        span = doc.char_span(name_start, name_end, alignment_mode="expand")
        if span is None or not (_names_label(doc, span) or _poll_label(span, lex)):
            continue
        start, end = _content_end(doc_text(doc), *match.span(2))
        end = end - 1 if doc_text(doc)[end - 1] in "\"\u201d" else end
        kind = "direct" if name.isupper() else "indirect"
        colon = match.end(1) + match.group(0)[match.end(1) - match.start():].index(":")
        found.append(_quote(kind, [[start, end]], {"text": ":", "span": [colon, colon + 1]},
                            speaker_record(doc, span.root), 0.6))
    return found


COLON_PARAGRAPH = re.compile(r":[ \t]*\n+[ \t]*([^\n]+)")  # anchored on the colon: cheap


def colon_paragraphs(doc: Doc, taken: list[tuple[int, int]]) -> list[dict]:
    """`The governor added:` closing a paragraph, the words in the next one without quotation
    marks (web copy sets a long quotation off as its own paragraph): the next paragraph is what
    the cue's subject said. A paragraph that opens with a mark is the direct quotes' business."""
    text = doc_text(doc)
    lex = lexicon()
    found = []
    for match in COLON_PARAGRAPH.finditer(text):
        colon = match.start()
        if colon == 0 or not (text[colon - 1].isalnum() or text[colon - 1] == "_"):
            continue
        start, end = match.span(1)
        if lex["mark_re"].match(text[start]):
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        word = doc.char_span(colon - 1, colon, alignment_mode="expand")
        if word is None or not len(word):
            continue
        verb = word[-1]
        if not (_is_cue_verb(verb) or _is_learned_cue(verb, lex)):
            verb = verb.sent.root
            if not (_is_cue_verb(verb) or _is_learned_cue(verb, lex)):
                continue
        if any(c.dep_ in {"ccomp", "dobj", "xcomp"} and c.i > verb.i for c in verb.children):
            continue  # `... said the following:` names its object; `said that X:` reports X
        subject = _subject(verb)
        if subject is None:
            continue
        while end > start and text[end - 1] in " \t":
            end -= 1
        if len(text[start:end].split()) < 3:
            continue
        found.append(_quote("indirect", [[start, end]], _cue_record(doc, verb),
                            speaker_record(doc, subject), 0.6))
    return found


def _names_label(doc: Doc, span: Span) -> bool:
    """A colon label made of a name (`Sanders: ...` in a headline is tagged NOUN; `Bernie
    Sanders` later in the text is not, so the text's own proper words count)."""
    return all(t.pos_ == "PROPN" or t.ent_type_ in NAMED_ENTITY_TYPES or t.is_upper
               or t.is_punct or t.lower_ in _proper_words(doc) for t in span)


def _poll_label(span: Span, lex: dict) -> bool:
    """`Poll: Clinton and Trump in dead heat ...`: a headline's one-word label that is a poll
    (`poll_nouns` in quotes.yaml) reports what the poll found."""
    return len(span) == 1 and span[0].lemma_.lower() in lex["poll_nouns"]


def learned_quotes(doc: Doc, taken: list[tuple[int, int]]) -> list[dict]:
    """Attributions without a speech cue (`X supports Y`, `X's criticism of Y`) that the learned
    layer (`attribution_model`) scores above its threshold, outside the `taken` spans of the
    rule quotes. Marked `"learned": true`; confidence is the model's probability."""
    found = []
    for candidate, p in attribution_model.choose(doc, _subject, taken):
        through = (candidate.preposition.idx + len(candidate.preposition)
                   if candidate.preposition is not None and candidate.preposition.i > candidate.cue.i
                   else None)
        segments = [list(attribution_model.content_span(candidate))]
        if candidate.shape == "xcomp":  # `has encouraged European nations to bolster ...`
            segments[0][0] = _addressee_start(candidate.cue, candidate.content.root, segments[0][0])
            segments[0][1] = _infinitive_conjuncts_end(doc, candidate.cue, candidate.content.root,
                                                       segments[0][1])
        raised = _raised_subject(candidate)
        if raised is not None:
            segments.insert(0, list(raised))
        quote = _quote("indirect", segments, _cue_record(doc, candidate.cue, through),
                       speaker_record(doc, candidate.source), round(p, 3))
        quote["learned"] = True
        found.append(quote)
    return found


def _raised_subject(candidate) -> tuple[int, int] | None:
    """`Obama's veto is expected to come before midnight`: with a passive cue and no agent, what
    is expected is the subject doing the infinitive, so the subject is a first content segment
    (PolNeAR's Content is both pieces; nobody named expects it)."""
    cue = candidate.cue
    if candidate.shape != "xcomp" or candidate.source is not None:
        return None
    subject = next((c for c in cue.children if c.dep_ == "nsubjpass" and c.i < cue.i), None)
    if subject is None:
        return None
    return _strip_span(cue.doc, subject.left_edge.i, subject.right_edge.i + 1)


def _taken_spans(quotes: list[dict]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        spans += [tuple(s) for s in quote["segments"]]
        if quote.get("clause"):
            spans.append(tuple(quote["clause"]))
        if quote["cue"]:
            spans.append(tuple(quote["cue"]["span"]))
    return spans


def _link_another(quote: dict, previous: dict | None) -> None:
    """`Another added:` after `A diplomatic source said:` is a second source of that kind: the
    descriptor stays as written, `another_of` (an extra field) names the earlier quote and
    `kind_of` its descriptor."""
    descriptor = quote["speaker"]["anonymous"] or ""
    if previous is None or not re.match(r"(?i)(another|a second|a third|one other)\b", descriptor):
        return
    quote["speaker"]["another_of"] = previous["id"]
    quote["speaker"]["kind_of"] = previous["speaker"]["anonymous"]


@Language.component("parley_quotes")
def find_quotes(doc: Doc) -> Doc:
    """Direct, partial and indirect quotes, ordered by position, ids `q1`, `q2`, ..."""
    credits = colon_credits(doc)
    credited = [q["segments"][0] for q in credits]
    direct, quoted = direct_quotes(doc)
    direct = [q for q in direct
              if not any(s < q["segments"][0][1] and q["segments"][0][0] < e for s, e in credited)]
    quotes = credits + direct + indirect_quotes(doc, quoted, credits + direct)
    quotes += colon_paragraphs(doc, _taken_spans(quotes))
    quotes += learned_quotes(doc, _taken_spans(quotes))
    quotes = [q for q in quotes if not q["speaker"].pop("event", False)]
    quotes.sort(key=lambda q: q["segments"][0][0])
    previous_anonymous = None
    for number, quote in enumerate(quotes, 1):
        quote["id"] = f"q{number}"
        _link_another(quote, previous_anonymous)
        if quote["speaker"]["anonymity"] == "anonymous":
            previous_anonymous = quote
    quote_layout.apply(doc, quotes)
    doc._.quotes = quotes
    for key in ("parley_quotes_proper", "parley_quotes_resolve_failed"):
        doc.user_data.pop(key, None)
    return doc
