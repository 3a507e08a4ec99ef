"""Who wrote a document: the authors its title names, for "we" and "I" outside quotations.

Official statements speak in the first person ("Thus we call for an immediate ceasefire", "I
will sign it into law as soon as it reaches my desk"); the text never says who "we" are, the
title does ("Joint Statement by the United States, Australia, Canada, European Union, ...",
"Statement from President Joe Biden on ..."). The patterns are data (`data/authors.yaml`); the
names are resolved like any mention: the article's own actors first (the name as the article
spells it), then the registry's names and aliases.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Doc

from .actors import add_actor, registry_of, state_of_code


@lru_cache(maxsize=1)
def _spec() -> tuple[list[re.Pattern], tuple[str, ...]]:
    data = yaml.safe_load(resources.files("parley.data").joinpath("authors.yaml").read_text("utf-8"))
    return ([re.compile(p, re.IGNORECASE) for p in data["title_patterns"]],
            tuple(w.lower() for w in data.get("spokesperson_words") or ()))


def clean_title(title: str) -> str:
    """The title as words: Markdown escapes ("Joe\\_Biden") and emphasis removed."""
    return re.sub(r"\s+", " ", title.replace("\\_", " ").replace("*", "")).strip()


def author_phrase(title: str | None) -> str | None:
    """The part of a title that names its authors, or None ("Readout of ...", "Fact Sheet")."""
    if not title:
        return None
    title = clean_title(title)
    patterns, spokespeople = _spec()
    for pattern in patterns:
        found = pattern.search(title)
        if found:
            phrase = found.group("authors").strip()
            if any(word in phrase.lower() for word in spokespeople):
                return None
            return phrase
    return None


def _names(doc: Doc) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(name, actor id) for the article's actors, then the registry's names and aliases; and
    each actor's type."""
    reg = registry_of(doc)
    names, kinds = [], {actor_id: entry["type"] for actor_id, entry in reg.actors.items()}
    for actor in doc._.actors or ():
        kinds[actor["id"]] = actor.get("type") or kinds.get(actor["id"], "")
        for name in [actor.get("name")] + list(actor.get("aliases") or ()):
            if name:
                names.append((name, actor["id"]))
    names += [(phrase, actor_id) for phrase, actor_id, kind in reg.phrases if kind == "name"]
    return names, kinds


def authors_in(phrase: str, names: list[tuple[str, str]], kinds: dict[str, str]) -> list[str]:
    """Actor ids named in `phrase`, in order; where people are named, a state after "of" only
    says whose office they hold ("President Joseph R. Biden Jr. of the United States and
    President Gustavo Petro of Colombia" is two people, not four actors)."""
    found: list[tuple[int, int, str]] = []
    for name, actor_id in names:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", phrase):
            found.append((match.start(), match.end(), actor_id))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, actor_id in found:
        if kept and start < kept[-1][1]:
            continue   # inside a longer name already taken
        kept.append((start, end, actor_id))
    people = {actor_id for _, _, actor_id in kept if kinds.get(actor_id) == "person"}
    if people:
        # "President Joseph R. Biden Jr. of the United States", "the President of the United
        # States Joe Biden": the state says whose president; the person is the author
        kept = [k for k in kept if kinds.get(k[2]) == "person"
                or not re.search(r"\bof (?:the )?$", phrase[:k[0]])]
    return list(dict.fromkeys(actor_id for _, _, actor_id in kept))


def document_authors(doc: Doc) -> list[str]:
    """The actors the title names as the document's authors (cached on the Doc)."""
    title = doc._.article_title
    cached = doc.user_data.get("parley_authors")
    if cached is None or cached[0] != title:
        phrase = author_phrase(title)
        cached = (title, authors_in(phrase, *_names(doc)) if phrase else [])
        doc.user_data["parley_authors"] = cached
    known = {a["id"] for a in doc._.actors or ()}
    for actor_id in cached[1]:
        if actor_id not in known:
            add_actor(doc, actor_id, [])   # acts name them: the ledger needs their record
    return list(cached[1])


def first_person(doc: Doc, plural: bool) -> list[str]:
    """Who "we" (`plural`) or "I" outside a quotation is: the authors. One person's "I" is that
    person; their "we" is the person and the state they speak for ("we are pushing hard for a
    ceasefire" in a President's statement: the annotators code both); several authors' "we" is
    all of them. [] where the title names no author (the caller falls back to the context)."""
    authors = document_authors(doc)
    if len(authors) != 1 or _kind(doc, authors[0]) != "person":
        return authors if plural else []
    if not plural:
        return authors
    state = state_of_code(doc, (registry_of(doc).actors.get(authors[0]) or {}).get("country"))
    return authors + ([state] if state else [])


def _kind(doc: Doc, actor_id: str) -> str | None:
    """person, state, organization or group: the article's record first, then the registry's."""
    record = next((a for a in doc._.actors or () if a["id"] == actor_id), None)
    return (record or {}).get("type") or (registry_of(doc).actors.get(actor_id) or {}).get("type")
