"""The acts stage: negotiation acts (demand, offer, reject, meet, ...) in one article.

Writes `doc._.acts`: contract `Act` records (plain dicts, char offsets into `doc.text`).

How an act is found, sentence by sentence, on the dependency parse:
1. A trigger: a word whose lemma is in the domain packs (`data/packs/*.yaml`), e.g. "demanded",
   "Putin's demands", "not willing to", "raised the possibility of", "will meet"; or the speech
   frame "X said that Y should ..." (a demand by X). A trigger below another trigger is part of
   that act ("reject any offer that involves ceding land" is one reject, not three acts).
2. The agent: the subject of the trigger's clause chain ("is inclined to support" climbs to
   "is"), a possessor for nominal forms ("Putin's tabled demands"), the quote's speaker for
   "we"/"I" inside a quote, and the matrix subject for "he" in a reported clause ("Zelenskyy has
   made clear that he ..."). Agents go through `resolve_mention`; an agent that resolves to no
   actor drops the act (the contract requires an actor).
3. The issue: pack keywords in the trigger's scope (its subtree, less the agent and any
   condition); strong keywords beat weak ones; one act per distinct strong issue ("demands include
   protections for the Church and that Russian be an official language": religion + language).
   An object "it" takes the issue of the act in the sentence just before, in the same paragraph.
4. Modality: a condition ("if ...", "in exchange for ...") on the clause or above it makes the act
   `conditional` (with the condition's text); a hedge on the act's own clause chain ("is inclined
   to") makes it `hedged`; "will"/"is expected to" makes it `predicted`. A hedge above a clause
   boundary ("are understood to be concerned that ...", "It remains likely that ...") is the
   reporter's: it is kept apart in the extra field `reporter_hedge` and leaves `modality` alone.
5. Source: the quote whose segments contain the trigger (its id and speaker); acts the author
   asserts have null source fields. Regions: place codes (area codes expanded) in the scope;
   time: a time expression in the scope.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import doc_text
from .actors import resolve_mention

FIRST_PERSON = {"we", "i", "us", "me", "our", "my"}
THIRD_PERSON = {"he", "she", "they", "him", "her", "them"}
OBJECT_PRONOUNS = {"it", "this", "that"}
NEGATORS = {"not", "n't", "never", "no"}
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
HONORIFICS = {"sir", "dame", "mr", "mrs", "ms", "dr", "president", "prime", "minister", "the"}
CLAUSE_BOUNDARIES = {"ccomp", "csubj", "advcl", "relcl", "acl", "parataxis", "pcomp", "ROOT"}
CHAIN_DEPS = {"xcomp", "acomp", "auxpass", "aux"}


# --------------------------------------------------------------------------------------------
# Domain packs

@dataclass
class Pack:
    """All loaded packs merged into lookup tables (built once per process)."""

    names: list = field(default_factory=list)
    triggers: dict = field(default_factory=dict)
    speech_verbs: set = field(default_factory=set)
    meeting_verbs: set = field(default_factory=set)
    light_verbs: set = field(default_factory=set)
    circumstance_preps: set = field(default_factory=set)
    deontic_aux: set = field(default_factory=set)
    deontic_verbs: set = field(default_factory=set)
    only_with: set = field(default_factory=set)
    hedges: set = field(default_factory=set)
    negative_hedges: set = field(default_factory=set)
    predicts: set = field(default_factory=set)
    condition_marks: set = field(default_factory=set)
    condition_phrases: list = field(default_factory=list)
    keywords: dict = field(default_factory=dict)   # first word -> [(words, issue, strong, object)]
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


def _words(phrase: str) -> tuple[str, ...]:
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
    pack.light_verbs = set(raw.get("light_verbs") or [])
    pack.circumstance_preps = set(raw.get("circumstance_preps") or [])
    deontic = raw.get("deontic_cues") or {}
    pack.deontic_aux = set(deontic.get("aux") or [])
    pack.deontic_verbs = set(deontic.get("verbs") or [])
    pack.only_with = set(deontic.get("only_with") or [])
    cues = raw.get("cues") or {}
    pack.hedges = set(cues.get("hedge") or [])
    pack.negative_hedges = set(cues.get("negative_hedge") or [])
    pack.predicts = set(cues.get("predict") or [])
    condition = cues.get("condition") or {}
    pack.condition_marks = {m.lower() for m in condition.get("marks") or []}
    pack.condition_phrases = [_words(p) for p in condition.get("phrases") or []]
    for issue, spec in (raw.get("issues") or {}).items():
        pack.issue_rank.setdefault(issue, len(pack.issue_rank))
        objects = {k.lower(): v for k, v in (spec.get("object") or {}).items()}
        for strength in ("strong", "weak"):
            for keyword in spec.get(strength) or []:
                words = _words(str(keyword))
                entry = (words, issue, strength == "strong", objects.get(" ".join(words)))
                pack.keywords.setdefault(words[0], []).append(entry)
    pack.areas = {k.lower(): list(v) for k, v in (raw.get("areas") or {}).items()}
    pack.plover = dict(raw.get("plover") or {})
    return pack


# --------------------------------------------------------------------------------------------
# Small parse helpers

def _word_matches(word: str, token: Token) -> bool:
    return word == "*" or word == token.lower_ or word == token.lemma_.lower()


def _is_negated(token: Token) -> bool:
    """A `neg` child, or a "no"/"never" determiner or adverb on the trigger."""
    return any(c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("det", "advmod"))
               for c in token.children)


def _chain(trigger: Token) -> list[Token]:
    """The trigger and the heads it hangs from inside its own clause ("inclined to support")."""
    chain = [trigger]
    token = trigger
    while token.dep_ in CHAIN_DEPS or (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX")
                                       and not _subjects(token)):
        if token.head.i == token.i:
            break
        token = token.head
        chain.append(token)
    return chain


def _subjects(token: Token, passive: bool = False) -> list[Token]:
    """Subjects of a verb, with their conjuncts ("Both Trump and his counterpart"); `passive`
    also takes the subject of a raising head ("Russia is expected to demand ...")."""
    deps = ("nsubj", "nsubjpass") if passive else ("nsubj",)
    subjects = [c for c in token.children if c.dep_ in deps]
    out = []
    for subj in subjects:
        out.append(subj)
        out.extend(c for c in subj.conjuncts if c.i > subj.i)
    return out


def _span_chars(tokens) -> tuple[int, int]:
    """Character span of the tokens, trimmed of punctuation and spaces where words remain."""
    words = [t for t in tokens if not (t.is_punct or t.is_space)] or list(tokens)
    return (min(t.idx for t in words), max(t.idx + len(t) for t in words))


def _phrase(token: Token) -> Span:
    """The noun phrase of a subject token without its relative clauses or appositions."""
    doc = token.doc
    left = token.left_edge.i
    right = token.i
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "nmod"):
            right = max(right, child.right_edge.i)
    return doc[left:right + 1]


# --------------------------------------------------------------------------------------------
# The component

@Language.factory("parley_acts", default_config={"extra_packs": [], "entity_fallback": False})
def make_acts(nlp: Language, name: str, extra_packs: list, entity_fallback: bool):
    """Load the packs once, at pipeline build time, and return the stage function."""
    pack = load_packs(tuple(extra_packs))

    def parley_acts(doc: Doc) -> Doc:
        return find_acts(doc, pack=pack, entity_fallback=entity_fallback)

    return parley_acts


def find_acts(doc: Doc, pack: Pack | None = None, entity_fallback: bool = False) -> Doc:
    """Fill `doc._.acts`; callable directly on a parsed Doc (tests build the inputs by hand)."""
    finder = _ActFinder(doc, pack or load_packs(), entity_fallback)
    doc._.acts = finder.run()
    return doc


class _ActFinder:
    """One article's act extraction; holds the per-document indexes the rules share."""

    def __init__(self, doc: Doc, pack: Pack, entity_fallback: bool):
        self.doc = doc
        self.pack = pack
        self.entity_fallback = entity_fallback
        self.quotes = list(doc._.quotes or [])
        self.places = list(doc._.places or [])
        self.times = list(doc._.times or [])
        self.acts: list[dict] = []
        self.previous: dict | None = None   # last act, for "support it"

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> list[dict]:
        for sent in self.doc.sents:
            try:
                self._sentence(sent)
            except Exception as error:  # noqa: BLE001  one odd parse must not lose the article
                warnings = self.doc._.stage_warnings or []
                warnings.append(f"acts: sentence at {sent.start_char} skipped: "
                                f"{type(error).__name__}: {error}")
                self.doc._.stage_warnings = warnings
        for n, act in enumerate(self.acts, 1):
            act["id"] = f"act-{n}"
        return self.acts

    def _sentence(self, sent: Span) -> None:
        found = []
        for token in sent:
            frame = self._speech_frame(token) or self._trigger(token)
            if frame is not None:
                found.append((token, frame))
        # a trigger inside another trigger's subtree belongs to that act
        for token, frame in found:
            if any(other is not token and self._dominates(other, token) for other, _ in found):
                continue
            if self._in_relative_clause(token, sent) or self._in_condition(token):
                continue
            before = len(self.acts)
            self._emit(token, frame, sent)
            if len(self.acts) > before:
                self.previous = self.acts[-1]

    @staticmethod
    def _dominates(head: Token, token: Token) -> bool:
        return head.i != token.i and head.is_ancestor(token)

    @staticmethod
    def _in_relative_clause(token: Token, sent: Span) -> bool:
        """Acts in relative clauses are background ("the peninsula Putin annexed in 2014")."""
        node = token
        while node.head.i != node.i:
            if node.dep_ == "relcl":
                return True
            node = node.head
        return False

    def _in_condition(self, token: Token) -> bool:
        """Acts inside a condition are hypothetical ("until Russia withdraws its troops")."""
        node = token
        while node.head.i != node.i:
            if node.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.pack.condition_marks
                                            for m in node.children):
                return True
            node = node.head
        return False

    # -- triggers ------------------------------------------------------------------------------
    def _trigger(self, token: Token) -> dict | None:
        spec = self.pack.triggers.get(token.lemma_.lower()) or self.pack.triggers.get(token.lower_)
        if not spec:
            return None
        if spec.get("pos") and token.pos_ not in spec["pos"]:
            return None
        if token.pos_ not in ("VERB", "NOUN", "ADJ", "PROPN", "AUX"):
            return None
        negated = any(_is_negated(t) for t in _chain(token))
        if spec.get("with_child"):
            wanted = {w.lower() for w in spec["with_child"]}
            child = next((c for c in token.children if c.lemma_.lower() in wanted), None)
            if child is None:
                return None
            negated = negated or _is_negated(child)
        act_type = spec.get("type")
        polarity = "positive"
        if negated:
            if spec.get("negated_type"):
                act_type = spec["negated_type"]
            else:
                polarity = "negative"
        elif act_type is None:
            return None
        if act_type is None:
            return None
        return {"spec": spec, "type": act_type, "polarity": polarity}

    def _speech_frame(self, token: Token) -> dict | None:
        """"X said that Y should/must/can only be ..." is X's demand about Y."""
        if token.lemma_.lower() not in self.pack.speech_verbs or token.pos_ != "VERB":
            return None
        for comp in token.children:
            if comp.dep_ != "ccomp":
                continue
            if self._deontic(comp):
                return {"spec": {"type": "demand", "frame": "speech"}, "type": "demand",
                        "polarity": "positive", "content": comp, "frame": "speech"}
        return None

    def _deontic(self, verb: Token) -> bool:
        lemmas = {c.lemma_.lower() for c in verb.children if c.dep_ == "aux"}
        if lemmas & self.pack.deontic_aux:
            return True
        if verb.lemma_.lower() in self.pack.deontic_verbs and any(
                c.dep_ == "xcomp" for c in verb.children):
            return True
        if lemmas & self.pack.only_with:
            return any(t.lower_ == "only" for c in verb.children for t in (c, *c.children))
        return False

    # -- emitting ------------------------------------------------------------------------------
    def _emit(self, trigger: Token, frame: dict, sent: Span) -> None:
        spec = frame["spec"]
        chain = _chain(trigger)
        top = chain[-1]
        quote = self._enclosing_quote(trigger.idx)
        if quote is None and frame.get("frame") == "speech":
            # "X said that ...": the reported clause is X's (indirect) quote, the act's source
            content = [t for t in frame["content"].subtree if not (t.is_punct or t.dep_ == "mark")]
            quote = self._enclosing_quote(content[0].idx) if content else None
        agents, via_head = self._agents(trigger, chain, quote, frame["type"])
        if not agents:
            return
        if via_head and spec.get("needs_with") and not self._with_participant(trigger):
            return
        objects = [c for c in trigger.children if c.dep_ == "dobj"] + [
            g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "with"
            for g in c.children if g.dep_ == "pobj"]
        if spec.get("object_must_be_actor") and any(
                not resolve_mention(self.doc, c.idx, c.idx + len(c)) for c in objects):
            return   # "meet its target", "met with scathing reviews": not a meeting
        modals = {c.lemma_.lower() for t in chain for c in t.children if c.dep_ == "aux"}
        if modals & set(spec.get("skip_modals") or []):
            return
        if any(t.lower_ in self.pack.negative_hedges for t in chain):
            return   # "is unlikely to want to ...": the text says the act will not happen
        scope = self._scope(trigger, chain, frame, agents)
        condition_tokens, condition_text = self._condition(trigger, chain)
        scope = [t for t in scope if t.i not in condition_tokens and t.i not in self._circumstances(trigger)]
        issues = self._issues(trigger, scope, spec)
        if not issues:
            return
        modality, reporter_hedge = self._modality(trigger, chain, spec, condition_text)
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "pobj") and agents \
                and not any(a.head.i == trigger.i for a in agents):
            top = agents[0].head   # "The US and Ukraine will hold talks": the governing clause
        evidence = self._evidence(trigger, top, frame, sent, condition_tokens, quote)
        regions = self._regions(scope, issues)
        time = self._time(trigger, chain + [top],
                          [t for t in top.subtree if t.i not in condition_tokens] + scope)
        source = self._source(quote)
        resolved = self._actor_ids(agents, quote)
        nominal_meeting = frame["type"] == "meet" and trigger.pos_ in ("NOUN", "PROPN") and \
            trigger.dep_ in ("dobj", "pobj")   # "the US and Ukraine will hold talks"
        if spec.get("symmetric") or nominal_meeting:
            resolved = resolved[:1]   # "A and B will meet": A meets B (B becomes the target)
        for actor, agent_token, confidence in resolved:
            if self._is_recipient(trigger, actor):
                continue   # "they offer Russia ..." resolved to Russia: an agent is not its own recipient
            act_type, target = frame["type"], self._target(trigger, chain, actor, agents, spec,
                                                                  bool(spec.get("symmetric") or nominal_meeting))
            if spec.get("needs_target") and not target:
                continue   # "GM blamed high fuel prices": a cause, not an accusation of a party
            if spec.get("accusatory") and quote and source["actor"] and source["actor"] != actor:
                act_type, target, actor = "accuse", actor, source["actor"]
            for issue, obj, via_pronoun in issues:
                if spec.get("issues") and issue not in spec["issues"]:
                    continue
                act_regions = regions if issue == "territory" else []
                if via_pronoun and self.previous:
                    act_regions = list(self.previous.get("regions") or [])
                if trigger.pos_ in ("NOUN", "PROPN") and self._repeats(actor, act_type, issue):
                    continue   # "the G7 meeting" again: a nominal mention of an act already reported
                self.acts.append({
                    "id": "", "type": act_type, "actor": actor, "target": target,
                    "issue": issue, "object": obj, "regions": act_regions,
                    "polarity": frame["polarity"], "modality": modality,
                    "condition": condition_text, "time": time, "source": dict(source),
                    "evidence": evidence,
                    "confidence": round(confidence * (0.8 if via_pronoun else 1.0), 2),
                    "trigger": {"text": trigger.text, "span": [trigger.idx, trigger.idx + len(trigger)]},
                    "reporter_hedge": reporter_hedge,
                    "plover": self.pack.plover.get(act_type),
                })

    def _repeats(self, actor: str, act_type: str, issue: str) -> bool:
        return any((a["actor"], a["type"], a["issue"]) == (actor, act_type, issue) for a in self.acts)

    def _evidence(self, trigger, top, frame, sent, condition_tokens, quote) -> list[int]:
        """The clause that supports the act, inside the sentence (and inside the quote segment
        that holds the trigger), without a leading condition."""
        if frame.get("frame") == "speech":
            tokens = list(trigger.subtree)
        elif trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass"):
            tokens = list(trigger.head.subtree)   # "Putin's tabled demands include ..."
        else:
            tokens = list(top.subtree)
        segment = next(((s, e) for s, e in (quote or {}).get("segments", [])
                        if s <= trigger.idx < e), None)
        tokens = [t for t in tokens if sent.start <= t.i < sent.end
                  and not (t.i in condition_tokens and t.i < trigger.i)
                  and (segment is None or segment[0] <= t.idx < segment[1])]
        return list(_span_chars(tokens or [trigger]))

    # -- agent ---------------------------------------------------------------------------------
    def _agents(self, trigger: Token, chain: list[Token], quote: dict | None, frame_type: str = ""):
        """Agent tokens and whether they were found through a governing verb (nominal forms)."""
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ not in ("ROOT",):
            owners = [c for c in trigger.children if c.dep_ in ("poss", "nmod")   # not "US demand for oil"
                      and self._resolve_token(c, quote)]
            if owners:
                return owners, False
            head = trigger.head
            if trigger.dep_ == "pobj" and head.dep_ == "prep":
                head = head.head
            if trigger.dep_ in ("dobj", "pobj") and head.pos_ in ("VERB", "AUX"):
                if frame_type != "meet" and head.lemma_.lower() not in self.pack.light_verbs:
                    return [], False   # "ruled out concessions" is no concession
                subjects = _subjects(head)
                # "will hold talks": the verb makes the subject a participant
                return subjects, head.lemma_.lower() not in self.pack.meeting_verbs
            return [], False
        for token in chain:
            subjects = _subjects(token, passive=token.i != trigger.i)
            if subjects:
                return subjects, False
        by_agent = [g for c in trigger.children if c.dep_ == "agent" for g in c.children
                    if g.dep_ == "pobj"]   # "was rejected by Moscow"
        return by_agent, False

    def _actor_ids(self, agents: list[Token], quote: dict | None):
        """Resolved (actor id, token, confidence) per agent; unresolvable agents are dropped."""
        seen = []
        out = []
        for token in agents:
            actor = self._resolve_token(token, quote)
            if actor and actor not in seen:
                seen.append(actor)
                out.append((actor, token, 0.7 if actor.startswith("~") else 0.8))
        return [(a.lstrip("~"), t, c) for a, t, c in out]

    def _resolve_token(self, token: Token, quote: dict | None) -> str | None:
        """Actor id for an agent token: first person -> the quote's speaker, else the resolver,
        then the matrix subject for "he" in a reported clause, then (optionally) the entity name."""
        low = token.lower_ if token.pos_ == "PRON" else ""   # "US" is not "us"
        if low in FIRST_PERSON:
            if quote and (quote.get("speaker") or {}).get("actor"):
                return quote["speaker"]["actor"]
            return None
        phrase = _phrase(token) if token.pos_ != "PRON" else token.doc[token.i:token.i + 1]
        actor = resolve_mention(self.doc, token.idx, token.idx + len(token))
        if actor is None and len(phrase) > 1:
            actor = resolve_mention(self.doc, phrase.start_char, phrase.end_char)
        if actor:
            return actor
        if low in THIRD_PERSON:
            return self._matrix_subject(token, quote)
        if self.entity_fallback:
            return self._entity_slug(token)
        return None

    def _matrix_subject(self, pronoun: Token, quote: dict | None) -> str | None:
        """ "X has made clear that he ..." / "X told Y that he ...": he is X (the usual reading)."""
        node = pronoun.head
        crossed = False
        while node.head.i != node.i:
            if node.dep_ in ("ccomp", "csubj"):
                crossed = True
            node = node.head
            subjects = [c for c in node.children if c.dep_ == "nsubj" and c.lower_ not in THIRD_PERSON]
            if crossed and subjects:
                return self._resolve_token(subjects[0], quote)
        return None

    def _entity_slug(self, token: Token) -> str | None:
        """Fallback when no actor stage resolves the agent: a named entity's slug (the
        contract's id for an actor outside the registry). Prefixed "~" to mark lower confidence."""
        ent = next((e for e in self.doc.ents if e.start <= token.i < e.end), None)
        if ent is None or ent.label_ not in ENTITY_LABELS or ent.root.i != token.i and ent.end - 1 != token.i:
            return None
        words = [w for w in re.findall(r"[A-Za-z0-9]+", ent.text) if w.lower() not in HONORIFICS]
        slug = "-".join(w.lower() for w in words)
        return "~" + slug if slug else None

    # -- target --------------------------------------------------------------------------------
    def _target(self, trigger: Token, chain, actor: str, agents, spec,
                frame_symmetric: bool = False) -> str | None:
        candidates = []
        for child in trigger.children:
            if child.dep_ in ("dative", "prep") and child.lower_ in ("to", "with", "from", "on"):
                candidates.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "dative":
                candidates.append(child)
        for child in trigger.children:
            if child.dep_ in ("dobj", "ccomp", "relcl"):
                candidates.append(child)
                # "demands that Ukraine leave", "rejects Trump's plan"
                candidates.extend(c for c in child.children if c.dep_ in ("nsubj", "nsubjpass", "poss"))
        if frame_symmetric and len(agents) > 1:
            candidates = list(agents[1:]) + candidates
        for cand in candidates:
            if cand.lower_ in OBJECT_PRONOUNS:
                continue   # "support it": the object is a proposal, not a party
            target = resolve_mention(self.doc, cand.idx, cand.idx + len(cand))
            if target is None and self.entity_fallback:
                slug = self._entity_slug(cand)
                target = slug.lstrip("~") if slug else None
            if target and target != actor:
                return target
        return None

    def _is_recipient(self, trigger: Token, actor: str) -> bool:
        recipients = [c for c in trigger.children if c.dep_ == "dative"]
        recipients += [g for c in recipients for g in c.children if c.lower_ == "to"]
        return any(resolve_mention(self.doc, r.idx, r.idx + len(r)) == actor for r in recipients)

    def _with_participant(self, trigger: Token) -> bool:
        return any(c.dep_ == "prep" and c.lower_ == "with" for c in trigger.children)

    # -- scope, issue, regions, time ---------------------------------------------------------
    def _scope(self, trigger: Token, chain, frame: dict, agents) -> list[Token]:
        """Tokens the act is about: the trigger's subtree (the governing verb's for nominal
        subjects such as "demands include ..."), without the agent's own words."""
        if frame.get("frame") == "speech":
            root = frame["content"]
        elif trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass"):
            root = trigger.head
        else:
            root = trigger
        agent_ids = {t.i for a in agents for t in a.subtree}
        tokens = []
        for token in root.subtree:
            if token.i in agent_ids:
                continue
            tokens.append(token)
        if root.i == trigger.i and trigger.pos_ in ("VERB", "AUX", "ADJ"):
            excluded = {t.i for c in trigger.children if c.dep_ == "conj" for t in c.subtree}
            tokens = [t for t in tokens if t.i not in excluded]
        return tokens

    def _circumstances(self, trigger: Token) -> set[int]:
        """Temporal and concessive phrases on the trigger or its object ("demand X before any
        ceasefire"): circumstances of the act, not what it is about."""
        heads = [trigger] + [c for c in trigger.children if c.dep_ in ("dobj", "attr")]
        return {t.i for h in heads for c in h.children
                if c.dep_ in ("prep", "advmod") and c.lower_ in self.pack.circumstance_preps
                for t in c.subtree}

    def _issues(self, trigger: Token, scope: list[Token], spec: dict):
        """[(issue, object, via_pronoun)]: every distinct strong issue, else the nearest weak."""
        if spec.get("issue"):
            return [(spec["issue"], None, False)]
        strong: dict = {}
        weak: list = []
        tokens = sorted(scope, key=lambda t: t.i)
        positions = {t.i for t in tokens}
        doc = trigger.doc
        for token in tokens:
            for words, issue, is_strong, obj in self.pack.keywords.get(token.lemma_.lower(), []) + (
                    self.pack.keywords.get(token.lower_, []) if token.lower_ != token.lemma_.lower() else []):
                end = token.i + len(words)
                if end > len(doc) or not all(i in positions for i in range(token.i, end)):
                    continue
                if not all(_word_matches(w, doc[token.i + k]) for k, w in enumerate(words)):
                    continue
                matched = doc[token.i:end].text
                value = obj or matched.lower()
                rank = self.pack.issue_rank.get(issue, 99)
                if is_strong:
                    branch = self._branch(token, positions)
                    strong.setdefault(branch, []).append(
                        (rank, abs(token.i - trigger.i), issue, value))
                else:
                    weak.append((abs(token.i - trigger.i), issue, value))
        if strong:
            # one issue per coordinated branch: the pack's first-listed issue, then the nearest
            # ("withdraw its troops from Donbas" is territory; "... and abandon Nato membership"
            # adds membership)
            chosen: dict = {}
            for branch in sorted(strong):
                _, _, issue, value = min(strong[branch])
                chosen.setdefault(issue, value)
            return [(issue, value, False) for issue, value in chosen.items()]
        if weak:
            _, issue, value = min(weak)
            return [(issue, value, False)]
        pronoun = any(t.lower_ in OBJECT_PRONOUNS and t.dep_ in ("dobj", "pobj") and t.head.i == trigger.i
                      for t in tokens)
        if pronoun and self.previous and self._adjacent(self.previous, trigger):
            return [(self.previous["issue"], self.previous.get("object"), True)]
        return []

    @staticmethod
    def _branch(token: Token, positions: set) -> int:
        """Which coordinated part of the scope a keyword sits in: the highest `conj` on its way
        up to the scope's root, else the root's child that holds it."""
        node, branch, conj = token, token.i, None
        while node.head.i != node.i and node.head.i in positions:
            if node.dep_ == "conj":
                conj = node.i
            branch = node.i
            node = node.head
        return conj if conj is not None else branch

    def _adjacent(self, act: dict, trigger: Token) -> bool:
        """The previous act sits in the sentence just before, in the same paragraph."""
        sent = trigger.sent
        if sent.start == 0:
            return False
        prev_sent = self.doc[sent.start - 1].sent
        if self.doc[sent.start - 1].is_space and sent.start >= 2:
            prev_sent = self.doc[sent.start - 2].sent
        between = doc_text(self.doc)[act["evidence"][1]:sent.start_char]
        return prev_sent.start_char <= act["evidence"][0] and "\n" not in between

    @staticmethod
    def _inside(span, tokens: list[Token]) -> bool:
        return any(t.idx < span[1] and span[0] < t.idx + len(t) for t in tokens)

    def _regions(self, scope: list[Token], issues) -> list[str]:
        """ISO 3166-2 codes in the scope: places stage records (areas expand to their codes),
        else the packs' area table."""
        codes: list[str] = []
        for place in self.places:
            if place.get("kind") not in (None, "region", "area") or not self._inside(place["span"], scope):
                continue
            for code in place.get("codes") or [place.get("code")]:
                if code and "-" in code and code not in codes:
                    codes.append(code)
        if not codes:
            for token in scope:
                for code in self.pack.areas.get(token.lower_, []):
                    if code not in codes:
                        codes.append(code)
        return codes

    def _time(self, trigger: Token, chain, scope: list[Token]) -> str | None:
        """The value of a time expression attached to the act's own clause ("meet on Sunday",
        "Monday's meeting"), not one inside a relative or subordinate clause below it."""
        own = {t.i for t in chain}
        for record in self.times:
            if not record.get("value"):
                continue
            start, end = record["span"]
            inside = [t for t in scope if start <= t.idx < end]
            if inside and self._attached(inside[0], own):
                return record["value"]
        return None

    @staticmethod
    def _attached(token: Token, own: set) -> bool:
        node = token
        while node.i not in own:
            if node.dep_ in CLAUSE_BOUNDARIES or node.head.i == node.i:
                return False
            node = node.head
        return True

    # -- modality ------------------------------------------------------------------------------
    def _condition(self, trigger: Token, chain) -> tuple[set, str | None]:
        """Condition clause on the trigger or any head above it: its token ids and text."""
        found = self._dependency_condition(trigger)
        return found if found[1] else self._phrase_condition(trigger)

    def _phrase_condition(self, trigger: Token) -> tuple[set, str | None]:
        """Multi-word condition phrases ("provided that", "as long as", "on condition that"),
        which the parser attaches in many ways, found on the words of the sentence: the
        condition runs to the first comma when it opens the sentence, else to its end."""
        sent = trigger.sent
        words = [t.lower_ for t in sent]
        for phrase in self.pack.condition_phrases:
            for k in range(len(words) - len(phrase) + 1):
                if tuple(words[k:k + len(phrase)]) != phrase:
                    continue
                start = sent.start + k
                if start <= trigger.i < start + len(phrase):
                    continue
                end = sent.end
                if start < trigger.i:
                    comma = next((t.i for t in sent[k:] if t.text == "," and t.i < trigger.i), None)
                    if comma is None:
                        continue
                    end = comma
                tokens = list(self.doc[start:end])
                a, b = _span_chars(tokens)
                return {t.i for t in tokens}, doc_text(self.doc)[a:b]
        return set(), None

    def _dependency_condition(self, trigger: Token) -> tuple[set, str | None]:
        node = trigger
        seen = set()
        while True:
            for child in node.children:
                if child.i in seen:
                    continue
                if child.dep_ == "advcl" and any(
                        m.dep_ == "mark" and m.lower_ in self.pack.condition_marks for m in child.children):
                    return self._condition_result(child)
                if child.dep_ == "prep":
                    words = [t.lower_ for t in child.subtree][:4]
                    for phrase in self.pack.condition_phrases:
                        if tuple(words[:len(phrase)]) == phrase:
                            return self._condition_result(child)
            seen.add(node.i)
            if node.head.i == node.i:
                return set(), None
            node = node.head

    @staticmethod
    def _condition_result(head: Token) -> tuple[set, str]:
        start, end = _span_chars(list(head.subtree))
        return {t.i for t in head.subtree}, doc_text(head.doc)[start:end]

    def _modality(self, trigger: Token, chain, spec, condition_text) -> tuple[str, str | None]:
        """(modality, reporter's hedge cue or None); the reporter's hedge is anything above the
        act's clause, the actor's is on its own chain."""
        reporter = None
        node = chain[-1]
        while node.head.i != node.i:
            node = node.head
            cue = self._hedge_cue(node)
            if cue:
                reporter = cue
                break
        if condition_text:
            return "conditional", reporter
        if any(self._hedge_cue(t) for t in chain):
            return "hedged", reporter
        aux = {c.lemma_.lower() for t in chain for c in t.children if c.dep_ in ("aux", "advmod")}
        predicted = bool(aux & self.pack.predicts) or any(
            t.lemma_.lower() in self.pack.predicts for t in chain[1:])
        if predicted and not spec.get("scheduled"):
            return "predicted", reporter
        return "asserted", reporter

    def _hedge_cue(self, token: Token) -> str | None:
        if token.lemma_.lower() in self.pack.hedges or token.lower_ in self.pack.hedges:
            return token.text
        for child in token.children:
            if child.dep_ in ("aux", "advmod", "acomp") and (
                    child.lemma_.lower() in self.pack.hedges or child.lower_ in self.pack.hedges):
                return child.text
        return None

    # -- source --------------------------------------------------------------------------------
    def _enclosing_quote(self, char: int) -> dict | None:
        for quote in self.quotes:
            if any(s <= char < e for s, e in quote.get("segments") or []):
                return quote
        return None

    @staticmethod
    def _source(quote: dict | None) -> dict:
        if not quote:
            return {"quote": None, "actor": None, "anonymous": None}
        speaker = quote.get("speaker") or {}
        return {"quote": quote.get("id"), "actor": speaker.get("actor"),
                "anonymous": speaker.get("anonymous")}
