"""Feature strings for the act model's three questions about a candidate.

- `detector`: is this an act of this actor at all? (the trigger, how the agent was found, what
  the actor is, whether the clause is negated, hypothetical, a relative clause, embedded in a
  demand, inside a quote, whether the hand rules took it ...)
- `act_type`: which of the 12 types? (the lexicon's type and CAMEO code, the trigger, negation,
  particles, modals)
- `issue`: which issue? (pack keywords in the act's scope and sentence, the CAMEO issue hint,
  the nouns in scope, the document's dominant issues, the trigger)

Each returns a list of strings; the model's weights give each a number. `ArticleFacts` holds
what every candidate of one article shares (the article's issue profile, actor types).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from spacy.attrs import IS_SPACE, LEMMA, LOWER
from spacy.tokens import Doc, Token

from . import cameo, syntax
from .candidates import Candidate
from .lexicon import Pack

MODAL_WORDS = {"will", "would", "could", "might", "may", "must", "should", "shall", "can", "'ll"}


class ArticleFacts:
    """Per-article context: actor records by id and the issues its keywords point to."""

    def __init__(self, doc: Doc, pack: Pack):
        self.actors = {a["id"]: a for a in doc._.actors or []}
        ranked = sorted(self.actors.values(), key=lambda a: -len(a["mentions"]))
        self.salience = {a["id"]: rank for rank, a in enumerate(ranked)}
        self.sentence_starts = [s.start for s in doc.sents]
        counts: Counter = Counter()
        strings = doc.vocab.strings
        codes = doc.to_array([LEMMA, LOWER, IS_SPACE])
        lemmas = [strings[int(h)].lower() for h in codes[:, 0]]
        lowers = [strings[int(h)] for h in codes[:, 1]]
        # the words without whitespace tokens ("Peace\xa0Agreement" is three tokens), read as
        # arrays: this runs over every token of every article
        kept = [i for i in range(len(lemmas)) if not codes[i, 2]]
        lemmas = [lemmas[i] for i in kept]
        lowers = [lowers[i] for i in kept]
        for i, lemma in enumerate(lemmas):
            for words, issue, strong, _ in pack.keywords.get(lemma, ()):
                if strong and i + len(words) <= len(lemmas) and all(
                        w == "*" or w in (lemmas[i + k], lowers[i + k]) for k, w in enumerate(words)):
                    counts[issue] += 1
        self.issues = [issue for issue, _ in counts.most_common(3)]
        self.pack = pack
        self.threads: list[tuple[int, str, str]] = []
        self.stances: Counter = Counter()
        self.actor_candidates: Counter = Counter()

    def follow(self, candidates: list[Candidate]) -> "ArticleFacts":
        """Remember which issue each candidate's own strong keywords name, in text order: a
        reaction ("welcomed Mr Mandelson's announcement", "rejected Zelenskyy's proposal") is
        usually about the issue its target's last move was about, and an act with no keyword
        about the one the text was just discussing."""
        self.threads = sorted((c.trigger.i, c.actor, c.rule_issues[0][0]) for c in candidates
                              if c.rule_issues and any(k[1] for k in c.keywords))
        self.stances = Counter((c.actor, c.prior) for c in candidates)
        self.actor_candidates = Counter(c.actor for c in candidates)
        return self

    def thread(self, before: int, actor: str | None = None) -> str | None:
        """The issue of the last candidate before token `before` (of `actor`, if given)."""
        for i, who, name in reversed(self.threads):
            if i < before and (actor is None or who == actor):
                return name
        return None


def _bucket(n: int, edges=(0, 1, 2, 4, 8)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _actor_kind(candidate: Candidate, facts: ArticleFacts) -> str:
    record = facts.actors.get(candidate.actor)
    return record.get("type", "unknown") if record else "unknown"


def _modals(trigger: Token) -> list[str]:
    return sorted({c.lower_ for t in syntax.chain(trigger) for c in t.children
                   if c.dep_ == "aux" and c.lower_ in MODAL_WORDS})


def detector(c: Candidate, facts: ArticleFacts) -> list[str]:
    t = c.trigger
    lemma = t.lemma_.lower()
    prior = c.prior or "none"
    out = ["bias", f"prior={prior}", f"src={c.source}", f"trig={lemma}", f"pos={t.pos_}",
           f"dep={t.dep_}", f"via={c.via}", f"agents={_bucket(c.agents, (1, 2, 3))}",
           f"actor={_actor_kind(c, facts)}", f"mod={c.modality}", f"pol={c.polarity}",
           f"rule={c.rule}", f"trig={lemma}|via={c.via}", f"prior={prior}|via={c.via}",
           f"src={c.source}|pos={t.pos_}", f"trig={lemma}|pos={t.pos_}"]
    if c.code:
        out += [f"code2={c.code[:2]}", f"code={c.code[:3]}"]
    out += [f"flag={f}" for f in sorted(c.flags)]
    out += [f"src={c.source}|flag={f}" for f in sorted(c.flags)]
    if c.agent is not None and c.agent.pos_ == "PRON":
        out.append(f"pron={c.agent.lower_}")
    if c.quote:
        speaker = (c.quote.get("speaker") or {}).get("actor")
        out.append("in_quote")
        out.append("quote_by_actor" if speaker == c.actor else "quote_by_other")
    strong = [k for k in c.keywords if k[1]]
    out.append(f"kw={'strong' if strong else 'weak' if c.keywords else 'none'}")
    out.append(f"rule_issue={bool(c.rule_issues)}")
    out.append(f"target={c.target is not None}")
    if t.pos_ in ("NOUN", "PROPN") and t.head.i != t.i:
        out.append(f"head={t.head.lemma_.lower()}")
    elif t.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp") and t.head.i != t.i:
        # the verb a clausal trigger hangs from: "hoped to reach", "said it would offer",
        # "refused to accept", "expected to meet"
        out.append(f"gov={t.head.lemma_.lower()}")
    out += [f"modal={m}" for m in _modals(t)]
    sent = t.sent
    out.append(f"sent_words={_bucket(len(sent), (6, 12, 25, 40))}")
    out.append(f"actor_rank={_bucket(facts.salience.get(c.actor, 9), (0, 1, 2, 4))}")
    out.append(f"sent_index={_bucket(bisect_right(facts.sentence_starts, t.i) - 1, (0, 2, 5, 10))}")
    if not any(tok.pos_ in ("VERB", "AUX") for tok in sent):
        out.append("verbless")
    # a stance the article states again, by an actor it keeps returning to
    out.append(f"repeat={_bucket(facts.stances[(c.actor, c.prior)], (1, 2, 4))}")
    out.append(f"actor_acts={_bucket(facts.actor_candidates[c.actor], (1, 2, 4, 8))}")
    return out


def _complement(trigger: Token) -> list[str]:
    """What the trigger's clausal complement says about the type: "insisted it would not bow"
    and "not the path we are prepared to go" refuse; "warned there could be walkouts unless ..."
    threatens; "ready to hold talks" offers."""
    out = []
    for comp in (c for c in trigger.children if c.dep_ in ("ccomp", "xcomp")):
        verbs = [comp] + [c for c in comp.children if c.dep_ == "xcomp"]
        if any(syntax.is_negated(v) for v in verbs):
            out.append("comp_negated")
        if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless")
                                         for m in c.children) for c in comp.children):
            out.append("comp_conditional")
        out += [f"comp_modal={m}" for m in _modals(comp)]
    if syntax.is_negated(trigger.head) and trigger.dep_ in ("xcomp", "ccomp", "relcl"):
        out.append("head_negated")
    return out


def act_type(c: Candidate, classes) -> dict[str, list[str]]:
    """Per type: shared features (it is the lexicon's type; the pack's; CAMEO's) and
    type-specific ones (the trigger, the CAMEO family, negation, particles, modals)."""
    t = c.trigger
    lemma = t.lemma_.lower()
    context = [f"trig={lemma}", f"src={c.source}", f"pol={c.polarity}", f"pos={t.pos_}",
               f"mod={c.modality}", f"prior={c.prior or 'none'}"]
    if c.code:
        context += [f"code2={c.code[:2]}", f"code={c.code[:3]}"]
    context += [f"child={ch.lower_}" for ch in t.children if ch.dep_ in ("prt", "prep")]
    context += [f"modal={m}" for m in _modals(t)]
    if c.target:
        context.append("has_target")
    context += _complement(t)
    out = {}
    for kind in classes:
        names = [f"bias|{kind}"] + [f"{f}|{kind}" for f in context]
        if kind == c.prior:
            names += ["is_prior", f"is_prior|src={c.source}", f"is_prior|pol={c.polarity}"]
        out[kind] = names
    return out


def issue(c: Candidate, facts: ArticleFacts, classes) -> dict[str, list[str]]:
    """Per issue: shared features (a strong or weak keyword of this issue in scope, the nearest,
    the rules' choice, the CAMEO hint, a keyword elsewhere in the sentence, the article's top
    issues) and issue-specific ones (the trigger, the nouns in scope, the type)."""
    t = c.trigger
    strong = Counter(name for name, is_strong, *_ in c.keywords if is_strong)
    weak = Counter(name for name, is_strong, *_ in c.keywords if not is_strong)
    nearest = min(((d, name) for name, is_strong, d, *_ in c.keywords if is_strong), default=None)
    # a keyword on the trigger itself or next to it names what the act is about more surely than
    # one further in scope ("a 10-point peace proposal at the G20 summit", "his sanctions threat")
    adjacent = {name for name, is_strong, d, *_ in c.keywords if is_strong and d <= 1}
    rules = [name for name, _, _ in c.rule_issues]
    pronoun = any(via for _, _, via in c.rule_issues)   # an issue found by reference
    hint = cameo.issue_hint(c.code)
    scope_ids = {tok.i for tok in c.scope}
    sentence = Counter(name for token in t.sent if token.i not in scope_ids
                       for words, name, is_strong, _ in facts.pack.keywords.get(token.lemma_.lower(), ())
                       if is_strong and len(words) == 1)
    context = [f"trig={t.lemma_.lower()}", f"prior={c.prior or 'none'}"]
    context += [f"lem={tok.lemma_.lower()}" for tok in c.scope[:40]
                if tok.pos_ in ("NOUN", "PROPN", "ADJ") and not tok.is_stop]
    anything = bool(strong or weak or rules)
    threads = {"thread_target": facts.thread(t.i, c.target) if c.target else None,
               "thread_actor": facts.thread(t.i, c.actor), "thread_last": facts.thread(t.i)}
    out = {}
    for name in classes:
        names = [f"bias|{name}"] + [f"{f}|{name}" for f in context]
        if strong[name]:
            names += ["kw_strong", f"kw_strong={_bucket(strong[name], (1, 2))}"]
        if weak[name]:
            names.append("kw_weak")
        if nearest and nearest[1] == name:
            names.append("kw_nearest")
        if name in adjacent:
            names.append("kw_adjacent")
        if name in rules:
            names += ["rule", "rule_first" if rules[0] == name else "rule_other"]
            if pronoun:   # "Trump is inclined to support it": the act just before names it
                names.append("rule_pronoun")
        if hint == name:
            names.append("cameo_hint")
        if c.spec.get("issue") == name:
            names.append("pack_issue")
        if sentence[name]:
            names.append("kw_sentence")
        for rank, top in enumerate(facts.issues[:2]):
            if top == name:
                names += [f"doc_top{rank}", f"doc_top{rank}|kw={anything}"]
        for feature, value in threads.items():
            if value == name:
                names += [feature, f"{feature}|kw={anything}"]
        if not anything:
            names.append(f"no_keyword|{name}")
        out[name] = names
    return out
