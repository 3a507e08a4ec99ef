"""Positions across articles, on a small dated corpus of acts with known answers.

The corpus: Kyiv rejects a ceasefire on 1 March and accepts one on 20 March (a shift); the
Kremlin's demand for sanctions relief is carried by two outlets on the same day (one statement, two
sources); on 5 March one outlet's anonymous source says Washington backs a summit plan while another
outlet's named official says Washington opposes it (a contradiction).
"""

from parley.positions import (analyse_positions, build_positions, find_contradictions,
                              find_shifts, merge_reports, stance_sign)


def act(article_id, date, outlet, actor, type, issue, evidence, *, polarity="positive",
        source_actor=None, source_anonymous=None, n=0, object=None, target=None):
    return {"article_id": article_id, "n": n, "act_id": f"act{n}", "date": date, "outlet": outlet,
            "actor": actor, "type": type, "issue": issue, "polarity": polarity, "regions": [],
            "object": object, "target": target,
            "source_actor": source_actor, "source_anonymous": source_anonymous,
            "evidence_start": 0, "evidence_end": len(evidence), "evidence_text": evidence}


CORPUS = [
    act("a1", "2025-03-01", "Wire", "ukraine", "reject", "ceasefire",
        "Kyiv rejected the proposed ceasefire as a trap", object="ceasefire", target="russia"),
    act("a2", "2025-03-20", "Gazette", "ukraine", "accept", "ceasefire",
        "Ukraine accepted a 30-day ceasefire after talks in Jeddah", object="ceasefire",
        target="russia"),
    act("a3", "2025-03-04", "Wire", "russia", "demand", "sanctions",
        "Moscow demanded that sanctions on its banks be lifted before any deal"),
    act("a4", "2025-03-04", "Herald", "russia", "demand", "sanctions",
        "Moscow demanded that sanctions on its banks be lifted before any deal, officials said"),
    act("a5", "2025-03-05", "Wire", "united-states", "support", "talks_format",
        "Washington backs the plan for a leaders' summit",
        source_anonymous="a source close to the talks", object="summit", target="russia"),
    act("a6", "2025-03-05", "Herald", "united-states", "oppose", "talks_format",
        "Washington opposes the plan for a leaders' summit", source_actor="marco-rubio",
        object="summit", target="russia"),
]


def test_stance_signs_come_from_the_data_file():
    assert stance_sign("demand") == 1 and stance_sign("reject") == -1
    assert stance_sign("meet") == 0
    assert stance_sign("demand", "negative") == -1


def test_the_same_statement_from_two_outlets_is_one_statement_with_two_sources():
    statements = merge_reports(CORPUS)
    sanctions = [s for s in statements if s.issue == "sanctions"]
    assert len(sanctions) == 1
    assert sanctions[0].outlets == ["Herald", "Wire"] and len(sanctions[0].reports) == 2
    assert len(statements) == 5


def test_different_statements_are_not_merged():
    rows = [act("b1", "2025-03-04", "Wire", "russia", "demand", "sanctions",
                "Moscow demanded the lifting of sanctions on fertiliser exports"),
            act("b2", "2025-03-04", "Herald", "russia", "demand", "sanctions",
                "The Kremlin wants a ban on new weapons deliveries to be agreed first")]
    assert len(merge_reports(rows)) == 2


def test_timeline_first_and_last_seen_sources_and_anonymous_share():
    positions = {(p.actor, p.issue): p.as_dict() for p in build_positions(merge_reports(CORPUS))}
    kyiv = positions[("ukraine", "ceasefire")]
    assert [t["type"] for t in kyiv["timeline"]] == ["reject", "accept"]
    assert (kyiv["first_seen"], kyiv["last_seen"]) == ("2025-03-01", "2025-03-20")
    assert kyiv["stance"] == "for" and kyiv["anonymous_share"] == 0
    moscow = positions[("russia", "sanctions")]
    assert moscow["n_statements"] == 1 and moscow["n_sources"] == 2
    washington = positions[("united-states", "talks_format")]
    assert washington["anonymous_share"] == 0.5


def test_a_change_weeks_apart_is_a_shift_with_both_sides_evidence():
    result = analyse_positions(CORPUS)
    [shift] = result["shifts"]
    assert (shift["actor"], shift["issue"]) == ("ukraine", "ceasefire")
    assert shift["before"]["type"] == "reject" and shift["after"]["type"] == "accept"
    assert shift["before"]["evidence"].startswith("Kyiv rejected")
    assert shift["after"]["article_id"] == "a2"


def test_opposite_reports_in_the_same_days_from_different_sources_are_a_contradiction():
    result = analyse_positions(CORPUS)
    [contradiction] = result["contradictions"]
    assert contradiction["actor"] == "united-states"
    sides = {contradiction["before"]["reporter"], contradiction["after"]["reporter"]}
    assert sides == {"anonymous: a source close to the talks", "marco-rubio"}
    assert not [s for s in result["shifts"] if s["actor"] == "united-states"]


def test_the_same_stance_twice_is_neither_shift_nor_contradiction():
    rows = [act("c1", "2025-01-01", "Wire", "nato", "oppose", "membership", "NATO opposed it"),
            act("c2", "2025-02-01", "Wire", "nato", "reject", "membership", "NATO rejected it")]
    [position] = build_positions(merge_reports(rows))
    assert find_shifts(position) == [] and find_contradictions(position) == []


def test_opposite_types_about_different_things_are_no_shift():
    """Condemning one party's war and backing another's defence share an issue, not an object;
    a demand of a party and a rejection of its demands are one position; `other` is no issue
    to hold a stance on."""
    rows = [act("d1", "2025-01-01", "Wire", "canada", "oppose", "military_forces",
                "Canada condemned Russia's war", object="war", target="russia"),
            act("d2", "2025-02-20", "Wire", "canada", "support", "military_forces",
                "Canada backed Ukraine's air defence", object="air defence", target="ukraine"),
            act("d3", "2025-01-01", "Wire", "kenya", "demand", "ceasefire",
                "Kenya demanded a ceasefire", object="ceasefire"),
            act("d4", "2025-02-20", "Wire", "kenya", "reject", "ceasefire",
                "Kenya rejected the rebels' ceasefire terms", object="ceasefire"),
            act("d5", "2025-01-01", "Wire", "chile", "support", "other",
                "Chile welcomed the green bond", object="bond"),
            act("d6", "2025-02-20", "Wire", "chile", "oppose", "other",
                "Chile opposed the bond", object="bond")]
    result = analyse_positions(rows)
    assert result["shifts"] == [] and result["contradictions"] == []
