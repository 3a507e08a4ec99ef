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
    with LiveServer(create_app(url)) as server:
        yield server.url


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
    shot(page, "issue-territory")


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
