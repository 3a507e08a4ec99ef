"""Parley's spaCy components. Importing this package registers every factory with spaCy.

Each stage writes its results, already in the contract's shape with character offsets into
`doc.text`, to one `Doc` extension attribute (`doc._.times`, `doc._.places`, `doc._.actors`,
`doc._.quotes`, `doc._.acts`); `parley.analysis` only assembles them.
"""

from __future__ import annotations

from spacy.tokens import Doc

STAGE_ATTRIBUTES = ("actors", "quotes", "acts", "times", "places")

TEXT_KEY = "parley_text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc and kept in `user_data`: spaCy joins every token on each
    access, and the stages slice the text hundreds of times per article (measured: the places
    stage spent 85% of its time rebuilding it)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


DATE_KEY = "parley_article_date"


def _get_article_date(doc: Doc) -> str | None:
    """Set on the Doc, or passed as the `nlp.pipe(..., as_tuples=True)` context
    `{"article_date": ...}`: then the text is tokenised in spaCy's worker process, as bare
    `nlp.pipe` does, instead of in the parent (see `parley.analysis.analyse`)."""
    if DATE_KEY in doc.user_data:
        return doc.user_data[DATE_KEY]
    context = getattr(doc, "_context", None)
    return context.get("article_date") if isinstance(context, dict) else None


def _set_article_date(doc: Doc, value: str | None) -> None:
    doc.user_data[DATE_KEY] = value


if not Doc.has_extension("article_date"):
    Doc.set_extension("article_date", getter=_get_article_date, setter=_set_article_date)
for _name in STAGE_ATTRIBUTES + ("stage_warnings",):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

from . import acts, actors, paragraphs, places, quotes, release, times  # noqa: E402,F401  (registers the factories)
