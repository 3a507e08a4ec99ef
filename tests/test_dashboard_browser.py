"""The dashboard in a real browser: Playwright driving Debian's chromium headless against uvicorn
on loopback. Loads every page, follows a position to its evidence in the article reader, clicks
highlights and checks what is shown. Screenshots go to test-artifacts/ (gitignored).

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
    with LiveServer(create_app(url)) as server:
        yield server.url


UA_TEXT = ("Ruritania demanded the Donetsk and Luhansk regions from Freedonia, "
           "which offered talks on Kherson instead.")


def _add_real_regions(url: str) -> None:
    """One more hand-written article whose acts (issue 'borders') concern real ISO 3166-2
    regions, so that the issue map draws shapes (the fixture's regions are fictional: boxes)."""
    from parley.ledger.store import open_ledger, write_article
    from parley.reading import Article

    def span(needle):
        start = UA_TEXT.index(needle)
        return [start, start + len(needle)]

    def act(act_id, type_, actor, target, regions, evidence):
        return {"id": act_id, "type": type_, "actor": actor, "target": target, "issue": "borders",
                "object": None, "regions": regions, "polarity": "positive",
                "modality": "asserted", "condition": None, "time": None,
                "source": {"quote": None, "actor": None, "anonymous": None},
                "evidence": span(evidence), "confidence": 0.8}

    def place(name, code, lat, lon):
        return {"span": span(name), "text": name, "name": name, "code": code, "lat": lat,
                "lon": lon, "kind": "region"}

    article = Article(id="web-ua", text=UA_TEXT, date="2025-02-01", title="Borders",
                      source="Example Wire")
    analysis = {
        "article": article.contract_record(),
        "actors": [{"id": a, "name": a.title(), "type": "state", "country": None, "aliases": [],
                    "mentions": [span(a.title())]} for a in ("ruritania", "freedonia")],
        "quotes": [], "times": [], "warnings": [],
        "acts": [act("act-1", "demand", "ruritania", "freedonia", ["UA-14", "UA-09"],
                     "Ruritania demanded the Donetsk and Luhansk regions"),
                 act("act-2", "offer", "freedonia", "ruritania", ["UA-65"],
                     "offered talks on Kherson")],
        "places": [place("Donetsk", "UA-14", 48.0, 37.8), place("Luhansk", "UA-09", 48.8, 39.1),
                   place("Kherson", "UA-65", 46.6, 33.4)],
    }
    engine = open_ledger(url)
    with engine.begin() as connection:
        write_article(connection, article, analysis, "test")
    engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith((base_url, "data:", "about:")) else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not external, f"the page fetched from outside the server (must work offline): {external}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview_lists_articles_acts_and_shifts(page):
    page.goto("/")
    assert page.title().startswith("Overview")
    latest = page.locator("#latest-articles li a")
    assert latest.count() >= 3
    assert "Ruritania softens its line" in latest.all_inner_texts()
    assert page.locator("#newest-acts tr").count() > 1
    try:
        import parley.positions  # noqa: F401
        assert "freedonia" in page.locator("#recent-shifts").inner_text()
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
    link = territory.locator("a.evidence", has_text="demand")
    link.click()
    page.wait_for_url(re.compile(r"/articles/web-a1#act-act-1$"))
    record = page.locator("#record-body")
    sa_text = record.inner_text()
    assert '"type": "demand"' in sa_text and "XR-NO" in sa_text
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


def test_timeline_and_search(page):
    page.goto("/timeline")
    assert page.locator("svg.timeline circle").count() >= 5
    scheduled = page.locator("#events tr", has_text="scheduled")
    assert scheduled.count() >= 1 and "2025-03-20" in scheduled.first.inner_text()
    shot(page, "timeline")
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
