"""Paragraph breaks as hard boundaries for sentences and entities.

News text puts headlines and standfirsts on lines of their own without a full stop ("Putin has
demanded full control of Donbas"); the statistical parser would run them into the next paragraph.
"""

from spacy.language import Language
from spacy.tokens import Doc, Span


def _is_break(token) -> bool:
    return token.is_space and "\n" in token.text


@Language.component("parley_paragraphs")
def mark_paragraph_starts(doc: Doc) -> Doc:
    """Make the first token after a line break start a sentence; the parser respects it."""
    after_break = False
    for token in doc:
        if _is_break(token) or "\n" in token.whitespace_:
            after_break = True
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = False
    return doc


@Language.component("parley_entity_boundaries")
def split_entities_at_breaks(doc: Doc) -> Doc:
    """Cut an entity that crosses a line break down to its first line, and drop whitespace
    tokens at its edges (`the Black Sea` + `\n\n  ` before a bold line came out as one place)."""
    fixed = []
    changed = False
    for ent in doc.ents:
        start, end = ent.start, ent.end
        for token in ent:
            if _is_break(token) or "\n" in token.whitespace_:
                end = token.i if _is_break(token) else token.i + 1
                break
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if (start, end) != (ent.start, ent.end):
            changed = True
            if end > start:
                fixed.append(Span(doc, start, end, label=ent.label_))
        else:
            fixed.append(ent)
    if changed:
        doc.ents = fixed
    return doc
