"""The quotes stage (placeholder until its issue lands: it finds nothing, and says so honestly).

Writes `doc._.quotes`: a list of contract records with character offsets into `doc.text`.
"""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("parley_quotes")
def find_quotes(doc: Doc) -> Doc:
    doc._.quotes = []
    return doc
