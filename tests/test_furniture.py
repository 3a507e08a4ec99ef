"""Page furniture in plain text: found by the shape of its lines, blanked for the parse, kept
out of every extraction, reported in warnings; offsets never move."""

from hypothesis import given, strategies as st

from parley.analysis import analyse
from parley.furniture import blank, furniture_spans
from parley.reading import Article

STORY = ("Ministers from both countries met in Geneva on Monday and agreed to resume talks on "
         "the disputed border, officials said after a meeting that lasted six hours.\n\n"
         "The foreign minister said: \u201cWe have agreed a timetable and we will keep to it.\u201d\n")
RELATED = ("Related stories\n"
           "Rebels reject truce offer, spokesman says\n"
           "[](https://example.com/world/rebels-reject-truce-offer-2026-02-10/)\n"
           "Parliament approves budget after all-night session\n"
           "[](https://example.com/world/parliament-approves-budget-2026-02-10/)\n"
           "* [](https://example.com/world/markets/)\n"
           "Europecategory \u00b7 February 10, 2026 \u00b7 3:07 PM UTC \u00b7 1 min ago\n")


def test_related_story_lists_links_and_stamps_are_furniture_and_the_story_is_not():
    text = STORY + RELATED
    spans = furniture_spans(text)
    lines = [text[s:e] for s, e in spans]
    assert "Rebels reject truce offer, spokesman says" in lines
    assert "Parliament approves budget after all-night session" in lines
    assert any(line.startswith("Europecategory") for line in lines)
    assert not any(s < len(STORY) for s, _ in spans)


def test_a_run_of_short_title_case_lines_is_navigation():
    text = "Home\nWorld\nBusiness\nMarkets\n\n" + STORY
    lines = [text[s:e] for s, e in furniture_spans(text)]
    assert lines == ["Home", "World", "Business", "Markets"]


def test_a_story_without_furniture_has_none():
    assert furniture_spans(STORY) == []


def test_furniture_yields_no_quote_and_is_reported(nlp):
    article = Article(id="page", text=STORY + RELATED, date="2026-02-10")
    analysis = next(analyse([article], nlp))[1]
    furniture_start = len(STORY)
    assert analysis["quotes"] and all(q["segments"][0][0] < furniture_start for q in analysis["quotes"])
    assert all(a["evidence"][0] < furniture_start for a in analysis["acts"])
    assert any(w.startswith("page furniture skipped: ") for w in analysis["warnings"])


@given(st.text(alphabet=st.sampled_from("ab [](.)*\n:/h\u00b7"), max_size=120))
def test_furniture_spans_are_whole_lines_and_blanking_keeps_the_length(text):
    spans = furniture_spans(text)
    for start, end in spans:
        assert start == 0 or text[start - 1] == "\n"
        assert end == len(text) or text[end] == "\n"
    blanked = blank(text, spans)
    assert len(blanked) == len(text)
    assert all(b == t or b == " " for b, t in zip(blanked, text))
