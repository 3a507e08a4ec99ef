"""python /tmp/densify/check.py N : validate /tmp/densify/out/batchN.jsonl against the batch and the documents."""
import json, sys, re
TYPES = {"demand","offer","propose","accept","reject","support","oppose","concede","accuse","threaten","meet","claim"}
ISSUES = {"territory","ceasefire","peace_agreement","security_guarantees","membership","military_forces","sanctions","prisoners","humanitarian","language","religion","elections","talks_format","trade","energy","nuclear","maritime","assets","accountability","other"}
MODALITIES = {"asserted","hedged","conditional","predicted"}
n = sys.argv[1]
items = {json.loads(l)["item"]: json.loads(l) for l in open(f"/tmp/densify/batch{n}.jsonl")}
def doc_parts(d):
    t = open(f"/tmp/densify/docs/{d}.txt").read()
    actors = set(re.findall(r"^  ([a-z0-9][a-z0-9-]*) \[", t.split("ACTS ALREADY")[0], re.M))
    return t.split("\nTEXT:\n", 1)[1], actors
problems, seen = [], set()
for k, line in enumerate(open(f"/tmp/densify/out/batch{n}.jsonl"), 1):
    if not line.strip(): continue
    try: r = json.loads(line)
    except Exception as e: problems.append(f"line {k}: not JSON ({e})"); continue
    it = items.get(r.get("item"))
    if it is None: problems.append(f"line {k}: unknown item {r.get('item')}"); continue
    seen.add(r["item"])
    if not isinstance(r.get("act"), bool): problems.append(f"line {k}: 'act' must be true or false"); continue
    if not r["act"]: continue
    text, actors = doc_parts(it["doc"])
    if r.get("actor") not in actors and not (isinstance(r.get("new_actor"), dict) and r["new_actor"].get("id") == r.get("actor") and r["new_actor"].get("names") and r["new_actor"].get("type") in ("person","state","organization","group")):
        problems.append(f"line {k}: actor {r.get('actor')!r} not in the document's actors (or give new_actor {{id, names, type, country}})")
    if not r.get("type") or not set(r["type"]) <= TYPES: problems.append(f"line {k}: bad type {r.get('type')}")
    if r.get("issue") not in ISSUES: problems.append(f"line {k}: bad issue {r.get('issue')}")
    if r.get("modality", "asserted") not in MODALITIES: problems.append(f"line {k}: bad modality")
    if not isinstance(r.get("optional"), bool): problems.append(f"line {k}: optional must be true or false")
    ev = r.get("evidence") or ""
    if not ev or ev not in text: problems.append(f"line {k}: evidence is not an exact substring of the text: {ev[:60]!r}")
    elif ev not in it["sentence"] and it["sentence"] not in ev and not (set(ev.split()) & set(it["sentence"].split())):
        problems.append(f"line {k}: evidence does not overlap the item's sentence")
    if r.get("target") is not None and r["target"] not in actors and r["target"] != r.get("actor"): problems.append(f"line {k}: target {r['target']!r} not a document actor")
missing = sorted(set(items) - seen)
print(f"{len(seen)}/{len(items)} items judged; {len(problems)} problems")
for p in problems[:40]: print(" ", p)
if missing: print("  not yet judged:", missing[:20], "..." if len(missing) > 20 else "")
