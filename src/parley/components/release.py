"""The pipeline's last step: drop what only the stages needed before the Doc leaves.

With `n_process` > 1 every Doc is serialised in its worker and rebuilt in the parent. Most of
its bytes are the tok2vec tensor (96 floats per token: ~185 KB for a BBC article), which no
Parley stage or the analysis reads; the joined text the stages cached (`doc_text`) is a copy of
`doc.text`. Dropping both makes the Doc a fraction of the size and spares the parent, which also
writes the ledger, most of the rebuilding.

The price: Docs from `parley.pipeline.load_pipeline` have no tensor, so `Token.vector` and
`Doc.similarity` (which fall back to it in a model without word vectors) are unavailable on them;
use `parley.pipeline.load_model()` for those, or `nlp.disable_pipe("parley_release")`.
"""

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from . import TEXT_KEY


@Language.component("parley_release")
def release_stage_data(doc: Doc) -> Doc:
    """Empty `doc.tensor` and forget the cached text; the stage outputs stay."""
    doc.tensor = numpy.zeros((0,), dtype="float32")
    doc.user_data.pop(TEXT_KEY, None)
    return doc
