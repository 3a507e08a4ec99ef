"""A statement's authors, named by its title, are its "we" and "I" outside quotations."""

from __future__ import annotations

import pytest

from parley.components.actors import load_registry
from parley.components.authors import author_phrase, authors_in
from parley.components.acts import load_packs
from parley.components.acts.candidates import CandidateFinder
from test_acts import build


def _authors(title: str) -> list[str]:
    reg = load_registry()
    names = [(phrase, actor_id) for phrase, actor_id, kind in reg.phrases if kind == "name"]
    kinds = {actor_id: entry["type"] for actor_id, entry in reg.actors.items()}
    phrase = author_phrase(title)
    return authors_in(phrase, names, kinds) if phrase else []


@pytest.mark.parametrize("title, authors", [
    ("Joint Statement from Canada, Mexico and the United\\_States following the First Meeting",
     ["canada", "mexico", "united-states"]),
    ("Joint Statement Between the United States, Belize, Germany, Indonesia, and",   # cut short
     ["united-states", "belize", "germany", "indonesia"]),
    ("Statement from President Joe\\_Biden on the Crisis in Ethiopia", ["joe-biden"]),
    # the state after "of" says whose president; the person is the author
    ("Joint Statement by President Joseph R. Biden Jr. of the United States and", ["joe-biden"]),
    ("G7 Leaders’ Statement on Extraordinary Revenue Acceleration Loans", ["g7"]),
    ("United States and European Commission Joint Statement on Data Flows",
     ["united-states", "european-commission"]),
    ("Remarks by Vice President Harris at the Summit on Peace in Ukraine", ["kamala-harris"]),
])
def test_the_title_names_the_authors(title, authors):
    assert _authors(title) == authors


@pytest.mark.parametrize("title", [
    "Readout of President Biden’s Call with Prime Minister Kishida",
    "Joint Statement on U.S.-China Economic and Trade Meeting in Geneva",   # about, not by
    "Statement by Press Secretary Karine Jean-Pierre on the President’s Travel",   # an office
    None,
])
def test_titles_that_name_no_author(title):
    assert _authors(title) == []


def _statement(nlp, text, title, actors):
    doc = build(nlp, text, actors)
    doc._.article_title = title
    return doc


def _candidates(doc):
    return CandidateFinder(doc, load_packs()).run()


def test_we_in_a_joint_statement_is_its_signatories(nlp):
    text = "The fighting must stop. Thus we call for an immediate ceasefire across the border."
    doc = _statement(nlp, text, "Joint Statement by the United States, France and Germany", {})
    found = {(c.actor, c.prior) for c in _candidates(doc)}
    assert {("united-states", "demand"), ("france", "demand"), ("germany", "demand")} <= found
    # they need records: an author the text never names has one, without mentions
    records = {a["id"]: a for a in doc._.actors}
    assert records["france"]["mentions"] == [] and records["france"]["type"] == "state"


def test_i_in_a_presidents_statement_is_the_president(nlp):
    text = "This bill is good for our economy, and I will sign it into law as soon as it reaches my desk."
    doc = _statement(nlp, text, "Statement from President Joe Biden on Passage of the Bill", {})
    assert "joe-biden" in {c.actor for c in _candidates(doc)}


def test_an_obligation_in_the_statements_voice_is_the_authors_demand(nlp):
    text = ("Belligerents in the Tigray region should declare and adhere to a ceasefire, and "
            "Eritrean forces should withdraw.")
    doc = _statement(nlp, text, "Statement by President Joe Biden on the Crisis in Ethiopia",
                     {"eritrea": ["Eritrean"]})
    demands = [c for c in _candidates(doc) if c.source == "author"]
    assert {(c.actor, c.prior) for c in demands} == {("joe-biden", "demand")}
    assert len(demands) == 2   # one per clause with its own subject
    declare = next(c for c in demands if c.trigger.lower_ == "declare")
    assert "ceasefire" in {t.lower_ for t in declare.scope}   # "adhere to a ceasefire" is in it
    withdraw = next(c for c in demands if c.trigger.lower_ == "withdraw")
    assert withdraw.target == "eritrea"   # the one obliged is the demand's target


def test_without_a_title_we_falls_back_to_the_context(nlp):
    text = "Thus we call for an immediate ceasefire across the border."
    doc = build(nlp, text, {})
    assert not any(c.source == "author" for c in _candidates(doc))
