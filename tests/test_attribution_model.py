"""The learned attribution layer: candidates, features, the trained weights and their training,
on sentences written for these tests."""

from __future__ import annotations

import pytest

from parley.components import attribution_model, quote_data, quotes
from parley.evaluation import polnear
from parley.evaluation.polnear_model import fit, is_true_positive, labelled
from parley.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def text_of(doc, tokens):
    return doc.text[tokens[0].idx:tokens[-1].idx + len(tokens[-1])]


def candidate(doc, cue: str, shape: str):
    found = [c for c in attribution_model.candidates(doc, quotes._subject)
             if c.cue.text == cue and c.shape == shape]
    assert len(found) == 1, [(c.cue.text, c.shape) for c in attribution_model.candidates(doc, quotes._subject)]
    return found[0]


def test_a_verb_object_is_a_candidate_with_its_subject_as_source(nlp):
    doc = nlp("The nurses' union backs the new contract for hospital staff.")
    found = candidate(doc, "backs", "dobj")
    assert text_of(doc, found.content) == "the new contract for hospital staff"
    assert found.source.text == "union"


def test_a_noun_cue_takes_its_possessor_and_the_object_of_its_preposition(nlp):
    doc = nlp("Senator Alvarez's criticism of the tariff plan surprised the committee.")
    found = candidate(doc, "criticism", "prep_pobj")
    assert text_of(doc, found.content) == "the tariff plan"
    assert found.preposition.text == "of"
    assert "Alvarez" in found.source.text


def test_a_clause_candidate_leaves_out_that_and_the_full_stop(nlp):
    doc = nlp("The minister hinted that the border would reopen.")
    found = candidate(doc, "hinted", "ccomp")
    assert text_of(doc, found.content) == "the border would reopen"


def test_a_clause_before_a_word_with_an_object_of_its_own_is_not_its_content(nlp):
    # the small model hangs "want" on "urged" across the dash; "urged" has its own content
    doc = nlp("The UK, France, Germany, Austria, the Netherlands and Sweden want the EU budget to be "
              "capped at 1% of member states' combined national incomes - the European Commission "
              "has urged an increase to 1.26%.")
    found = attribution_model.candidates(doc, quotes._subject)
    assert any(c.cue.text == "want" for c in found)   # the clause's own word still proposes
    assert not [c for c in found if c.cue.text == "urged" and c.content[0].i < c.cue.i]


def test_features_name_the_lemma_shape_and_modality(nlp):
    doc = nlp("The governor will oppose the pipeline.")
    names = attribution_model.features(candidate(doc, "oppose", "dobj"))
    assert "lemma=oppose" in names and "shape=dobj" in names and "modal=True" in names
    assert "source=NOUN" in names


def test_a_trial_model_that_takes_everything_never_overlaps_the_rule_quotes(nlp):
    text = "Ms. Okafor said that taxes will rise next year. The union backs the new contract."
    with attribution_model.trial({"bias": 10.0}, 0.5):
        doc = nlp(text)
    learned = [q for q in doc._.quotes if q.get("learned")]
    ruled = [q for q in doc._.quotes if not q.get("learned")]
    assert [doc.text[slice(*q["segments"][0])] for q in ruled] == ["taxes will rise next year"]
    assert "the new contract" in [doc.text[slice(*q["segments"][0])] for q in learned]
    for q in learned:
        start, end = q["segments"][0]
        assert not any(s < end and start < e for r in ruled for s, e in r["segments"])
        assert q["kind"] == "indirect" and 0.5 <= q["confidence"] <= 1.0
        assert doc.text[slice(*q["cue"]["span"])] == q["cue"]["text"]


def test_a_trial_model_that_takes_nothing_leaves_the_rules_alone(nlp):
    text = "The union backs the new contract. Ms. Okafor said that taxes will rise."
    with attribution_model.trial({"bias": -10.0}, 0.5):
        doc = nlp(text)
    assert not any(q.get("learned") for q in doc._.quotes)
    assert len(doc._.quotes) == 1


def test_the_shipped_model_has_weights_and_a_threshold():
    weights, threshold = attribution_model.model()
    assert len(weights) > 1000 and 0.0 < threshold <= 1.0
    # a lemma that was a cue most of the time in train weighs more than one that never was
    assert weights["prior=9"] > 0 > weights["prior=0"]


@pytest.mark.parametrize("text", quote_data.quotes_yaml()["not_quotes"])
def test_the_shipped_model_quotes_none_of_the_written_non_quotes(nlp, text):
    # training keeps only thresholds at which these stay empty (polnear_model.not_quotes_quoted)
    assert nlp(text)._.quotes == []


def test_the_shipped_model_attributes_a_position_without_a_speech_verb(nlp):
    doc = nlp("Senator Maria Alvarez has long opposed the trade agreement with Canada.")
    quote = only_learned(doc)
    assert doc.text[slice(*quote["segments"][0])] == "the trade agreement with Canada"
    assert doc.text[slice(*quote["speaker"]["mention"])] == "Senator Maria Alvarez"
    assert quote["cue"]["text"] == "has long opposed"
    assert quote["speaker"]["anonymity"] == "named"


def test_the_shipped_model_reads_a_wish_as_a_position(nlp):
    doc = nlp("Governor Hale wants to cut the state income tax by half.")
    quote = only_learned(doc)
    assert doc.text[slice(*quote["segments"][0])] == "to cut the state income tax by half"
    assert quote["cue"]["text"] == "wants"


def only_learned(doc):
    learned = [q for q in doc._.quotes if q.get("learned")]
    assert len(learned) == 1, doc._.quotes
    return learned[0]


def test_the_shipped_model_leaves_plain_events_alone(nlp):
    doc = nlp("The truck carried forty tonnes of grain across the bridge on Tuesday.")
    assert doc._.quotes == []


def test_fit_learns_which_feature_marks_an_attribution():
    rows = [(i, ["bias", "lemma=back"], 1) for i in range(40)]
    rows += [(i, ["bias", "lemma=carry"], 0) for i in range(40)]
    weights = fit(rows, steps=200, prune=0.0)
    assert attribution_model.probability(["bias", "lemma=back"], weights) > 0.9
    assert attribution_model.probability(["bias", "lemma=carry"], weights) < 0.1


def test_a_candidate_is_a_true_positive_only_with_the_right_cue_content_and_source(nlp):
    text = "The nurses' union backs the new contract for hospital staff."
    doc = nlp(text)
    found = candidate(doc, "backs", "dobj")

    def span(s):
        return (text.index(s), text.index(s) + len(s))

    right = polnear.Attribution(source=[span("The nurses' union")], cue=[span("backs")],
                                content=[span("the new contract for hospital staff")])
    assert is_true_positive(text, found, [right])
    wrong_source = polnear.Attribution(source=[span("hospital staff")], cue=right.cue, content=right.content)
    assert not is_true_positive(text, found, [wrong_source])
    wider = polnear.Attribution(source=right.source, cue=right.cue,
                                content=[(0, len(text))])  # the prediction covers under 80% of it
    assert not is_true_positive(text, found, [wider])


def test_without_the_weights_file_the_layer_is_off(monkeypatch, nlp):
    """Deployments that may not ship weights derived from PolNeAR delete the file: the rules
    still run and nothing is learned."""
    monkeypatch.setattr(attribution_model, "MODEL_FILE", "no_such_model.tsv")
    attribution_model.model.cache_clear()
    try:
        assert attribution_model.model() == ({}, 1.0)
        doc = nlp("Governor Hale wants to cut the state income tax by half. Hale said that taxes will fall next year.")
        assert [q.get("learned", False) for q in doc._.quotes] == [False]
    finally:
        attribution_model.model.cache_clear()


def test_training_rows_label_only_the_candidate_the_gold_attributes(nlp):
    text = "The nurses' union backs the new contract for hospital staff. The truck carried grain."

    def span(s):
        return (text.index(s), text.index(s) + len(s))

    gold = [polnear.Attribution(source=[span("The nurses' union")], cue=[span("backs")],
                                content=[span("the new contract for hospital staff")])]
    rows = labelled([nlp(text)], [("written", text, gold)])
    positives = [names for _, names, label in rows if label]
    assert len(positives) == 1 and "lemma=back" in positives[0] and "shape=dobj" in positives[0]
    assert any("lemma=carry" in names for _, names, label in rows if not label)


def test_a_negotiation_move_with_an_object_is_left_to_the_acts_stage(nlp):
    doc = nlp("Putin has demanded full control of the eastern region.")
    assert not any(c.cue.text == "demanded" and c.shape == "dobj"
                   for c in attribution_model.candidates(doc, quotes._subject))
    assert not any(q.get("learned") for q in doc._.quotes)


def test_an_act_trigger_needs_its_particle_to_be_an_act(nlp):
    doc = nlp("The senator called the tariff plan a disaster for farmers.")
    assert any(c.cue.text == "called" for c in attribution_model.candidates(doc, quotes._subject))
    doc = nlp("The senator called for a new tariff plan.")
    assert not any(c.cue.text == "called" and c.shape == "prep_pobj"
                   for c in attribution_model.candidates(doc, quotes._subject))


def test_the_threshold_rule_follows_the_rules_alone_when_the_gold_is_harder():
    """With the fourteen-article gold the rules alone score under 0.95 with three scare quotes;
    an absolute bar switched the layer off at every threshold."""
    from parley.evaluation.polnear_model import allowed_thresholds

    row = lambda t, f1, gold, scare=3, bad=(): {"threshold": t, "f1": f1, "gold_f1": gold,
                                                "gold_scare": scare, "not_quotes_quoted": list(bad)}
    table = [row(0.2, 0.63, 0.86, bad=["The delegation will criticize ..."]), row(0.3, 0.62, 0.86),
             row(0.4, 0.61, 0.84), row(0.5, 0.60, 0.86, scare=4), row(1.01, 0.58, 0.85)]
    assert [r["threshold"] for r in allowed_thresholds(table)] == [0.3, 1.01]
    one_article = [row(0.3, 0.62, 0.97, scare=0), row(0.2, 0.63, 0.94, scare=0), row(1.01, 0.58, 1.0, scare=0)]
    assert [r["threshold"] for r in allowed_thresholds(one_article)] == [0.3, 1.01]
