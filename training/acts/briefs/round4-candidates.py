"""Round 4: every sub-agent document candidate that no annotated act matches, scored by the model of the day (run from the repository root)."""
import json, collections
from parley.components.acts import training as T
from parley.components.acts.features import ArticleFacts, detector
from parley.components.acts.lexicon import load_packs
from parley.components.acts.model import shipped
from parley.evaluation.gold import ActorMatcher
ref = T.reference_ids(); m = shipped(); pack = load_packs()
golds = [g for g in T.load_documents(T.TRAINING_DIR, report=lambda *a: None) if g["id"] not in ref]
parsed = T.parse(golds, report=lambda *a: None)
items = []
for p in parsed:
    facts = ArticleFacts(p.doc, pack).follow(p.candidates)
    actors = ActorMatcher(p.gold["actors"], p.doc._.actors or [])
    recs = {a["id"]: a for a in p.doc._.actors or []}
    for c in p.candidates:
        if T.gold_matches(c, p.gold, actors): continue
        pr = m.p_act(detector(c, facts))
        sent = c.trigger.sent
        prev = p.doc[sent.start - 1].sent.text if sent.start > 0 else ""
        # the gold actor our actor matches, if any
        gid = next((g for g in p.gold["actors"] if actors.matches(c.actor, g)), None)
        names = [p.doc.text[s:e] for s, e in (recs.get(c.actor, {}).get("mentions") or [])][:3]
        items.append({"doc": p.gold["id"], "genre": p.gold["genre"], "p": round(pr, 2),
                      "sentence": sent.text.strip(), "previous": prev.strip()[-300:],
                      "trigger": c.trigger.text, "trigger_offset": c.trigger.idx,
                      "proposed_actor": gid or c.actor, "proposed_actor_names": names,
                      "proposed_type": c.prior, "in_gold_actors": gid is not None})
json.dump(items, open("/tmp/densify/items_all.json", "w"), ensure_ascii=False)
c = collections.Counter((it["genre"], it["p"] >= 0.3) for it in items); print(len(items), c)
