"""Parley's spaCy components. Importing this package registers every factory with spaCy.

Each stage writes its results, already in the contract's shape with character offsets into
`doc.text`, to one `Doc` extension attribute (`doc._.times`, `doc._.places`, `doc._.actors`,
`doc._.quotes`, `doc._.acts`); `parley.analysis` only assembles them.
"""

from __future__ import annotations

from spacy.tokens import Doc

STAGE_ATTRIBUTES = ("actors", "quotes", "acts", "times", "places")

TEXT_KEY = "parley_text"
SOURCE_KEY = "parley_source_text"   # the article's own text, where the parse view differs


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc and kept in `user_data`: spaCy joins every token on each
    access, and the stages slice the text hundreds of times per article (measured: the places
    stage spent 85% of its time rebuilding it)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def source_text(doc: Doc) -> str:
    """The article's text as written (Markdown marks included), which the parse view
    (`doc_text`) blanks; the same length, so offsets are shared."""
    return doc.user_data.get(SOURCE_KEY) or doc_text(doc)


for _name in STAGE_ATTRIBUTES + ("article_date", "article_title", "stage_warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

from . import acts, actors, paragraphs, places, quotes, release, times  # noqa: E402,F401  (registers the factories)
