"""The dashboard in a real browser: Playwright driving Debian's chromium headless against uvicorn
on loopback. Loads every page at a laptop width (1400 px) and a phone width (420 px) with no
console error, no sideways scrolling at 420 px and an accessible name on every control; opens a
positions-matrix cell's acts (by mouse and by keyboard), narrows the date range and sees the
matrix change, pages through the index pages, reads shifts side by side, checks the timeline's
axis and its outlier, follows a position to its evidence in the article reader and reads the
record panel's labelled table. Screenshots of every page at both widths go to test-artifacts/
(gitignored) for a person to look at.

Needs /usr/bin/chromium (CI: `apt-get update && apt-get install -y chromium`); skips without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from web_fixtures import LiveServer, build_ledger

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium); browser tests skipped",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from parley.web.app import create_app

    os.environ.setdefault("PARLEY_WEB_SKIP_EXAMPLES", "")
    url = build_ledger(tmp_path_factory.mktemp("browser") / "ledger.db")
    _add_real_regions(url)
    _add_old_treaty(url)
    with LiveServer(create_app(url)) as server:
        yield server.url


UA_TEXT = ("Ruritania demanded the Donetsk and Luhansk regions from Freedonia, "
           "which offered talks on Kherson instead.")
OLD_TEXT = ("Freedonia met Ruritania to mark the 1870 Treaty of Zenda. The talks continue at "
            "present, and a signing is planned for 2 March, officials said.")


def _write(url: str, article, analysis) -> None:
    from parley.ledger.store import open_ledger, write_article

    engine = open_ledger(url)
    with engine.begin() as connection:
        write_article(connection, article, analysis, "test")
    engine.dispose()


def _spanner(text: str):
    def span(needle):
        start = text.index(needle)
        return [start, start + len(needle)]
    return span


def _act(span, act_id, type_, actor, target, issue, regions, evidence, time=None):
    return {"id": act_id, "type": type_, "actor": actor, "target": target, "issue": issue,
            "object": None, "regions": regions, "polarity": "positive",
            "modality": "asserted", "condition": None, "time": time,
            "source": {"quote": None, "actor": None, "anonymous": None},
            "evidence": span(evidence), "confidence": 0.8}


def _actors(span, text):
    return [{"id": a, "name": a.title(), "type": "state", "country": None, "aliases": [],
             "mentions": [span(a.title())]} for a in ("ruritania", "freedonia")
            if a.title() in text]


def _add_real_regions(url: str) -> None:
    """One more hand-written article whose acts (issue 'borders') concern real ISO 3166-2
    regions, so that the issue map draws shapes (the fixture's regions are fictional: boxes)."""
    from parley.reading import Article

    span = _spanner(UA_TEXT)

    def place(name, code, lat, lon):
        return {"span": span(name), "text": name, "name": name, "code": code, "lat": lat,
                "lon": lon, "kind": "region"}

    article = Article(id="web-ua", text=UA_TEXT, date="2025-02-01", title="Borders",
                      source="Example Wire")
    _write(url, article, {
        "article": article.contract_record(), "actors": _actors(span, UA_TEXT),
        "quotes": [], "times": [], "warnings": [],
        "acts": [_act(span, "act-1", "demand", "ruritania", "freedonia", "borders",
                      ["UA-14", "UA-09"], "Ruritania demanded the Donetsk and Luhansk regions"),
                 _act(span, "act-2", "offer", "freedonia", "ruritania", "borders", ["UA-65"],
                      "offered talks on Kherson")],
        "places": [place("Donetsk", "UA-14", 48.0, 37.8), place("Luhansk", "UA-09", 48.8, 39.1),
                   place("Kherson", "UA-65", 46.6, 33.4)],
    })


def _add_old_treaty(url: str) -> None:
    """An act placed in 1870 (an outlier the timeline must list apart, not squash the axis
    with), one at the TimeML reference PRESENT_REF and a time without its year (XXXX-03-02)."""
    from parley.reading import Article

    span = _spanner(OLD_TEXT)
    article = Article(id="web-old", text=OLD_TEXT, date="2025-04-01", title="Zenda anniversary",
                      source="Example Post")
    _write(url, article, {
        "article": article.contract_record(), "actors": _actors(span, OLD_TEXT),
        "quotes": [], "places": [], "warnings": [],
        "times": [{"span": span("1870"), "text": "1870", "type": "date", "value": "1870",
                   "anchor": "article"},
                  {"span": span("at present"), "text": "at present", "type": "date",
                   "value": "PRESENT_REF", "anchor": "article"},
                  {"span": span("2 March"), "text": "2 March", "type": "date",
                   "value": "XXXX-03-02", "anchor": "article"}],
        "acts": [_act(span, "act-1", "meet", "freedonia", "ruritania", "talks_format", [],
                      "Freedonia met Ruritania to mark the 1870 Treaty of Zenda", time="1870"),
                 _act(span, "act-2", "meet", "ruritania", "freedonia", "talks_format", [],
                      "The talks continue at present", time="PRESENT_REF")],
    })


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def _context(browser, base_url, width: int):
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith((base_url, "data:", "about:")) else None)
    return context, page, errors, external


@pytest.fixture()
def page(browser, base_url):
    context, page, errors, external = _context(browser, base_url, 1280)
    yield page
    context.close()
    assert not errors, f"JavaScript or console errors: {errors}"
    assert not external, f"the page fetched from outside the server (must work offline): {external}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


#: Every page of the dashboard, with the screenshot name.
PAGES = [
    ("/", "overview"), ("/positions", "positions"),
    ("/positions/cell?actor=ruritania&issue=territory", "positions-cell"),
    ("/shifts", "shifts"), ("/actors", "actors"), ("/actors/ruritania", "actor"),
    ("/issues", "issues"), ("/issues/territory", "issue"), ("/articles", "articles"),
    ("/articles/web-a1", "article"), ("/timeline", "timeline"), ("/map", "map"),
    ("/search?q=sale", "search"), ("/docs", "api-docs"),
]

#: Controls (and links) without an accessible name: none may be left.
UNNAMED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, button, textarea, a[href], [tabindex="0"]'))
  .filter(el => {
    const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || el.getAttribute('title') || (el.labels && el.labels.length
      && Array.from(el.labels).some(l => l.textContent.trim()));
    return !labelled && !(el.textContent || '').trim();
  }).map(el => el.outerHTML.slice(0, 160))"""


@pytest.mark.parametrize("width", [1400, 420])
def test_every_page_loads_clean_and_reflows(browser, base_url, width):
    context, page, errors, external = _context(browser, base_url, width)
    try:
        for path, name in PAGES:
            response = page.goto(path)
            assert response.status == 200, path
            assert page.locator("h1").count() >= 1 or page.locator("#cell-acts h2").count() == 1
            page.wait_for_load_state("load")
            unnamed = page.evaluate(UNNAMED)
            assert not unnamed, f"{path}: controls without an accessible name: {unnamed}"
            if width <= 420:
                # readable on a phone: the page itself never scrolls sideways (wide tables
                # scroll inside their own box)
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{path} is {overflow} px wide at {width} px"
            shot(page, f"{name}-{width}")
            assert not errors, f"{path}: {errors}"
    finally:
        context.close()
    assert not external, external


def _cell(page, actor: str, issue: str):
    return page.locator(f'a.cell-link[data-actor="{actor}"][data-issue="{issue}"]')


def test_matrix_cell_opens_its_acts(page):
    page.goto("/positions")
    header = page.locator("table.positions-matrix thead th").all_inner_texts()
    assert {"territory", "talks format", "ceasefire"} <= {h.strip() for h in header}
    rows = page.locator("table.positions-matrix tbody tr.party")
    assert {"ruritania", "freedonia"} <= {rows.nth(i).get_attribute("data-actor")
                                          for i in range(rows.count())}
    cell = _cell(page, "ruritania", "territory")
    text = cell.inner_text()
    assert "for" in text and "2 acts" in text and "2025-05-02" in text
    assert cell.get_attribute("aria-label") == \
        "Ruritania on territory: for, 2 acts, last 2025-05-02"
    cell.click()
    panel = page.locator("#cell-acts")
    panel.locator(".act-item").first.wait_for()
    assert page.url.endswith("/positions"), "the acts open beside the matrix"
    items = panel.locator(".act-item")
    assert items.count() == 2
    marked = panel.locator("blockquote.evidence-sentence mark").all_inner_texts()
    assert "Ruritania offered to drop its claim to Sudland" in marked  # newest first
    assert marked[-1].startswith("Ruritania demanded that Freedonia withdraw")
    whole = panel.locator("blockquote.evidence-sentence").first.inner_text()
    assert "in exchange for a ceasefire" in whole, "the whole sentence, the act's words marked"
    assert panel.locator(".sourcing-author").count() == 2
    assert panel.locator('a[href="/articles/web-a1#act-act-1"]').count() == 1
    shot(page, "positions-cell-open")

    # by keyboard: focus another cell, Enter
    other = _cell(page, "freedonia", "territory")
    other.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#cell-acts').innerText.includes("
                           "'Freedonia would accept')")
    assert panel.locator(".sourcing-anonymous", has_text="An official who asked not to be named"
                         ).count() == 1
    assert page.evaluate("document.activeElement.id") == "cell-acts"
    # without JavaScript the link is a page of its own
    page.goto(other.get_attribute("href"))
    assert page.locator("#cell-acts .act-item").count() == 2


def test_date_range_changes_the_matrix(page):
    page.goto("/positions")
    assert "for" in _cell(page, "freedonia", "territory").inner_text()  # latest: accept (May)
    assert _cell(page, "ruritania", "ceasefire").count() == 1
    page.fill("form.range input[name=date_to]", "2025-03-31")
    page.click("form.range button[type=submit]")
    page.wait_for_url(re.compile(r"/positions\?date_to=2025-03-31$"))
    cell = _cell(page, "freedonia", "territory")
    assert "against" in cell.inner_text() and "1 act" in cell.inner_text()
    assert "2025-03-10" in cell.inner_text()
    assert _cell(page, "ruritania", "ceasefire").count() == 0, "May's proposal is out of range"
    # every link keeps the range, and the cell's acts respect it
    assert "date_to=2025-03-31" in page.locator("nav a", has_text="Shifts").get_attribute("href")
    page.goto(cell.get_attribute("href"))
    assert page.locator("#cell-acts .act-item").count() == 1
    page.goto("/positions?date_from=2025-04-01")
    assert _cell(page, "freedonia", "territory").inner_text().count("1 act") == 1
    assert "2025-05-02" in _cell(page, "freedonia", "territory").inner_text()
    shot(page, "positions-from-april")


@pytest.mark.parametrize("path,row", [("/actors", "tr.actor-row"),
                                      ("/articles", "tr.article-row"),
                                      ("/positions", "tr.party"),
                                      ("/timeline", "li.act-item")])
def test_index_pages_are_paged(page, path, row):
    page.goto(f"{path}?limit=2")
    first = page.locator(row).all_inner_texts()
    assert len(first) == 2
    where = page.locator(".pager .pager-where").first.inner_text()
    total = int(where.split(" of ")[1])
    assert where.startswith("1–2 of ") and total > 2
    page.locator(".pager a[rel=next]").first.click()
    page.wait_for_url(re.compile(r"offset=2"))
    assert page.locator(".pager .pager-where").first.inner_text() == f"3–{min(4, total)} of {total}"
    second = page.locator(row).all_inner_texts()
    assert second and not set(second) & set(first)
    page.locator(".pager a[rel=prev]").first.click()
    page.wait_for_url(re.compile(r"offset=0|limit=2$"))
    assert page.locator(row).all_inner_texts() == first


def test_actor_index_search_sort_and_types(page):
    page.goto("/actors")
    row = page.locator("tr.actor-row", has_text="Anna Vogel")
    assert "person" in row.locator("td.type").inner_text()
    cells = row.locator("td.num").all_inner_texts()
    assert cells == ["3", "2", "0"], "articles, quotes, acts"
    page.fill("form.filters input[name=q]", "donia")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"q=donia"))
    assert page.locator("tr.actor-row").all_inner_texts()[0].startswith("Freedonia")
    page.goto("/actors?sort=quotes")
    quotes = [int(row.locator("td.num").nth(1).inner_text()) for row in
              page.locator("tr.actor-row").all()]
    assert quotes == sorted(quotes, reverse=True) and quotes[0] > quotes[-1]
    page.goto("/articles?q=Norland")
    ids = page.locator("tr.article-row a").all_inner_texts()
    assert ids == ["Ruritania demands the northern provinces", "Freedonia rejects the demand"] or \
        set(ids) == {"Ruritania demands the northern provinces", "Freedonia rejects the demand"}
    page.goto("/issues")
    territory = page.locator("tr.issue-row", has_text="territory").inner_text()
    assert "\t2025-03-01\t" in territory, "the first territory act"


def test_shifts_page_sets_statements_side_by_side(page):
    page.goto("/shifts")
    card = page.locator("li.flag-shift", has_text="Freedonia").filter(has_text="territory")
    assert card.count() == 1
    before, after = card.locator(".flag-side").all()
    assert "2025-03-10" in before.inner_text() and "reject" in before.inner_text()
    assert before.locator("mark").inner_text() == "Freedonia rejected the demand for Norland"
    assert "2025-05-02" in after.inner_text() and "accept" in after.inner_text()
    assert after.locator("mark").inner_text() == "Freedonia would accept the offer"
    assert after.locator(".sourcing-anonymous").count() == 1
    assert after.locator("a.evidence").get_attribute("href") == "/articles/web-a3#act-act-3"
    shot(page, "shifts-card")
    page.select_option("form.filters select[name=actor]", "freedonia")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"actor=freedonia"))
    flags = page.locator("li.flag")
    assert flags.count() >= 1 and all(f.locator(".flag-head a.actor").inner_text() == "Freedonia"
                                      for f in flags.all())
    page.select_option("form.filters select[name=kind]", "contradiction")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"kind=contradiction"))
    assert "actor=freedonia" in page.url
    assert page.locator("li.flag-shift").count() == 0
    page.goto("/shifts?date_to=2025-04-30")
    assert page.locator("li.flag-shift", has_text="territory").count() == 0, \
        "a shift is dated by its later statement"


def test_timeline_axis_spans_the_bulk_and_reads_times(page):
    page.goto("/timeline")
    ticks = page.locator("svg.timeline text.axis-label").all_text_contents()
    years = {int(t[:4]) for t in ticks if t[:4].isdigit()}
    assert years and min(years) >= 2025, f"the 1870 act must not stretch the axis: {ticks}"
    outliers = page.locator("#outliers li")
    assert outliers.count() == 1 and "1870" in outliers.first.inner_text()
    assert "Zenda anniversary" in outliers.first.inner_text()
    assert page.locator("svg.timeline a rect.bar").count() >= 3
    body = page.locator("main").inner_text()
    assert "PRESENT_RE" not in body and "present" in body
    shot(page, "timeline")
    page.goto("/timeline?date_from=2025-03-20&date_to=2025-03-20")
    scheduled = page.locator("#events li.act-item.scheduled")
    assert scheduled.count() == 2, "both announcements of the Geneva meeting, by its own day"
    assert all(s.startswith("2025-03-20 scheduled") for s in scheduled.all_inner_texts())
    bar = page.locator("svg.timeline a").first
    label = bar.get_attribute("aria-label")
    href = bar.get_attribute("href")
    assert label and "event" in label and href.startswith("/timeline?date_from=")
    page.goto(href)
    assert page.locator("#events li.act-item").count() >= 1


def test_overview_lists_articles_acts_and_shifts(page):
    page.goto("/")
    assert page.title().startswith("Overview")
    latest = page.locator("#latest-articles li a")
    assert latest.count() >= 3
    assert "Ruritania softens its line" in latest.all_inner_texts()
    acts = page.locator("#newest-acts li.act-item")
    assert acts.count() > 1
    # evidence inline: each act with its sentence, the act's words marked, not an "evidence" link
    assert acts.locator("blockquote.evidence-sentence mark").count() == acts.count()
    assert page.locator("#top-positions a.cell-link").count() >= 4
    try:
        import parley.positions  # noqa: F401
        shifts = page.locator("#recent-shifts")
        assert "Freedonia" in shifts.inner_text()
        assert "Freedonia rejected the demand for Norland" in \
            shifts.locator("mark").all_inner_texts()
    except ImportError:
        assert "not available" in page.locator("#recent-shifts").inner_text()
    shot(page, "overview")


def test_position_links_to_its_evidence_in_the_reader(page):
    page.goto("/actors/anna-vogel")
    assert page.locator("#quotes-by li").count() == 2
    assert page.locator("#quotes-by .sourcing-named").count() == 2
    page.goto("/actors/freedonia")
    about = page.locator("#quotes-about")
    assert about.locator(".sourcing-anonymous").count() >= 1, "anonymous sourcing is shown"
    page.goto("/actors/ruritania")
    assert page.locator("svg.chart circle").count() >= 3
    shot(page, "actor-ruritania")
    territory = page.locator("#positions tr.position", has_text="territory")
    assert "for" in territory.inner_text() and "2 acts" in territory.inner_text()
    demand = page.locator("#acts li.act-item", has_text="Ruritania demanded that Freedonia")
    assert "Ruritania demanded that Freedonia withdraw" in demand.locator("mark").inner_text()
    demand.locator("a.evidence").click()
    page.wait_for_url(re.compile(r"/articles/web-a1#act-act-1$"))
    record = page.locator("#record-body")
    # the record as a labelled table, its JSON behind a toggle
    table = record.locator("table.record-table")
    fields = dict(zip(table.locator("th").all_inner_texts(), table.locator("td").all_inner_texts()))
    assert fields["type"] == "demand" and fields["regions"] == "XR-NO, XR-SU"
    assert fields["actor"] == "ruritania" and fields["issue"] == "territory"
    assert "evidence start" not in fields, "offsets stay in the JSON"
    json_view = record.locator("details pre")
    assert not json_view.is_visible()
    record.locator("details summary").click()
    assert '"type": "demand"' in json_view.inner_text()
    highlighted = page.locator('.hl.active[data-refs~="act-act-1"]')
    assert "Ruritania demanded" in " ".join(highlighted.all_inner_texts())
    shot(page, "reader-from-position")


def test_reader_highlights_show_records_on_click(page):
    page.goto("/articles/web-a1")
    kinds = {"quote", "speaker", "act", "place", "time"}
    for kind in kinds:
        assert page.locator(f".hl.{kind}").count() > 0, kind
    page.locator(".hl.speaker", has_text="A diplomatic source").first.click()
    text = page.locator("#record-body").inner_text()
    assert "anonymous" in text and "A diplomatic source" in text
    page.locator(".hl.place", has_text="Geneva").first.click()
    assert "Geneva" in page.locator("#record-body").inner_text()
    shot(page, "reader-click")
    # normalised times read as dates and words, never raw TimeML
    page.goto("/articles/web-old")
    page.locator(".hl.time", has_text="at present").first.click()
    assert "present" in page.locator("#record-body table").first.inner_text()
    page.locator(".hl.time", has_text="2 March").first.focus()
    page.keyboard.press("Enter")
    assert "2 March 2025 (year assumed)" in page.locator("#record-body table").first.inner_text()


def test_issue_page_matrix_and_region_map(page):
    page.goto("/issues/territory")
    rows = page.locator("#matrix tr.position")
    assert rows.count() >= 2
    assert "against" in rows.filter(has_text="freedonia").inner_text() or \
        "for" in rows.filter(has_text="freedonia").inner_text()
    regions = page.locator("#region-map a.region")
    codes = {regions.nth(i).get_attribute("data-code") for i in range(regions.count())}
    assert codes >= {"XR-NO", "XR-SU"}
    # Sudland is both demanded (a1) and conceded (a3): coloured as mixed.
    assert page.locator('a.region[data-code="XR-SU"] rect').get_attribute("class") == "region-mixed"
    # fictional codes have no shape: they are boxes below the map, never paths
    assert page.locator('a.region[data-code="XR-SU"] path').count() == 0
    shot(page, "issue-territory")


def test_issue_map_draws_region_shapes(page):
    page.goto("/issues/borders")
    shapes = page.locator("#region-map svg.map-shapes")
    assert shapes.count() == 1
    donetsk = page.locator('a.region[data-code="UA-14"] path')
    luhansk = page.locator('a.region[data-code="UA-09"] path')
    kherson = page.locator('a.region[data-code="UA-65"] path')
    assert donetsk.get_attribute("class") == "region-demand"
    assert luhansk.get_attribute("class") == "region-demand"
    assert kherson.get_attribute("class") == "region-offer"
    assert donetsk.get_attribute("d").startswith("M") and donetsk.get_attribute("d").count("L") > 10
    assert "ruritania: demand" in donetsk.locator("title").text_content()
    href = page.locator('a.region[data-code="UA-14"]').get_attribute("href")
    assert href == "/articles/web-ua#act-act-1"
    # Ukraine's other oblasts are drawn grey for context
    assert shapes.locator("path.region-context").count() >= 20
    # geography: Luhansk lies east of Donetsk, Kherson south-west of both
    d, lu, k = donetsk.bounding_box(), luhansk.bounding_box(), kherson.bounding_box()
    assert lu["x"] + lu["width"] / 2 > d["x"] + d["width"] / 2
    assert k["x"] + k["width"] / 2 < d["x"] + d["width"] / 2
    assert k["y"] + k["height"] / 2 > d["y"] + d["height"] / 2
    labels = shapes.locator("text.map-label").all_text_contents()
    assert "Donetsk" in labels and "Kherson" in labels
    assert "GeoNames" in page.locator("#region-map p.attribution").inner_text()
    shot(page, "issue-borders-map")
    page.locator('a.region[data-code="UA-14"]').click()
    page.wait_for_url(re.compile(r"/articles/web-ua#act-act-1$"))


def test_search_to_reader(page):
    page.goto("/")
    page.fill("nav input[name=q]", "sale")
    page.press("nav input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=sale"))
    hit = page.locator("#quote-hits li a.evidence").first
    assert "rufus-firefly" in page.locator("#quote-hits").inner_text()
    hit.click()
    page.wait_for_url(re.compile(r"/articles/web-a2#quote-q1$"))
    assert "Our land is not for sale" in page.locator("#record-body").inner_text()
    shot(page, "search-to-reader")


def test_keyboard_reaches_the_content_first(page):
    page.goto("/positions")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
