"""The act trigger table, derived from PETRARCH2's CAMEO verb dictionary (MIT licence).

`CAMEO.2.0.txt` (in `../shared/data/petrarch2/`) is the event-data community's verb lexicon:
~4,700 patterns under ~15,000 verb forms grouped in synonym blocks (`--- ASK [---] ---`), each
verb or pattern (`- * EXTRADITION [0213]`: the verb with that object) carrying a CAMEO event
code. `derive` reads it into two tables that ship in `data/acts/`:

- `cameo_verbs.tsv`: lemma, particle ("ask for"), code, Parley type, block;
- `cameo_patterns.tsv`: block, object words, code, Parley type.

At run time `lexicon.py` looks a verb up by lemma, refines its code with the first pattern of its
block whose object words stand among the verb's dependents, and maps the code to one of the
contract's 12 act types with `data/acts/cameo_types.yaml` (the longest code prefix wins). Only
this module reads the CAMEO format; `parley train lexicon` regenerates the tables.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

NOTICE = """# Derived from CAMEO.2.0.txt of PETRARCH2 (openeventdata/petrarch2), by
# `parley train lexicon` (parley/components/acts/cameo.py). Original licence:
# The MIT License (MIT). Copyright (c) 2015 Open Event Data Alliance.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software
# and associated documentation files (the "Software"), to deal in the Software without
# restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
# Software is furnished to do so, subject to the following conditions: The above copyright notice
# and this permission notice shall be included in all copies or substantial portions of the
# Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
"""

_CODE = re.compile(r"\[([0-9-]+)(?::[0-9-]*)?\]")
_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")


@lru_cache(maxsize=1)
def code_table() -> dict:
    """`{"types": {prefix: type | None}, "issues": {prefix: issue}}` from cameo_types.yaml."""
    text = resources.files("parley.data").joinpath("acts/cameo_types.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _longest(prefixes: dict, code: str):
    for end in range(len(code), 1, -1):
        if code[:end] in prefixes:
            return prefixes[code[:end]]
    return None


def act_type(code: str | None) -> str | None:
    """The Parley type of a CAMEO code (None: not a negotiation act)."""
    return _longest(code_table()["types"], code) if code else None


def issue_hint(code: str | None) -> str | None:
    return _longest(code_table()["issues"], code) if code else None


def _synonym_sets(lines: list[str]) -> dict[str, list[str]]:
    sets, current = {}, None
    for line in lines:
        if line.startswith("####### VERB PATTERNS"):
            break
        if line.startswith("&"):
            current = sets.setdefault(line.split()[0].rstrip("_"), [])
        elif line.startswith("+") and current is not None:
            current.append(line[1:].split()[0].rstrip("_").replace("_", " ").lower())
    return sets


def _words(pattern: str, sets: dict[str, list[str]]) -> list[str]:
    """The object words after `*` in a pattern, one alternative per synonym set member:
    `* (FOR {HUMANITARIAN AID})` -> ["for humanitarian aid"]; `* &WEAPON` -> the weapons."""
    after = pattern.split("*", 1)[1] if "*" in pattern else ""
    after = re.sub(r"[(){}$+%^]", " ", _CODE.split(after)[0]).split("#")[0]
    words = [w for w in after.split() if w]
    if not words:
        return []
    options = [[]]
    for word in words[:3]:
        alternatives = sets.get(word.rstrip("_"), None) if word.startswith("&") else None
        alternatives = alternatives or [word.rstrip("_").replace("_", " ").lower()]
        options = [o + [a] for o in options for a in alternatives[:40]]
    return [" ".join(o) for o in options]


def derive(path: Path) -> tuple[list[tuple], list[tuple]]:
    """(verb rows, pattern rows) from a CAMEO verb dictionary file."""
    lines = Path(path).read_text("utf-8", errors="replace").splitlines()
    sets = _synonym_sets(lines)
    verbs, patterns = [], []
    block, block_code, in_patterns = None, None, False
    for line in lines:
        if line.startswith("####### VERB PATTERNS"):
            in_patterns = True
            continue
        if not in_patterns or not line.strip() or line.startswith("#"):
            continue
        header = _BLOCK.match(line)
        if header:
            block = header.group(1).lower()
            block_code = header.group(2).strip() if header.group(2).strip("- ") else None
            continue
        if block is None:
            continue
        found = _CODE.search(line.split("#")[0])
        code = found.group(1) if found and found.group(1).strip("-") else None
        if line.startswith("- "):
            if code and act_type(code):
                for words in _words(line[2:], sets):
                    patterns.append((block, words, code, act_type(code)))
            continue
        form = re.sub(r"\{[^}]*\}", " ", line.split("#")[0])
        form = _CODE.sub(" ", form).split()
        if not form:
            continue
        parts = form[0].lstrip("+").rstrip("_").lower().split("_")
        lemma, particle = parts[0], " ".join(parts[1:])
        own = code or block_code
        verbs.append((lemma, particle, own or "", act_type(own) or "", block))
    return _unique(verbs), _unique(patterns)


def _unique(rows: list[tuple]) -> list[tuple]:
    seen, out = set(), []
    for row in rows:
        if row not in seen:
            seen.add(row)
            out.append(row)
    return out


def write_tables(source: Path, folder: Path) -> tuple[int, int]:
    """Derive from `source` and write the two TSV tables (with the MIT notice) into `folder`."""
    verbs, patterns = derive(source)
    header = NOTICE + f"# Source: {Path(source).name}. Regenerate: parley train lexicon\n"
    (folder / "cameo_verbs.tsv").write_text(
        header + "lemma\tparticle\tcode\ttype\tblock\n"
        + "".join("\t".join(row) + "\n" for row in verbs), "utf-8")
    (folder / "cameo_patterns.tsv").write_text(
        header + "block\twords\tcode\ttype\n"
        + "".join("\t".join(row) + "\n" for row in patterns), "utf-8")
    return len(verbs), len(patterns)


def read_table(name: str) -> list[dict]:
    """Rows of a shipped table as dicts (comment lines skipped, first other line the header)."""
    text = resources.files("parley.data").joinpath(f"acts/{name}").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"))) for line in lines[1:]]
