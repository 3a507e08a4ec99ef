"""Add the judged acts to the training files (only adds; never removes or edits an act)."""
import json, glob, collections
from pathlib import Path
from parley.components.acts import training as T
REPO = Path("/work/main/training/acts")
items = {}
for p in glob.glob("/tmp/densify/batch*.jsonl"):
    for line in open(p):
        it = json.loads(line); items[it["item"]] = it
judged = []
for p in sorted(glob.glob("/tmp/densify/out/batch*.jsonl")):
    for line in open(p):
        if line.strip():
            judged.append(json.loads(line))
stats = collections.Counter()
bydoc = collections.defaultdict(list)
for r in judged:
    stats["judged"] += 1
    if r.get("act"):
        stats["acts"] += 1; stats["optional" if r["optional"] else "required"] += 1
        bydoc[items[r["item"]]["doc"]].append((items[r["item"]], r))
shared = T.shared_root()
for doc, pairs in sorted(bydoc.items()):
    official = REPO / "official" / f"{doc}.json"
    path = official if official.exists() else REPO / "news" / f"{doc}.json"
    data = json.loads(path.read_text("utf-8"))
    text = data["text"] if "text" in data else T.news_text(data["text_source"]["corpus"], data["text_source"]["id"], shared)
    for it, r in pairs:
        if r["actor"] not in data["actors"]:
            new = r.get("new_actor") or {}
            data["actors"][r["actor"]] = {"names": new["names"], "type": new["type"], "country": new.get("country")}
            stats["new actors"] += 1
        ev = r["evidence"]
        starts = [i for i in range(len(text)) if text.startswith(ev, i)]
        start = min(starts, key=lambda i: abs(i - it["trigger_offset"]))
        # one required entry per stance (the guidelines): a stance already in the document makes
        # a new entry an optional duplicate
        same = any(a["actor"] == r["actor"] and a["issue"] == r["issue"] and set(a["type"]) & set(r["type"])
                   for a in data["acts"])
        if same and not r["optional"]:
            stats["required made optional (stance already annotated)"] += 1
        act = {"actor": r["actor"], "type": r["type"], "issue": r["issue"], "target": r.get("target"),
               "regions": [], "modality": r.get("modality", "asserted"), "optional": r["optional"] or same}
        if "text" in data:
            spans = {(a["actor"], a["issue"], a["evidence"], a.get("occurrence", 1)) for a in data["acts"]}
            occurrence = starts.index(start) + 1
            if (act["actor"], act["issue"], ev, occurrence) in spans:
                stats["duplicates skipped"] += 1; continue
            act["evidence"] = ev
            if occurrence > 1:
                act["occurrence"] = occurrence
        else:
            spans = {(a["actor"], a["issue"], tuple(a["evidence_span"])) for a in data["acts"]}
            if (act["actor"], act["issue"], (start, start + len(ev))) in spans:
                stats["duplicates skipped"] += 1; continue
            act["evidence_span"] = [start, start + len(ev)]
        data["acts"].append(act)
        stats["added"] += 1
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    stats["documents"] += 1
print(dict(stats))
