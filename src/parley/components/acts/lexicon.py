"""What the act stage knows about words: the domain packs and the CAMEO trigger table.

Two sources, one lookup (`Lexicon.trigger`):

- the **domain packs** (`data/packs/*.yaml`): Parley's own negotiation vocabulary, the issue
  keywords, region names and modality cues; a pack trigger carries constraints the parse must meet
  ("call" only with "for", "meet" only with an actor as object) and wins over CAMEO;
- the **CAMEO table** (`data/acts/cameo_*.tsv`, derived from PETRARCH2 by `cameo.py`): ~1,800
  verbs and ~11,000 verb + object patterns with event codes, mapped to the contract's types.

A pack is plain data. Every *.yaml file in `data/packs` is loaded (in file-name order) and merged;
a user adds one by dropping a file there or by pointing PARLEY_PACKS (paths separated by
os.pathsep) at extra files or folders. Lists are concatenated, mappings merged key by key (a later
pack wins). `general.yaml` documents every key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from spacy.tokens import Token

from . import cameo


@dataclass
class Pack:
    """All loaded packs merged into lookup tables (built once per process)."""

    names: list = field(default_factory=list)
    triggers: dict = field(default_factory=dict)
    speech_verbs: set = field(default_factory=set)
    meeting_verbs: set = field(default_factory=set)
    state_collectives: set = field(default_factory=set)
    person_collectives: set = field(default_factory=set)
    partitive_nouns: set = field(default_factory=set)
    object_control: set = field(default_factory=set)
    light_verbs: set = field(default_factory=set)
    stative_participles: set = field(default_factory=set)
    copulas: set = field(default_factory=set)
    circumstance_preps: set = field(default_factory=set)
    deontic_aux: set = field(default_factory=set)
    deontic_verbs: set = field(default_factory=set)
    only_with: set = field(default_factory=set)
    hedges: set = field(default_factory=set)
    negative_hedges: set = field(default_factory=set)
    cataphors: set = field(default_factory=set)
    predicts: set = field(default_factory=set)
    commitment_aux: set = field(default_factory=set)
    content_nouns: set = field(default_factory=set)
    factive_verbs: set = field(default_factory=set)
    condition_marks: set = field(default_factory=set)
    condition_phrases: list = field(default_factory=list)
    keywords: dict = field(default_factory=dict)   # first word -> [(words, issue, strong, object)]
    frames: dict = field(default_factory=dict)     # verb lemma -> {noun lemma: issue}
    issue_rank: dict = field(default_factory=dict)  # issue -> position in the packs (priority)
    areas: dict = field(default_factory=dict)      # lowercase name -> [codes]
    plover: dict = field(default_factory=dict)


def _merge(into: dict, data: dict) -> None:
    """Merge one pack's raw mapping into another: lists concatenate, mappings merge."""
    for key, value in (data or {}).items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        else:
            into[key] = value


def pack_files(extra: tuple[str, ...] = ()) -> list:
    """The shipped packs (file-name order) plus extra files/folders and those in $PARLEY_PACKS."""
    shipped = resources.files("parley.data").joinpath("packs")
    files = sorted((p for p in shipped.iterdir() if p.name.endswith((".yaml", ".yml"))),
                   key=lambda p: p.name)
    extras = list(extra) + [p for p in os.environ.get("PARLEY_PACKS", "").split(os.pathsep) if p]
    for entry in extras:
        path = Path(entry)
        files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
    return files


def words_of(phrase: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"\s+", phrase.strip().lower()) if w)


@lru_cache(maxsize=8)
def load_packs(extra: tuple[str, ...] = ()) -> Pack:
    """Read and merge every pack into lookup tables; cached, so data is read once per process."""
    raw: dict = {}
    pack = Pack()
    for path in pack_files(extra):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        pack.names.append(data.pop("name", Path(str(path)).stem))
        _merge(raw, data)
    pack.triggers = {k.lower(): v for k, v in (raw.get("triggers") or {}).items()}
    pack.speech_verbs = set(raw.get("speech_verbs") or [])
    pack.meeting_verbs = set(raw.get("meeting_verbs") or [])
    pack.state_collectives = set(raw.get("state_collectives") or [])
    pack.person_collectives = set(raw.get("person_collectives") or [])
    pack.partitive_nouns = set(raw.get("partitive_nouns") or [])
    pack.object_control = set(raw.get("object_control") or [])
    pack.light_verbs = set(raw.get("light_verbs") or [])
    pack.stative_participles = set(raw.get("stative_participles") or [])
    pack.copulas = set(raw.get("copulas") or [])
    pack.circumstance_preps = set(raw.get("circumstance_preps") or [])
    pack.content_nouns = set(raw.get("content_nouns") or [])
    pack.factive_verbs = set(raw.get("factive_verbs") or [])
    deontic = raw.get("deontic_cues") or {}
    pack.deontic_aux = set(deontic.get("aux") or [])
    pack.deontic_verbs = set(deontic.get("verbs") or [])
    pack.only_with = set(deontic.get("only_with") or [])
    cues = raw.get("cues") or {}
    pack.hedges = set(cues.get("hedge") or [])
    pack.negative_hedges = set(cues.get("negative_hedge") or [])
    pack.cataphors = set(cues.get("cataphor") or [])
    pack.predicts = set(cues.get("predict") or [])
    pack.commitment_aux = set(cues.get("commitment") or [])
    condition = cues.get("condition") or {}
    pack.condition_marks = {m.lower() for m in condition.get("marks") or []}
    pack.condition_phrases = [words_of(p) for p in condition.get("phrases") or []]
    for issue, spec in (raw.get("issues") or {}).items():
        pack.issue_rank.setdefault(issue, len(pack.issue_rank))
        objects = {k.lower(): v for k, v in (spec.get("object") or {}).items()}
        for strength in ("strong", "weak"):
            for keyword in spec.get(strength) or []:
                words = words_of(str(keyword))
                entry = (words, issue, strength == "strong", objects.get(" ".join(words)))
                entries = pack.keywords.setdefault(words[0], [])
                if entry not in entries:   # "Nato member" and "NATO member": one keyword
                    entries.append(entry)
        for frame in spec.get("frames") or []:
            for verb in frame["verbs"]:
                pack.frames.setdefault(verb, {}).update({noun: issue for noun in frame["nouns"]})
    pack.areas = {k.lower(): list(v) for k, v in (raw.get("areas") or {}).items()}
    pack.plover = dict(raw.get("plover") or {})
    return pack


# --------------------------------------------------------------------------------------------
# CAMEO

@dataclass(frozen=True)
class CameoEntry:
    particle: str
    code: str
    block: str


@lru_cache(maxsize=1)
def cameo_tables() -> tuple[dict[str, list[CameoEntry]], dict[str, list[tuple]]]:
    """`{lemma: [entries]}` and `{block: [(object words, code)]}` from the shipped tables."""
    verbs: dict[str, list[CameoEntry]] = {}
    for row in cameo.read_table("cameo_verbs.tsv"):
        verbs.setdefault(row["lemma"], []).append(CameoEntry(row["particle"], row["code"], row["block"]))
    patterns: dict[str, list[tuple]] = {}
    for row in cameo.read_table("cameo_patterns.tsv"):
        patterns.setdefault(row["block"], []).append((tuple(row["words"].split()), row["code"]))
    return verbs, patterns


def _window(verb: Token, size: int = 8) -> list[tuple[str, str]]:
    """Lowercase words and lemmas of the words after the verb in its sentence, nearest first
    (a cheap stand-in for its right dependents: patterns name objects and particles, which
    follow the verb)."""
    end = min(verb.sent.end, verb.i + 1 + size)
    return [(t.lower_, t.lemma_.lower()) for t in verb.doc[verb.i + 1:end]]


def _pattern_code(verb: Token, block: str) -> str | None:
    """The code of the first pattern of `block` whose object words follow the verb, in order,
    among its dependents ("ask for humanitarian aid" -> 0233)."""
    window = _window(verb)
    if not window:
        return None
    present = {w for pair in window for w in pair}
    for words, code in cameo_tables()[1].get(block, ()):
        if words[0] not in present:
            continue
        k = 0
        for lower, lemma in window:
            if words[k] in (lower, lemma):
                k += 1
                if k == len(words):
                    return code
    return None


def _lemma_keys(verb: Token) -> list[str]:
    """The lemma, then regular inflections undone, for verbs the small model leaves
    unlemmatised ("petitioned")."""
    lemma, word = verb.lemma_.lower(), verb.lower_
    keys = [lemma]
    if lemma == word:
        for suffix, repl in (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                             ("ies", "y"), ("es", ""), ("s", "")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                keys.append(word[:-len(suffix)] + repl)
    return keys


def cameo_code(verb: Token) -> str | None:
    """The CAMEO code of a verb in its context: a particle entry ("ask for") before a bare one,
    a matching object pattern before the verb's own code."""
    entries = next((found for key in _lemma_keys(verb) if (found := cameo_tables()[0].get(key))), None)
    if not entries:
        return None
    children = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep", "acomp", "advmod")}
    with_particle = [e for e in entries if e.particle and e.particle in children]
    chosen = with_particle or [e for e in entries if not e.particle]
    for entry in chosen:
        code = _pattern_code(verb, entry.block)
        if code:
            return code
    return next((e.code for e in chosen if e.code), None)


# --------------------------------------------------------------------------------------------
# One lookup

@dataclass
class Trigger:
    """A word that may state an act: its type before negation, where it comes from, and the
    pack's constraints (empty for CAMEO words)."""

    type: str | None
    source: str            # "pack" | "cameo"
    spec: dict
    code: str | None = None


class Lexicon:
    """Packs plus CAMEO, looked up per token."""

    def __init__(self, pack: Pack):
        self.pack = pack

    def trigger(self, token: Token) -> Trigger | None:
        """The pack's trigger for the word, else CAMEO's (verbs only), else None."""
        found = self.pack_trigger(token)
        if found is not None:
            return found
        if token.pos_ != "VERB":
            return None
        code = cameo_code(token)
        kind = cameo.act_type(code)
        if kind is None:
            return None
        return Trigger(kind, "cameo", {}, code)

    def pack_trigger(self, token: Token) -> Trigger | None:
        """The first pack spec for the word whose part of speech and particle fit."""
        specs = self.pack.triggers.get(token.lemma_.lower()) or self.pack.triggers.get(token.lower_)
        for spec in ([specs] if isinstance(specs, dict) else specs or ()):
            if spec.get("pos") and token.pos_ not in spec["pos"]:
                continue
            wanted = {w.lower() for w in spec.get("with_child") or ()}
            if wanted and not any(c.lemma_.lower() in wanted for c in token.children):
                continue
            return Trigger(spec.get("type"), "pack", spec)
        return None
