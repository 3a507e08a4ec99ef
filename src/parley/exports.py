"""Exports of acts and positions: CSV, JSONL and Parquet tables; GraphML and GEXF networks.

Tables flatten nested fields to JSON strings (CSV) or keep them as lists (JSONL, Parquet via
pyarrow). Networks are built with networkx, whose GraphML and GEXF writers Gephi and visone read:
- `actor-issue`: bipartite, actor → issue edges weighted by stance (+1 for, -1 against, summed);
- `agreement`: actor – actor edges in the style of Discourse Network Analysis: two actors are tied
  when they take the same stance on the same issue (weight = number of shared issues); ties of
  opposite stances go into a `conflict` weight on the same edge.
Every exported act carries its PLOVER event type (from the domain packs' `plover` table).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

TABLE_FORMATS = ("csv", "jsonl", "parquet")
NETWORK_FORMATS = ("graphml", "gexf")


def plover_code(act_type: str) -> str | None:
    from .components.acts import load_packs

    return load_packs().plover.get(act_type)


def act_records(rows: list[dict]) -> list[dict]:
    """Ledger act rows as export records, with their PLOVER code."""
    return [{**row, "plover": plover_code(row["type"])} for row in rows]


def position_records(positions) -> list[dict]:
    """One flat record per position (the timeline is exported as a JSON list of statement ids)."""
    records = []
    for position in positions:
        data = position.as_dict()
        data["timeline"] = [s["id"] for s in data["timeline"]]
        records.append(data)
    return records


def write_table(records: list[dict], path: Path, fmt: str) -> None:
    """Write records as CSV, JSONL or Parquet (written beside `path` first, then renamed)."""
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        columns = sorted({key for record in records for key in record})
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for record in records:
                writer.writerow({k: _flat(v) for k, v in record.items()})
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = sorted({key for record in records for key in record})
        table = pa.table({c: [_parquet_value(r.get(c)) for r in records] for c in columns})
        pq.write_table(table, tmp)
    else:
        raise ValueError(f"unknown table format {fmt!r}; use one of {TABLE_FORMATS}")
    tmp.replace(path)


def _flat(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _parquet_value(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def stance_network(positions, kind: str):
    """The actor–issue or actor–actor agreement network of the positions, as a networkx graph."""
    import networkx as nx

    graph = nx.Graph(name=f"parley {kind}")
    stances = [(p.actor, p.issue or "other", p.stance) for p in positions if p.stance]
    if kind == "actor-issue":
        for actor, issue, sign in stances:
            graph.add_node(actor, kind="actor")
            graph.add_node(f"issue:{issue}", kind="issue", label=issue)
            weight = graph.get_edge_data(actor, f"issue:{issue}", {}).get("stance", 0) + sign
            graph.add_edge(actor, f"issue:{issue}", stance=weight)
        return graph
    if kind != "agreement":
        raise ValueError(f"unknown network {kind!r}; use actor-issue or agreement")
    for i, (actor_a, issue_a, sign_a) in enumerate(stances):
        graph.add_node(actor_a, kind="actor")
        for actor_b, issue_b, sign_b in stances[i + 1:]:
            if issue_a != issue_b or actor_a == actor_b:
                continue
            data = graph.get_edge_data(actor_a, actor_b) or {"agreement": 0, "conflict": 0}
            data["agreement" if sign_a == sign_b else "conflict"] += 1
            graph.add_edge(actor_a, actor_b, **data)
    return graph


def write_network(graph, path: Path, fmt: str) -> None:
    import networkx as nx

    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "graphml":
        nx.write_graphml(graph, tmp)
    elif fmt == "gexf":
        nx.write_gexf(graph, tmp)
    else:
        raise ValueError(f"unknown network format {fmt!r}; use one of {NETWORK_FORMATS}")
    tmp.replace(path)
