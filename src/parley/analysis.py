"""From articles to contract-conformant analyses.

`analyse` streams articles through the pipeline (`nlp.pipe`, so batching and `n_process` work
as in spaCy) and assembles one analysis dict per article from what the components left on the Doc.
"""

from __future__ import annotations

import json
import os
from collections import deque
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .components import STAGE_ATTRIBUTES
from .pipeline import DatedText
from .reading import Article


def analyse(articles: Iterable[Article], nlp: Language, *, n_process: int = 1,
            batch_size: int = 16) -> Iterator[tuple[Article, dict]]:
    """Yield `(article, analysis)` pairs in input order."""
    articles = iter(articles)
    pending: deque[Article] = deque()

    def texts() -> Iterator[str]:
        # plain strings, not Docs: with n_process > 1 spaCy then tokenises in its workers, as
        # bare nlp.pipe does; the date and title ride on the string (see pipeline.DatedText)
        for article in articles:
            pending.append(article)
            yield DatedText.of(article.text, article.date, article.title)

    for doc in nlp.pipe(texts(), n_process=n_process, batch_size=batch_size):
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
    _statements_apart(analysis, doc)
    _quote_the_article(analysis)
    if os.environ.get("PARLEY_VALIDATE") == "1":
        _raise_if_invalid(analysis)
    return analysis


def _statements_apart(analysis: dict, doc: Doc) -> None:
    """`quotes` holds statements (the contract); beliefs, wishes and stances that the quotes
    stage also attributes, as PolNeAR does ("X wants to ...", "X rejected Y"), go to the extra
    list `attributions` with the same record shape. The acts stage read them all already."""
    from .components.quotes import is_statement

    statements, attributions = [], []
    for quote in analysis["quotes"]:
        (statements if is_statement(doc, quote) else attributions).append(quote)
    analysis["quotes"], analysis["attributions"] = statements, attributions


def _quote_the_article(analysis: dict) -> None:
    """Set the text of every span that carries one from the article's text. The stages read
    the parse view (`pipeline.parse_view`: Markdown marks blanked, offsets unchanged), so a span
    such as `Monday** morning` would otherwise say `Monday   morning`."""
    text = analysis["article"]["text"]
    for quote in analysis["quotes"] + analysis.get("attributions", []):
        if quote.get("cue"):
            quote["cue"]["text"] = text[slice(*quote["cue"]["span"])]
        speaker = quote.get("speaker") or {}
        mention = speaker.get("mention")
        if speaker.get("anonymous") and mention and len(speaker["anonymous"]) == mention[1] - mention[0]:
            speaker["anonymous"] = text[slice(*mention)]  # the descriptor as written (’ not ')
    for kind in ("times", "places"):
        for item in analysis[kind]:
            item["text"] = text[slice(*item["span"])]


class ContractViolation(AssertionError):
    """An analysis that does not conform to the contract (raised only when PARLEY_VALIDATE=1)."""


def _raise_if_invalid(analysis: dict) -> None:
    """Self-check used by the test suite and CI: every analysis produced is validated."""
    errors = validation_errors(analysis)
    if errors:
        raise ContractViolation(f"{analysis['article']['id']}: " + "; ".join(errors[:5]))


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The contract's JSON Schema, as shipped in the package."""
    text = resources.files("parley.data").joinpath("analysis.schema.json").read_text("utf-8")
    return json.loads(text)


def validation_errors(analysis: dict) -> list[str]:
    """Schema errors plus spans that do not index `article.text` (empty list: valid)."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in _validator().iter_errors(analysis)]
    length = len(analysis["article"]["text"])
    text = analysis["article"]["text"]
    for where, span in iter_spans(analysis):
        if not (0 <= span[0] < span[1] <= length):
            errors.append(f"{where}: span {span} outside the text (length {length})")
    for where, span, said in iter_spans_with_text(analysis):
        if text[span[0]:span[1]] != said:
            errors.append(f"{where}: text[{span[0]}:{span[1]}] is {text[span[0]:span[1]]!r}, "
                          f"the output says {said!r}")
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


def iter_spans_with_text(analysis: dict) -> Iterator[tuple[str, list[int], str]]:
    """Spans that the output pairs with the text they claim to cover."""
    for i, quote in enumerate(analysis["quotes"]):
        if quote.get("cue"):
            yield f"quotes/{i}/cue", quote["cue"]["span"], quote["cue"]["text"]
    for kind in ("times", "places"):
        for i, item in enumerate(analysis[kind]):
            yield f"{kind}/{i}", item["span"], item["text"]


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema())
