"""An act's attributes read off the parse: scope, issue keywords, regions, time, modality,
condition, target, source and evidence (the same for every candidate of a trigger).

- Scope: the trigger's subtree (the governing verb's for nominal subjects such as "demands
  include ..."; the reported clause for "X said that Y must ..."; the clause after a colon for
  "his terms: ..."), less the agent, any condition and circumstances ("before any ceasefire").
- Keywords: every pack issue keyword in the scope; `rule_issues` is the hand rules' choice among
  them (strong beats weak; one issue per coordinated branch; an object "it" takes the issue of the
  act just before, in the same paragraph).
- Modality: a condition ("if ...", "in exchange for ...") on the clause or above it makes the act
  `conditional`; a hedge on the act's own clause chain ("is inclined to") `hedged`; "will" / "is
  expected to" `predicted`. A hedge above a clause boundary ("are understood to be concerned that
  ...") is the reporter's: kept apart as `reporter_hedge`.
- Source: the quote whose segments contain the trigger; evidence: the clause inside the sentence
  (and inside the quote segment that holds the trigger), without a leading condition.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from .. import doc_text
from ..actors import actors_named_in, resolve_mention
from . import syntax
from .lexicon import Pack

class Keyword(NamedTuple):
    """A pack keyword found in an act's scope."""
    issue: str
    strong: bool
    distance: int          # tokens from the trigger
    value: str | None      # the object it names ("ceasefire", "nato"), None for an adjective
    branch: int            # which coordinated part of the scope holds it (syntax.branch)
    purpose: bool          # inside an infinitive of purpose (syntax.in_purpose_clause)


OBJECT_PRONOUNS = {"it", "this", "that"}
TARGET_PREPOSITIONS = {"to", "with", "from", "on", "against", "of", "for", "about", "over", "toward",
                       "towards", "at"}


class Context:
    """One article's stage outputs and pack, with the attribute rules that read them."""

    def __init__(self, doc: Doc, pack: Pack):
        self.doc = doc
        self.pack = pack
        self.quotes = list(doc._.quotes or [])
        self.places = list(doc._.places or [])
        self.times = list(doc._.times or [])
        self.previous: dict | None = None   # the last act taken, for "support it"

    # -- where a trigger stands --------------------------------------------------------------
    def in_condition(self, token: Token) -> bool:
        """Inside a condition: hypothetical ("until Russia withdraws its troops")."""
        node = token
        while node.head.i != node.i:
            if node.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.pack.condition_marks
                                            for m in node.children):
                return True
            node = node.head
        return False

    def enclosing_quote(self, char: int) -> dict | None:
        for quote in self.quotes:
            if any(s <= char < e for s, e in quote.get("segments") or []):
                return quote
        return None

    @staticmethod
    def source(quote: dict | None) -> dict:
        if not quote:
            return {"quote": None, "actor": None, "anonymous": None}
        speaker = quote.get("speaker") or {}
        return {"quote": quote.get("id"), "actor": speaker.get("actor"),
                "anonymous": speaker.get("anonymous")}

    # -- scope and issues ----------------------------------------------------------------------
    def scope(self, trigger: Token, frame: dict, agents) -> list[Token]:
        if frame.get("frame") == "speech":
            root = frame["content"]
        elif trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass"):
            root = trigger.head
        else:
            root = trigger
        # the agents are not what the act is about, except where the statement's authors
        # demand something of them ("Eritrean forces should withdraw")
        agent_ids = {t.i for a in agents for t in a.subtree} if frame.get("frame") != "author" \
            else set()
        tokens = [t for t in root.subtree if t.i not in agent_ids]
        if root.i == trigger.i and trigger.pos_ in ("VERB", "AUX", "ADJ"):
            # a statement's demand takes its coordinated verbs ("X should declare and adhere to
            # a truce"), not a coordinated clause of its own ("..., and Y should withdraw")
            excluded = {t.i for c in trigger.children if c.dep_ == "conj"
                        and (frame.get("frame") != "author" or syntax.subjects(c)) for t in c.subtree}
            tokens = [t for t in tokens if t.i not in excluded]
        for content in frame.get("colon") or ():
            tokens += [t for t in content.subtree if t.i not in agent_ids]
        if trigger.pos_ == "NOUN":
            tokens += self._infinitive_after_for(trigger)
            tokens += [t for t in self._light_verb_phrases(trigger) if t.i not in agent_ids]
        return sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i)

    def _light_verb_phrases(self, noun: Token) -> list[Token]:
        """"filed a complaint with the WTO over state aid", "made an offer on prisoners": the
        small model hangs the noun's prepositional phrases on the light verb; they still say what
        the nominal act is about (circumstances such as "before the talks" stay out)."""
        verb = noun.head
        if noun.dep_ != "dobj" or verb.lemma_.lower() not in self.pack.light_verbs:
            return []
        return [t for c in verb.children if c.dep_ == "prep" and c.i > noun.i
                and c.lower_ not in self.pack.circumstance_preps for t in c.subtree]

    @staticmethod
    def _infinitive_after_for(noun: Token) -> list[Token]:
        """"Russia's demand for Ukraine to hand over Donetsk": the small model often hangs the
        infinitive on the main verb; the clause right after "for X" is still the noun's content."""
        doc = noun.doc
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ != "for":
                continue
            after = prep.right_edge.i + 1
            if after + 1 < len(doc) and doc[after].lower_ == "to" and doc[after].dep_ == "aux":
                verb = doc[after].head
                if verb.i > after and noun not in verb.subtree:
                    return list(verb.subtree)
        return []

    def circumstances(self, trigger: Token) -> set[int]:
        """Temporal and concessive phrases on the trigger or its object ("demand X before any
        ceasefire"): circumstances of the act, not what it is about."""
        heads = [trigger] + [c for c in trigger.children if c.dep_ in ("dobj", "attr")]
        return {t.i for h in heads for c in h.children
                if c.dep_ in ("prep", "advmod") and c.lower_ in self.pack.circumstance_preps
                for t in c.subtree}

    def keywords(self, trigger: Token, scope: list[Token]) -> list[Keyword]:
        """Every pack keyword wholly in scope."""
        found = []
        positions = {t.i for t in scope}
        doc = trigger.doc
        seen = set()
        for token in scope:
            entries = self.pack.keywords.get(token.lemma_.lower(), [])
            if token.lower_ != token.lemma_.lower():
                entries = entries + self.pack.keywords.get(token.lower_, [])
            for words, issue, strong, obj in entries:
                end = syntax.phrase_end(doc, token.i, words)
                if end is None or not all(i in positions for i in range(token.i, end)):
                    continue
                if (token.i, end, issue, strong) in seen:
                    continue   # "attacks" read as "attack" and as "attacks": one keyword
                seen.add((token.i, end, issue, strong))
                # a keyword used as an adjective names a domain, not the thing the act is
                # about ("the humanitarian situation", "nuclear safety"): no object then
                adjective = len(words) == 1 and (token.pos_ == "ADJ" or token.dep_ == "amod")
                value = obj or (None if adjective else doc[token.i:end].text.lower())
                found.append(Keyword(issue, strong, abs(token.i - trigger.i), value,
                                     syntax.branch(token, positions),
                                     syntax.in_purpose_clause(token, positions)))
        return found + self._frame_keywords(trigger, scope, positions, seen)

    def _frame_keywords(self, trigger: Token, scope: list[Token], positions: set[int],
                        seen: set[tuple]) -> list[Keyword]:
        """Strong keywords of the packs' frames: a verb with its subject or object in scope, in
        either order ("the war in Ukraine can end" as "end the war"), unless a keyword of the
        same issue already starts at the verb or the noun (`seen`: (start, end, issue, strong) of
        the phrase keywords found; a weak one stays weak: "stop the killing")."""
        taken = {(start, issue) for start, _, issue, _ in seen}
        out = []
        for token in scope:
            nouns = self.pack.frames.get(token.lemma_.lower())
            if not nouns or token.pos_ != "VERB":
                continue
            for child in token.children:
                issue = nouns.get(child.lemma_.lower()) or nouns.get(child.lower_)
                if issue is None or child.i not in positions or child.dep_ not in (
                        "nsubj", "nsubjpass", "dobj"):
                    continue
                if {(token.i, issue), (child.i, issue)} & taken:
                    continue
                taken.add((token.i, issue))
                out.append(Keyword(issue, True, abs(token.i - trigger.i), None,
                                   syntax.branch(token, positions),
                                   syntax.in_purpose_clause(token, positions)))
        return out

    def rule_issues(self, trigger: Token, scope: list[Token], spec: dict, keywords) -> list[tuple]:
        """[(issue, object, via)]: every distinct strong issue (one per coordinated
        branch: the pack's first-listed issue, then the nearest), else the nearest weak one."""
        if spec.get("issue"):
            return [(spec["issue"], None, False)]
        strong: dict = {}
        weak = []
        # a purpose clause's keywords count only where the act names no matter of its own
        # ("call for an immediate ceasefire to provide space for diplomacy": the ceasefire)
        if any(k.strong and not k.purpose for k in keywords):
            keywords = [k for k in keywords if not (k.strong and k.purpose)]
        for issue, is_strong, distance, value, branch, _ in keywords:
            rank = self.pack.issue_rank.get(issue, 99)
            if is_strong:
                strong.setdefault(branch, []).append((rank, distance, issue, value))
            else:
                weak.append((distance, issue, value))
        if strong:
            chosen: dict = {}
            for branch in sorted(strong):
                _, _, issue, value = min(strong[branch], key=lambda k: (k[0], k[1], k[2]))
                chosen.setdefault(issue, value)
            return [(issue, value, False) for issue, value in chosen.items()]
        if weak:
            _, issue, value = min(weak, key=lambda k: (k[0], k[1]))
            return [(issue, value, False)]
        pronoun = any(t.lower_ in OBJECT_PRONOUNS and t.dep_ in ("dobj", "pobj") and t.head.i == trigger.i
                      for t in scope)
        if pronoun and self.previous and self.adjacent(self.previous, trigger):
            return [(self.previous["issue"], self.previous.get("object"), "pronoun")]
        if any(t.lower_ in self.pack.cataphors for t in scope):
            ahead = self.issue_ahead(trigger.sent)
            if ahead:
                return [(ahead, None, "ahead")]
        return []

    def issue_ahead(self, sent: Span, sentences: int = 4) -> str | None:
        """The issue the next sentences name most often (strong keywords; the pack's order
        breaks ties): what "commit to take the following actions:" or "agreed as follows"
        announces is listed after it."""
        counts: dict[str, int] = {}
        end = sent.end
        for _ in range(sentences):
            if end >= len(self.doc):
                break
            following = self.doc[end].sent
            for token in following:
                for words, issue, strong, _ in self.pack.keywords.get(token.lemma_.lower(), ()):
                    if strong and syntax.phrase_end(self.doc, token.i, words) is not None:
                        counts[issue] = counts.get(issue, 0) + 1
            end = following.end
        if not counts:
            return None
        return min(counts, key=lambda name: (-counts[name], self.pack.issue_rank.get(name, 99)))

    def adjacent(self, act: dict, trigger: Token) -> bool:
        """The act sits in the sentence just before the trigger's, in the same paragraph."""
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

    def regions(self, scope: list[Token]) -> list[str]:
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

    def time(self, own_tokens: list[Token], scope: list[Token]) -> str | None:
        """The value of a time expression attached to the act's own clause ("meet on Sunday",
        "Monday's meeting"), not one inside a relative or subordinate clause below it."""
        own = {t.i for t in own_tokens}
        for record in self.times:
            if not record.get("value"):
                continue
            start, end = record["span"]
            inside = [t for t in scope if start <= t.idx < end]
            if inside and syntax.attached(inside[0], own):
                return record["value"]
        return None

    # -- target ----------------------------------------------------------------------------------
    def target(self, trigger: Token, actor: str, agents) -> str | None:
        """The party the act is aimed at: a recipient ("offered Kyiv", "to Kyiv"), an object
        that is a party or belongs to one ("rejects Trump's plan", "demands that Ukraine
        leave"), the party of what the act is about ("condemnation of Russia's war", "support
        for Ukraine", "concern about Russian troops")."""
        candidates = []
        for child in trigger.children:
            if child.dep_ in ("dative", "prep") and child.lower_ in TARGET_PREPOSITIONS:
                candidates.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "dative":
                candidates.append(child)
        for child in trigger.children:
            if child.dep_ in ("dobj", "ccomp", "relcl"):
                candidates.append(child)
        owners = []
        for cand in list(candidates):
            # "demands that Ukraine leave", "rejects Trump's plan", "Russia's war",
            # "Russian troops", "the war against Ukraine"
            owners.extend(c for c in cand.children if c.dep_ in ("nsubj", "nsubjpass", "poss"))
            owners.extend(g for c in cand.children if c.dep_ == "prep" and c.lower_ in ("of", "against")
                          for g in c.children if g.dep_ == "pobj")
        for cand in candidates + owners:
            if cand.lower_ in OBJECT_PRONOUNS:
                continue   # "support it": the object is a proposal, not a party
            target = resolve_mention(self.doc, cand.idx, cand.idx + len(cand))
            if target is None:
                named = [a for a in actors_named_in(self.doc, cand.left_edge.idx, cand.idx + len(cand))
                         if a != actor]
                target = named[0] if named else None
            if target and target != actor:
                return target
        return None

    def is_recipient(self, trigger: Token, actor: str) -> bool:
        recipients = [c for c in trigger.children if c.dep_ == "dative"]
        recipients += [g for c in recipients for g in c.children if c.lower_ == "to"]
        return any(resolve_mention(self.doc, r.idx, r.idx + len(r)) == actor for r in recipients)

    # -- modality ------------------------------------------------------------------------------
    def condition(self, trigger: Token) -> tuple[set, str | None]:
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
                a, b = syntax.span_chars(tokens)
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
        start, end = syntax.span_chars(list(head.subtree))
        return {t.i for t in head.subtree}, doc_text(head.doc)[start:end]

    def modality(self, trigger: Token, chain, spec, condition_text) -> tuple[str, str | None]:
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

    # -- evidence --------------------------------------------------------------------------------
    def evidence(self, trigger, top, frame, sent: Span, condition_tokens, quote) -> list[int]:
        """The clause that supports the act, inside the sentence (and inside the quote segment
        that holds the trigger), without a leading condition."""
        if frame.get("frame") == "speech":
            tokens = list(trigger.subtree)
        elif trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass"):
            tokens = list(trigger.head.subtree)   # "Putin's tabled demands include ..."
        else:
            tokens = list(top.subtree)
        for content in frame.get("colon") or ():
            tokens += list(content.subtree)
        segment = next(((s, e) for s, e in (quote or {}).get("segments", [])
                        if s <= trigger.idx < e), None)
        tokens = [t for t in tokens if sent.start <= t.i < sent.end
                  and not (t.i in condition_tokens and t.i < trigger.i)
                  and (segment is None or segment[0] <= t.idx < segment[1])]
        return list(syntax.span_chars(tokens or [trigger]))
