"""The times stage: one test per rule, on sentences written for these tests, failure cases too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.components.times import quote_regions

SUNDAY = "2025-08-17"  # a Sunday
SHARED = Path(os.environ.get("PARLEY_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(scope="module")
def times_nlp():
    from parley.pipeline import load_pipeline

    return load_pipeline()


def times(nlp, text: str, date: str | None = SUNDAY) -> list[dict]:
    doc = nlp.make_doc(text)
    doc._.article_date = date
    return nlp(doc)._.times


def value_of(nlp, text: str, phrase: str, date: str | None = SUNDAY) -> dict | None:
    """The record whose span overlaps `phrase` in `text` (None if no time there)."""
    start = text.index(phrase)
    end = start + len(phrase)
    for record in times(nlp, text, date):
        s, e = record["span"]
        if s < end and e > start:
            return record
    return None


# ------------------------------------------------------------------------------ weekdays


def test_future_weekday_on_the_article_day_is_that_day(times_nlp):
    rec = value_of(times_nlp, "The two ministers will meet on Sunday in Geneva.", "Sunday")
    assert rec["value"] == "2025-08-17" and rec["type"] == "date"


def test_future_weekday_is_the_next_one(times_nlp):
    rec = value_of(times_nlp, "The committee will vote on Thursday.", "Thursday")
    assert rec["value"] == "2025-08-21"


def test_past_weekday_is_the_previous_one(times_nlp):
    rec = value_of(times_nlp, "The envoy arrived in the capital on Thursday.", "Thursday")
    assert rec["value"] == "2025-08-14"


def test_possessive_weekday_before_an_event_noun_looks_ahead(times_nlp):
    rec = value_of(times_nlp, "Officials are getting ready for Friday’s summit.", "Friday")
    assert rec["value"] == "2025-08-22"
    assert rec["text"] == "Friday"  # the possessive is not part of the span


def test_possessive_weekday_before_adjective_and_event_noun_looks_ahead(times_nlp):
    text = "We are preparing for Monday’s crucial meeting with the president."
    assert value_of(times_nlp, text, "Monday")["value"] == "2025-08-18"


def test_possessive_weekday_before_other_nouns_does_not_look_ahead(times_nlp):
    # "Friday's attack" is not a forward-looking noun: past tense wins.
    rec = value_of(times_nlp, "Officials condemned Friday's attack.", "Friday")
    assert rec["value"] == "2025-08-15"


def test_weekday_night_is_a_date(times_nlp):
    rec = value_of(times_nlp, "On Saturday night (local time), the mayor issued a statement.",
                   "Saturday night")
    assert rec["value"] == "2025-08-16" and rec["type"] == "date"


def test_weekday_morning_is_the_day_with_its_part_kept_apart(times_nlp):
    from parley.components.times import timeml_value

    rec = value_of(times_nlp, "The envoys left on Friday morning.", "Friday morning")
    assert rec["value"] == "2025-08-15" and rec["part_of_day"] == "MO"
    assert timeml_value(rec) == "2025-08-15TMO"  # what TimeML corpora are scored with


def test_this_morning_and_last_night_are_days(times_nlp):
    text = "The minister spoke this morning after strikes last night."
    assert value_of(times_nlp, text, "this morning")["value"] == "2025-08-17"
    assert value_of(times_nlp, text, "last night")["value"] == "2025-08-16"


def test_next_and_last_weekday(times_nlp):
    text = "They met last Tuesday and will meet again next Sunday."
    assert value_of(times_nlp, text, "last Tuesday")["value"] == "2025-08-12"
    assert value_of(times_nlp, text, "next Sunday")["value"] == "2025-08-24"


def test_lowercase_weekday_word_is_not_a_date(times_nlp):
    # Weekday and month names are case-sensitive: "may" is a modal verb here.
    assert value_of(times_nlp, "The talks may resume soon.", "may") is None


# ------------------------------------------------------------------------------ relative


def test_earlier_this_year(times_nlp):
    rec = value_of(times_nlp, "The two leaders clashed earlier this year.", "earlier this year")
    assert rec["value"] == "2025" and rec["text"] == "earlier this year"


def test_last_month_and_next_week(times_nlp):
    text = "Prices rose last month and talks resume next week."
    assert value_of(times_nlp, text, "last month")["value"] == "2025-07"
    # 2025-08-17 is the Sunday that ends ISO week 33, so next week is week 34.
    assert value_of(times_nlp, text, "next week")["value"] == "2025-W34"


def test_yesterday_and_tonight(times_nlp):
    text = "The bill passed yesterday and the vote is tonight."
    assert value_of(times_nlp, text, "yesterday")["value"] == "2025-08-16"
    assert value_of(times_nlp, text, "tonight")["value"] == "2025-08-17"


def test_years_ago(times_nlp):
    rec = value_of(times_nlp, "The treaty was signed three years ago.", "three years ago")
    assert rec["value"] == "2022" and rec["type"] == "date"


def test_relative_expression_without_article_date_is_dropped(times_nlp):
    assert value_of(times_nlp, "The bill passed yesterday.", "yesterday", date=None) is None


# ------------------------------------------------------------------------------ absolute


def test_absolute_dates(times_nlp):
    text = "The accord of March 3, 1998 was revised on 15 August and again in June 2024."
    assert value_of(times_nlp, text, "March 3, 1998")["value"] == "1998-03-03"
    assert value_of(times_nlp, text, "15 August")["value"] == "2025-08-15"
    assert value_of(times_nlp, text, "June 2024")["value"] == "2024-06"


def test_year_after_preposition_but_not_a_quantity(times_nlp):
    text = "The defences were built in 2014 and 2000 troops were sent."
    assert value_of(times_nlp, text, "2014")["value"] == "2014"
    assert value_of(times_nlp, text, "2000 troops") is None


def test_quarter(times_nlp):
    rec = value_of(times_nlp, "Profit fell in the third quarter.", "third quarter",
                   date="1998-10-20")
    assert rec["value"] == "1998-Q3"


# ------------------------------------------------------------------------------ durations, sets


def test_durations(times_nlp):
    text = "The truce lasted two years; a five-year plan covers the past 24 hours too."
    assert value_of(times_nlp, text, "two years")["value"] == "P2Y"
    assert value_of(times_nlp, text, "five-year")["value"] == "P5Y"
    assert value_of(times_nlp, text, "24 hours")["value"] == "PT24H"
    assert value_of(times_nlp, text, "two years")["type"] == "duration"


def test_vague_duration(times_nlp):
    rec = value_of(times_nlp, "The dispute has gone on for decades.", "decades")
    assert rec["value"] == "PXY" and rec["text"] == "decades"  # (decades in years, as P20Y)


def test_sets(times_nlp):
    text = "Negotiators meet every week and publish a weekly summary."
    every = value_of(times_nlp, text, "every week")
    assert every["type"] == "set" and every["value"] == "P1W"
    assert value_of(times_nlp, text, "weekly")["value"] == "P1W"


def test_age_is_not_a_duration(times_nlp):
    assert value_of(times_nlp, "The 52-year-old diplomat resigned.", "52-year-old") is None


# ------------------------------------------------------------------------------ utterance anchor


STATEMENT = ("On Saturday night, the president issued a statement.\n"
             "He said: “Thank you all for the support.\n"
             "“Today, we spoke with our partners. Tomorrow, more calls are planned.\n"
             "“We are preparing for Monday’s meeting.”\n")


def test_today_inside_a_statement_made_saturday_is_saturday(times_nlp):
    rec = value_of(times_nlp, STATEMENT, "Today")
    assert rec["value"] == "2025-08-16" and rec["anchor"] == "utterance"
    assert value_of(times_nlp, STATEMENT, "Tomorrow")["value"] == "2025-08-17"
    assert value_of(times_nlp, STATEMENT, "Monday")["value"] == "2025-08-18"


def test_today_outside_quotes_is_the_article_date(times_nlp):
    text = "On Saturday night, the president issued a statement.\nToday, talks went on."
    rec = value_of(times_nlp, text, "Today")
    assert rec["value"] == SUNDAY and rec["anchor"] == "article"


def test_quote_without_a_statement_date_keeps_the_article_anchor(times_nlp):
    text = "A source said: “Today the talks are stuck.”"
    rec = value_of(times_nlp, text, "Today")
    assert rec["value"] == SUNDAY and rec["anchor"] == "article"


def test_date_without_speech_cue_is_not_a_statement_date(times_nlp):
    # "On Saturday" here dates a battle, not a statement: the quote keeps the article anchor.
    text = "On Saturday, heavy fighting broke out.\n“Today is calm,” a resident said."
    assert value_of(times_nlp, text, "Today")["anchor"] == "article"


def test_quote_regions_join_multi_paragraph_quotes():
    text = "He said: “One.\n“Two.\n“Three.”\nAfter."
    regions = quote_regions(text)
    assert len(regions) == 1
    assert text[regions[0][0]:regions[0][1]].endswith("Three.”")


# ------------------------------------------------------------------------------ corpora


def test_timeml_reader_offsets_match_the_text(tmp_path):
    from parley.evaluation.timex import read_tml, score_doc

    tml = tmp_path / "x.tml"
    tml.write_text(
        '<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" '
        'functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT><TEXT>Sales &amp; profit '
        '<EVENT eid="e1">fell</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-01-07" '
        'functionInDocument="NONE">yesterday</TIMEX3>.</TEXT></TimeML>', "utf-8")
    doc = read_tml(tml)
    assert doc.dct == "1998-01-08"
    assert doc.text == "Sales & profit fell yesterday."
    (gold,) = doc.gold
    assert doc.text[gold["span"][0]:gold["span"][1]] == "yesterday"
    counts = score_doc(doc.gold, [{"span": [20, 29], "value": "1998-01-07", "type": "date",
                                   "text": "yesterday"}])
    assert counts["strict"] == counts["relaxed"] == counts["value"] == 1


def test_creation_time_in_day_month_year_order_is_read():
    from parley.evaluation.timex import _iso_day

    assert _iso_day("2009-02-03T10:00") == "2009-02-03"
    assert _iso_day("03-02-2009") == "2009-02-03"
    assert _iso_day("sometime") is None


@pytest.mark.slow
def test_timebank_sample_scores_above_a_floor():
    """A few TimeBank documents: value F1 should stay well above a trivial system."""
    if not (SHARED / "data" / "timex" / "timebank").is_dir():
        pytest.skip("TimeML corpora not available")
    from parley.evaluation.timex import evaluate

    result = evaluate(SHARED / "data" / "timex", limit=10, corpora=["timebank"])
    assert result["timebank"]["value"]["f1"] > 0.6


@pytest.mark.slow
def test_timebank_and_aquaint_are_also_scored_as_one_pool():
    """TempEval-3's TBAQ: the pooled row adds the two corpora's counts, it does not average."""
    if not (SHARED / "data" / "timex" / "aquaint").is_dir():
        pytest.skip("TimeML corpora not available")
    from parley.evaluation.timex import evaluate

    result = evaluate(SHARED / "data" / "timex", limit=3, corpora=["timebank", "aquaint"])
    pooled = result["timebank+aquaint"]
    assert pooled["gold"] == result["timebank"]["gold"] + result["aquaint"]["gold"]
    assert pooled["documents"] == 6
    low, high = sorted([result["timebank"]["value"]["f1"], result["aquaint"]["value"]["f1"]])
    assert low <= pooled["value"]["f1"] <= high


# ------------------------------------------------------------------------------ added rules


def test_the_year_is_the_article_year_and_a_fiscal_year_a_duration(times_nlp):
    text = "Sales for the year rose. Profit in the year ended June 30 fell."
    assert value_of(times_nlp, text, "for the year")["value"] == "2025"
    fiscal = value_of(times_nlp, text, "the year ended")
    assert (fiscal["type"], fiscal["value"]) == ("duration", "P1Y")


def test_the_year_before_is_not_the_article_year(times_nlp):
    record = value_of(times_nlp, "Imports doubled from the year before.", "the year before")
    assert record is None or record["value"] != "2025"


def test_the_day_is_the_day_last_named(times_nlp):
    text = "Shares slid on Friday and the index closed the day 2% lower."
    assert value_of(times_nlp, text, "the day")["value"] == "2025-08-15"
    assert value_of(times_nlp, "The index closed the day higher.", "the day")["value"] == SUNDAY


def test_years_in_words(times_nlp):
    text = "In nineteen ninety-six the plant closed; it reopens by the year two thousand."
    assert value_of(times_nlp, text, "nineteen ninety-six")["value"] == "1996"
    assert value_of(times_nlp, text, "two thousand")["value"] == "2000"
    assert value_of(times_nlp, "He paid nineteen ninety dollars.", "nineteen") is None
    month = value_of(times_nlp, "It began in January nineteen ninety-seven.", "January")
    assert month["value"] == "1997-01"


def test_holidays(times_nlp):
    # Thanksgiving 2024 was November 28; Christmas Day ahead counts three times as far
    assert value_of(times_nlp, "He arrived on Thanksgiving Day.", "Thanksgiving")["value"] \
        == "2024-11-28"
    assert value_of(times_nlp, "They meet next Christmas Day.", "Christmas")["value"] \
        == "2025-12-25"


def test_clock_time_then_weekday_is_one_time_of_that_day(times_nlp):
    text = "He was taken at 10 p.m. Wednesday, police said."
    record = value_of(times_nlp, text, "10 p.m.")
    assert record["value"] == "2025-08-13T22:00"
    assert record["text"] == "10 p.m. Wednesday"


def test_current_and_recent_are_references(times_nlp):
    text = "The current talks follow recent clashes."
    assert value_of(times_nlp, text, "current")["value"] == "PRESENT_REF"
    assert value_of(times_nlp, text, "recent")["value"] == "PAST_REF"
    assert value_of(times_nlp, "In recent months talks stalled.", "recent months")["value"] == "PXM"


def test_clock_in_utc_gets_z_and_the_day_of_its_sentence(times_nlp):
    text = "The plane flew on Friday, taking off at 18:00 UTC from the base."
    assert value_of(times_nlp, text, "18:00")["value"] == "2025-08-15T18:00Z"
    assert value_of(times_nlp, "Talks resumed at 9:30 this morning.", "9:30")["value"] \
        == "2025-08-17T09:30"


def test_us_numeric_date(times_nlp):
    assert value_of(times_nlp, "The deal was signed on 7/8/07 in Ohio.", "7/8/07")["value"] \
        == "2007-07-08"
    assert value_of(times_nlp, "Odds were 3/4/5 at best.", "3/4/5") is None


def test_fiscal_and_full_year(times_nlp):
    text = "Sales for the full year rose; the current fiscal year looks weaker."
    assert value_of(times_nlp, text, "the full year")["value"] == "2025"
    assert value_of(times_nlp, text, "current fiscal year")["value"] == "2025"


def test_near_term_is_future_ref(times_nlp):
    assert value_of(times_nlp, "Rates may rise in the near term.", "near term")["value"] \
        == "FUTURE_REF"


def test_weekday_after_until_is_ahead_unless_the_verb_is_past(times_nlp):
    # Sunday article: "until Friday" with a present verb is the coming Friday
    assert value_of(times_nlp, "The talks continue until Friday.", "Friday")["value"] \
        == "2025-08-22"
    # a past perfect keeps it behind (nearest Friday: two days before)
    assert value_of(times_nlp, "Until Friday, they had not named him.", "Friday")["value"] \
        == "2025-08-15"


def test_possessive_weekday_in_a_past_sentence_looks_back(times_nlp):
    text = "In Friday's debate, the senator attacked his rival."
    assert value_of(times_nlp, text, "Friday")["value"] == "2025-08-15"


def test_a_second_before_a_noun_is_the_ordinal(times_nlp):
    assert value_of(times_nlp, "A second group of rebels crossed.", "second") is None
    assert value_of(times_nlp, "It lasted a second, no more.", "a second")["value"] == "PT1S"


def test_year_before_quarter(times_nlp):
    text = "Profit fell from the 1998 third quarter."
    assert value_of(times_nlp, text, "third quarter")["value"] == "1998-Q3"


def test_month_with_this_last_next_year(times_nlp):
    text = "Talks began in June last year and resume in April next year."
    assert value_of(times_nlp, text, "June")["value"] == "2024-06"
    assert value_of(times_nlp, text, "April")["value"] == "2026-04"


def test_bare_month_after_future_verb_is_the_next_one(times_nlp):
    # August article: "will join in April" is next April, "joined in April" this year's
    assert value_of(times_nlp, "The three states will join in April.", "April")["value"] \
        == "2026-04"
    assert value_of(times_nlp, "The three states joined in April.", "April")["value"] \
        == "2025-04"


def test_quarter_of_this_or_next_year_is_one_expression(times_nlp):
    text = "Net fell in this year's second quarter and may recover in the first quarter of next year."
    found = times(times_nlp, text)
    assert [r["value"] for r in found] == ["2025-Q2", "2026-Q1"]


def test_election_day_is_the_tuesday_after_the_first_monday(times_nlp):
    # 2022: November 1 was a Tuesday, Election Day November 8
    assert value_of(times_nlp, "Voters went out on Election Day.", "Election Day",
                    date="2022-11-20")["value"] == "2022-11-08"


def test_headline_weekday_does_not_join_the_dateline_below_it(times_nlp):
    text = "Border crossing to stay shut until Friday\nAugust 17, 2025\nThe crossing stays shut."
    found = times(times_nlp, text)
    assert [(r["text"], r["value"]) for r in found][:2] == [
        ("Friday", "2025-08-22"), ("August 17, 2025", "2025-08-17")]


def test_modal_passive_looks_ahead(times_nlp):
    # February article: "should be completed in October" is this October, not last year's
    text = "The sale of the plant should be completed in October."
    assert value_of(times_nlp, text, "October", date="2025-02-10")["value"] == "2025-10"


def test_until_looks_ahead_even_after_a_past_verb_and_across_a_clock_time(times_nlp):
    text = "The vote was postponed until Tuesday."
    assert value_of(times_nlp, text, "Tuesday")["value"] == "2025-08-19"
    text = "The ministry gave the families until 9 a.m. Tuesday to leave."
    assert value_of(times_nlp, text, "9 a.m.")["value"] == "2025-08-19T09:00"


def test_weekday_after_an_infinitive_under_a_past_verb_is_past(times_nlp):
    text = "The company agreed to buy the plant Friday."
    assert value_of(times_nlp, text, "Friday")["value"] == "2025-08-15"
    # but a plan looks ahead, and a full stop after the weekday does not change the verb
    assert value_of(times_nlp, "The team planned to leave on Thursday.", "Thursday")["value"] \
        == "2025-08-21"
    assert value_of(times_nlp, "Farmers were planning to march on Monday.", "Monday")["value"] \
        == "2025-08-18"


def test_vague_durations_in_years_over_the_years(times_nlp):
    text = "Shares hit their lowest level in years and lost the gains in minutes."
    assert value_of(times_nlp, text, "years")["value"] == "PXY"
    assert value_of(times_nlp, text, "minutes")["value"] == "PTXM"
    text = "The town changed a lot over the years."
    assert value_of(times_nlp, text, "the years")["value"] == "PXY"
    # not an "in years" duration: "in years past" is a reference to the past, left alone
    assert value_of(times_nlp, "Prices were higher in years past.", "years") is None


def test_straight_and_consecutive_durations(times_nlp):
    text = "The index fell for five straight days after three consecutive weeks of gains."
    assert value_of(times_nlp, text, "five straight days")["value"] == "P5D"
    assert value_of(times_nlp, text, "three consecutive weeks")["value"] == "P3W"


def test_abbreviated_year_mid_year_and_centuries(times_nlp):
    text = "The index is at its lowest since '82, and a new plant opens in mid-2027."
    assert value_of(times_nlp, text, "'82")["value"] == "1982"
    assert value_of(times_nlp, text, "mid-2027")["value"] == "2027"
    text = "The 11th century church survived the 20th century intact."
    assert value_of(times_nlp, text, "11th century")["value"] == "10"
    assert value_of(times_nlp, text, "20th century")["value"] == "19"
    # a version number is not a year: "iLife '11" has no preposition before it
    assert value_of(times_nlp, "Apple showed iLife '11 on stage.", "'11") is None


def test_that_year_and_the_following_month_refer_to_the_date_named_last(times_nlp):
    text = "He left the country in June 2019 and came back later that year."
    assert value_of(times_nlp, text, "later that year")["value"] == "2019"
    text = "The bid was rejected in March 2021. The following month, the firm was sold."
    assert value_of(times_nlp, text, "The following month")["value"] == "2021-04"
    # nothing named before: the article's period
    assert value_of(times_nlp, "Imports rose that year.", "that year")["value"] == "2025"


def test_week_of_a_month(times_nlp):
    # March 2026: the 28th is a Saturday of week 13; the first week holds March 4 (week 10)
    text = "Sales picked up in the last week of March and slowed in the first week of March."
    found = times(times_nlp, text, date="2026-04-02")
    assert [r["value"] for r in found] == ["2026-W13", "2026-W10"]


def test_the_day_before_a_weekday_is_left_to_the_weekday(times_nlp):
    text = "During the day Friday, the boy played in the yard."
    found = times(times_nlp, text)
    assert [(r["text"], r["value"]) for r in found] == [("Friday", "2025-08-15")]


def test_the_year_after_a_dated_expression_in_its_sentence_is_that_year(times_nlp):
    text = "The firm lost $2 billion in the fourth quarter of 2024 and $5 billion for the entire year."
    assert value_of(times_nlp, text, "the entire year", date="2025-01-27")["value"] == "2024"
    # without a year named before it in the sentence: the article's year
    assert value_of(times_nlp, "Profit for the year is expected to rise.", "the year",
                    date="2025-01-27")["value"] == "2025"


def test_hours_later_is_a_duration(times_nlp):
    text = "Just over an hour later, the ship sank."
    assert value_of(times_nlp, text, "an hour")["value"] == "PT1H"
    assert value_of(times_nlp, "Two days later, the ship sank.", "Two days later")["value"] \
        == "2025-08-19"


# ------------------------------------------------------------------------------ the pattern gate

GATED_SENTENCES = [
    "Later that year the talks stalled; the following month they resumed, in 2019.",
    "The war has lasted three years, and the ministers met the same day to review the year.",
    "On Monday, August 18, 2025 and on 3 March the talks resumed; in June 2024 they stalled.",
    "The memo of 7/8/07 and the filing of 2019-04-01 came in the first week of May.",
    "Prices rose in the '90s and in the 1980s, since '09 and in mid-2014, in the 21st century.",
    "Profits fell in the third quarter of last year and in the latest period, this quarter too.",
    "In recent weeks the year-ago results looked worse than yesterday evening or tonight.",
    "Last spring and the summer of 2023, over the weekend, two years ago and six months later.",
    "Every week, each Tuesday and on Mondays the daily figures arrive at 9 a.m. or at 14:30 GMT.",
    "At noon, right now, in nineteen eighty-four and the year two thousand, on Christmas Day.",
    "Last night he said talks in April, in June last year and in the second quarter mattered.",
    "The winter 2022 offensive began on Friday, before the new plan.",
    "On the second day of the talks the delegations met again.",
    "They left at 4 in the morning, by May, after two consecutive quarters of losses.",
    "The marchers gather each July, and last Oct. 23 in the first half of 2024.",
    "After a day-long meeting they ended a decades-long feud.",
]


def test_the_pattern_gate_never_changes_what_is_found():
    """`needs` lets the scan read only the text around the words a pattern needs; it must find
    what a scan of the whole text finds. Checked on sentences that exercise every gated pattern,
    alone and set far apart in one text (so that each pattern scans several windows), and on the
    first 300 BBC articles where ../shared has them."""
    from parley.components.times import find_candidates, lexicon

    filler = " ".join(["xx"] * 150)
    texts = list(GATED_SENTENCES) + [f" {filler} ".join(GATED_SENTENCES)]
    bench = SHARED / "bench" / "bbc-2004-2005.jsonl"
    if bench.is_file():
        import json

        with bench.open(encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for _, line in zip(range(300), lines)]
    gated_rules = {pattern.rule for pattern in lexicon()["patterns"] if pattern.needs}
    seen = set()
    for text in texts:
        gated = [(s, e, rule) for s, e, rule, _ in find_candidates(text)]
        assert gated == [(s, e, rule) for s, e, rule, _ in find_candidates(text, gate=False)], text
        seen |= {rule for _, _, rule in gated}
    assert gated_rules <= seen, sorted(gated_rules - seen)


TIME_WORDS = ["January", "May", "Monday", "3", "2025", "'09", "mid-2014", "the", "last", "next",
              "year", "years", "week", "quarter", "third", "ago", "later", "two", "a", "few",
              "every", "day", "today", "night", "morning", "spring", "of", "in", "since", "at",
              "noon", "9", "p.m.", "14:30", "GMT", "Christmas", "Day", "recent", "now", "the past",
              "x" * 30, "filler", ",", ".", "-", "\u2019s", "\u0130stanbul"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TIME_WORDS),
                          st.sampled_from([" ", "  ", "\n", "\n\n", " " * 3, "\t", "     "])),
                max_size=60))
def test_the_windowed_scan_finds_what_the_whole_scan_finds(pieces):
    """Texts of time words with one to five spaces, tabs or newlines between them, far apart or
    close: the windows (and the whole-text fallback past three spaces) change nothing."""
    from parley.components.times import find_candidates

    text = "".join(word + space for word, space in pieces)
    assert [(s, e, r) for s, e, r, _ in find_candidates(text)] == \
        [(s, e, r) for s, e, r, _ in find_candidates(text, gate=False)]


def test_a_text_with_wide_whitespace_is_scanned_whole():
    """`January` and `5` three hundred spaces apart are still one date to the whole-text scan;
    the windowed scan must not see less."""
    from parley.components.times import find_candidates

    text = "They met on January" + " " * 300 + "5 and left two years ago."
    found = [(s, e, r) for s, e, r, _ in find_candidates(text)]
    assert found == [(s, e, r) for s, e, r, _ in find_candidates(text, gate=False)]
    assert found[0][2] == "month_day_year"


def test_a_text_whose_lowercase_is_longer_is_scanned_whole():
    """"İ".lower() is two characters: windows found in the lowercased text would point past the
    words they were found around."""
    from parley.components.times import find_candidates

    text = "\u0130" * 200 + " They left two years ago." + " word" * 300
    found = [(s, e, r) for s, e, r, _ in find_candidates(text)]
    assert found == [(s, e, r) for s, e, r, _ in find_candidates(text, gate=False)]
    assert text[found[0][0]:found[0][1]] == "two years ago"


def test_every_match_holds_a_word_its_pattern_needs():
    """What the windowed scan relies on: a match holds one of its pattern's `needs`."""
    from parley.components.times import lexicon

    for pattern in lexicon()["patterns"]:
        for sentence in GATED_SENTENCES:
            for match in pattern.regex.finditer(sentence):
                held = match.group() if pattern.cased_needs else match.group().lower()
                assert any(need in held for need in pattern.needs), (pattern.rule, match.group())


ALTERNATION_WORDS = st.lists(st.text(alphabet="ab n", min_size=1, max_size=5).map(str.strip)
                             .filter(bool), min_size=1, max_size=6, unique=True)


@settings(max_examples=300, deadline=None)
@given(words=ALTERNATION_WORDS, text=st.text(alphabet="abAB nx", max_size=20))
def test_the_trie_alternation_matches_what_a_longest_first_alternation_matches(words, text):
    """The trie that `_alternation` writes prefers the longer word and backtracks to the shorter
    one exactly as "longest|shorter" does, with and without IGNORECASE."""
    import re

    from parley.components.times import _alternation

    plain = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                     for w in sorted(words, key=len, reverse=True))
    for flags in (0, re.I):
        for suffix in ("", "x", r"\b"):
            trie_regex = re.compile(f"(?:{_alternation(words)}){suffix}", flags)
            plain_regex = re.compile(f"(?:{plain}){suffix}", flags)
            assert [m.span() for m in trie_regex.finditer(text)] == \
                [m.span() for m in plain_regex.finditer(text)]


# ------------------------------------------------------------------------------ issue 18 cases


def test_a_chronology_dates_yearless_months_from_the_date_it_named_last(times_nlp):
    text = ("Russia invaded in February 2022.\nThen, the two sides held talks in Belarus, ending on "
            "March 7.\nA meeting in Istanbul towards the end of the month failed.\nIn early April, "
            "forces withdrew.")
    found = times(times_nlp, text, "2026-02-18")
    values = {t["text"]: t["value"] for t in found}
    assert values["March 7"] == "2022-03-07"
    assert values["the end of the month"] == "2022-03"
    assert values["April"] == "2022-04"


def test_a_yearless_date_outside_a_chronology_keeps_the_news_rules(times_nlp):
    # the date opens no sentence and no sequencing word leads to it: the article's year
    text = ("The bombing of Dec. 21, 1988, killed 270 people. The two were removed from the list "
            "after Libya agreed in April to hand them over.")
    assert value_of(times_nlp, text, "April", "1999-06-07")["value"] == "1999-04"
    # a future clause looks ahead whatever the chronology
    text = "Russia invaded in February 2022. On March 7, talks will resume."
    assert value_of(times_nlp, text, "March 7", "2026-02-18")["value"] == "2026-03-07"


def test_a_dateline_date_is_not_part_of_a_chronology(times_nlp):
    text = ("A file photo of a summit in Osaka, June 28, 2019.\nMOSCOW, Feb 10 (Reuters) - "
            "Russia's envoy said on Monday that talks would go on.")
    assert value_of(times_nlp, text, "Feb 10", "2025-02-10")["value"] == "2025-02-10"


def test_later_in_the_month_is_the_month_named_last(times_nlp):
    text = "On December 14 and 15 last year, the envoys met in Berlin. Then, later in the month, they met again."
    assert value_of(times_nlp, text, "later in the month", "2026-02-18")["value"] == "2025-12"


def test_generic_today_is_present_ref_and_todays_events_are_dates(times_nlp):
    assert value_of(times_nlp, '"Today the issue is air defence," he said.', "Today")["value"] == "PRESENT_REF"
    assert value_of(times_nlp, '"To do it today would mean losing people," he said.',
                    "today")["value"] == "PRESENT_REF"
    assert value_of(times_nlp, "He said today that he would go.", "today")["value"] == SUNDAY
    assert value_of(times_nlp, "The world is safer today because of the strikes.",
                    "today")["value"] == SUNDAY


def test_recent_units_follow_tempeval(times_nlp):
    text = "The party was weakened in recent years. Prices rose in recent weeks and recent days."
    assert value_of(times_nlp, text, "recent years")["value"] == "PXY"
    assert value_of(times_nlp, text, "recent weeks")["value"] == "PXW"
    assert value_of(times_nlp, text, "recent days")["value"] == "PXD"


def test_the_age_of_a_conflict_is_a_duration_and_a_childs_age_is_not(times_nlp):
    text = "The talks aim to end the nearly three-year-old conflict."
    assert value_of(times_nlp, text, "three-year-old")["value"] == "P3Y"
    assert value_of(times_nlp, "A 6-year-old boy was found.", "6-year-old") is None


def test_years_before_an_event_are_a_length(times_nlp):
    text = "It could take up to 15 years before Turkey is able to join."
    assert value_of(times_nlp, text, "15 years")["value"] == "P15Y"
    assert value_of(times_nlp, "The firm was founded two years before.", "two years before")["value"] == "2023"


def test_both_ends_of_a_range_of_years(times_nlp):
    text = "The EU is gearing up for talks on its budget for the period 2007-2013."
    assert value_of(times_nlp, text, "2007")["value"] == "2007"
    assert value_of(times_nlp, text, "2013")["value"] == "2013"


# ------------------------------------------------------------------------------ issue: 0.85 TimeML


def test_ordinal_day_of_dated_talks_counts_from_their_date(times_nlp):
    text = ("The talks opened in Geneva on Monday, August 11. "
            "On the second day of the talks, the delegations exchanged maps.")
    rec = value_of(times_nlp, text, "the second day")
    assert rec["text"] == "the second day"
    assert rec["value"] == "2025-08-12"


def test_ordinal_day_of_dated_talks_named_after_it(times_nlp):
    text = ("On the third day of the talks the envoys met alone. "
            "The talks had begun in Doha on August 4.")
    assert value_of(times_nlp, text, "the third day")["value"] == "2025-08-06"


def test_ordinal_day_of_undated_talks_is_unresolved(times_nlp):
    text = "On the second day of the talks, the delegations exchanged maps."
    assert value_of(times_nlp, text, "the second day")["value"] == "XXXX-XX-XX"


def test_date_before_the_ordinal_day_in_its_sentence_is_not_the_start(times_nlp):
    text = "On Wednesday, the fifth day of the negotiations, the envoys walked out."
    assert value_of(times_nlp, text, "the fifth day")["value"] == "XXXX-XX-XX"


def test_ordinal_day_said_to_be_today_is_the_article_date(times_nlp):
    text = "Today is the eighth day of the blockade of the port."
    assert value_of(times_nlp, text, "eighth day")["value"] == SUNDAY


def test_first_day_of_a_month_is_not_an_event_day(times_nlp):
    rec = value_of(times_nlp, "Prices rise on the first day of March.", "first day")
    assert rec is None or rec.get("rule") != "event_day"


def test_decades_without_their_century(times_nlp):
    text = "The boxy cars of the 70s and 80s are gone, as are the sedans of the nineties."
    assert value_of(times_nlp, text, "70s")["value"] == "197"
    assert value_of(times_nlp, text, "80s")["value"] == "198"
    assert value_of(times_nlp, text, "nineties")["value"] == "199"


def test_this_month_name_is_the_article_year(times_nlp):
    text = "The general election is due this September."
    assert value_of(times_nlp, text, "this September", "2026-02-05")["value"] == "2026-09"


def test_past_season_is_the_latest_one_over(times_nlp):
    text = "Sales slowed this past spring."
    assert value_of(times_nlp, text, "past spring", "2025-10-30")["value"] == "2025-SP"


def test_yearless_day_after_a_plain_future_is_the_next_one(times_nlp):
    text = "Mr. Smith will succeed Mr. Jones Feb. 1 as chairman."
    assert value_of(times_nlp, text, "Feb. 1", "2025-10-26")["value"] == "2026-02-01"
    past = "No inspection had been allowed since Jan. 13."
    assert value_of(times_nlp, past, "Jan. 13", "2025-03-06")["value"] == "2025-01-13"


def test_the_quarter_after_a_named_fiscal_quarter_is_that_quarter(times_nlp):
    text = ("Acme posted a profit in the fiscal first quarter. "
            "Sales for the quarter rose 12%.")
    assert value_of(times_nlp, text, "the quarter", "2025-10-26")["value"] == "2025-Q1"
    ahead = "Acme expects a loss in the fourth quarter. Sales in the latest quarter fell."
    assert value_of(times_nlp, ahead, "the latest quarter", "2025-10-26")["value"] == "2025-Q3"


def test_a_decade_word_without_the_is_an_age(times_nlp):
    assert value_of(times_nlp, "The minister, in her forties, resigned.", "forties") is None


# ------------------------------------------------------------------------------ 2026-12-07 (b)


def test_a_written_year_before_period_is_the_quarter_named(times_nlp):
    text = ("Acme reported third-quarter profit of $5 million. In the 2024 period, it earned "
            "$3 million, hurt by costs from its 2024 restructuring.")
    assert value_of(times_nlp, text, "2024 period", "2025-10-20")["value"] == "2024-Q3"
    assert value_of(times_nlp, text, "2024 restructuring", "2025-10-20")["value"] == "2024"


def test_bare_month_under_a_past_event_verb_is_the_one_before(times_nlp):
    past = "In January, the agency hired a new director."
    assert value_of(times_nlp, past, "January", "2025-10-20")["value"] == "2025-01"
    said = "The agency said it would hire a new director in January."
    assert value_of(times_nlp, said, "January", "2025-10-20")["value"] == "2026-01"
    deadline = "The regulator gave the bidders until mid-November to reply."
    assert value_of(times_nlp, deadline, "November", "2025-10-20")["value"] == "2025-11"


def test_a_day_after_ended_is_over(times_nlp):
    text = "In the fiscal year ended Jan. 31, sales rose 4%."
    assert value_of(times_nlp, text, "Jan. 31", "2025-10-31")["value"] == "2025-01-31"


def test_the_previous_weekday_counts_from_the_day_named(times_nlp):
    text = "Shares closed on Friday at $12, up 4% from the previous Friday."
    assert value_of(times_nlp, text, "previous Friday")["value"] == "2025-08-08"
    plain = "Talks resume next Friday."
    assert value_of(times_nlp, plain, "next Friday")["value"] == "2025-08-22"


def test_trading_days_are_days(times_nlp):
    text = "The index has fallen for five trading days."
    assert value_of(times_nlp, text, "five trading days")["value"] == "P5D"


def test_durations_in_quarters(times_nlp):
    text = "The retailer has lost money in the past two quarters."
    assert value_of(times_nlp, text, "two quarters")["value"] == "P2Q"
    growth = "The economy shrank after three consecutive quarters of growth."
    assert value_of(times_nlp, growth, "three consecutive quarters")["value"] == "P3Q"
    votes = "The motion won three quarters of the votes."
    assert value_of(times_nlp, votes, "three quarters") is None


def test_half_units_are_written_in_the_smaller_unit(times_nlp):
    text = "The envoy spent 2 1/2 years in the camp and an hour and a half at the border."
    assert value_of(times_nlp, text, "2 1/2 years")["value"] == "P2Y6M"
    assert value_of(times_nlp, text, "an hour and a half")["value"] == "PT1H30M"
    later = "A minute and a half later, the pilot called in."
    assert value_of(times_nlp, later, "A minute and a half later")["value"] == "PT1M30S"
    days = "The strike lasted two and a half days."
    assert value_of(times_nlp, days, "two and a half days")["value"] == "P2DT12H"


def test_a_quoted_title_is_not_a_time(times_nlp):
    text = 'The senator said on NBC\'s "This Week" that talks would resume this week.'
    records = times(times_nlp, text)
    assert [r["text"] for r in records] == ["this week"]


def test_may_after_a_preposition_of_time_is_the_month(times_nlp):
    text = "The talks are supposed to conclude by May."
    rec = value_of(times_nlp, text, "May", "2025-03-20")
    assert rec["value"] == "2025-05" and rec["text"] == "May"
    assert value_of(times_nlp, "She received a letter from May.", "May") is None


def test_a_day_after_effective_is_the_next_one(times_nlp):
    text = "The bank also named a new board, effective Feb. 1."
    assert value_of(times_nlp, text, "Feb. 1", "2025-10-26")["value"] == "2026-02-01"


def test_a_plan_in_the_past_perfect_is_not_ahead(times_nlp):
    text = "The offer had been due to expire on Friday."
    assert value_of(times_nlp, text, "Friday", "2025-08-18")["value"] == "2025-08-15"
    plan = "The offer is due to expire on Friday."
    assert value_of(times_nlp, plan, "Friday", "2025-08-18")["value"] == "2025-08-22"


def test_hour_in_the_morning_or_evening(times_nlp):
    text = "The convoy left at 4 in the morning and returned at 8 in the evening."
    assert value_of(times_nlp, text, "4 in the morning")["value"] == "2025-08-17T04:00"
    assert value_of(times_nlp, text, "8 in the evening")["value"] == "2025-08-17T20:00"


def test_a_quoted_programme_title_with_a_number_is_not_a_duration(times_nlp):
    text = 'The lawyer spoke on CBS\'s "60 Minutes" for ten minutes.'
    assert [r["text"] for r in times(times_nlp, text)] == ["ten minutes"]


def test_the_same_period_a_year_ago_is_the_named_period_a_year_before(times_nlp):
    text = "Car sales fell 20% in March, compared with the same month a year ago."
    rec = value_of(times_nlp, text, "a year ago", "2025-04-02")
    assert rec["value"] == "2024-03" and rec["text"] == "the same month a year ago"
    quarter = "The bank earned $3 million in the second quarter, against a loss for the " \
              "corresponding period last year."
    assert value_of(times_nlp, quarter, "last year", "2025-08-01")["value"] == "2024-Q2"
    plain = "Car sales fell 20% in March, after rising last year."
    assert value_of(times_nlp, plain, "last year", "2025-04-02")["value"] == "2024"


def test_the_year_previous_is_the_year_before_the_one_named(times_nlp):
    text = "Revenue reached $9 billion in 2019, up from $8 billion the year previous."
    assert value_of(times_nlp, text, "the year previous", "2025-04-02")["value"] == "2018"


def test_now_as_a_prefix_is_not_a_time(times_nlp):
    text = "He spoke against the now-cancelled deal."
    assert value_of(times_nlp, text, "now") is None


def test_a_fiscal_year_before_a_plural_noun_is_a_year(times_nlp):
    text = "The firm expects sales slightly above fiscal 2024 sales of $5 million."
    assert value_of(times_nlp, text, "2024", "2025-04-02")["value"] == "2024"
    assert value_of(times_nlp, "The army sent 2000 troops.", "2000") is None


def test_single_day_is_one_day(times_nlp):
    text = "The index had its worst single-day fall in a decade."
    assert value_of(times_nlp, text, "single-day")["value"] == "P1D"


def test_half_years_and_the_final_quarter(times_nlp):
    text = ("Earnings will be lower for the last half of 2024, and the slump should last "
            "through the first two quarters of next year; in the final quarter of 2023 they rose.")
    assert value_of(times_nlp, text, "last half", "2024-10-20")["value"] == "2024-H2"
    assert value_of(times_nlp, text, "first two quarters", "2024-10-20")["value"] == "2025-H1"
    assert value_of(times_nlp, text, "final quarter", "2024-10-20")["value"] == "2023-Q4"


def test_last_and_next_with_a_month_and_day(times_nlp):
    text = "The mayor was elected last Oct. 23 and leaves office next March 5."
    assert value_of(times_nlp, text, "last Oct. 23", "2025-04-19")["value"] == "2024-10-23"
    assert value_of(times_nlp, text, "next March 5", "2025-04-19")["value"] == "2026-03-05"


def test_each_month_is_a_set(times_nlp):
    rec = value_of(times_nlp, "The marchers gather each July in the square.", "each July")
    assert rec["value"] == "XXXX-07" and rec["type"] == "set"


def test_the_week_of_a_day_is_that_week(times_nlp):
    text = "The case may be heard the week of March 6."
    rec = value_of(times_nlp, text, "March 6", "2025-02-24")
    assert rec["value"] == "2025-W10" and rec["text"] == "the week of March 6"


def test_a_past_plan_with_an_object_dates_its_event_either_side(times_nlp):
    text = "Protesters planned a large march in the capital on Saturday."
    assert value_of(times_nlp, text, "Saturday", "2025-08-15")["value"] == "2025-08-16"
    done = "Protesters held a large march in the capital on Saturday."
    assert value_of(times_nlp, done, "Saturday", "2025-08-15")["value"] == "2025-08-09"


def test_an_infinitive_subject_of_a_past_verb_looks_back(times_nlp):
    text = "The first two states to ratify the treaty on Friday were Chile and Peru."
    assert value_of(times_nlp, text, "Friday", "2025-08-16")["value"] == "2025-08-15"


def test_the_second_day_of_a_pair(times_nlp):
    text = "The leaders will meet at the summit on April 24 and 25."
    assert value_of(times_nlp, text, "25", "2025-02-10")["value"] == "2025-04-25"
    share = "Shares rose on April 24 and 25 percent of them were sold."
    assert value_of(times_nlp, share, "25 percent", "2025-02-10") is None


def test_long_adjectives_are_durations(times_nlp):
    text = "After a day-long meeting, the two sides ended their decades-long feud."
    assert value_of(times_nlp, text, "day-long")["value"] == "P1D"
    assert value_of(times_nlp, text, "decades-long")["value"] == "PXY"
    assert value_of(times_nlp, "A two-week-long strike ended.", "two-week-long")["value"] == "P2W"


def test_todays_before_a_generic_noun_is_present_ref(times_nlp):
    text = "Such rules make no sense in today's world, said the author of today's report."
    assert value_of(times_nlp, text, "today's world".split("'")[0])["value"] == "PRESENT_REF"
    report = text.index("today's report")
    records = {r["span"][0]: r["value"] for r in times(times_nlp, text)}
    assert records[report] == SUNDAY
    assert value_of(times_nlp, "It is a proud moment for today's Acme.", "today")["value"] \
        == "PRESENT_REF"


def test_a_frequency_adverb_after_a_quantity_is_a_rate(times_nlp):
    text = "The plant will make 10,000 units annually, and sales should rise 8% annually."
    assert times(times_nlp, text) == []
    held = "The rally is held annually in the old square."
    assert value_of(times_nlp, held, "annually")["value"] == "P1Y"


def test_the_next_quarter_without_tense_is_ahead(times_nlp):
    text = "The carmaker cut output, resulting in plant closures during the fourth quarter."
    assert value_of(times_nlp, text, "fourth quarter", "2025-08-19")["value"] == "2025-Q4"
    past = "Profit fell sharply in the fourth quarter."
    assert value_of(times_nlp, past, "fourth quarter", "2025-08-19")["value"] == "2024-Q4"


def test_may_opening_a_sentence_after_in(times_nlp):
    assert value_of(times_nlp, "In May, the talks resumed.", "May", "2025-08-17")["value"] \
        == "2025-05"
