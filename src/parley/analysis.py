"""From articles to contract-conformant analyses.

`analyse` streams articles through the pipeline (`nlp.pipe`, so batching and `n_process` work
as in spaCy) and assembles one analysis dict per article from what the components left on the Doc.
"""

from __future__ import annotations

import json
from collections import deque
from importlib import resources
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .components import STAGE_ATTRIBUTES
from .reading import Article


def analyse(articles: Iterable[Article], nlp: Language, *, n_process: int = 1,
            batch_size: int = 16) -> Iterator[tuple[Article, dict]]:
    """Yield `(article, analysis)` pairs in input order."""
    articles = iter(articles)
    pending: deque[Article] = deque()

    def docs() -> Iterator[Doc]:
        for article in articles:
            doc = nlp.make_doc(article.text)
            doc._.article_date = article.date
            pending.append(article)
            yield doc

    for doc in nlp.pipe(docs(), n_process=n_process, batch_size=batch_size):
        article = pending.popleft()
        yield article, build_analysis(article, doc)


def analyse_one(article: Article, nlp: Language) -> dict:
    return next(analyse([article], nlp))[1]


def build_analysis(article: Article, doc: Doc) -> dict:
    """The contract's record for one article: stage outputs, or empty lists where none ran."""
    analysis = {"article": article.contract_record()}
    for name in STAGE_ATTRIBUTES:
        analysis[name] = list(getattr(doc._, name) or [])
    analysis["warnings"] = list(article.warnings) + list(doc._.stage_warnings or [])
    return analysis


def load_schema() -> dict:
    """The contract's JSON Schema, as shipped in the package."""
    text = resources.files("parley.data").joinpath("analysis.schema.json").read_text("utf-8")
    return json.loads(text)


def validation_errors(analysis: dict) -> list[str]:
    """Schema errors plus spans that do not index `article.text` (empty list: valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(analysis)]
    length = len(analysis["article"]["text"])
    for where, span in iter_spans(analysis):
        if not (0 <= span[0] < span[1] <= length):
            errors.append(f"{where}: span {span} outside the text (length {length})")
    return errors


def iter_spans(analysis: dict) -> Iterator[tuple[str, list[int]]]:
    """Every span in an analysis, with where it sits, for offset checks."""
    for i, actor in enumerate(analysis["actors"]):
        for span in actor["mentions"]:
            yield f"actors/{i}/mentions", span
    for i, quote in enumerate(analysis["quotes"]):
        for span in quote["segments"]:
            yield f"quotes/{i}/segments", span
        if quote.get("cue"):
            yield f"quotes/{i}/cue", quote["cue"]["span"]
        if quote["speaker"].get("mention"):
            yield f"quotes/{i}/speaker/mention", quote["speaker"]["mention"]
    for i, act in enumerate(analysis["acts"]):
        yield f"acts/{i}/evidence", act["evidence"]
    for kind in ("times", "places"):
        for i, item in enumerate(analysis[kind]):
            yield f"{kind}/{i}/span", item["span"]
