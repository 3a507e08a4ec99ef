"""Parley's spaCy components. Importing this package registers every factory with spaCy.

Each stage writes its results, already in the contract's shape with character offsets into
`doc.text`, to one `Doc` extension attribute (`doc._.times`, `doc._.places`, `doc._.actors`,
`doc._.quotes`, `doc._.acts`); `parley.analysis` only assembles them.
"""

from spacy.tokens import Doc

STAGE_ATTRIBUTES = ("actors", "quotes", "acts", "times", "places")

for _name in STAGE_ATTRIBUTES + ("article_date", "stage_warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

from . import acts, actors, paragraphs, places, quotes, times  # noqa: E402,F401  (registers the factories)
