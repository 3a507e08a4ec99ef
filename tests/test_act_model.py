"""The learned act layer's parts on data written here: the linear models, the CAMEO-derived
lexicon, stand-off training files, candidate labelling and the shipped weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley import linear
from parley.components.acts import cameo, training
from parley.components.acts.lexicon import Lexicon, load_packs
from parley.components.acts.model import ActModel, shipped

CAMEO_SAMPLE = """####### SYNONYM SETS #######

&AID
+AID
+ASSISTANCE

####### VERB PATTERNS #######

---  ASK   [---]  ---
+ASK_FOR {+ASKED_FOR} [020]
ASK     [020]
QUESTION
- * &AID                                              [023]         # ASK
- * (FOR {HUMANITARIAN AID})                          [0233]        # ASK
- * ALLEGATION                                        [090]         # QUESTION

---  SPURN   [120]  ---
SPURN
REBUFF [125]
"""


def test_logistic_regression_separates_what_its_features_separate():
    rows = [["bias", "good"]] * 20 + [["bias", "bad"]] * 20
    weights = linear.fit_logistic(rows, [1] * 20 + [0] * 20, l2=1e-4, min_count=1)
    assert linear.score_logistic(["bias", "good"], weights) > 0.9
    assert linear.score_logistic(["bias", "bad"], weights) < 0.1


def test_choice_model_learns_shared_features_that_carry_to_unseen_classes():
    """A keyword feature shared across classes picks the right class even for a class the
    training rows never allowed (what per-class weights cannot do)."""
    classes = ["a", "b", "c"]
    rows = [{k: ["kw"] if k == gold else [] for k in classes} for gold in ["a", "b"] * 15]
    allowed = [{"a"}, {"b"}] * 15
    weights = linear.fit_choice(rows, allowed, classes, l2=1e-4, min_count=1)
    unseen = linear.score_choice({"a": [], "b": [], "c": ["kw"]}, weights)
    assert max(unseen, key=unseen.get) == "c"


def test_choice_model_with_several_allowed_classes_puts_the_mass_on_the_set():
    classes = ["x", "y", "z"]
    rows = [{"x": ["f|x"], "y": ["f|y"], "z": ["f|z"]}] * 30
    weights = linear.fit_choice(rows, [{"x", "y"}] * 30, classes, l2=1e-4, min_count=1)
    p = linear.score_choice(rows[0], weights)
    assert p["x"] + p["y"] > 0.9


def test_cameo_derivation_reads_verbs_particles_and_patterns(tmp_path: Path):
    source = tmp_path / "CAMEO.txt"
    source.write_text(CAMEO_SAMPLE, "utf-8")
    verbs, patterns = cameo.derive(source)
    assert ("ask", "for", "020", "demand", "ask") in verbs
    assert ("question", "", "", "", "ask") in verbs          # coded only through its patterns
    assert ("rebuff", "", "125", "reject", "spurn") in verbs
    assert ("spurn", "", "120", "reject", "spurn") in verbs
    assert ("ask", "aid", "023", "demand") in patterns and ("ask", "assistance", "023", "demand") in patterns
    assert ("ask", "for humanitarian aid", "0233", "demand") in patterns
    assert not any(code == "090" for _, _, code, _ in patterns)   # investigate: no act type


def test_code_prefixes_map_to_act_types():
    assert cameo.act_type("0233") == "demand" and cameo.act_type("057") == "accept"
    assert cameo.act_type("112") == "accuse" and cameo.act_type("111") == "oppose"
    assert cameo.act_type("190") is None and cameo.act_type("010") is None
    assert cameo.issue_hint("0871") == "ceasefire"


def test_the_shipped_table_types_verbs_the_packs_do_not_list(nlp):
    lexicon = Lexicon(load_packs())
    doc = nlp("Ankara spurned the offer and petitioned the court.")
    words = {t.text: lexicon.trigger(t) for t in doc}
    assert words["spurned"].source == "cameo" and words["spurned"].type == "reject"
    assert words["petitioned"].type == "demand"
    assert words["offer"].source == "pack"


def test_a_lemma_with_several_specs_takes_the_one_that_fits(nlp):
    lexicon = Lexicon(load_packs())
    doc = nlp("Kyiv called for a truce after a call with Ankara.")
    called, call = doc[1], doc[7]
    assert lexicon.trigger(called).type == "demand"
    assert lexicon.trigger(call).type == "meet"


GOLD = {
    "schema": "parley-gold/1", "id": "bbc-test-001", "date": None, "title": None,
    "text": "Moldova rejected the offer. Later, Moldova rejected the offer again.",
    "genre": "bbc-2004",
    "actors": {"moldova": {"names": ["Moldova"], "type": "state", "country": "MD"}},
    "acts": [{"actor": "moldova", "type": ["reject"], "issue": "other", "target": None,
              "regions": [], "modality": "asserted", "optional": False,
              "evidence": "Moldova rejected the offer", "occurrence": 2}],
    "quotes": [], "not_quotes": [], "ignore_quotes": [], "times": [], "places": [],
}


def test_standoff_keeps_no_text_and_round_trips():
    record = training.to_standoff(GOLD, "bbc-2004-2005", "bbc-test-001")
    dumped = json.dumps(record)
    assert "rejected the offer" not in dumped and "text" not in record
    assert record["acts"][0]["evidence_span"] == [35, 61]
    assert record["text_source"]["sha256"] == training.sha256(GOLD["text"])
    back = training.from_standoff(record, GOLD["text"])
    assert back["acts"][0]["evidence"] == "Moldova rejected the offer"
    assert back["acts"][0]["occurrence"] == 2


def test_a_candidate_is_labelled_by_the_gold_act_whose_evidence_holds_its_trigger(nlp):
    from parley.components.acts.candidates import CandidateFinder
    from parley.evaluation.gold import ActorMatcher, resolve_gold

    gold = resolve_gold(GOLD)
    doc = nlp(GOLD["text"])
    candidates = CandidateFinder(doc, load_packs()).run()
    actors = ActorMatcher(gold["actors"], doc._.actors)
    labels = [bool(training.gold_matches(c, gold, actors)) for c in candidates]
    assert [c.trigger.text for c in candidates] == ["rejected", "rejected"]
    assert labels == [False, True]    # the gold act is the second statement


def test_training_documents_are_in_the_repository_and_never_the_dev_gold():
    official = sorted((training.TRAINING_DIR / "official").glob("*.json"))
    news = sorted((training.TRAINING_DIR / "news").glob("*.json"))
    assert len(official) + len(news) >= 250
    dev_ids = {p.stem for p in (training.REPO.parent / "shared" / "gold" / "dev").glob("*.json")}
    assert not dev_ids & {p.stem for p in official + news}
    for path in news:
        record = json.loads(path.read_text("utf-8"))
        assert "text" not in record and record["text_source"]["sha256"]


def test_the_shipped_weights_load_and_say_what_they_were_trained_on():
    model = shipped()
    assert not model.empty and 0 < model.threshold < 1
    assert model.meta["documents"] >= 250 and model.meta["cross_validated"]["f1"] > 0
    assert set(model.type_classes) == set(training.TYPES)


def test_without_weights_the_rules_decide(nlp):
    from parley.components.acts import find_acts

    doc = nlp("Moscow demanded a ceasefire.")
    acts = find_acts(doc, model=ActModel())._.acts
    assert [(a["actor"], a["type"], a["issue"]) for a in acts] == [("russia", "demand", "ceasefire")]


@pytest.mark.parametrize("text, parties", [
    ("The US and China held talks in Geneva. Both sides agreed to cut tariffs.",
     {"united-states", "china"}),
    ("Russian and Ukrainian negotiators met in Istanbul. The two delegations agreed to swap "
     "prisoners.", {"russia", "ukraine"}),
])
def test_collective_agents_act_for_the_parties_in_context(nlp, text, parties):
    from parley.components.acts.candidates import CandidateFinder

    doc = nlp(text)
    agreed = [c for c in CandidateFinder(doc, load_packs()).run() if c.trigger.lemma_ == "agree"]
    assert {c.actor for c in agreed} == parties


def test_a_joint_statement_commitment_is_a_candidate_of_its_subject(nlp):
    from parley.components.acts.candidates import CandidateFinder

    doc = nlp("The United States will lower its tariff to 10 percent. China will suspend its "
              "countermeasures.")
    found = {(c.actor, c.source) for c in CandidateFinder(doc, load_packs()).run()}
    assert ("united-states", "commitment") in found or ("united-states", "cameo") in found
    assert any(actor == "china" for actor, _ in found)


def test_the_content_after_a_colon_belongs_to_the_demand(nlp):
    from parley.components.acts.candidates import CandidateFinder

    doc = nlp("In a speech, Putin set out his terms: Ukraine must give up NATO membership.")
    candidates = CandidateFinder(doc, load_packs()).run()
    terms = [c for c in candidates if c.trigger.text == "terms"]
    assert terms and terms[0].actor == "vladimir-putin"
    assert any(k[0] == "membership" for k in terms[0].keywords)
    assert all("embedded" in c.flags for c in candidates if c.actor == "ukraine")


def test_the_detector_sees_how_often_the_article_states_a_stance(nlp):
    """A stance the article states three times, by an actor it keeps returning to, reads
    differently from a one-off mention (features `repeat`, `actor_acts`)."""
    from parley.components.acts.candidates import CandidateFinder
    from parley.components.acts.features import ArticleFacts, detector
    from test_acts import build

    text = ("Russia demanded a ceasefire. Russia demanded talks. Russia demanded guarantees. "
            "Ukraine rejected the plan.")
    doc = build(nlp, text, {"russia": ["Russia"], "ukraine": ["Ukraine"]})
    candidates = CandidateFinder(doc, load_packs()).run()
    facts = ArticleFacts(doc, load_packs()).follow(candidates)
    russia = next(c for c in candidates if c.actor == "russia")
    ukraine = next(c for c in candidates if c.actor == "ukraine")
    assert "repeat=4" in detector(russia, facts) and "actor_acts=4" in detector(russia, facts)
    assert "repeat=1" in detector(ukraine, facts)


def test_the_detector_sees_the_verb_a_clausal_trigger_hangs_from(nlp):
    """"expects to sign", "refused to accept" are read with their governing verb (feature
    `gov`), which the trigger alone does not carry."""
    from parley.components.acts.candidates import CandidateFinder
    from parley.components.acts.features import ArticleFacts, detector
    from test_acts import build

    doc = build(nlp, "Ukraine expects to sign the agreement.", {"ukraine": ["Ukraine"]})
    candidates = CandidateFinder(doc, load_packs()).run()
    facts = ArticleFacts(doc, load_packs()).follow(candidates)
    sign = next(c for c in candidates if c.trigger.lower_ == "sign")
    assert "gov=expect" in detector(sign, facts)


def test_the_issue_model_sees_an_issue_taken_from_the_act_before_a_pronoun(nlp):
    """"Russia demanded Donbas. Trump is inclined to support it.": "it" names no issue; the
    act just before does (feature `rule_pronoun`, on that issue only)."""
    from parley.components.acts.candidates import CandidateFinder
    from parley.components.acts.features import ArticleFacts, issue
    from test_acts import build

    text = "Russia demanded full control of Donbas. Trump is inclined to support it."
    doc = build(nlp, text, {"russia": ["Russia"], "donald-trump": ["Trump"]})
    candidates = CandidateFinder(doc, load_packs()).run()
    facts = ArticleFacts(doc, load_packs()).follow(candidates)
    support = next(c for c in candidates if c.trigger.lower_ == "support")
    features = issue(support, facts, ["territory", "other"])
    assert "rule_pronoun" in features["territory"]
    assert "rule_pronoun" not in features["other"]
