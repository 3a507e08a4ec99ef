"""The acts stage (placeholder until its issue lands: it finds nothing, and says so honestly).

Writes `doc._.acts`: a list of contract records with character offsets into `doc.text`.
"""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("parley_acts")
def find_acts(doc: Doc) -> Doc:
    doc._.acts = []
    return doc
