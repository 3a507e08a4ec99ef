"""The acts stage: negotiation acts (demand, offer, reject, meet, ...) in one article.

Writes `doc._.acts`: contract `Act` records (plain dicts, char offsets into `doc.text`).

The stage is a small pipeline of its own, one module per step:

1. `lexicon`: which words can state an act (the domain packs, then the CAMEO verb table);
2. `candidates`: every (trigger, actor) pair the parse offers, with its attributes
   (`attributes`: scope, issue keywords, modality, condition, time, regions, target, source,
   evidence);
3. `features` + `model`: a learned layer decides whether each candidate is an act, of which type
   and on which issue (trained by `training` on the annotated documents; without weights the hand
   rules decide);
4. here: one act per (actor, type, issue) per article, the best-scored kept, the other evidence
   listed under `more_evidence` (an act is a stance in an article; repeating it does not make a
   second act, as the annotation guidelines code it).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .attributes import Context
from .candidates import Candidate, CandidateFinder
from .features import ArticleFacts, act_type, detector, issue
from .lexicon import Pack, load_packs
from .model import ActModel, active

__all__ = ["find_acts", "load_packs", "Pack", "decide"]


@Language.factory("parley_acts", default_config={"extra_packs": [], "entity_fallback": False})
def make_acts(nlp: Language, name: str, extra_packs: list, entity_fallback: bool):
    """Load the packs once, at pipeline build time, and return the stage function."""
    pack = load_packs(tuple(extra_packs))

    def parley_acts(doc: Doc) -> Doc:
        return find_acts(doc, pack=pack, entity_fallback=entity_fallback)

    return parley_acts


def find_acts(doc: Doc, pack: Pack | None = None, entity_fallback: bool = False,
              model: ActModel | None = None) -> Doc:
    """Fill `doc._.acts`; callable directly on a parsed Doc (tests build the inputs by hand)."""
    pack = pack or load_packs()
    candidates = CandidateFinder(doc, pack, entity_fallback).run()
    doc._.acts = decide(doc, candidates, pack, model or active())
    return doc


def decide(doc: Doc, candidates: list[Candidate], pack: Pack, model: ActModel) -> list[dict]:
    """The acts among the candidates, one per (actor, type, issue), numbered in text order."""
    facts = ArticleFacts(doc, pack).follow(candidates)
    p_act = {} if model.empty else _joint_probabilities(candidates, facts, model)
    acts = []
    for candidate in candidates:
        choices = _choices(candidate, facts, model, p_act.get(id(candidate), 0.0))
        for act_kind, issue_name, obj, confidence in choices:
            acts.append(_record(candidate, act_kind, issue_name, obj, confidence, pack))
    acts = _one_per_stance(acts)
    for n, act in enumerate(acts, 1):
        act["id"] = f"act-{n}"
    return acts


def _joint_probabilities(candidates: list[Candidate], facts: ArticleFacts,
                         model: ActModel) -> dict[int, float]:
    """P(act) per candidate; the agents one trigger gives in the same way share the highest:
    "The UK, France, Germany, Austria ... want X" states the demand of each; the detector's article
    features (how often each actor is named, how many acts it has) would otherwise keep the
    first-named state and drop the others. Keyed by `id(candidate)`."""
    p = {id(c): model.p_act(detector(c, facts)) for c in candidates}
    joint = [c for c in candidates if c.agents > 1 and c.via != "participant"]
    best: dict[tuple, float] = {}
    for c in joint:
        best[c.trigger.i, c.via] = max(best.get((c.trigger.i, c.via), 0.0), p[id(c)])
    for c in joint:
        p[id(c)] = best[c.trigger.i, c.via]
    return p


def _choices(c: Candidate, facts: ArticleFacts, model: ActModel, p: float):
    """(type, issue, object, confidence) for each act the candidate makes, `p` its
    probability of being an act."""
    if model.empty:
        if not c.rule:
            return []
        return [(c.prior, name, obj, round(c.confidence * (0.8 if via else 1.0), 2))
                for name, obj, via in c.rule_issues if _issue_allowed(c, name)]
    if p < model.threshold:
        return []
    if (c.polarity == "negative" and c.prior) or c.spec.get("fixed_type"):
        # "did not demand" is a negated demand, not a refusal (the contract); a `fixed_type`
        # trigger ("discussed") is what the pack says, whatever the type model would make of it
        kind = c.prior
    else:
        types = model.type_probabilities(act_type(c, model.type_classes))
        kind = max(types, key=types.get)
    if c.spec.get("issue"):
        issues = {c.spec["issue"]: 1.0}
    elif kind == "meet":
        issues = {"talks_format": 1.0}   # the guidelines' convention (and all 680 training meets)
    else:
        # a pack's own issues join the model's classes: the shared keyword features carry them
        classes = list(dict.fromkeys(model.issue_classes + list(facts.pack.issue_rank)))
        issues = model.issue_probabilities(issue(c, facts, classes))
    ranked = sorted(issues.items(), key=lambda kv: -kv[1])
    objects = {name: (obj, via) for name, obj, via in c.rule_issues}
    chosen = [ranked[0][0]]
    referred = chosen[0] == "other" and any(via for _, via in objects.values())
    if chosen[0] in objects or _keyword_issues(c) or referred:
        # the model agrees with the rules, or a strong pack keyword names the issue of a pack
        # word, or the model says `other` of an act whose matter is named by reference ("support
        # it", "the following actions:"): the rules' issues, one per coordinated branch
        chosen = list(objects)
    out = []
    for name in chosen:
        if not _issue_allowed(c, name):
            continue
        obj, _ = objects.get(name, (None, False))
        out.append((kind, name, obj, round(p, 2)))
    return out


def _keyword_issues(c: Candidate) -> bool:
    """A pack trigger whose rule issues all come from strong pack keywords in its scope (the
    domain packs are written for negotiation text; the issue model is trained on few articles
    of any one conflict)."""
    return c.source in ("pack", "speech") and bool(c.rule_issues) and all(
        any(k.issue == name and k.strong for k in c.keywords) for name, _, _ in c.rule_issues)


def _issue_allowed(c: Candidate, name: str) -> bool:
    return not c.spec.get("issues") or name in c.spec["issues"]


def _record(c: Candidate, kind: str, issue_name: str, obj, confidence: float, pack: Pack) -> dict:
    regions = list(c.regions) if issue_name == "territory" else []
    trigger = c.trigger
    return {
        "id": "", "type": kind, "actor": c.actor, "target": c.target, "issue": issue_name,
        "object": obj, "regions": regions, "polarity": c.polarity, "modality": c.modality,
        "condition": c.condition, "time": c.time, "source": Context.source(c.quote),
        "evidence": list(c.evidence), "confidence": confidence,
        "trigger": {"text": trigger.text, "span": [trigger.idx, trigger.idx + len(trigger)]},
        "reporter_hedge": c.reporter_hedge, "plover": pack.plover.get(kind),
    }


def _one_per_stance(acts: list[dict]) -> list[dict]:
    """Keep the most confident act per (actor, type, issue); the others' evidence goes to the
    kept act's `more_evidence`. Text order is kept."""
    best: dict[tuple, dict] = {}
    for act in acts:
        key = (act["actor"], act["type"], act["issue"])
        kept = best.get(key)
        if kept is None:
            best[key] = act
            continue
        winner, loser = (act, kept) if act["confidence"] > kept["confidence"] else (kept, act)
        winner.setdefault("more_evidence", [])
        winner["more_evidence"] += [loser["evidence"]] + loser.get("more_evidence", [])
        best[key] = winner
    return sorted(best.values(), key=lambda a: a["evidence"][0])
