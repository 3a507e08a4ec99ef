"""The actors stage (placeholder resolver until its issue lands).

Writes `doc._.actors`: contract `Actor` records (plain dicts, so Docs survive multiprocessing).
Later stages use `resolve_mention` to turn a speaker or agent span into an actor id and
`add_mention` to record the mentions they resolve.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("parley_actors")
def find_actors(doc: Doc) -> Doc:
    doc._.actors = []
    return doc


def resolve_mention(doc: Doc, start: int, end: int) -> str | None:
    """Actor id for the mention at `doc.text[start:end]` (a name, metonym, title or pronoun)."""
    for actor in doc._.actors or []:
        for m_start, m_end in actor["mentions"]:
            if m_start < end and start < m_end:
                return actor["id"]
    return None


def add_mention(doc: Doc, actor_id: str, start: int, end: int) -> None:
    """Record that `doc.text[start:end]` mentions `actor_id` (a no-op for an unknown actor)."""
    for actor in doc._.actors or []:
        if actor["id"] == actor_id and [start, end] not in actor["mentions"]:
            actor["mentions"].append([start, end])
            actor["mentions"].sort()
