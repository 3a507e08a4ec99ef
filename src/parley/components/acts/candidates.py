"""Candidate acts: every (trigger, actor) pair the parse offers, with what the model needs.

A candidate is a trigger word (a pack or CAMEO trigger, the speech frame "X said that Y must ...",
or a commitment "X will ..."), one actor that the parse makes its agent, and the act's
attributes (scope, keyword issues, modality, condition, time, regions, target, source, evidence).
Whether it is an act, of which type and on which issue is the model's decision (`model.py`);
`rule` says whether the hand rules alone would have taken it (the fallback, and a feature).

Agents, in order: the subject of the trigger's clause chain ("is inclined to support" climbs to
"is"); for nominal triggers a possessor or compound ("Putin's demands", "a US demand"), the
object of "by"/"from" ("a demand by Moscow"), or the subject of a light or meeting verb ("made an
offer", "held talks"); the object of a passive "by" ("was rejected by Moscow"). Each agent token
is resolved to one or more actors: a name, metonym, role or pronoun (`actors.resolve_mention`);
"we"/"I" inside a quote to its speaker; "he" in a reported clause to the reporting subject; a
generic agent to the states that qualify it ("Russian negotiators", "officials from Russia and
Ukraine", `actors.resolve_group`); a collective ("both sides", "the two delegations", "they"
after a joint act) to the parties in context, as states where the noun names states ("the two
countries"), never for a relation noun ("Ukraine's allies"). Meetings give one candidate per
participant: the agents and the people met ("Trump met Putin", "talks with Kyiv", every person
in a list of people met); an agreement one per side ("a trade deal with Jordan"). An infinitive
under "ask/urge/tell X to" is X's ("asked Putin to agree"); a judgement ("unacceptable") is the
quote's speaker's. A nominal act with its own named agent (a possessor, a "by" phrase) is that
agent's act even inside another act ("rejected another US demand").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..actors import (
    actors_in_compound, actors_named_in, is_agent_noun, is_collective, is_organisation_collective,
    is_relational, principal_actors, resolve_group, resolve_mention, state_of_code,
)
from ..authors import document_authors, first_person
from . import attributes, syntax
from .lexicon import Lexicon, Pack

FIRST_PERSON = {"we", "i", "us", "me", "our", "my"}
THIRD_PERSON = {"he", "she", "him", "her"}
PLURAL_PRONOUNS = {"they", "them", "their"}
PLURAL_FIRST_PERSON = {"we", "us", "our"}
RELATIVE_PRONOUNS = {"which", "who", "that"}
COLLECTIVE_WORDS = {"each", "both", "two", "three", "all"}   # "The two exchanged views"
SOURCE_RANK = {"pack": 2, "speech": 2, "author": 2, "cameo": 1, "commitment": 1}
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
HONORIFICS = {"sir", "dame", "mr", "mrs", "ms", "dr", "president", "prime", "minister", "the"}


@dataclass
class Candidate:
    """One possible act by one actor (see the module docstring)."""

    trigger: Token
    source: str               # pack | cameo | speech | commitment
    prior: str | None         # the lexicon's type after negation (None: commitment)
    polarity: str
    code: str | None          # CAMEO code, where the lexicon has one
    spec: dict
    actor: str
    agent: Token | None
    via: str                  # how the agent was found (subject, possessor, group, ...)
    agents: int               # how many actors the same trigger gave
    target: str | None
    scope: list[Token]
    keywords: list[attributes.Keyword]   # every pack keyword in scope
    # (issue, object, via): the hand rules' choice; via is False, or "pronoun" ("support it") /
    # "ahead" ("the following:") for an issue found by reference
    rule_issues: list[tuple]
    modality: str
    condition: str | None
    reporter_hedge: str | None
    time: str | None
    regions: list[str]
    evidence: list[int]
    quote: dict | None
    confidence: float
    flags: set = field(default_factory=set)
    rule: bool = False


NUMBER_WORDS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _rank(frame: dict) -> int:
    """How strongly a trigger holds the triggers inside its clause. A verb whose object is only
    a topic (`topic_verb`: "discussed preparations for a U.S.-Russia summit") holds them no more
    than a CAMEO verb: the summit stays an act of its own."""
    return SOURCE_RANK["cameo"] if frame["spec"].get("topic_verb") else SOURCE_RANK[frame["source"]]


def _count(noun: Token) -> int | None:
    """How many the text says a collective holds ("the three countries", "both nations")."""
    for child in noun.children:
        if child.dep_ in ("nummod", "det", "predet") and child.lower_ in NUMBER_WORDS:
            return NUMBER_WORDS[child.lower_]
        if child.dep_ == "nummod" and child.text.isdigit() and int(child.text) < 10:
            return int(child.text)
    return None


class CandidateFinder:
    """One article's candidates; holds the per-document state the rules share (the last act,
    for "support it"; the parties in context, for "both sides")."""

    def __init__(self, doc: Doc, pack: Pack, entity_fallback: bool = False):
        self.doc = doc
        self.pack = pack
        self.lexicon = Lexicon(pack)
        self.entity_fallback = entity_fallback
        self.context = attributes.Context(doc, pack)
        self.quotes = self.context.quotes
        self.candidates: list[Candidate] = []
        self.parties: list[str] = []          # the last joint or meeting candidate's actors
        self.principals: list[str] | None = None
        self.authors = document_authors(doc)   # whom a statement's title names (authors.py)

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> list[Candidate]:
        for sent in self.doc.sents:
            try:
                self._sentence(sent)
            except Exception as error:  # noqa: BLE001  one odd parse must not lose the article
                warnings = self.doc._.stage_warnings or []
                warnings.append(f"acts: sentence at {sent.start_char} skipped: "
                                f"{type(error).__name__}: {error}")
                self.doc._.stage_warnings = warnings
        return self.candidates

    def _sentence(self, sent: Span) -> None:
        found = []
        for token in sent:
            frame = (self._speech_frame(token) or self._author_demand(token)
                     or self._trigger(token) or self._commitment(token))
            if frame is not None:
                found.append((token, frame))
        contents = [frame["content"] for _, frame in found if frame.get("content") is not None]
        contents += self._colon_contents(found)
        for token, frame in found:
            # a trigger inside another trigger's subtree belongs to that act, unless that one is
            # only a CAMEO verb over a pack word ("preparing for a meeting with ...": the meeting)
            rank = SOURCE_RANK[frame["source"]]
            own_agent = (token.dep_ == "acl" and any(c.dep_ == "agent" for c in token.children)
                         or token.pos_ == "NOUN" and bool(self._relative_agents(token, frame["type"]))
                         or token.pos_ == "NOUN" and any(o.pos_ != "PRON" for o in self._owners(token, None))
                         or token.pos_ == "NOUN" and bool(self._by_agents(token, None)))
            # ("a deal demanded by Putin", "the proposal that Trump put on the table", "rejected
            # another US demand", "U.S. proposals have floated ...": a phrase with its own named
            # agent is that agent's act, inside another act or not)
            colon = {t.i for t in frame.get("colon") or ()}
            if not own_agent and any(syntax.dominates(other, token) and _rank(f) >= rank
                                     and other.i not in colon   # the parse heads the terms
                                     # by their content: "he set out his terms: Ukraine must"
                                     and not syntax.dash_apart(token, other)
                                     and not syntax.own_clause(token, other)
                                     and not syntax.reported_event(token, other,
                                                                   self.pack.factive_verbs)
                   or _rank(f) > rank and self._hands_over(token, other, f)
                   for other, f in found):
                continue   # ... and a CAMEO verb gives way to the pack noun that takes its subject
            flags = set()
            if any(c.i != token.i and c.is_ancestor(token) and c.i not in colon
                   and not syntax.concessive(token, c) or c.i == token.i for c in contents):
                flags.add("embedded")   # the content of a demand, plan or terms
            if syntax.in_relative_clause(token):
                flags.add("relcl")
            if self.context.in_condition(token):
                continue   # hypothetical: "until Russia withdraws its troops" is no withdrawal
            self._candidates(token, frame, sent, flags)

    def _hands_over(self, verb: Token, noun: Token, frame: dict) -> bool:
        """Does the verb only carry a nominal act that takes its subject ("made an offer",
        "preparing for a meeting with ...")? Then the noun states the act, not the verb."""
        if noun.pos_ not in ("NOUN", "PROPN") or not syntax.dominates(verb, noun):
            return False
        head = self._past_partitive(noun.head) if noun.dep_ == "pobj" and noun.head.dep_ == "prep" \
            else noun.head
        if head.i != verb.i or noun.dep_ not in ("dobj", "pobj"):
            return False
        return frame["type"] == "meet" or verb.lemma_.lower() in self.pack.light_verbs

    def _colon_contents(self, found) -> list[Token]:
        """"he set out his terms: Ukraine must ...": the clauses after a colon that follows a
        content noun (terms, demands, plan) are that noun's content, not acts of their own; the
        noun's frame takes them into its scope."""
        out = []
        for token, frame in found:
            if token.lemma_.lower() not in self.pack.content_nouns:
                continue
            sent_end = token.sent.end
            colon = next((t for t in self.doc[token.i + 1:min(sent_end, token.i + 4)]
                          if t.text == ":"), None)
            if colon is None:
                continue
            roots = [t for t in self.doc[colon.i + 1:sent_end]
                     if t.pos_ in ("VERB", "AUX") and not (colon.i < t.head.i < sent_end
                                                           and t.head.i != t.i and t.dep_ != "conj")]
            frame["colon"] = roots
            out.extend(roots)
        return out

    # -- triggers ------------------------------------------------------------------------------
    def _trigger(self, token: Token) -> dict | None:
        trigger = self.lexicon.trigger(token)
        if trigger is None:
            return None
        spec = trigger.spec
        if token.pos_ not in ("VERB", "NOUN", "ADJ", "PROPN", "AUX"):
            return None
        negated = any(syntax.is_negated(t) for t in syntax.chain(token))
        if spec.get("not_objects") and any(c.dep_ == "dobj" and c.lemma_.lower() in spec["not_objects"]
                                           for c in token.children):
            return None   # "signed an Executive Order": the actor's own instrument, no accord
        if spec.get("with_child"):
            wanted = {w.lower() for w in spec["with_child"]}
            child = next((c for c in token.children if c.lemma_.lower() in wanted), None)
            if child is None:
                return None
            negated = negated or syntax.is_negated(child)
        act_type, polarity = trigger.type, "positive"
        if negated:
            if spec.get("negated_type"):
                act_type = spec["negated_type"]
            else:
                polarity = "negative"
        if spec.get("hosts") and polarity == "positive" and self._welcomes_a_party(token):
            # "welcomed Prime Minister Kishida to the White House", "received the envoy":
            # hosting a guest is a meeting
            spec = {**spec, "type": "meet", "issue": "talks_format", "symmetric": True}
            act_type = "meet"
        if act_type is None:
            return None
        return {"spec": spec, "type": act_type, "polarity": polarity, "source": trigger.source,
                "code": trigger.code}

    def _welcomes_a_party(self, verb: Token) -> bool:
        """Is what the verb welcomes a person or a state (a guest), not a decision or a plan?"""
        records = {a["id"]: a for a in self.doc._.actors or ()}
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if any(o.pos_ == "NOUN" and not is_agent_noun(o) for o in objects):
            return False   # "welcomed Mr Mandelson's announcement": a thing, whoever made it
        return bool(objects) and all(
            records.get(actor.lstrip("~"), {}).get("type") in ("person", "state")
            for o in objects for actor in (self._resolve_all(o, None) or ["?"]))

    def _speech_frame(self, token: Token) -> dict | None:
        """"X said that Y should/must/can only be ..." is X's demand about Y."""
        if token.lemma_.lower() not in self.pack.speech_verbs or token.pos_ != "VERB":
            return None
        for comp in token.children:
            if comp.dep_ == "ccomp" and self._deontic(comp):
                return {"spec": {"type": "demand", "frame": "speech"}, "type": "demand",
                        "polarity": "positive", "content": comp, "frame": "speech",
                        "source": "speech", "code": None}
        return None

    def _author_demand(self, verb: Token) -> dict | None:
        """"Belligerents in the Tigray region should declare and adhere to a ceasefire", "Russia
        must end its illegal war": in a statement's own voice (outside quotations) a main clause
        of obligation is its authors' demand of the clause's subject."""
        if not self.authors or verb.pos_ not in ("VERB", "AUX") or not self._deontic(verb):
            return None   # (most articles name no author: this runs on every token)
        if verb.dep_ != "ROOT" and not (verb.dep_ == "conj" and verb.head.dep_ == "ROOT"):
            return None
        if any(s.lower_ in FIRST_PERSON for s in syntax.subjects(verb)):
            return None   # "we must ...": the authors' own commitment, found as such
        if self.context.enclosing_quote(verb.idx) is not None:
            return None
        return {"spec": {"type": "demand", "author": True}, "type": "demand",
                "polarity": "positive", "source": "author", "code": None, "frame": "author"}

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

    def _commitment(self, token: Token) -> dict | None:
        """"The United States will modify ...", "China shall suspend ...": a party's commitment
        (official texts list them); offer or accept is the model's call."""
        if token.pos_ != "VERB" or token.dep_ not in ("ROOT", "conj", "ccomp"):
            return None
        if not any(c.dep_ == "aux" and c.lower_ in self.pack.commitment_aux for c in token.children):
            return None
        if not syntax.subjects(token):
            return None
        return {"spec": {}, "type": None, "polarity": "negative" if syntax.is_negated(token)
                else "positive", "source": "commitment", "code": None}

    # -- emitting ------------------------------------------------------------------------------
    def _candidates(self, trigger: Token, frame: dict, sent: Span, flags: set) -> None:
        spec = frame["spec"]
        chain = syntax.chain(trigger)
        top = chain[-1]
        quote = self.context.enclosing_quote(trigger.idx)
        if quote is None and frame.get("frame") == "speech":
            # "X said that ...": the reported clause is X's (indirect) quote, the act's source
            content = [t for t in frame["content"].subtree if not (t.is_punct or t.dep_ == "mark")]
            quote = self.context.enclosing_quote(content[0].idx) if content else None
        agents = self._agents(trigger, chain, quote, frame["type"])
        if frame["type"] == "meet" and trigger.pos_ == "NOUN" and not any(
                self._resolve_all(a, quote) for a, _ in agents):
            # "presidential-level discussions between Trump and Putin", "the discussions follow a
            # meeting involving Putin and Witkoff": no actor holds the meeting, its participants
            # take part in it
            agents = [(token, "participant") for _, token, *_ in self._participants(trigger, [])]
        if not agents and not (spec.get("judgement") or spec.get("author")):
            return
        if spec.get("needs_with") and any(via == "light" for _, via in agents) \
                and not any(c.dep_ == "prep" and c.lower_ == "with" for c in trigger.children):
            return
        if spec.get("object_must_be_actor") and any(
                not self._could_be_party(c) for c in _objects(trigger)):
            return   # "meet its target", "met with scathing reviews": not a meeting
        modals = {c.lemma_.lower() for t in chain for c in t.children if c.dep_ == "aux"}
        if modals & set(spec.get("skip_modals") or []):
            return
        if any(t.lower_ in self.pack.negative_hedges for t in chain):
            return   # "is unlikely to want to ...": the text says the act will not happen
        context = self.context
        agent_tokens = [a for a, _ in agents]
        scope = context.scope(trigger, frame, agent_tokens)
        condition_tokens, condition_text = context.condition(trigger)
        left_out = condition_tokens | context.circumstances(trigger)
        scope = [t for t in scope if t.i not in left_out]
        keywords = context.keywords(trigger, scope)
        rule_issues = context.rule_issues(trigger, scope, spec, keywords)
        modality, reporter_hedge = context.modality(trigger, chain, spec, condition_text)
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "pobj") \
                and not any(a.head.i == trigger.i for a in agent_tokens):
            top = agent_tokens[0].head   # "The US and Ukraine will hold talks": the governing clause
        evidence = context.evidence(trigger, top, frame, sent, condition_tokens, quote)
        regions = context.regions(scope)
        if not regions and context.previous and rule_issues and rule_issues[0][2] == "pronoun":
            regions = list(context.previous.get("regions") or ())   # "support it": its regions
        time = context.time(chain + [top], [t for t in top.subtree if t.i not in condition_tokens] + scope)
        resolved = self._actor_ids(agents, quote)
        obligated = None
        if spec.get("author"):
            # the authors demand; the one obliged is the clause's subject, the demand's target
            obligated = next((a for a, *_ in resolved), None)
            resolved = [(a, None, "author", 0.7) for a in self.authors]
        if spec.get("judgement"):
            # "That is unacceptable": the one who judges is the speaker, not the thing judged
            judge = context.source(quote)["actor"]
            resolved = [(judge, None, "judge", 0.7)] if judge else []
        meeting = frame["type"] == "meet"
        if meeting:
            participants = self._participants(trigger, resolved)
        elif frame["type"] == "accept" and frame["polarity"] == "positive":
            participants = self._co_parties(trigger, resolved)
        else:
            participants = []
        everyone = resolved + [p for p in participants if p[0] not in {r[0] for r in resolved}]
        if len({a for a, *_ in everyone}) > 1 and (meeting or len(resolved) > 1):
            self.parties = [a for a, *_ in everyone]
        for actor, agent, via, confidence in everyone:
            if self.context.is_recipient(trigger, actor):
                continue   # "they offer Russia ...": an agent is not its own recipient
            act_type = frame["type"]
            others = [a for a, *_ in everyone if a != actor]
            target = others[0] if meeting and others else obligated or context.target(
                trigger, actor, agent_tokens)
            if target is None and others and syntax.reciprocal(trigger):
                target = others[0]   # "Airbus and Boeing accuse each other": the other party
            untargeted = bool(spec.get("needs_target") and not target)
            if untargeted and spec["needs_target"] != "soft":
                continue   # "GM blamed high fuel prices": a cause, not an accusation of a party
            # (a soft need: "X warned that there could be walkouts unless ..." threatens no one
            # named; the candidate stays, flagged, and the model weighs it)
            source = context.source(quote)
            if spec.get("accusatory") and quote and source["actor"] and source["actor"] != actor:
                act_type, target, actor = "accuse", actor, source["actor"]
            rule = (frame["source"] in ("pack", "speech", "author") and bool(rule_issues)
                    and "relcl" not in flags and via != "participant" and not untargeted
                    and not (spec.get("symmetric") and via != "subject" and len(resolved) > 1
                             and actor != resolved[0][0]))
            self.candidates.append(Candidate(
                trigger=trigger, source=frame["source"], prior=act_type,
                polarity=frame["polarity"], code=frame.get("code"), spec=spec, actor=actor,
                agent=agent, via=via, agents=len(everyone), target=target, scope=scope,
                keywords=keywords, rule_issues=rule_issues, modality=modality,
                condition=condition_text, reporter_hedge=reporter_hedge, time=time,
                regions=regions, evidence=evidence, quote=quote, confidence=confidence,
                flags=set(flags) | ({"untargeted"} if untargeted else set()), rule=rule))
            if rule:
                issue, obj, _ = rule_issues[0]
                context.previous = {"issue": issue, "object": obj, "evidence": evidence,
                                    "regions": regions}

    def _could_be_party(self, token: Token) -> bool:
        """A name, a resolvable mention or a generic agent ("his counterpart", "officials")."""
        return (token.pos_ == "PROPN" or token.ent_type_ in ENTITY_LABELS
                or bool(self._resolve_all(token, None)) or is_agent_noun(token)
                or token.pos_ == "PRON")

    # -- agents --------------------------------------------------------------------------------
    def _agents(self, trigger: Token, chain: list[Token], quote: dict | None,
                frame_type: str | None) -> list[tuple[Token, str]]:
        """Agent tokens and how each was found."""
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ != "ROOT":
            owners = self._owners(trigger, quote)
            if owners:
                # "Blinken and Sullivan reiterated the United States' commitment": the people who
                # voice it act too (the guidelines code the person, the state optional)
                voiced = [(s, "light") for s in self._light_subjects(trigger)
                          if s.i not in {o.i for o in owners}]
                return [(o, "possessor") for o in owners] + voiced
            by = self._by_agents(trigger, quote)
            if by:
                return [(g, "by") for g in by] + [(c, "by") for g in by for c in g.conjuncts]
            relative = self._relative_agents(trigger, frame_type)
            if relative:
                return relative
            head = trigger.head
            if trigger.dep_ == "attr" and head.lemma_.lower() in self.pack.copulas:
                return [(s, "subject") for s in syntax.subjects(head)]   # "X is a supporter of"
            if trigger.dep_ == "pobj" and head.dep_ == "prep":
                head = self._past_partitive(head)
                if head.pos_ == "ADJ" and head.dep_ in ("acomp", "oprd"):
                    head = head.head   # "remain steadfast in support of"
            if trigger.dep_ in ("dobj", "pobj") and head.pos_ in ("VERB", "AUX"):
                meeting_verb = head.lemma_.lower() in self.pack.meeting_verbs
                if frame_type != "meet" and head.lemma_.lower() not in self.pack.light_verbs:
                    return []   # "ruled out concessions" is no concession
                return [(s, "meeting_verb" if meeting_verb else "light")
                        for s in syntax.subjects(head) if not self._is_meeting(s)]
            return []
        for below, token in zip([None] + chain, chain):
            told = [c for c in token.children if c.dep_ == "dobj"]
            if below is not None and below.dep_ == "xcomp" and told \
                    and token.lemma_.lower() in self.pack.object_control:
                return [(t, "object_control") for t in told]   # "asked Putin to agree": Putin
            found = syntax.subjects(token, passive=token.i != trigger.i or self._stative(token))
            if found:
                return [(s, "subject") for s in found]
        by_agent = [g for c in trigger.children if c.dep_ == "agent" for g in c.children
                    if g.dep_ == "pobj"]   # "was rejected by Moscow"
        if by_agent:
            return [(g, "passive_by") for g in by_agent] + [
                (c, "passive_by") for g in by_agent for c in g.conjuncts]
        return self._controller(chain[-1])

    def _stative(self, verb: Token) -> bool:
        """A passive participle that states its subject's stance ("is opposed to", "is
        committed to"), with no "by" agent of its own."""
        return (verb.tag_ == "VBN" and verb.lemma_.lower() in self.pack.stative_participles
                and any(c.dep_ == "auxpass" for c in verb.children)
                and not any(c.dep_ == "agent" for c in verb.children))

    def _is_meeting(self, token: Token) -> bool:
        """A meeting word ("The discussions follow a meeting ..."): an event, never an agent."""
        trigger = self.lexicon.trigger(token)
        return trigger is not None and trigger.type == "meet" and token.pos_ == "NOUN"

    def _past_partitive(self, prep: Token) -> Token:
        """The word a nominal trigger's preposition hangs from, past a measure of it ("held four
        days of talks", "after two rounds of negotiations"): the verb that holds the act."""
        head = prep.head
        if prep.lower_ == "of" and head.lemma_.lower() in self.pack.partitive_nouns \
                and head.dep_ in ("dobj", "pobj"):
            head = head.head
            if head.dep_ == "prep":
                head = head.head
        return head

    def _owners(self, noun: Token, quote: dict | None) -> list[Token]:
        """The possessor or compound of a nominal trigger that names an actor ("Putin's
        demands", "a US demand", "their proposal"); not a name the trigger is part of ("the Quad
        Leaders Summit" is no act of an actor called "Quad Leaders Summit")."""
        return [c for c in noun.children if c.dep_ in ("poss", "nmod", "compound")
                and c.pos_ in ("PROPN", "NOUN", "PRON") and not _one_entity(c, noun)
                and self._resolve_all(c, quote)]

    def _by_agents(self, noun: Token, quote: dict | None) -> list[Token]:
        """The "by"/"from" objects of a nominal trigger when one names an actor ("a demand by
        Moscow", "the upcoming visit by Iraq's foreign minister")."""
        by = [g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from")
              for g in c.children if g.dep_ == "pobj"]
        return by if any(self._resolve_token(g, quote) for g in by) else []

    def _light_subjects(self, noun: Token) -> list[Token]:
        """The subjects of the light verb a nominal trigger is the object of ("reiterated ...
        commitment", "made an offer")."""
        head = noun.head.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else noun.head
        if noun.dep_ in ("dobj", "pobj") and head.lemma_.lower() in self.pack.light_verbs:
            return syntax.subjects(head)
        return []

    @staticmethod
    def _controller(top: Token) -> list[tuple[Token, str]]:
        """The agent of a verb with no subject of its own: a participle or infinitive takes the
        subject of the verb it hangs from ("deployed an armada, urging Iran to ...", "committed
        to protect", "looks forward to welcoming"); an infinitive under a noun takes the noun's
        possessor or the subject of the verb that governs the noun ("their efforts to provide",
        "took action to address")."""
        if top.dep_ == "advcl" and top.tag_ == "VBN" and not any(
                c.dep_ in ("aux", "auxpass") for c in top.children):
            return []   # "Asked whether he had spoken to Putin, Trump said": Trump was asked
        if top.dep_ in ("advcl", "xcomp", "conj") and top.head.pos_ in ("VERB", "AUX"):
            if syntax.subjects(top, passive=True):
                return []   # "held talks, but nothing was agreed": a subject of its own
            found = syntax.subjects(top.head, passive=True)
            if found:
                return [(s, "controller") for s in found]
        if top.dep_ == "pcomp" and top.pos_ == "VERB" and top.head.dep_ == "prep" \
                and top.head.head.pos_ in ("VERB", "AUX", "ADJ"):
            # a gerund after a preposition: "looks forward to welcoming", "committed to meeting"
            found = syntax.subjects(top.head.head, passive=True)
            if found:
                return [(s, "controller") for s in found]
        if top.dep_ == "acl" and top.head.pos_ in ("NOUN", "PROPN"):
            noun = top.head
            owners = [c for c in noun.children if c.dep_ == "poss"]
            if owners:
                return [(o, "controller") for o in owners]
            if noun.dep_ in ("dobj", "pobj"):
                verb = noun.head.head if noun.dep_ == "pobj" else noun.head
                if verb.pos_ in ("VERB", "AUX"):
                    return [(s, "controller") for s in syntax.subjects(verb, passive=True)]
        return []

    def _participants(self, trigger: Token, resolved) -> list[tuple]:
        """The others in a meeting: the object met, "with"/"between" objects and their
        conjuncts and appositions ("met Putin", "talks with Kyiv", "a call between Trump and
        Xi", "met his counterparts, A of Japan and B of Korea"), the parties a meeting noun's
        modifiers name ("the U.S.-Russia summit"), and the "with" objects of the verb that holds
        a meeting noun ("held talks on Friday with Kyiv")."""
        tokens = [c for c in trigger.children if c.dep_ == "dobj"] + _with_objects(trigger)
        for child in trigger.children:
            if child.dep_ == "prep" and child.lower_ in ("between", "among", "involving"):
                tokens += [g for g in child.children if g.dep_ == "pobj"]
            if child.dep_ == "acl" and child.lemma_.lower() == "involve":
                tokens += [g for g in child.children if g.dep_ == "dobj"]
        tokens += [c for t in list(tokens) for c in t.children if c.dep_ == "appos"]
        tokens += [c for t in list(tokens) for c in t.conjuncts if c not in tokens]
        # "bilateral meetings with fellow G7 leaders, including Prime Minister Johnson"
        # (the small model may hang "including" on the meeting noun itself)
        tokens += [m for t in [*tokens, trigger] for m in _included(t) if m not in tokens]
        taken = {a for a, *_ in resolved}
        out = []
        for token in tokens:
            for actor in self._resolve_all(token, None) or self._person_inside(token):
                if actor not in taken:
                    taken.add(actor)
                    out.append((actor.lstrip("~"), token, "participant", 0.7))
        for token, actor in self._people_listed(tokens):
            if actor not in taken:
                taken.add(actor)
                out.append((actor, token, "participant", 0.7))
        if trigger.pos_ in ("NOUN", "PROPN"):
            for child in trigger.children:
                if child.dep_ in ("compound", "amod", "nmod"):
                    for actor in actors_named_in(self.doc, child.left_edge.idx,
                                                 child.idx + len(child)) \
                            or actors_in_compound(self.doc, child):
                        if actor not in taken:
                            taken.add(actor)
                            out.append((actor, child, "participant", 0.7))
        return out

    def _co_parties(self, trigger: Token, resolved) -> list[tuple]:
        """The other side of an agreement: "signed an accord with Jordan", "agreed a draft with the
        IMF", "a trade deal with China" (the "with" objects of the trigger or of the verb that
        holds it; the accepted thing itself, the direct object, is no party)."""
        tokens = _with_objects(trigger)
        tokens += [c for t in list(tokens) for c in t.conjuncts if c not in tokens]
        taken = {a for a, *_ in resolved}
        out = []
        for token in tokens:
            for actor in self._resolve_all(token, None):
                if actor not in taken:
                    taken.add(actor)
                    out.append((actor.lstrip("~"), token, "co-party", 0.7))
        return out

    def _relative_agents(self, noun: Token, frame_type: str | None) -> list[tuple[Token, str]]:
        """The agent a relative clause gives a nominal act: "the proposal that President Trump
        put on the table" (a light verb's subject), "the talks, which are being mediated by
        Witkoff" (a meeting's mediator, by the passive agent or the subject)."""
        out = []
        for clause in (c for c in noun.children if c.dep_ == "relcl"):
            lemma = clause.lemma_.lower()
            meeting = frame_type == "meet" and lemma in self.pack.meeting_verbs
            if lemma not in self.pack.light_verbs and not meeting:
                continue
            agents = [g for c in clause.children if c.dep_ == "agent" for g in c.children
                      if g.dep_ == "pobj"]
            agents += [s for s in syntax.subjects(clause)
                       if s.lower_ not in ("that", "which", "who")]
            out += [(a, "relative") for a in agents] + [
                (c, "relative") for a in agents for c in a.conjuncts]
        return out

    def _people_listed(self, tokens: list[Token]) -> list[tuple[Token, str]]:
        """Every person named in the phrases of the people met, however the parser nests the
        list ("met with President Yoon of Korea, Prime Minister Kishida of Japan, and ...": the
        small model hangs the later names under "Korea")."""
        people = {a["id"]: a for a in self.doc._.actors or () if a.get("type") == "person"}
        out = []
        for token in tokens:
            sent = token.sent
            stop = next((t for t in self.doc[token.i + 1:sent.end] if t.pos_ in ("VERB", "AUX")),
                        None)   # the list ends where the next clause begins
            start = token.left_edge.idx
            end = stop.idx if stop is not None else sent.end_char
            for actor_id, record in people.items():
                for m_start, m_end in record["mentions"]:
                    if not (start <= m_start and m_end <= end):
                        continue
                    root = self.doc.char_span(m_start, m_end, alignment_mode="expand").root
                    if root.dep_ not in ("nsubj", "nsubjpass"):   # "..., Peskov told reporters"
                        out.append((root, actor_id))
                        break
        return sorted(out, key=lambda pair: pair[0].i)

    def _person_inside(self, token: Token) -> list[str]:
        """A named person inside a title phrase the parse heads elsewhere ("Secretary General of
        the PLO Hussein Al-Sheikh"): the first PERSON entity of the token's own phrase."""
        phrase = range(token.left_edge.i, token.right_edge.i + 1)
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and ent.start in phrase and ent.end - 1 in phrase:
                actor = resolve_mention(self.doc, ent.start_char, ent.end_char)
                return [actor] if actor else []
        return []

    def _actor_ids(self, agents: list[tuple[Token, str]], quote: dict | None):
        """Resolved (actor id, token, via, confidence) per agent; unresolvable agents dropped."""
        seen, out = [], []
        agents = list(agents) + [(member, via + "+including") for token, via in agents
                                 for member in _included(token)]
        # a list the parser read as appositions ("Secretary Blinken, Secretary Austin, and
        # Advisor Sullivan reiterated"); an apposition naming the same person adds no one
        # (and the names coordinated with that apposition: "the Summit, President Biden,
        # President López Obrador, and Prime Minister Trudeau directed")
        agents += [(member, via + "+list") for token, via in agents for appos in token.children
                   if appos.dep_ == "appos" and appos.pos_ == "PROPN"
                   for member in (appos, *appos.conjuncts) if member.pos_ == "PROPN"]
        for token, via in agents:
            actors, direct = self._resolve_how(token, quote)
            for actor in actors:
                if actor not in seen:
                    seen.append(actor)
                    how = via if actor in direct else via + "+group"
                    out.append((actor, token, how, 0.7 if actor.startswith("~") else 0.8))
        return [(a.lstrip("~"), t, v, c) for a, t, v, c in out]

    def _resolve_all(self, token: Token, quote: dict | None) -> list[str]:
        return self._resolve_how(token, quote)[0]

    def _resolve_how(self, token: Token, quote: dict | None) -> tuple[list[str], set[str]]:
        """Every actor an agent token stands for, and those it names itself (not a group it
        speaks for, or the parties in context for a collective or a plural pronoun)."""
        single = self._resolve_token(token, quote)
        speakers = (quote or {}).get("speaker", {}).get("speakers")
        if speakers and token.lower_ in PLURAL_FIRST_PERSON:
            return list(speakers), {single}   # "we" in what "both sides" said
        if single:
            return [single], {single}
        for appos in (c for c in token.children if c.dep_ == "appos"):
            group = resolve_group(self.doc, appos)
            if group:
                return group, set()   # "We, the leaders of the United States, France and Italy"
        if token.pos_ in ("NOUN", "PROPN"):
            group = resolve_group(self.doc, token)
            if group:
                return group, set()
            if is_collective(token):
                if is_relational(token):
                    return [], set()   # "Western allies of Kyiv", "Ukraine's partners": others
                parties = self._context_parties()
                if is_organisation_collective(token):
                    # "the two companies": the merger's parties
                    parties = principal_actors(self.doc, ("organization",), _count(token))
                elif token.lemma_.lower() in self.pack.state_collectives:
                    parties = self._as_states(parties)   # "the two countries": the states
                    parties = self._up_to(parties, _count(token))
                elif token.lemma_.lower() in self.pack.person_collectives:
                    parties = self._as_people(parties)   # "the two leaders": the people
                return parties, set()
        if token.lower_ in PLURAL_PRONOUNS and token.dep_ == "poss":
            clause = next((h for h in token.ancestors if h.pos_ in ("VERB", "AUX")), None)
            subjects = [s for s in syntax.subjects(clause) if s.pos_ != "PRON"] if clause else []
            if subjects:   # "The two countries reaffirmed their commitments"
                return [a for s in subjects for a in self._resolve_all(s, quote)], set()
        if token.lower_ in PLURAL_FIRST_PERSON and token.pos_ == "PRON" and quote is None:
            authors = first_person(self.doc, plural=True)   # a statement's "we": its authors
            return authors or self._context_parties(), set(authors)
        if token.lower_ in PLURAL_PRONOUNS or token.lower_ in COLLECTIVE_WORDS:
            return self._context_parties(), set()
        return [], set()

    def _as_states(self, parties: list[str]) -> list[str]:
        """The states of the parties in context (a person by the country on their record)."""
        records = {a["id"]: a for a in self.doc._.actors or ()}
        states = []
        for actor in parties:
            record = records.get(actor) or {}
            state = actor if record.get("type") == "state" else state_of_code(
                self.doc, record.get("country"))
            if state and state not in states:
                states.append(state)
        return states or parties

    def _as_people(self, parties: list[str]) -> list[str]:
        """The leaders of the parties in context: a person stays, a state becomes the article's
        most mentioned person of that state ("President Biden hosted the UAE's President ... The
        two leaders reaffirmed ...": Biden and the UAE's president, not Biden and the UAE)."""
        records = {a["id"]: a for a in self.doc._.actors or ()}
        people = []
        for actor in parties:
            record = records.get(actor) or {}
            if record.get("type") == "state" and record.get("country"):
                ranked = sorted((a for a in records.values() if a.get("type") == "person"
                                 and a.get("country") == record["country"]
                                 and a["id"] not in parties and a["id"] not in people),
                                key=lambda a: -len(a["mentions"]))
                actor = ranked[0]["id"] if ranked else actor
            if actor not in people:
                people.append(actor)
        return people

    def _up_to(self, states: list[str], count: int | None) -> list[str]:
        """"The three countries" after a two-party act: the article's most mentioned states
        complete the number the text gives."""
        if not count or len(states) >= count:
            return states
        ranked = sorted((a for a in self.doc._.actors or () if a.get("type") == "state"
                         and a["id"] not in states), key=lambda a: -len(a["mentions"]))
        return states + [a["id"] for a in ranked[:count - len(states)]]

    def _context_parties(self) -> list[str]:
        """The parties "both sides", "they" or a joint statement's "we" stand for: those of the
        last joint act or meeting, else the article's two most mentioned people or states."""
        if len(self.parties) > 1:
            return list(self.parties)
        if self.principals is None:
            self.principals = principal_actors(self.doc)
        return list(self.principals)

    def _resolve_token(self, token: Token, quote: dict | None) -> str | None:
        """Actor id for an agent token: first person -> the quote's speaker, else the resolver,
        then the matrix subject for "he" in a reported clause, then (optionally) the entity name."""
        low = token.lower_ if token.pos_ == "PRON" else ""   # "US" is not "us"
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl" \
                and token.head.head.i != token.head.i:
            return self._resolve_token(token.head.head, quote)   # "Kyiv, which wants to join"
        if low in FIRST_PERSON:
            if quote and (quote.get("speaker") or {}).get("actor"):
                return quote["speaker"]["actor"]
            if quote is None and low not in PLURAL_FIRST_PERSON:
                authors = first_person(self.doc, plural=False)   # "I will sign it" in a statement
                return authors[0] if authors else None
            return None
        phrase = syntax.noun_phrase(token) if token.pos_ != "PRON" else token.doc[token.i:token.i + 1]
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
            found = [c for c in node.children if c.dep_ == "nsubj" and c.lower_ not in THIRD_PERSON]
            if crossed and found:
                return self._resolve_token(found[0], quote)
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


def _one_entity(a: Token, b: Token) -> bool:
    """Both tokens inside one named entity ("Quad Leaders Summit")."""
    return bool(a.ent_type_) and any(e.start <= a.i < e.end and e.start <= b.i < e.end
                                     for e in a.doc.ents)


def _included(token: Token) -> list[Token]:
    """The members an agent lists ("delegations from both countries, including Rubio and
    Lavrov"; "critics, including Germany and France"): they take part in its act."""
    return [m for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "including"
            for g in prep.children if g.dep_ == "pobj" for m in (g, *g.conjuncts)]


def _with_objects(trigger: Token) -> list[Token]:
    """The "with" objects of a trigger, and of the verb that holds a nominal one ("talks with
    Kyiv", "held talks on Friday with Kyiv", "struck a deal with Jordan")."""
    heads = [trigger]
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX"):
        heads.append(trigger.head)
    return [g for head in heads for c in head.children if c.dep_ == "prep" and c.lower_ == "with"
            for g in _prep_objects(c)]


def _prep_objects(prep: Token) -> list[Token]:
    """A preposition's objects; "met with Prime Minister Draghi to affirm ...", which the small
    model reads as "with [Draghi to affirm]", gives the subject of that clause."""
    return [g for g in prep.children if g.dep_ == "pobj"] + [
        s for g in prep.children if g.dep_ == "pcomp" and g.pos_ == "VERB"
        for s in g.children if s.dep_ == "nsubj" and s.pos_ in ("PROPN", "NOUN")]


def _objects(trigger: Token) -> list[Token]:
    """Direct objects and "with" objects of a trigger ("met Putin", "talks with Kyiv")."""
    return [c for c in trigger.children if c.dep_ == "dobj"] + [
        g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "with"
        for g in _prep_objects(c)]

