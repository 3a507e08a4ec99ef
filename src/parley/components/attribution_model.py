"""Learned attributions: what PolNeAR calls attribution beyond reported speech.

The speech rules in `quotes.py` find `X said that ...`, quotation marks and `according to`. News
also attributes positions without a speech verb: `X supports Y`, `X wants to Y`, `X's criticism
of Y`, `X called for Y`. Hand rules for these either miss most of them or put every verb's object
into `quotes`. This module scores them instead:

1. `candidates(doc)` proposes, for every verb, noun or adjective, each argument the parse gives
   it (a clausal complement, an object, an infinitive, the object of a preposition, all right-hand
   complements together) as a possible attribution: cue = the word (and the preposition),
   content = the argument's phrase, source = the word's subject or possessor.
2. `features(candidate)` describes it in a few dozen strings (lemma, argument shape, subject
   kind, modality, length ...).
3. A logistic regression over those strings, trained on PolNeAR train
   (`python -m parley.evaluation.polnear train-model`, weights in `data/quotes_model.tsv`, derived
   numbers only, no text), keeps the best-scoring candidate per cue word when its probability
   clears the threshold stored with the weights.

The quotes stage adds the kept candidates as `indirect` quotes (`"learned": true`, confidence =
the probability) where the rules found nothing: a candidate never overlaps a rule quote.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy
from spacy.tokens import Doc, Span, Token

from . import quote_data

MODEL_FILE = "quotes_model.tsv"


@lru_cache(maxsize=1)
def settings() -> dict[str, frozenset]:
    """The `learned_layer` section of `data/quotes.yaml` (which words and arguments to propose)
    and the hypothetical auxiliaries the speech rules use."""
    data = quote_data.quotes_yaml()
    found = {key: frozenset(values) for key, values in data["learned_layer"].items()}
    found["modals"] = frozenset(data["polnear_cues"]["hypothetical_aux"])
    found["evidential_verbs"] = frozenset(data["polnear_cues"]["evidential_verbs"])
    return found


@lru_cache(maxsize=1)
def _act_lexicon():
    """The acts stage's pack vocabulary (one vocabulary for both stages)."""
    from .acts.lexicon import Lexicon, load_packs  # the acts stage owns its packs

    return Lexicon(load_packs())


def _act_type(word: Token) -> str | None:
    """The act type the acts stage's packs give this word (its part of speech and, for `call
    for`, its particle included), or None."""
    trigger = _act_lexicon().pack_trigger(word)
    return trigger.type if trigger is not None else None


@dataclass
class Candidate:
    """One possible attribution: a cue word, its content (a Span) and the source token."""
    cue: Token
    preposition: Token | None
    content: Span
    shape: str
    source: Token | None


def _trimmed(doc: Doc, start: int, end: int) -> Span | None:
    """Tokens `start:end` without a leading `that`, edge punctuation and spaces (PolNeAR's spans
    and ours agree on that). A subtree is contiguous (the parser is projective), so indices do."""
    while start < end and (doc[start].is_punct or doc[start].is_space
                           or (doc[start].dep_ == "mark" and doc[start].lower_ == "that")):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


def _source(word: Token, subject_of) -> Token | None:
    """A verb's subject (the quotes stage's rule), a noun's possessor, or the subject of the verb
    a noun is the object of (`X voiced criticism of Y`)."""
    if word.pos_ in {"VERB", "AUX", "ADJ"}:
        if word.pos_ == "ADJ" and word.dep_ in {"acomp", "amod"}:
            return subject_of(word.head)
        return subject_of(word)
    possessor = next((c for c in word.children if c.dep_ == "poss"), None)
    if possessor is not None:
        return possessor
    if word.dep_ == "dobj":
        return subject_of(word.head)
    if word.dep_ == "pobj" and word.head.dep_ == "prep":
        return subject_of(word.head.head)
    return None


def candidates(doc: Doc, subject_of, taken: list[tuple[int, int]] = ()) -> list[Candidate]:
    """Every (cue word, argument) pair the parse offers; `subject_of` is the quotes stage's
    subject finder, passed in so both stages agree on who speaks. Cue words inside `taken`
    (character spans of the rule quotes) are skipped before their arguments are built: the
    words of a direct quote's speech were most of the candidates, all of them rejected."""
    config = settings()
    pos_idx = doc.to_array(["POS", "IDX"])
    wanted = numpy.isin(pos_idx[:, 0], [doc.vocab.strings[pos] for pos in config["cue_pos"]])
    for start, end in taken:
        wanted &= (pos_idx[:, 1] < start) | (pos_idx[:, 1] >= end)
    found = []
    for i in numpy.flatnonzero(wanted).tolist():
        word = doc[i]  # Token objects only for the words of the wanted parts of speech
        if (word.is_stop and word.pos_ != "VERB") or word.lemma_.lower() in config["evidential_verbs"]:
            continue  # (an evidential hedge quotes nobody: `seemed a preview of ...`)
        if word.pos_ in config["seen_lemmas_only"] and _prior(word.lemma_.lower(), word.pos_) == "unseen":
            continue
        rights = []
        own_object = any(c.dep_ == "dobj" and c.i > word.i and c.pos_ != "PRON"
                         for c in word.children)
        for child in word.children:
            if child.i < word.i and (child.dep_ != "ccomp" or own_object):
                continue   # ("A want B - the Commission has urged an increase": not its content)
            if child.dep_ in config["argument_deps"]:
                rights.append((child, None, child.dep_))
            elif child.dep_ == "prep" and child.lower_ not in config["topic_prepositions"]:
                for grandchild in child.children:
                    if grandchild.dep_ in config["preposition_object_deps"]:
                        rights.append((grandchild, child, "prep_" + grandchild.dep_))
        if not rights:
            continue
        source = _source(word, subject_of)
        edges = []
        act_type = _act_type(word)
        act = act_type in config["act_types_not_quotes"]
        for argument, preposition, shape in rights:
            if act and (shape in config["act_shapes"]
                        or shape == "xcomp" and act_type in config["act_infinitive_types"]):
                continue
            left, right = argument.left_edge.i, argument.right_edge.i + 1
            edges.append((left, right, argument.i > word.i))
            content = _trimmed(doc, left, right)
            if content is not None:
                found.append(Candidate(word, preposition, content, shape, source))
        after = [(left, right) for left, right, later in edges if later]
        if len(after) > 1 and not (act and "all" in config["act_shapes"]):
            content = _trimmed(doc, max(word.i + 1, min(l for l, _ in after)), max(r for _, r in after))
            if content is not None:
                found.append(Candidate(word, None, content, "all", source))
    return found


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n <= 3 else "4" if n <= 7 else "8" if n <= 15 else "16"


def _source_kind(source: Token | None) -> str:
    if source is None:
        return "none"
    if source.pos_ == "PRON":
        return "pron_" + source.lower_
    return source.ent_type_ or source.pos_


def features(candidate: Candidate) -> list[str]:
    """The strings the model weighs. Conjunctions with the lemma let it learn `call` + `for`
    apart from `call` + object; the rest generalises to lemmas train never saw."""
    word = candidate.cue
    lemma = word.lemma_.lower()
    prep = candidate.preposition.lower_ if candidate.preposition is not None else "-"
    content = candidate.content
    first = content[0]
    clause = any(t.dep_ in {"nsubj", "nsubjpass"} and content.start <= t.head.i < content.end
                 for t in content)
    modal = any(c.dep_ == "aux" and c.lower_ in settings()["modals"] for c in word.children)
    negated = any(c.dep_ == "neg" for c in word.children)
    kind = _source_kind(candidate.source)
    size = _bucket(len(content))
    return [
        "bias", f"lemma={lemma}", f"pos={word.pos_}", f"tag={word.tag_}", f"dep={word.dep_}",
        f"shape={candidate.shape}", f"lemma_shape={lemma}|{candidate.shape}",
        f"lemma_prep={lemma}|{prep}", f"shape_prep={candidate.shape}|{prep}",
        f"pos_shape={word.pos_}|{candidate.shape}", f"source={kind}",
        f"source_shape={kind}|{candidate.shape}", f"lemma_source={lemma}|{kind != 'none'}",
        f"size={size}", f"shape_size={candidate.shape}|{size}", f"clause={clause}",
        f"shape_clause={candidate.shape}|{clause}", f"first={first.lower_ if first.is_stop else first.pos_}",
        f"modal={modal}", f"negated={negated}", f"head_dep={word.dep_}|{word.head.pos_}",
        f"head_lemma={word.head.lemma_.lower() if word.dep_ in {'xcomp', 'conj'} else '-'}",
        f"root={word.dep_ == 'ROOT'}", f"source_before={candidate.source is not None and candidate.source.i < word.i}",
        f"content_ent={first.ent_type_ or '-'}", f"prior={_prior(lemma, word.pos_)}",
        f"source_lemma={candidate.source.lemma_.lower() if candidate.source is not None and not candidate.source.ent_type_ else '-'}",
        f"lemma_size={lemma}|{size}", f"lemma_modal={lemma}|{modal}",
        f"quoted={any(t.is_quote for t in content)}",
    ]


def _prior(lemma: str, pos: str) -> str:
    """The lemma's cue rate in train as a bucket: a prior for lemmas too rare for a weight of
    their own."""
    rate = quote_data.cue_rates().get((lemma, "VERB" if pos in {"VERB", "AUX"} else pos))
    return "unseen" if rate is None else f"{min(9, int(rate[1] * 10))}"


@lru_cache(maxsize=1)
def model() -> tuple[dict[str, float], float]:
    """(feature -> weight, threshold) from `data/quotes_model.tsv`; an absent file switches the
    learned layer off (empty weights) rather than failing the quotes stage."""
    try:
        text = resources.files("parley.data").joinpath(MODEL_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}, 1.0
    weights, threshold = {}, 1.0
    for line in text.splitlines():
        if line.startswith("# threshold"):
            threshold = float(line.split("\t")[1])
        elif line and not line.startswith("#"):
            name, _, value = line.rpartition("\t")
            weights[name] = float(value)
    return weights, threshold


_TRIAL: list[tuple[dict[str, float], float]] = []


@contextmanager
def trial(weights: dict[str, float], threshold: float):
    """Use these weights instead of the shipped file inside the block: training scores its
    folds and thresholds through the real quotes stage with it."""
    _TRIAL.append((weights, threshold))
    try:
        yield
    finally:
        _TRIAL.pop()


def probability(names: list[str], weights: dict[str, float]) -> float:
    score = sum(weights.get(name, 0.0) for name in names)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def choose(doc: Doc, subject_of, taken: list[tuple[int, int]]) -> list[tuple[Candidate, float]]:
    """The best candidate per cue word above the threshold, best first, none overlapping `taken`
    (character spans of rule quotes' content and cues) or each other."""
    weights, threshold = _TRIAL[-1] if _TRIAL else model()
    if not weights:
        return []
    best: dict[int, tuple[float, Candidate]] = {}
    for candidate in candidates(doc, subject_of, taken):
        if overlaps(candidate, taken):
            continue
        p = probability(features(candidate), weights)
        if p >= threshold and p > best.get(candidate.cue.i, (0.0, None))[0]:
            best[candidate.cue.i] = (p, candidate)
    chosen, spans = [], []
    for p, candidate in sorted(best.values(), key=lambda pc: -pc[0]):
        if not overlaps(candidate, spans):
            spans.append(content_span(candidate))
            chosen.append((candidate, p))
    return chosen


def content_span(candidate: Candidate) -> tuple[int, int]:
    return candidate.content.start_char, candidate.content.end_char


def overlaps(candidate: Candidate, spans: list[tuple[int, int]]) -> bool:
    """Does the candidate's content overlap, or its cue word lie in, one of `spans`?"""
    start, end = content_span(candidate)
    cue = candidate.cue.idx
    return any(s < end and start < e or s <= cue < e for s, e in spans)
