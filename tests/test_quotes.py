"""The quotes stage: marks, cues, speakers and kinds, on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.components.quotes import quoted_spans
from parley.pipeline import load_pipeline

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def quotes_of(nlp, text):
    doc = nlp(text)
    return doc, doc._.quotes


def seg_texts(doc, quote):
    return [doc.text[s:e] for s, e in quote["segments"]]


def mention(doc, quote):
    span = quote["speaker"]["mention"]
    return doc.text[span[0]:span[1]] if span else None


def only(quotes, kind=None):
    chosen = [q for q in quotes if kind is None or q["kind"] == kind]
    assert len(chosen) == 1, quotes
    return chosen[0]


# --- marks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,inside", [
    ("She said: \u201cWe will not sign this paper today.\u201d", "We will not sign this paper today."),
    ('She said: "We will not sign this paper today."', "We will not sign this paper today."),
    ("She said: \u2018We will not sign this paper today.\u2019", "We will not sign this paper today."),
    ("Elle a dit : \u00abNous ne signerons pas ce papier.\u00bb", "Nous ne signerons pas ce papier."),
    ("Er sagte: \u201eWir werden nicht unterschreiben.\u201c", "Wir werden nicht unterschreiben."),
])
def test_mark_pairs(text, inside):
    groups = quoted_spans(text)
    assert len(groups) == 1
    start, end, closed = groups[0][0]
    assert text[start:end] == inside and closed


def test_apostrophes_are_not_marks():
    text = "The minister\u2019s aides don\u2019t remember the \u201990s and the students\u2019 union."
    assert quoted_spans(text) == []
    assert quoted_spans("Don't ask about the '90s, it's Ivan's job.") == []


def test_british_quote_with_apostrophes_inside():
    text = "He said: \u2018We don\u2019t accept the mayor\u2019s plan.\u2019 Then he left."
    (group,) = quoted_spans(text)
    assert text[group[0][0]:group[0][1]] == "We don\u2019t accept the mayor\u2019s plan."


@pytest.mark.parametrize("text", [
    "He said: \u201cThis never closes",
    "\u201d\u201d\u201c\u201c\" \u00ab \u00bb \u201e",
    "\u201c",
    "A \u2018b\u2019 c\u2019 \u2018d",
    "",
])
def test_unbalanced_marks_never_crash(nlp, text):
    quoted_spans(text)
    nlp(text)


def test_multi_paragraph_quote_is_one_quote(nlp):
    text = ("The envoy spoke after the meeting.\n"
            "She said: \u201cWe came here to listen. The talks were long.\n"
            "\u201cWe will return next week with a new offer for the farmers.\n"
            "\u201cNobody should expect a deal before the harvest is over.\n"
            "The markets closed early on Friday.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert len(quote["segments"]) == 3
    assert seg_texts(doc, quote)[1] == "We will return next week with a new offer for the farmers."
    assert mention(doc, quote) == "She"


def test_multi_paragraph_last_closes(nlp):
    text = ("The mayor told reporters: \u201cThe bridge will reopen in May once the repairs end.\n"
            "\u201cThe city will pay for the work from its own reserve fund.\u201d\n"
            "Traffic was light.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert len(quote["segments"]) == 2
    assert seg_texts(doc, quote)[1].endswith("reserve fund.")


# --- cue positions ----------------------------------------------------------------------------


def test_cue_before_with_object(nlp):
    text = "A senior diplomat told the Gazette: \u201cThe ball is now in the other court.\u201d"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "direct"
    assert quote["cue"]["text"].startswith("told")
    assert mention(doc, quote) == "A senior diplomat"
    assert quote["speaker"]["anonymity"] == "anonymous"


def test_cue_after_keeps_final_comma(nlp):
    text = "\u201cThe farmers are inclined to accept it,\u201d the source said."
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["The farmers are inclined to accept it,"]
    assert mention(doc, quote) == "the source"
    assert quote["speaker"]["anonymity"] == "anonymous"
    assert quote["cue"]["text"] == "said"


def test_cue_after_inverted(nlp):
    text = "\u201cWe have nothing more to add today,\u201d said Maria Lopez, the mayor of Tolosa."
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    # the mention keeps the apposition, as PolNeAR's Source spans do
    assert mention(doc, quote) == "Maria Lopez, the mayor of Tolosa"
    assert quote["speaker"]["anonymity"] == "named"
    assert quote["speaker"]["actor"] is not None


def test_split_quote_one_speaker(nlp):
    text = ("\u201cWe are ready to talk,\u201d Maria Lopez said, \u201cbut only if the strikes "
            "stop first.\u201d")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert len(quote["segments"]) == 2
    assert seg_texts(doc, quote)[1] == "but only if the strikes stop first."
    assert mention(doc, quote) == "Maria Lopez"


def test_a_reply_after_a_credit_is_not_the_rest_of_a_split_quote(nlp):
    """`“A,” X said. Y responded, “B.”`: the comma before the second mark is Y's credit."""
    text = ("\u201cLook at what you did,\u201d Franken said. Silverman responded, \u201cThank God "
            "they can fix this.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert [(seg_texts(doc, q), mention(doc, q)) for q in quotes] == [
        (["Look at what you did,"], "Franken"), (["Thank God they can fix this."], "Silverman")]


def test_a_credit_ending_in_a_colon_introduces_the_next_quotation(nlp):
    """`''B.'' Mr. Zahed said: ''C.''`: Zahed says C; B goes on Ms. Alawee's quote."""
    text = ("''We are refugees,'' Ms. Alawee said. ''We are not terrorists.'' Mr. Zahed said: "
            "''The attack that happened today is the work of criminals.''")
    doc, quotes = quotes_of(nlp, text)
    assert [(seg_texts(doc, q), mention(doc, q)) for q in quotes] == [
        (["We are refugees,", "We are not terrorists."], "Ms. Alawee"),
        (["The attack that happened today is the work of criminals."], "Mr. Zahed")]


def test_a_title_in_the_credit_does_not_break_the_quote(nlp):
    """A quoted programme name in `said on ABC's “This Week”` is no quote of its own, and the
    quotation after the credit continues the first one."""
    text = ("\u201cWe are not winning, but it is too soon to say that we are doing everything we "
            "need to do,\u201d Clinton said on ABC\u2019s \u201cThis Week\u201d on Sunday. \u201cI "
            "think that is what we will hear from the president.\u201d")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote)[1] == "I think that is what we will hear from the president."
    assert mention(doc, quote) == "Clinton"


def test_a_quotation_that_finishes_a_sentence_broken_by_its_credit(nlp):
    """`An economic downturn, he said, “could be ...”`: the report starts at the sentence's first
    word (a partial quote whose clause runs from there through the quotation)."""
    text = ("An economic downturn, he said, \u201ccould be a good time to borrow and pay off "
            "debt.\u201d")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "partial"
    assert seg_texts(doc, quote) == ["could be a good time to borrow and pay off debt."]
    start, end = quote["clause"]
    assert doc.text[start:end].startswith("An economic downturn, he said,")
    assert mention(doc, quote) == "he"


def test_a_capitalised_quotation_after_a_fronted_phrase_stays_direct(nlp):
    """`Of the scrutiny, he said, "It's a little much."`: a new sentence inside the marks."""
    doc, quotes = quotes_of(nlp, 'Of the scrutiny, he said, "It\'s a little much, really."')
    assert only(quotes)["kind"] == "direct"


def test_a_quoted_question_after_asked_has_no_named_speaker(nlp):
    """`Asked whether X “...,” 75 percent said yes`: the quotation is the pollster's question;
    the people who answered did not say it."""
    text = ("Asked whether Clinton \u201chas the integrity to serve effectively as president,\u201d "
            "75 percent of Democrats said yes.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["cue"]["text"] == "Asked"
    assert quote["speaker"]["mention"] is None


def test_a_coordinated_speaker_is_one_mention_named_by_the_registry(nlp):
    """`Zelenskyy and Macron said ...`: the mention holds both names (as PolNeAR's Sources do),
    and a name the tagger took for a common noun is still named when the registry knows it."""
    doc, quotes = quotes_of(nlp, "Zelenskyy and Macron said that the talks would resume in "
                                 "Geneva next week.")
    speaker = only(quotes)["speaker"]
    assert mention(doc, only(quotes)) == "Zelenskyy and Macron"
    assert speaker["anonymity"] == "named" and speaker["actor"] == "volodymyr-zelenskyy"


def test_the_cue_keeps_the_verb_that_governs_it(nlp):
    """`is expected to announce`: PolNeAR's Cue holds the verb chain, not `to announce` alone."""
    doc, quotes = quotes_of(nlp, "The minister is expected to announce that the harbour will stay "
                                 "open.")
    assert only(quotes)["cue"]["text"] == "is expected to announce"


def test_the_cue_keeps_the_adverb_right_before_its_verb(nlp):
    """`also said`: PolNeAR's Cue holds the adverb on the verb; a farther one stays out."""
    doc, quotes = quotes_of(nlp, "The minister also said that the harbour will stay open.")
    assert only(quotes)["cue"]["text"] == "also said"
    doc, quotes = quotes_of(nlp, "Yesterday the minister said that the harbour will stay open.")
    assert only(quotes)["cue"]["text"] == "said"


def test_a_cue_in_the_next_sentence_does_not_take_a_quotation_its_own_sentence_reports(nlp):
    """`Clinton says A and “B.” The race goes on.`: `says` reports B, not `goes on`."""
    text = ("Hillary Clinton says rival Bernie Sanders accepted donations from Wall Street and "
            "\u201cthere is nothing wrong with that.\u201d The race goes on.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["cue"]["text"] == "says" and mention(doc, quote) == "Hillary Clinton"


# --- partial, indirect ------------------------------------------------------------------------


def test_partial_quote(nlp):
    text = ("An official familiar with the talks said the minister \u201cwants the whole valley "
            "returned\u201d, which nobody expected.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "partial"
    assert seg_texts(doc, quote) == ["wants the whole valley returned"]
    assert mention(doc, quote) == "An official familiar with the talks"
    assert quote["speaker"]["anonymity"] == "anonymous"


@pytest.mark.parametrize("text,content,speaker,cue", [
    ("Maria Lopez has made clear that she is not willing to sell the harbour.",
     "she is not willing to sell the harbour", "Maria Lopez", "has made clear"),
    ("The Treasury stressed that any new tax must be approved by parliament first.",
     "any new tax must be approved by parliament first", "The Treasury", "stressed"),
    ("Maria Lopez told the council that the budget would be cut by a third next year.",
     "the budget would be cut by a third next year", "Maria Lopez", "told"),
])
def test_indirect_speech(nlp, text, content, speaker, cue):
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "indirect"
    assert seg_texts(doc, quote) == [content]
    assert mention(doc, quote).endswith(speaker.split()[-1])
    assert quote["cue"]["text"] == cue


def test_according_to(nlp):
    text = "According to the ministry, the convoy reached the border town on Tuesday."
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "indirect")
    assert "the convoy reached the border town on Tuesday" in seg_texts(doc, quote)[0]
    assert mention(doc, quote) == "the ministry"


# --- speakers ---------------------------------------------------------------------------------


def test_pronoun_after_named_paragraph(nlp):
    text = ("Maria Lopez issued a statement about the flooding on Sunday.\n"
            "She said: \u201cWe thank every volunteer who came to help the town.\u201d")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote) == "She"
    assert quote["speaker"]["anonymity"] == "named"
    assert quote["speaker"]["actor"] is not None


def test_another_is_a_second_anonymous_source(nlp):
    text = ("A diplomatic source said: \u201cThe delegations are preparing for the talks.\u201d\n"
            "Another added: \u201cThe worst outcome would be a walkout on the first day.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 2
    assert [mention(doc, q) for q in quotes] == ["A diplomatic source", "Another"]
    assert all(q["speaker"]["anonymity"] == "anonymous" for q in quotes)
    assert quotes[1]["speaker"]["anonymous"] == "Another"


def test_anonymous_with_affiliation_keeps_descriptor(nlp):
    text = "A Labour source close to the mayor said: \u201cShe will not back down on the levy.\u201d"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["speaker"]["anonymous"] == "A Labour source close to the mayor"
    assert quote["speaker"]["anonymity"] == "anonymous"


def test_role_speaker(nlp):
    text = "The President said: \u201cWe will not accept any deal that divides the country.\u201d"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["speaker"]["anonymity"] == "role"


# --- not quotes -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The army built its lines, known as the \u201csteel wall\u201d, around three towns in 2014.",
    "The minister's tabled demands include \u201cprotections\u201d for the old church.",
    "Critics call the plan a \u201cland grab\u201d and say little else.",
])
def test_scare_quotes_are_not_quotes(nlp, text):
    doc, quotes = quotes_of(nlp, text)
    assert [q for q in quotes if q["kind"] in {"direct", "partial"}] == []


def test_records_are_contract_shaped(nlp):
    text = ("\u201cWe are ready,\u201d Maria Lopez said. The Treasury stressed that any tax must "
            "be approved by parliament.")
    doc, quotes = quotes_of(nlp, text)
    assert quotes
    for number, quote in enumerate(quotes, 1):
        assert quote["id"] == f"q{number}"
        assert set(quote) >= {"id", "kind", "segments", "cue", "speaker", "confidence"}
        assert set(quote["speaker"]) >= {"actor", "anonymous", "mention", "anonymity"}
        json.dumps(quote)
        for start, end in quote["segments"]:
            assert 0 <= start < end <= len(doc.text)
            assert doc.text[start] not in "\u201c\u201d\"" and doc.text[end - 1] not in "\u201c\u201d\""


# --- the contract's gold article (read from /work/shared, never copied) ------------------------


def test_gold_speaker_actor_ids_where_actors_resolve(nlp):
    """Speaker ids must come from the actors stage when it resolves the mention."""
    from parley.components.actors import resolve_mention

    path = SHARED / "gold" / "dev" / "telegraph-2025-08-17.json"
    if not path.exists():
        pytest.skip("no gold article")
    gold = json.loads(path.read_text("utf-8"))
    doc = nlp(gold["text"])
    checked = 0
    for quote in doc._.quotes:
        span = quote["speaker"]["mention"]
        if not span or quote["speaker"]["anonymity"] != "named":
            continue
        resolved = resolve_mention(doc, *span)
        if resolved is not None:
            assert quote["speaker"]["actor"] == resolved
            checked += 1
    if doc._.actors:
        assert checked > 0


def test_gold_named_speakers_get_registry_ids(nlp):
    """With the actors stage in place, named gold speakers resolve to the registry's ids (Downing
    St -> united-kingdom, He -> volodymyr-zelenskyy), not to the local slug fallback."""
    from parley.evaluation.polnear import Attribution, match

    path = SHARED / "gold" / "dev" / "telegraph-2025-08-17.json"
    if not path.exists():
        pytest.skip("no gold article")
    gold = json.loads(path.read_text("utf-8"))
    text = gold["text"]
    doc = nlp(text)
    named = [q for q in gold["quotes"] if isinstance(q["speaker"], str)]
    attributions = [Attribution(content=[(text.index(c), text.index(c) + len(c)) for c in q["content"]])
                    for q in named]
    pairs = {gi: pi for gi, pi, overlap in match(text, doc._.quotes, attributions) if overlap >= 0.8}
    right = sum(doc._.quotes[pairs[gi]]["speaker"]["actor"] == q["speaker"]
                for gi, q in enumerate(named) if gi in pairs)
    assert right >= 0.9 * len(named), [(q["speaker"], doc._.quotes[pairs[gi]]["speaker"]["actor"])
                                       for gi, q in enumerate(named) if gi in pairs]


def test_another_points_to_the_first_source(nlp):
    text = ("A diplomatic source said: \u201cThe delegations are preparing for the talks.\u201d\n"
            "Another added: \u201cThe worst outcome would be a walkout on the first day.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert quotes[1]["speaker"]["another_of"] == quotes[0]["id"]
    assert quotes[1]["speaker"]["kind_of"] == "A diplomatic source"


# --- cues learned from PolNeAR train (data/quotes_cues_polnear.tsv) -------------------------


def test_learned_cues_load_from_derived_statistics():
    from parley.components.quotes import lexicon

    learned = lexicon()["learned_cues"]
    assert "accuse" in learned and "criticize" in learned  # frequent cues in PolNeAR train
    assert "the" not in learned and "be" not in learned
    assert "seem" not in learned  # a cue in half its train uses, but an evidential hedge
    assert all(0.0 < p <= 1.0 for p in learned.values())


def test_evidential_hedges_quote_nobody(nlp):
    doc, quotes = quotes_of(nlp, "The governor's speech seemed a preview of his campaign against "
                                 "the mayor. The new tariffs appear to hurt farmers in the valley.")
    assert quotes == []


def test_enclosed_cue_reports_the_sentence(nlp):
    doc, quotes = quotes_of(nlp, "The harbour deal, the mayor said, would bring four hundred new jobs "
                                 "to the valley.")
    quote = only(quotes, "indirect")
    content = " ".join(seg_texts(doc, quote))
    assert content.startswith("The harbour deal") and "four hundred new jobs" in content
    assert "said" not in content and len(quote["segments"]) == 2
    assert mention(doc, quote) == "the mayor"


def test_object_of_a_learned_cue_is_attributed(nlp):
    doc, quotes = quotes_of(nlp, "Senator Alma Ruiz criticized the trade minister for delaying the "
                                 "fishing agreement.")
    quote = only(quotes, "indirect")
    assert "the trade minister for delaying" in seg_texts(doc, quote)[0]
    assert quote["cue"]["text"] == "criticized"
    assert mention(doc, quote) == "Senator Alma Ruiz"


@pytest.mark.parametrize("text", [
    "The delegation will criticize the proposal at the summit next week.",  # a prediction
    "Mayor Tom Pell told the Daily Courier about his garden.",  # the addressee is no content
])
def test_no_object_attribution(nlp, text):
    _, quotes = quotes_of(nlp, text)
    assert quotes == []


def test_cue_noun_with_that_clause(nlp):
    doc, quotes = quotes_of(nlp, "The governor repeated her assertion that the new bridge will open "
                                 "before the winter.")
    quote = only(quotes)
    assert "the new bridge will open" in seg_texts(doc, quote)[0]
    assert quote["cue"]["text"] == "assertion"


def test_exact_span_normalisation_strips_marks_per_segment():
    """PolNeAR keeps the marks on each piece of a split quote; the contract's segments drop them.
    The exact-span comparison must see both as the same content (and `that “...”` as `...`)."""
    from parley.evaluation.polnear import _normal

    text = "\u201cThe road is open,\u201d she said. \u201cWe will drive.\u201d He said that \u201cit rains.\u201d"
    gold = [(0, 19), (30, 47)]
    predicted = [(1, 17), (31, 45)]
    assert _normal(text, gold) == _normal(text, predicted) == "the road is open we will drive"
    clause = text.index("that")
    assert _normal(text, [(clause, len(text))]) == _normal(text, [(clause + 6, len(text) - 2)])


def test_exact_span_normalisation_reads_a_quotation_split_per_sentence_as_one_run():
    """Gold content annotated one span per sentence (`“A.` `B.”`) is the same run of tokens as a
    quote predicted whole; spans with words between them stay apart."""
    from parley.evaluation.polnear import _normal

    text = "\u201cThe road is open. We will drive.\u201d"
    stop = text.index(".") + 1
    per_sentence = [(0, stop), (stop + 1, len(text))]  # `“The road is open.` `We will drive.”`
    whole = [(1, len(text) - 1)]
    assert _normal(text, per_sentence) == _normal(text, whole) == "the road is open. we will drive"


def test_double_apostrophe_quote_continues_after_cue_sentence(nlp):
    """`''A,'' he said. ''B.''` (two apostrophes as the mark) is one quote, as with `"`."""
    doc, quotes = quotes_of(nlp, "The council met late. ''Bridges are costly,'' he said. ''In this "
                                 "case, I am glad that the town paid.''")
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["Bridges are costly,", "In this case, I am glad that the town paid."]


def test_double_apostrophe_split_quote(nlp):
    doc, quotes = quotes_of(nlp, "''The river is high,'' Mr. Dole said, ''unless the dam holds for "
                                 "another week.''")
    quote = only(quotes)
    assert len(quote["segments"]) == 2 and mention(doc, quote) == "Mr. Dole"


def test_quoted_words_ending_a_clause_make_a_partial_quote(nlp):
    """`the plan is “far too costly,” the mayor said`: the reported clause starts before the mark."""
    doc, quotes = quotes_of(nlp, "Officials agree that the new bridge is \u201cfar too expensive for the "
                                 "town,\u201d the mayor said.")
    quote = only(quotes, "partial")
    assert doc.text[slice(*quote["clause"])].startswith("Officials agree that the new bridge")
    assert mention(doc, quote) == "the mayor"


def test_cue_in_the_next_sentence_is_not_the_quotes(nlp):
    """`... that “he loves you.” She says they ...`: `says` reports its own clause, not the quote."""
    doc, quotes = quotes_of(nlp, "The singer told the crowd that \u201cthe band loves you.\u201d She says "
                                 "they will come back next year.")
    first = quotes[0]
    assert first["cue"]["text"] == "told" and mention(doc, first) == "The singer"


def test_inverted_speaker_after_the_cue(nlp):
    doc, quotes = quotes_of(nlp, "\u201cBetter watch out for the river,\u201d tweeted another.")
    assert mention(doc, only(quotes)) == "another"


def test_percentage_and_document_it_are_speakers(nlp):
    doc, quotes = quotes_of(nlp, "In Leeds, 85% of voters said the new tax favours the wealthy.")
    assert mention(doc, only(quotes)) == "85% of voters"
    doc, quotes = quotes_of(nlp, "The memo is short. It says foreign visitors can be banned from the port.")
    assert mention(doc, only(quotes)) == "It"
    doc, quotes = quotes_of(nlp, "It was reported that the port will close in June for repairs.")
    assert only(quotes)["speaker"]["anonymity"] == "unattributed"


def test_whether_stays_in_the_reported_question(nlp):
    doc, quotes = quotes_of(nlp, "The reporter asked whether the ferry would run on Sunday.")
    assert seg_texts(doc, only(quotes))[0].startswith("whether the ferry")


def test_object_content_stops_before_a_circumstance(nlp):
    doc, quotes = quotes_of(nlp, "Senator Alma Ruiz criticized the harbour plan and its costs at a "
                                 "rally in Leeds.")
    quote = only(quotes, "indirect")
    assert seg_texts(doc, quote) == ["the harbour plan and its costs"]


def test_according_to_mid_sentence_splits_the_content(nlp):
    doc, quotes = quotes_of(nlp, "Still, the new line, according to the rail company, will open in "
                                 "the spring.")
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["the new line", "will open in the spring"]
    assert mention(doc, quote) == "the rail company"


def test_quoted_pieces_of_one_clause_are_one_partial_quote(nlp):
    doc, quotes = quotes_of(nlp, "The mayor warned that while \u201ccosts are rising fast,\u201d the "
                                 "bridge \u201cwill open in May.\u201d")
    quote = only(quotes, "partial")
    assert len(quote["segments"]) == 2 and mention(doc, quote) == "The mayor"


def test_a_quotation_ending_in_a_comma_is_attributed_by_any_verb_after_it(nlp):
    text = ("\u201cThat is the worst deal this town has ever signed,\u201d Mayor Ana Ruiz, who "
            "has run the city for a decade and a half, barked at reporters.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["cue"]["text"] == "barked"
    assert mention(doc, quote).startswith("Mayor Ana Ruiz")


def test_a_participle_hanging_from_a_name_speaks_for_that_name(nlp):
    text = "Kasich, urging voters to reject the tariff plan, left the stage early."
    doc, quotes = quotes_of(nlp, text)
    urging = next(q for q in quotes if q["cue"]["text"] == "urging")
    assert mention(doc, urging) == "Kasich"


def test_an_infinitive_under_an_object_is_still_the_askers_report(nlp):
    from parley.components.quotes import _subject

    doc = nlp("The host asked the senator to say whether the tariff plan would pass.")
    say = next(t for t in doc if t.lemma_ == "say")
    assert _subject(say).text == "host"


@pytest.mark.parametrize("text,inside", [
    ("\u201cWe will build the bridge,\" the mayor said.", "We will build the bridge,"),
    ("\"We will build the bridge,\u201d the mayor said.", "We will build the bridge,"),
])
def test_curly_and_straight_doubles_close_each_other(text, inside):
    (group,) = quoted_spans(text)
    assert [text[s:e] for s, e, _ in group] == [inside]


def test_a_straight_quotation_inside_a_curly_one_is_nested():
    text = "\u201cThey call it \"the long road\" in the valley,\u201d she said."
    (group,) = quoted_spans(text)
    start, end, closed = group[0]
    assert text[start:end] == "They call it \"the long road\" in the valley," and closed


def test_a_colon_line_introduces_the_quotation_paragraph_after_it(nlp):
    text = ("At the harbour on Friday, the mayor declared:\n\n"
            "\u201cThe ferry will run again before the winter, whatever the council decides.\u201d")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["cue"]["text"].startswith("declared") and mention(doc, quote) == "the mayor"


def test_a_speech_verb_after_a_preposition_speaks_for_the_clause_subject(nlp):
    doc, quotes = quotes_of(nlp, "When she returned, the judge began by saying, \u201cNobody in this "
                                 "room will be sent to prison today.\u201d")
    quote = only(quotes, "direct")
    assert quote["cue"]["text"].startswith("saying") and mention(doc, quote) == "the judge"


def test_a_question_is_credited_by_a_short_clause_after_it(nlp):
    doc, quotes = quotes_of(nlp, "\u201cWhat made the council change its mind so fast?\u201d "
                                 "Hannity pressed.")
    quote = only(quotes)
    assert quote["cue"]["text"] == "pressed" and mention(doc, quote) == "Hannity"


def test_a_credit_with_a_named_speaker_beats_a_subjectless_cue_before(nlp):
    text = ("She said it takes time but added, \u201cI strongly support the new harbour plan, "
            "and I will vote for it,\u201d Pence said.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert quote["cue"]["text"] == "said" and mention(doc, quote) == "Pence"


def test_an_adjective_participle_is_not_the_cue(nlp):
    doc, quotes = quotes_of(nlp, "Trump told the Post in a written statement, \u201cI really do not "
                                 "want his endorsement for the primary.\u201d")
    quote = only(quotes, "direct")
    assert quote["cue"]["text"].startswith("told") and mention(doc, quote) == "Trump"


def test_a_reported_clause_runs_on_to_the_end_of_its_quotation(nlp):
    text = ("The senator kept saying that foreigners \"look at us and laugh. We have got to get "
            "our act together.\" Then he left.")
    doc, quotes = quotes_of(nlp, text)
    saying = next(q for q in quotes if q["cue"] and q["cue"]["text"] == "kept saying")
    assert seg_texts(doc, saying)[-1].endswith("our act together.\"")


def test_a_second_that_clause_is_reported_too(nlp):
    text = ("The economists predicted that base wages would fall over time, but that overtime "
            "payments would more than offset the loss.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote)[-1].endswith("would more than offset the loss")


@pytest.mark.parametrize("text,content,source", [
    ("In a Marist poll released Monday, most voters backed the harbour plan.",
     "most voters backed the harbour plan", "a Marist poll released Monday"),  # (as PolNeAR marks it)
    ("The mayor led her rival by ten points in a Siena College survey.",
     "The mayor led her rival by ten points", "a Siena College survey"),
])
def test_a_poll_named_by_in_is_the_source(nlp, text, content, source):
    """The poll is the source; its mention keeps the clause that says which poll."""
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == [content] and mention(doc, quote) == source


@pytest.mark.parametrize("text", [
    "The governor sits at single digits in the polls.",
    "In the poll, most voters said they backed the harbour plan.",
])
def test_no_poll_attribution_without_a_named_poll_or_with_a_speech_verb(nlp, text):
    doc, quotes = quotes_of(nlp, text)
    assert not any(q["cue"] and q["cue"]["text"].lower().startswith("in ") for q in quotes)


def test_a_second_that_clause_under_the_cue_is_reported_too(nlp):
    text = ("The board concluded that the centre qualified as a foreign principal, and that it "
            "had to register with the department.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote)[-1].endswith("had to register with the department")


@pytest.mark.parametrize("text,verb,speaker", [
    ("The minister is expected to resign before the summit.", "expected", None),
    ("Asked whether he would run again, Johnson demurred.", "Asked", None),
    ("The ceasefire plan was criticised by the unions on Monday.", "criticised", "unions"),
])
def test_a_passive_cue_speaks_only_through_its_agent(nlp, text, verb, speaker):
    from parley.components.quotes import _subject

    doc = nlp(text)
    found = _subject(next(t for t in doc if t.text == verb))
    assert (found.text if found is not None else None) == speaker


def test_a_quotation_ending_in_a_nested_one_still_finds_its_credit(nlp):
    text = ("\"What I see going on is what they call in the markets 'a flight to quality,' \" "
            "he said.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["cue"]["text"] == "said" and mention(doc, quote) == "he"


def test_a_name_right_after_the_credit_verb_speaks(nlp):
    """The small model sometimes hangs the name on a later verb (`said Robin Maynard, half
    joking`: Maynard the subject of `joking`); that parse is built here by hand."""
    from spacy.tokens import Doc

    from parley.components.quotes import _inverted_speaker

    words = ["\u201c", "Fine", ",", "\u201d", "said", "Robin", "Maynard", ",", "half", "joking", "."]
    heads = [4, 4, 4, 4, 4, 6, 9, 6, 9, 4, 4]
    deps = ["punct", "ccomp", "punct", "punct", "ROOT", "compound", "nsubj", "punct", "nsubj",
            "ccomp", "punct"]
    pos = ["PUNCT", "ADJ", "PUNCT", "PUNCT", "VERB", "PROPN", "PROPN", "PUNCT", "NOUN", "VERB", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    assert _inverted_speaker(doc[4]).text == "Robin"


def test_a_question_is_credited_by_a_learned_cue_with_a_long_subject(nlp):
    doc, quotes = quotes_of(nlp, "\u201cWill he be the next attorney general?\u201d a Democratic "
                                 "staffer in the room wondered.")
    quote = only(quotes)
    assert quote["cue"]["text"] == "wondered" and "staffer" in mention(doc, quote)


def test_the_subject_of_a_trailing_participle_is_the_reporter(nlp):
    from parley.components.quotes import _subject

    doc = nlp("Trump argued that a database would keep people from coming into the country "
              "illegally, saying it is all about management.")
    saying = next(t for t in doc if t.text == "saying")
    assert _subject(saying).text == "Trump"


def test_an_as_clause_reports_the_rest_of_the_sentence(nlp):
    doc, quotes = quotes_of(nlp, "As the harbour master said, the two ferries have become the "
                                 "least reliable boats on the coast.")
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["the two ferries have become the least reliable boats on the coast"]
    assert mention(doc, quote) == "the harbour master"


def test_as_expected_is_not_a_report(nlp):
    doc, quotes = quotes_of(nlp, "As expected, the two ferries left the harbour late on Sunday.")
    assert quotes == []


@pytest.mark.parametrize("text,verb,speaker", [
    ("But he is correct to note that the ferry plan was an effort to save money.", "note", "he"),
    ("Though Ruiz was not willing to say who would run, the mayor did offer hints.", "say", "Ruiz"),
    ("Clinton paused, then revealed why the activism was especially moving.", "revealed", "Clinton"),
])
def test_a_cue_climbs_through_adjectives_and_loose_coordination_to_its_subject(nlp, text, verb, speaker):
    from parley.components.quotes import _subject

    doc = nlp(text)
    found = _subject(next(t for t in doc if t.text == verb))
    assert found is not None and found.text == speaker


def test_a_disposition_inside_a_report_is_not_a_second_report(nlp):
    doc, quotes = quotes_of(nlp, "The mayor has made clear that she is not willing to discuss "
                                 "selling the old harbour, and the council agreed.")
    assert [q["cue"]["text"] for q in quotes if not q.get("learned")] == ["has made clear"]


# --- continuations and coordinated reports (2026-12-07) ----------------------------------------


@pytest.mark.parametrize("text,kind,segments,speaker", [
    # a quotation opening the paragraph after a credited one
    ("\u201cWe will not sign a deal that gives away the harbour,\u201d Maria Lopez said.\n\n"
     "\u201cAnd we will not be rushed into one by anybody in the capital.\u201d\n\n"
     "The talks resume on Monday.", "direct",
     ["We will not sign a deal that gives away the harbour,",
      "And we will not be rushed into one by anybody in the capital."], "Maria Lopez"),
    # a quotation after a partial quote credited after its quoted words
    ("Yet the harbour plan is also a \u201cchange for the better,\u201d the mayor said. "
     "\u201cThat is exactly what people here want right now.\u201d", "partial",
     ["change for the better,", "That is exactly what people here want right now."], "the mayor"),
])
def test_an_uncredited_quotation_continues_the_credited_one_before_it(nlp, text, kind, segments,
                                                                       speaker):
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == kind
    assert seg_texts(doc, quote) == segments
    assert mention(doc, quote) == speaker


def test_an_uncredited_pair_of_quotation_paragraphs_stays_apart(nlp):
    # a dialogue or two pulled quotes: nothing says the second speaker is the first
    text = ("\u201cWe will not sign a deal that gives away the harbour today.\u201d\n\n"
            "\u201cAnd we will not be rushed into one by anybody in the capital.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 2
    assert all(q["speaker"]["mention"] is None for q in quotes)


def test_a_narrative_paragraph_between_quotations_breaks_the_continuation(nlp):
    text = ("\u201cWe will not sign a deal that gives away the harbour,\u201d Maria Lopez said.\n\n"
            "The mayor then left the hall without taking questions from the press.\n\n"
            "\u201cAnd we will not be rushed into one by anybody in the capital.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 2
    assert len(quotes[0]["segments"]) == 1


def test_a_clause_coordinated_on_the_cue_is_part_of_the_report(nlp):
    text = ("Investigators have revealed that before the attack requests were made for more "
            "guards, but no action was ever taken.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote)[-1].endswith("no action was ever taken")


def test_a_second_report_coordinated_on_the_cue_is_not_the_first_ones_content(nlp):
    text = ("The mayor said that the harbour would stay closed, but the minister denied that "
            "any decision had been made.")
    doc, quotes = quotes_of(nlp, text)
    first = next(q for q in quotes if q["cue"]["text"] == "said")
    assert seg_texts(doc, first) == ["the harbour would stay closed"]


@pytest.mark.parametrize("text,speaker", [
    ("According to the newspaper, \u201cthe port has been closed to all shipping since the storm.\u201d",
     "the newspaper"),
    ("According to Maria Lopez, the mayor: \u201cNobody will be moved out of the old town.\u201d",
     "Maria Lopez, the mayor"),
])
def test_according_to_before_a_quotation_names_its_speaker(nlp, text, speaker):
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert mention(doc, quote) == speaker
    assert quote["cue"]["text"].lower().startswith("according to")


def test_a_partial_quote_inside_a_reported_clause_is_not_continued(nlp):
    text = ("The mayor said the plan was \u201ca good start for the harbour\u201d. "
            "\u201cNobody in this town will pay for the new bridge with their savings.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert len(quotes) == 2


def test_polnear_scores_a_partial_quote_as_its_clause_and_what_continues_it():
    from parley.evaluation.polnear import _prediction_content

    quote = {"clause": [0, 40], "segments": [[18, 40], [52, 90]]}
    assert _prediction_content(quote) == [(0, 40), (52, 90)]
    assert _prediction_content({"segments": [[1, 5], [9, 12]]}) == [(1, 5), (9, 12)]


# --- colon credits: transcript turns and headlines ----------------------------------------------


def test_a_transcript_turn_credits_the_paragraph_to_its_speaker(nlp):
    text = "LOPEZ: We will not sign anything before the harbour is open again.\n\nThe hall was quiet."
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "direct"
    assert seg_texts(doc, quote) == ["We will not sign anything before the harbour is open again."]
    assert mention(doc, quote) == "LOPEZ"
    assert quote["cue"]["text"] == ":"


def test_a_headline_name_the_tagger_calls_a_noun_still_credits_it(nlp):
    # the small model tags a lone `Sanders` at a headline's start NOUN; the text names him later
    text = ("Sanders: Clinton Email Story Has Moved.\n\n"
            "Democratic presidential candidate Bernie Sanders spoke on Sunday in Iowa.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["Clinton Email Story Has Moved."]
    assert mention(doc, quote) == "Sanders"


def test_a_label_before_a_colon_is_no_speaker(nlp):
    text = "UPDATE: The harbour reopened on Tuesday after the storm had passed.\n\nBoats came in."
    _, quotes = quotes_of(nlp, text)
    assert quotes == []


# --- speakers the parser misplaces ---------------------------------------------------------------


def test_a_subject_inside_the_quotation_is_not_its_speaker(nlp):
    # the small parser makes `bosses` (quoted) the subject of `said`; the credit names Conant
    text = ("\u201cMy bosses, whoever they have been, including the senator,\u201d Mr. Conant, the "
            "Republican consultant, said, \u201cthe first comment they get is about the wall.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert mention(doc, only(quotes)) == "Mr. Conant, the Republican consultant"


def test_a_participle_on_an_object_speaks_for_the_verbs_subject(nlp):
    text = ("At the time, she released a statement saying, \u201cThe company has been a trusted "
            "partner for the brand.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert mention(doc, only(quotes)) == "she"


def test_a_partial_quote_in_a_clause_reported_by_a_speaker_is_the_speakers(nlp):
    # `has shown` is a cue too, but the clause it heads is what Bush said
    text = ("Bush said history has shown the need to have a \u201cstable government\u201d in place "
            "when beginning a mission.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "partial" and mention(doc, quote) == "Bush"
    assert doc.text[slice(*quote["clause"])].startswith("history has shown")


@pytest.mark.parametrize("text,speaker", [
    ("Lopez told the council that the mayor \u201chad a plan nobody could pay for,\u201d adding, "
     "\u201cThe harbour will have to wait.\u201d", "Lopez"),
    ("A senior official said the mayor will have to choose a side soon, saying, \u201cAt some "
     "point the harbour question comes back to her desk.\u201d", "A senior official"),
])
def test_a_participle_after_a_reported_clause_speaks_for_the_reporter(nlp, text, speaker):
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert mention(doc, quote) == speaker


def test_a_long_credit_names_the_speaker_not_the_time(nlp):
    text = ("\u201cIf the president had gone with Kemp, I would have been sitting in Siberia for a "
            "long time,\u201d Mr. Daniloff, now 81 and retired in Cambridge, Mass., said by "
            "telephone this week.")
    doc, quotes = quotes_of(nlp, text)
    assert mention(doc, only(quotes)).startswith("Mr. Daniloff")


def test_according_to_after_a_quotation_credits_it(nlp):
    text = ("\u201cOfficials now expect to complete their work in the next few weeks and then turn "
            "over the findings,\u201d according to CNN.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote) == "CNN" and quote["cue"]["text"] == "according to"


def test_a_verb_right_before_the_comma_introduces_the_quotation(nlp):
    text = "The mayor joked, \u201cBut I am just going to make it easier for them to make fun of me.\u201d"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote) == "The mayor" and quote["cue"]["text"].startswith("joked")


def test_a_dash_credit_on_the_line_after_the_quotation(nlp):
    text = ("The claims were checked.\n\n\u201cBoeing and the other multinationals pay zero taxes.\u201d"
            "\n\n- Sanders.\n\nThis is a complex issue.")
    doc, quotes = quotes_of(nlp, text)
    assert mention(doc, only(quotes)) == "Sanders"


@pytest.mark.parametrize("text,cue,speaker", [
    # `proclaim` is no cue verb in the lexicon, and a circumstance stands between it and the mark
    ("The mayor proclaimed at a press conference on Monday, "
     "\u201cI did not approve the new harbour fees.\u201d", "proclaimed", "The mayor"),
    # the parser joins `added` to the reported clause; it shares the reporting verb's subject
    ("The minister said it was too early to sign the deal but added, "
     "\"We are close to an agreement on the grain corridor.\"", "added", "The minister"),
    # the verb nearest the colon heads a wh-clause, the topic: its subject `what` spoke nothing
    ("Foreign Minister Maria Lopez explained what had changed since the first round: "
     "\u201cWe now have a map that both sides accept.\u201d", "explained",
     "Foreign Minister Maria Lopez"),
])
def test_a_cue_before_the_parser_misplaces_keeps_its_speaker(nlp, text, cue, speaker):
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "direct")
    assert quote["cue"]["text"].startswith(cue)
    assert mention(doc, quote) == speaker


# --- speakers the layout gives (quote_layout) and speakers that are groups or documents ----------

def _speakers(nlp, text):
    doc = nlp(text)
    return doc, [(doc.text[slice(*q["segments"][0])][:25], q["speaker"]["actor"],
                  q["speaker"]["anonymity"]) for q in doc._.quotes]


def test_a_list_label_and_a_topic_label_under_a_heading_name_the_speaker(nlp):
    text = ("Leaders spoke out on Sunday.\n\n"
            "#### **Secretary Maria Lopez on the Morning Show**\n\n"
            "- On tariffs: \u201cWe will not accept a deal that hurts our farmers.\u201d\n"
            "- On talks: \u201cThe door to negotiations remains open.\u201d\n\n"
            "**Minister Tomas Berg:** \u201cOur position has not changed at all.\u201d\n")
    doc, found = _speakers(nlp, text)
    assert [(a, g) for _, a, g in found] == [("maria-lopez", "named"), ("maria-lopez", "named"),
                                             ("tomas-berg", "named")]


def test_a_lead_in_line_ending_in_a_colon_introduces_the_quotes_below(nlp):
    text = ("The talks ended late on Friday.\n\nSenator Ana Ruiz then told reporters:\n\n"
            "- \u201cWe made real progress on the pipeline tonight.\u201d\n")
    _, found = _speakers(nlp, text)
    assert [(a, g) for _, a, g in found] == [("ana-ruiz", "named")]


def test_an_interview_answer_continues_the_last_named_speaker_across_a_question(nlp):
    text = ("When we met in Vilnius, Mayor Ona Petraitis told me the city would hold out.\n\n"
            "\u201cWe have survived worse winters than this one, and we will survive again.\u201d\n\n"
            "Was that, I asked, a promise she could keep?\n\n"
            "\u201cIt is not a promise. It is what the people of this city have decided.\u201d\n")
    _, found = _speakers(nlp, text)
    direct = [f for f in found if f[0].startswith(("We have", "It is not"))]
    assert [a for _, a, _ in direct] == ["ona-petraitis", "ona-petraitis"]


def test_a_quotation_alone_without_any_speaker_before_it_stays_unattributed(nlp):
    text = "\u201cNobody expected the bridge to close so early this year.\u201d\n\nTraffic was light.\n"
    _, found = _speakers(nlp, text)
    assert [(a, g) for _, a, g in found] == [(None, "unattributed")]


def test_events_are_not_speakers_and_documents_speak_for_their_author(nlp):
    text = ("The round was businesslike, reflecting the progress made since March. "
            "The Kremlin's statement said the dialogue would continue next week. "
            "The statement said the dialogue would continue in May.")
    doc = nlp(text)
    speakers = [(doc.text[slice(*q["segments"][0])][:12], q["speaker"]["actor"],
                 q["speaker"]["anonymity"]) for q in doc._.quotes]
    assert not any(s.startswith("the progress") for s, _, _ in speakers)
    assert ("the dialogue", "russia", "named") in speakers
    assert ("the dialogue", None, "unattributed") in speakers


def test_a_qualified_group_speaks_for_its_state_and_both_sides_for_the_parties(nlp):
    text = ("Russian and Ukrainian negotiators met in Istanbul on Monday. "
            "The Ukrainian delegation said the talks had been difficult. "
            "Both sides said another round would follow in June.")
    doc = nlp(text)
    records = [q["speaker"] for q in doc._.quotes]
    assert records[0]["actor"] == "ukraine" and records[0]["anonymity"] == "role"
    assert records[1]["actor"] == "russia" and records[1]["speakers"] == ["russia", "ukraine"]


def test_the_layout_lexicons_load_as_words():
    """YAML reads a bare `on` as true: the topic words must come back as strings."""
    from parley.components import quote_data

    words = quote_data.quotes_yaml()["topic_words"]
    assert "on" in words and all(isinstance(w, str) for w in words)


# ------------------------------------------------------------------------------ issue 17 grades


def test_unnamed_groups_and_indefinite_spokesmen_are_anonymous_with_their_affiliation(nlp):
    doc, quotes = quotes_of(nlp, "US negotiators said that most of the issues had been resolved.")
    speaker = only(quotes)["speaker"]
    assert speaker["anonymity"] == "anonymous" and speaker["actor"] == "united-states"
    doc, quotes = quotes_of(nlp, "A spokesman for the union said that the talks would go on.")
    assert only(quotes)["speaker"]["anonymity"] == "anonymous"
    # one office holder, named by the office: a role
    doc, quotes = quotes_of(nlp, "The Kremlin spokesman said that the talks would go on.")
    assert only(quotes)["speaker"]["anonymity"] == "role"


def test_a_descriptive_subject_speaks_as_the_name_in_apposition(nlp):
    text = "The largest delivery company, Fastpost, said it had ordered ten new jets."
    doc, quotes = quotes_of(nlp, text)
    speaker = only(quotes)["speaker"]
    assert speaker["anonymity"] == "named" and speaker["actor"] == "fastpost"
    assert mention(doc, only(quotes)) == "The largest delivery company, Fastpost"


def test_an_office_glued_to_a_name_by_the_tagger_is_not_part_of_the_name(nlp):
    doc = nlp("**Director of National Intelligence Tulsi Gabbard:** \u201cThank you for your "
              "leadership.\u201d")
    ids = {a["id"] for a in doc._.actors}
    assert "tulsi-gabbard" in ids and not any(i.startswith("national-") for i in ids)


def test_wishes_and_stances_are_attributions_not_quotes(nlp):
    from parley.analysis import analyse_one
    from parley.reading import Article

    text = ("The presidency is hoping to strike a deal at a June summit. Mr Chirac called the "
            "rebate \"unjustified\". The minister said that the talks would resume.")
    analysis = analyse_one(Article(id="t", text=text, date="2005-06-01"), nlp)
    quoted = [text[q["segments"][0][0]:q["segments"][0][1]] for q in analysis["quotes"]]
    attributed = [text[q["segments"][0][0]:q["segments"][0][1]] for q in analysis["attributions"]]
    assert "to strike a deal at a June summit" in attributed
    assert any("unjustified" in q for q in quoted) and "the talks would resume" in quoted
    assert not set(quoted) & set(attributed)


def _analysis(nlp, text, date="2025-02-10"):
    from parley.analysis import analyse_one
    from parley.reading import Article

    return analyse_one(Article(id="t", text=text, date=date), nlp)


def test_a_relative_pronoun_speaks_for_the_noun_it_stands_for(nlp):
    doc, quotes = quotes_of(nlp, "Trump, who has repeatedly said he wants to end the war swiftly, met Putin.")
    quote = only(quotes)
    assert quote["speaker"]["actor"] == "donald-trump" and mention(doc, quote) == "who"


def test_a_wire_dateline_is_never_the_speaker(nlp):
    text = ("MOSCOW, Feb 10 (Reuters) - Russia's point man for relations with the United States said "
            "on Monday that all of the conditions must be met.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote).startswith("Russia's point man")
    assert quote["speaker"]["actor"] != "reuters"


def test_a_quoted_term_under_a_stance_verb_is_no_statement(nlp):
    text = ("Ukraine rejected the call for “de-escalation” last week. Mr Chirac called the rebate "
            "“unjustified”.")
    analysis = _analysis(nlp, text)
    said = [text[slice(*q["segments"][0])] for q in analysis["quotes"]]
    assert not any("de-escalation" in s for s in said)  # a term inside a noun phrase
    assert any("unjustified" in s for s in said)          # the verb's predicate: his words


def test_a_question_and_a_picture_are_not_statements(nlp):
    text = ("Asked whether he had spoken to Putin since January, the president smiled. An "
            "illustration shows the president with a red oil rig as a tie.")
    analysis = _analysis(nlp, text)
    assert analysis["quotes"] == []


def test_quoted_words_in_a_trailing_aside_leave_the_report_indirect(nlp):
    text = ("Ankara had previously insisted it would not bow to demands to recognise the island, "
            "calling the issue a \"red line\".")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "indirect"
    assert seg_texts(doc, quote) == ["it would not bow to demands to recognise the island"]


def test_a_quoted_term_inside_a_report_makes_the_report_the_quote(nlp):
    text = ("Putin has said that what he calls a \"special military operation\" was needed to "
            "protect Russian speakers.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "indirect"
    assert seg_texts(doc, quote) == [
        "what he calls a \"special military operation\" was needed to protect Russian speakers"]


def test_a_title_in_quotation_marks_is_a_term_and_the_report_is_the_quote(nlp):
    text = ("Trump said he had withdrawn an invitation to Carney to join his invite-only "
            "\u201cBoard of Peace\u201d.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "indirect"
    assert seg_texts(doc, quote)[0].startswith("he had withdrawn an invitation")


# --- PolNeAR dev error pass (issue 4, 2026-12-07, evening) ---------------------------------------


def test_a_dash_credit_after_a_no_break_space_names_each_speaker(nlp):
    text = ("\u201cWe will not stand for this kind of talk.\u201d\u00a0\u2015 Jorge Falcon\n"
            "\u201cMaybe we can build a wall around him instead.\u201d\u00a0\u2015 Steve Quinlan\n")
    doc, quotes = quotes_of(nlp, text)
    assert [(mention(doc, q), seg_texts(doc, q)) for q in quotes] == [
        ("Jorge Falcon", ["We will not stand for this kind of talk."]),
        ("Steve Quinlan", ["Maybe we can build a wall around him instead."])]


def test_a_closing_mark_that_opens_a_line_opens_a_quotation(nlp):
    text = "\u201dMr. Trump embodies the lasting legacy of racism in this country.\u201d \u2015 Sonya Herridge\n"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote) == "Sonya Herridge"
    assert seg_texts(doc, quote) == ["Mr. Trump embodies the lasting legacy of racism in this country."]


def test_the_person_urged_starts_the_report(nlp):
    doc, quotes = quotes_of(nlp, "Graham urged Republicans to join the ranks of climate change believers.")
    assert seg_texts(doc, only(quotes)) == ["Republicans to join the ranks of climate change believers"]


def test_a_title_in_a_fronted_phrase_is_no_report(nlp):
    text = ("On this weekend's broadcast of \u201cFox News Sunday,\u201d Governor Mike Pence said the "
            "tweet was only a joke about the debate.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["the tweet was only a joke about the debate"]
    assert mention(doc, quote) == "Governor Mike Pence"


def test_a_partial_quotes_clause_takes_the_clause_coordinated_on_its_cue(nlp):
    text = ("He's claiming that voting fraud is \u201ca big, big problem in this country\u201d but nobody "
            "has the guts to talk about it.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes, "partial")
    assert doc.text[slice(*quote["clause"])].endswith("nobody has the guts to talk about it")


def test_quoted_pieces_under_one_cue_are_one_partial_quote(nlp):
    text = "Mosko wrote in an email that Oz is \u201csmart as hell,\u201d but \u201cfull of nonsense.\u201d"
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "partial"
    assert seg_texts(doc, quote) == ["smart as hell,", "full of nonsense."]
    assert doc.text[slice(*quote["clause"])].startswith("Oz is")


def test_a_participle_cue_between_two_quotations_starts_a_second_quote(nlp):
    text = ("\u201cWe certainly can't afford to do this anymore,\u201d Trump said, adding later, "
            "\u201cNATO is costing us a fortune.\u201d")
    doc, quotes = quotes_of(nlp, text)
    assert [seg_texts(doc, q) for q in quotes] == [
        ["We certainly can't afford to do this anymore,"], ["NATO is costing us a fortune."]]
    assert [mention(doc, q) for q in quotes] == ["Trump", "Trump"]


def test_a_poll_label_in_a_headline_reports_the_finding(nlp):
    doc, quotes = quotes_of(nlp, "Poll: Clinton and Trump in dead heat heading into first debate\n\n"
                                 "The race is tied.")
    quote = only(quotes)
    assert mention(doc, quote) == "Poll"
    assert seg_texts(doc, quote) == ["Clinton and Trump in dead heat heading into first debate"]


def test_a_subject_the_parser_hung_on_the_verb_as_a_number_speaks(nlp):
    doc, quotes = quotes_of(nlp, "About 4 in 10 say they want the next president to have more "
                                 "liberal policies.")
    assert mention(doc, only(quotes)) == "About 4 in 10"


def test_a_participle_under_a_coordinated_preposition_speaks_for_the_verbs_subject(nlp):
    text = ("He appeared at a Senate hearing in 2014 for his role in promoting diet pills and for "
            "saying that green coffee extract was a miracle cure.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["green coffee extract was a miracle cure"]
    assert mention(doc, quote) == "He"


def test_a_learned_passive_cue_quotes_its_subject_with_the_infinitive(nlp):
    from parley.components import attribution_model, quotes as quotes_module

    doc = nlp("The mayor's veto is expected to come before the deadline at midnight Friday.")
    candidate = next(c for c in attribution_model.candidates(doc, quotes_module._subject)
                     if c.cue.lower_ == "expected" and c.shape == "xcomp")
    start, end = quotes_module._raised_subject(candidate)
    assert doc.text[start:end] == "The mayor's veto"


def test_a_learned_infinitive_starts_at_the_person_addressed(nlp):
    from parley.components import attribution_model, quotes as quotes_module

    doc = nlp("Clinton has encouraged European nations to bolster their defense spending.")
    candidate = next(c for c in attribution_model.candidates(doc, quotes_module._subject)
                     if c.cue.lower_ == "encouraged" and c.shape == "xcomp")
    start = quotes_module._addressee_start(candidate.cue, candidate.content.root,
                                           candidate.content.start_char)
    assert doc.text[start:candidate.content.end_char] == (
        "European nations to bolster their defense spending")


# --- PolNeAR train pass, second session of 2026-12-07 (docs/quotes.md "Latest") ------------------


def test_what_a_record_shows_is_attributed_to_it_without_that(nlp):
    from parley.components import quotes as quotes_module

    lex = quotes_module.lexicon()
    doc = nlp("The inquiry found the agency had ignored three warnings about the bridge.")
    verb = doc[2]
    assert verb.lemma_ in lex["evidence_verbs"]
    assert quotes_module._evidence_subject(verb, lex).text == "inquiry"
    record = quotes_module._evidence(doc, verb, lex)
    assert seg_texts(doc, record) == ["the agency had ignored three warnings about the bridge"]
    assert mention(doc, record) == "The inquiry"
    doc = nlp("The gardener found the key under the old stone.")
    assert quotes_module._evidence_subject(doc[2], lex) is None  # a person finds, nothing is shown


def test_a_poll_shows_its_object_with_what_the_parser_hung_on_the_verb(nlp):
    from parley.components import quotes as quotes_module

    lex = quotes_module.lexicon()
    doc = nlp("A new poll shows Clinton with a six-point lead.")
    record = quotes_module._evidence(doc, doc[3], lex)
    assert mention(doc, record) == "A new poll"
    assert seg_texts(doc, record) == ["Clinton with a six-point lead"]


def test_a_participle_cue_after_the_reported_clause_ends_the_first_report(nlp):
    text = ("Perdue said he did not believe the attacks hurt Romney, arguing that divisions in the "
            "party were a bigger hurdle.")
    doc, quotes = quotes_of(nlp, text)
    said = next(q for q in quotes if q["cue"]["text"] == "said")
    assert seg_texts(doc, said) == ["he did not believe the attacks hurt Romney"]
    arguing = next(q for q in quotes if q["cue"]["text"] == "arguing")
    assert seg_texts(doc, arguing) == ["divisions in the party were a bigger hurdle"]


def test_calling_someone_names_nothing(nlp):
    from parley.components import quotes as quotes_module

    lex = quotes_module.lexicon()
    doc = nlp("Maria Lopez called the hospital director on Friday morning.")
    assert quotes_module._complement(doc, doc[2], lex) is None
    doc = nlp("Maria Lopez called the new fee an insult to every farmer in the valley.")
    record = quotes_module._complement(doc, doc[2], lex)
    assert doc.text[slice(*record["segments"][0])] == "the new fee an insult to every farmer in the valley"


def test_an_infinitives_conjuncts_hung_on_the_cue_stay_in_the_report(nlp):
    text = ("She wants to triple the size of the program, grow the Peace Corps and create a new "
            "reserve program.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert seg_texts(doc, quote) == ["to triple the size of the program, grow the Peace Corps and "
                                     "create a new reserve program"]


def test_an_enclosed_credit_reports_subject_and_quoted_predicate(nlp):
    doc, quotes = quotes_of(nlp, "The steel industry, she said, is ''doing much better than it has "
                                 "in years.''")
    quote = only(quotes)
    assert mention(doc, quote) == "she"
    first, second = seg_texts(doc, quote)
    assert first == "The steel industry"
    assert second.startswith("is ''doing much better")


def test_a_cue_closing_a_paragraph_on_a_colon_reports_the_next_paragraph(nlp):
    text = ("The governor added:\nIt is typical of the mayor. She knows nothing, and the talk never "
            "stops.\n\nThe debate was on Monday.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert mention(doc, quote) == "The governor"
    assert seg_texts(doc, quote) == ["It is typical of the mayor. She knows nothing, and the talk "
                                     "never stops."]


def test_a_reported_clause_that_opens_before_the_quotation_is_the_report(nlp):
    text = ("He said that with thousands of counting systems, \u201cthere is no single point of "
            "failure,\u201d in the state.")
    doc, quotes = quotes_of(nlp, text)
    quote = only(quotes)
    assert quote["kind"] == "partial"
    assert quote["cue"]["text"] == "said"
    assert doc.text[slice(*quote["clause"])].startswith("with thousands of counting systems")
