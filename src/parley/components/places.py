"""The places stage (placeholder until its issue lands: it finds nothing, and says so honestly).

Writes `doc._.places`: a list of contract records with character offsets into `doc.text`.
"""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("parley_places")
def find_places(doc: Doc) -> Doc:
    doc._.places = []
    return doc
