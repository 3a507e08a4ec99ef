"""The pipeline: paragraph breaks are hard boundaries; every analysis conforms to the contract."""

from hypothesis import given
from hypothesis import strategies as st

from parley.analysis import analyse, validation_errors
from parley.pipeline import ENUMERATOR, parse_view
from parley.reading import Article


def test_a_headline_without_a_full_stop_is_its_own_sentence(nlp):
    text = "Putin has demanded full control of Donbas\nThe Kremlin said talks would go on."
    doc = nlp(text)
    first = next(iter(doc.sents))
    assert first.text.strip() == "Putin has demanded full control of Donbas"


def test_entities_never_cross_a_paragraph_break(nlp):
    text = "Talks with Keir Starmer\nLuhansk Oblast officials met Volodymyr Zelenskyy."
    doc = nlp(text)
    assert doc.ents, "the model finds entities here"
    assert all("\n" not in ent.text for ent in doc.ents)


def test_an_entity_ending_in_a_blank_line_keeps_only_its_words(nlp):
    """The model may close an entity on the whitespace token after it (`the Black Sea` + `\n\n  `);
    the place, actor or time built on it would then run into the next paragraph."""
    from spacy.tokens import Span

    from parley.components.paragraphs import split_entities_at_breaks

    doc = nlp.make_doc("Talks on the Black Sea\n\n  Outcomes agreed")
    doc.ents = [Span(doc, 2, 6, label="LOC")]  # the, Black, Sea, "\n\n  "
    assert doc[5].is_space
    assert [(e.text, e.label_) for e in split_entities_at_breaks(doc).ents] == [("the Black Sea", "LOC")]


def test_components_are_registered_in_the_configured_order(nlp):
    names = nlp.pipe_names
    assert names.index("parley_paragraphs") < names.index("parser")
    assert names.index("parley_entity_boundaries") == names.index("ner") + 1
    stages = ["parley_times", "parley_places", "parley_actors", "parley_quotes", "parley_acts"]
    assert [n for n in names if n in stages] == stages


def test_analyses_keep_input_order_and_validate(nlp):
    articles = [Article(id=f"a{i}", text=f"Article number {i}.\nSecond paragraph {i}.",
                        date="2025-08-17") for i in range(5)]
    results = list(analyse(articles, nlp, batch_size=2))
    assert [a.id for a, _ in results] == [f"a{i}" for i in range(5)]
    for _, analysis in results:
        assert validation_errors(analysis) == []


def test_validation_catches_a_span_outside_the_text():
    analysis = {"article": {"id": "x", "date": None, "title": None, "source": None, "url": None,
                            "text": "short"},
                "actors": [], "quotes": [], "acts": [], "warnings": [], "places": [],
                "times": [{"span": [2, 40], "text": "xyz", "type": "date", "value": "2025",
                           "anchor": "article"}]}
    errors = validation_errors(analysis)
    assert any("outside the text" in e for e in errors)
    assert any("the output says 'xyz'" in e for e in errors)


def test_a_failing_stage_costs_its_output_not_the_article(nlp, monkeypatch):
    from parley.pipeline import GuardedStage

    [guard] = [proc for name, proc in nlp.pipeline if name == "parley_quotes"]
    assert isinstance(guard, GuardedStage)

    def broken(doc):
        raise ValueError("boom")

    monkeypatch.setattr(guard, "component", broken)
    articles = [Article(id="x", text="Kyiv rejected the plan, officials said.", date=None)]
    [(_, analysis)] = list(analyse(articles, nlp))
    assert analysis["quotes"] == []
    assert any("parley_quotes failed" in w and "boom" in w for w in analysis["warnings"])
    assert validation_errors(analysis) == []


def test_each_article_date_reaches_the_stages_in_spacy_worker_processes(nlp):
    """Texts go to spaCy's workers as strings (tokenised there, as for bare spaCy): the date
    rides on them, so "on Monday" resolves against each article's own date."""
    text = "The envoys will meet on Monday in Geneva."
    articles = [Article(id="a", text=text, date="2025-08-17"),
                Article(id="b", text=text, date="2025-03-05"),
                Article(id="c", text=text, date=None)]
    for n_process in (1, 2):
        values = {a.id: [t["value"] for t in analysis["times"]]
                  for a, analysis in analyse(articles, nlp, n_process=n_process, batch_size=1)}
        assert values["a"] == ["2025-08-18"] and values["b"] == ["2025-03-10"], n_process
        assert values["c"] in ([], ["XXXX-WXX-1"]), n_process


def test_docs_leave_the_pipeline_without_the_tensor(nlp):
    doc = nlp("Putin said Russia wants Donbas.")
    assert doc.tensor.size == 0 and len(doc.to_bytes()) < 10_000


def test_the_stages_text_is_the_input_exactly(nlp):
    """The tokenizer seeds the stages' cached text with its input (spaCy keeps every character),
    so the first stage need not rebuild it from the tokens. (Markdown marks are the one
    difference: see the next tests.)"""
    from parley.components import TEXT_KEY, doc_text

    text = "Talks  resumed\n\n\u201cWe are  ready,\u201d\tshe said.  \n"
    doc = nlp.make_doc(text)
    assert doc.user_data[TEXT_KEY] == text == doc.text == doc_text(doc)


def test_markdown_emphasis_is_blanked_for_the_parse_and_offsets_stay():
    text = "## Talks\n- **Maria Lopez** **said:** *“We are ready.”* A f*** up, 3 * 4."
    view = parse_view(text)
    assert len(view) == len(text)
    assert view == "   Talks\n-   Maria Lopez     said:    “We are ready.”  A f*** up, 3 * 4."


def test_a_long_line_of_unpaired_asterisks_is_blanked_in_linear_time():
    import time

    text = "*a " * 20_000  # took 9 s when an emphasised run could be any length
    started = time.perf_counter()
    assert parse_view(text) == text
    assert time.perf_counter() - started < 2


def test_a_speaker_in_markdown_bold_is_still_the_speaker(nlp):
    """White House readouts bold the speaker and the cue (`**President Trump** **said**`);
    with the marks in the parse, the verb had no subject and the quote no speaker."""
    text = ("- **Foreign Minister Maria Lopez** **described** **the second round of talks:** "
            "“We agreed on a prisoner exchange and we will meet again in Geneva next month.”")
    analysis = next(analyse([Article(id="md", text=text, date="2025-08-17")], nlp))[1]
    assert validation_errors(analysis) == []
    direct = [q for q in analysis["quotes"] if q["kind"] == "direct"]
    assert len(direct) == 1
    start, end = direct[0]["speaker"]["mention"]
    assert "Maria Lopez" in text[start:end]
    start, end = direct[0]["cue"]["span"]
    assert direct[0]["cue"]["text"] == text[start:end]  # the article's text, marks included


@given(st.text(alphabet=st.sampled_from("ab *#_\n“”.()i"), max_size=60))
def test_the_parse_view_only_ever_blanks_markup_characters(text):
    view = parse_view(text)
    assert len(view) == len(text)
    enumerators = {i for m in ENUMERATOR.finditer(text) for i in range(*m.span())}
    assert all(v == t or (v == " " and (t in "*#" or i in enumerators))
               for i, (v, t) in enumerate(zip(view, text)))


def test_enumerators_inside_a_sentence_are_blanked_for_the_parse(nlp):
    """Joint statements number their commitments ("X will (i) modify ... and (ii) remove"):
    the small model took "(i)" for the verb's subject, so the commitment had no party."""
    text = "Ruritania will (i) lower its tariffs and (ii) lift its quotas (see Annex (b))."
    view = parse_view(text)
    assert view == "Ruritania will     lower its tariffs and      lift its quotas (see Annex (b))."
    doc = nlp(text)
    lower = next(t for t in doc if t.text == "lower")
    assert [c.text for c in lower.children if c.dep_ == "nsubj"] == ["Ruritania"]


def test_apostrophes_inside_words_are_ascii_for_the_parser_and_quotes_keep_their_marks():
    text = "Trump’s and Putin’s agreement, he said, was ‘a start’ and ‘historic’."
    view = parse_view(text)
    assert len(view) == len(text)
    assert "Trump's and Putin's agreement" in view
    assert "‘a start’" in view and "‘historic’" in view  # quotation marks are not apostrophes


def test_a_possessive_with_a_typographic_apostrophe_parses_as_one(nlp):
    doc = nlp("The two states agreed to implement President Trump’s and President Putin’s agreement.")
    agreement = next(t for t in doc if t.text == "agreement")
    assert agreement.dep_ != "conj"  # the possessive kept it a noun phrase, not a second verb
