"""Small questions the act stage asks of the dependency parse (no lexicon, no state)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from .. import doc_text
from ..places import in_dateline

NEGATORS = {"not", "n't", "never", "no"}
CLAUSE_BOUNDARIES = {"ccomp", "csubj", "advcl", "relcl", "acl", "parataxis", "pcomp", "ROOT"}
CHAIN_DEPS = {"xcomp", "acomp", "oprd", "auxpass", "aux"}   # oprd: "appeared willing to"


def word_matches(word: str, token: Token) -> bool:
    return word == "*" or word == token.lower_ or word == token.lemma_.lower()


def phrase_end(doc, start: int, words) -> int | None:
    """The end of `words` read from token `start`, stepping over whitespace tokens (web copy
    writes "2016\xa0Peace\xa0Agreement", and spaCy makes each no-break space a token), or
    None where the words are not there."""
    i = start
    for k, word in enumerate(words):
        while k and i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc) or not word_matches(word, doc[i]):
            return None
        i += 1
    return i


def is_negated(token: Token) -> bool:
    """A `neg` child, or a "no"/"never" determiner or adverb on the token."""
    return any(c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("det", "advmod"))
               for c in token.children)


def subjects(token: Token, passive: bool = False) -> list[Token]:
    """Subjects of a verb, with their conjuncts ("Both Trump and his counterpart"); `passive`
    also takes the subject of a raising head ("Russia is expected to demand ...")."""
    deps = ("nsubj", "nsubjpass") if passive else ("nsubj",)
    out = []
    text = doc_text(token.doc)
    for subj in (c for c in token.children if c.dep_ in deps and not in_dateline(text, c.idx)):
        out.append(subj)
        out.extend(c for c in subj.conjuncts if c.i > subj.i)
    return out


def chain(trigger: Token) -> list[Token]:
    """The trigger and the heads it hangs from inside its own clause ("inclined to support"); a
    coordinated verb climbs to the verb before it only when it has no subject of its own ("the
    two sides held talks, but nothing was agreed": the passive's subject is its own clause's)."""
    found = [trigger]
    token = trigger
    while token.dep_ in CHAIN_DEPS or (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX")
                                       and not subjects(token, passive=True)):
        if token.head.i == token.i:
            break
        token = token.head
        found.append(token)
    return found


def span_chars(tokens) -> tuple[int, int]:
    """Character span of the tokens, trimmed of punctuation and spaces where words remain."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)] or list(tokens)
    return (min(t.idx for t in words), max(t.idx + len(t) for t in words))


def noun_phrase(token: Token) -> Span:
    """The noun phrase of a subject token without its relative clauses or appositions."""
    right = token.i
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "nmod"):
            right = max(right, child.right_edge.i)
    return token.doc[token.left_edge.i:right + 1]


def dominates(head: Token, token: Token) -> bool:
    return head.i != token.i and head.is_ancestor(token)


def in_relative_clause(token: Token) -> bool:
    """Under a relative clause ("the peninsula Putin annexed in 2014")."""
    node = token
    while node.head.i != node.i:
        if node.dep_ == "relcl":
            return True
        node = node.head
    return False


def attached(token: Token, own: set) -> bool:
    """Does `token` hang from one of `own` without crossing a clause boundary?"""
    node = token
    while node.i not in own:
        if node.dep_ in CLAUSE_BOUNDARIES or node.head.i == node.i:
            return False
        node = node.head
    return True


def branch(token: Token, positions: set) -> int:
    """Which coordinated part of a scope a token sits in: the highest `conj` on its way up to
    the scope's root, else the root's child that holds it."""
    node, found, conj = token, token.i, None
    while node.head.i != node.i and node.head.i in positions:
        if node.dep_ == "conj":
            conj = node.i
        found = node.i
        node = node.head
    return conj if conj is not None else found


def in_purpose_clause(token: Token, positions: set) -> bool:
    """The token sits in an infinitive of purpose inside the scope ("call for a ceasefire ... to
    provide space for diplomacy"): what the act is for, not what it is about."""
    node = token
    while node.head.i != node.i and node.head.i in positions:
        subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children)
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        if node.dep_ in ("advcl", "acl") and infinitive and not subject:
            return True
        node = node.head
    return False


def reciprocal(trigger: Token) -> bool:
    """The act's object is "each other" / "one another": its parties aim it at one another."""
    for child in trigger.children:
        if child.dep_ in ("dobj", "pobj", "prep", "dative"):
            words = {t.lower_ for t in child.subtree}
            if {"each", "other"} <= words or {"one", "another"} <= words:
                return True
    return False


DASHES = {"-", "–", "—", "--", ";"}


def dash_apart(inner: Token, outer: Token) -> bool:
    """A clause before a dash that the parser hung under the verb after it ("X want Y - the
    Commission has urged Z"): the dash belongs to the outer verb and lies between the two, and
    the inner verb has its own subject. Two statements, not one inside the other."""
    if inner.i > outer.i or not any(c.dep_ in ("nsubj", "nsubjpass") for c in inner.children):
        return False
    return any(c.dep_ == "punct" and c.text in DASHES and inner.i < c.i < outer.i
               for c in outer.children)


CONCESSIVE_MARKS = {"while", "although", "though", "whereas", "whilst"}


def own_clause(inner: Token, outer: Token) -> bool:
    """`inner` sits in a coordinated clause with its own subject under `outer` ("Trump promised
    to end the war, and U.S. officials have had discussions with Ukraine"): a statement of its
    own, not part of the first one."""
    token = inner
    while token.i != outer.i and token.head is not token:
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            return True
        token = token.head
    return concessive(inner, outer)


def concessive(inner: Token, outer: Token) -> bool:
    """`inner` sits in a concessive clause with its own subject under `outer` ("saying that
    while Moscow was ready for talks, results could be achieved only if ..."): what the speaker
    grants is stated, not part of the condition or demand around it."""
    token = inner
    while token.i != outer.i and token.head is not token:
        if token.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children) \
                and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE_MARKS for c in token.children):
            return True
        token = token.head
    return False


def reported_event(inner: Token, outer: Token, heads: set[str]) -> bool:
    """`inner` sits in the complement clause, with its own subject, of a verb that takes an
    event as fact ("The leaders welcomed that Secretary Blinken and the Foreign Ministers ...
    intend to meet"): the event is its subject's act, and welcoming it is the outer one."""
    if outer.lemma_.lower() not in heads:
        return False
    token = inner
    while token.i != outer.i and token.head is not token:
        if token.dep_ == "ccomp" and token.head.i == outer.i and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            return True
        token = token.head
    return False
