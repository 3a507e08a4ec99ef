"""The times stage (placeholder until its issue lands: it finds nothing, and says so honestly).

Writes `doc._.times`: a list of contract records with character offsets into `doc.text`.
"""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("parley_times")
def find_times(doc: Doc) -> Doc:
    doc._.times = []
    return doc
