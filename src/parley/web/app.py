"""`parley serve`: the ledger as a documented REST API (`/api/...`, OpenAPI at `/docs`) and a
server-rendered dashboard (Jinja2, inline SVG, a little vanilla JS; no CDN, works offline).

Errors are JSON `{"error": message}` under `/api`, small HTML pages elsewhere; bad parameters are
4xx (422 for validation, 400 for a query the database cannot run, 404 for unknown ids).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any, Literal, Optional

import sqlalchemy as sa
from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import queries
from .cache import ResponseCache
from .queries import BadQuery, Filters

HERE = Path(__file__).resolve().parent
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_LIMIT = 500
MAX_OFFSET = 10**9  # beyond SQLite's needs, below its 64-bit integer limit

Issue = Optional[str]


async def filters(date_from: Optional[str] = Query(None, pattern=DATE,
                                             description="Articles dated on or after (YYYY[-MM[-DD]])."),
            date_to: Optional[str] = Query(None, pattern=DATE,
                                           description="Articles dated on or before."),
            actor: Optional[str] = Query(None, max_length=200, description="Actor id."),
            issue: Optional[str] = Query(None, max_length=100, description="Issue, e.g. territory."),
            source: Optional[str] = Query(None, max_length=200,
                                          description="The article's source (outlet)."),
            ) -> Filters:
    return Filters(date_from, date_to, actor, issue, source)


async def paging(limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)
           ) -> tuple[int, int]:
    return limit, offset


def fast_json(payload: Any) -> Response:
    """Serialise plain rows directly: FastAPI's generic encoder costs several ms per page of
    rows, more than the query (see docs/web.md). The declared response models still document
    the shapes in OpenAPI."""
    return Response(json.dumps(payload, ensure_ascii=False, default=str),
                    media_type="application/json")


class ErrorBody(BaseModel):
    error: str = Field(..., description="What went wrong, for a person to read.")
    details: Optional[list[dict[str, Any]]] = Field(None, description="Per-parameter problems.")


ERRORS = {status: {"model": ErrorBody, "description": text} for status, text in (
    (400, "A query the database cannot run (e.g. an empty search)."),
    (404, "Unknown id."),
    (422, "Invalid parameter or body."))}


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class Flags(BaseModel):
    items: list[dict[str, Any]]
    note: str


class AnalyzeRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=200_000, description="The article text.")
    id: str = Field("posted", max_length=200)
    date: Optional[str] = Field(None, pattern=DATE)
    title: Optional[str] = Field(None, max_length=1000)
    source: Optional[str] = Field(None, max_length=200)


def create_app(db: str = "sqlite:///parley.db", *, engine: sa.engine.Engine | None = None,
               response_cache: bool = True) -> FastAPI:
    """The application over the ledger at `db` (opened and migrated once, at creation).

    `response_cache`: replay whole GET responses until the ledger version changes
    (`parley.web.cache`); off, every request runs its route (the per-query caches remain)."""
    if engine is None:
        from ..ledger.store import open_ledger

        engine = open_ledger(db, write=False)
    app = FastAPI(title="Parley ledger API",
                  description="Articles, actors, quotes, negotiation acts, positions and timeline "
                              "from the Parley ledger. Lists are paginated (`limit`, `offset`) and "
                              "filterable by date range, actor, issue and source. Shifts and "
                              "contradictions are computed naively, see docs/web.md.",
                  version="1", docs_url=None, redoc_url=None, responses=ERRORS)
    app.state.engine = engine
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if response_cache:
        def current_version() -> int:
            with engine.connect() as conn:
                return queries.ledger_version(conn)

        app.add_middleware(ResponseCache, version=current_version)

    async def connection():
        # Async on purpose, like the routes below: SQLite reads of a page take a few ms, and
        # running them on the event loop avoids a threadpool hop per dependency and per route
        # (40 threads contending for the GIL tripled latency under 50 clients; docs/web.md).
        with engine.connect() as conn:
            yield conn

    # ---------------------------------------------------------------------------- errors

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.url.path == "/openapi.json"

    def error_response(request: Request, status: int, message: str, details=None, headers=None):
        if wants_json(request):
            body = {"error": message}
            if details is not None:
                body["details"] = details
            return JSONResponse(body, status_code=status, headers=headers)
        return HTMLResponse(f"<!doctype html><title>Error {status}</title><h1>Error {status}</h1>"
                            f"<p>{escape(message)}</p><p><a href='/'>Overview</a></p>",
                            status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        return error_response(request, error.status_code, str(error.detail),
                              headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        problems = [{"where": ".".join(map(str, e.get("loc", ()))), "message": e.get("msg")}
                    for e in error.errors()]
        message = "; ".join(f"{p['where']}: {p['message']}" for p in problems)
        return error_response(request, 422, f"invalid request: {message}", problems)

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, error: BadQuery):
        return error_response(request, 400, str(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):  # pragma: no cover - last resort
        return error_response(request, 500, f"internal error: {type(error).__name__}")

    # ---------------------------------------------------------------------------- API

    @app.get("/api/articles", response_model=Page, tags=["ledger"])
    async def api_articles(f: Filters = Depends(filters), p=Depends(paging), conn=Depends(connection)):
        """Articles, newest first (without their text)."""
        return fast_json(queries.page(conn, queries.articles_query(f), *p))

    @app.get("/api/articles/{article_id}", tags=["ledger"])
    async def api_article(article_id: str, conn=Depends(connection)) -> dict[str, Any]:
        """One article: its text and every actor, quote, act, time and place row."""
        found = queries.article(conn, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return fast_json(found)

    @app.get("/api/actors", response_model=Page, tags=["ledger"])
    async def api_actors(f: Filters = Depends(filters), p=Depends(paging), conn=Depends(connection)):
        """Actors with the number of articles mentioning them."""
        return fast_json(queries.actors_page(conn, f, *p))

    @app.get("/api/actors/{actor_id}", tags=["ledger"])
    async def api_actor(actor_id: str, conn=Depends(connection)) -> dict[str, Any]:
        found = queries.actor(conn, actor_id)
        if found is None:
            raise HTTPException(404, f"no actor with id {actor_id!r}")
        found["positions"] = queries.positions(conn, Filters(actor=actor_id))
        return fast_json(found)

    @app.get("/api/quotes", response_model=Page, tags=["ledger"])
    async def api_quotes(f: Filters = Depends(filters), p=Depends(paging),
                   about: Optional[str] = Query(None, max_length=200,
                                                description="Quotes about this actor (not by)."),
                   anonymity: Optional[Literal["named", "role", "anonymous", "unattributed"]] = None,
                   conn=Depends(connection)):
        """Quotes; `actor` filters by speaker, `about` by the actor they concern."""
        return fast_json(queries.page(conn, queries.quotes_query(f, about=about, anonymity=anonymity),
                                      *p, cache_items=about is not None))

    @app.get("/api/acts", response_model=Page, tags=["ledger"])
    async def api_acts(f: Filters = Depends(filters), p=Depends(paging),
                 type: Optional[str] = Query(None, max_length=50, description="Act type."),
                 conn=Depends(connection)):
        """Negotiation acts, newest article first, with their evidence."""
        return fast_json(queries.page(conn, queries.acts_query(f, act_type=type), *p))

    @app.get("/api/positions", response_model=Page, tags=["positions"])
    async def api_positions(f: Filters = Depends(filters), p=Depends(paging), conn=Depends(connection)):
        """Actor x issue: counts by act type, first/last seen, anonymous share, latest stance.
        Derived from the acts table at request time (naive; see docs/web.md)."""
        items = queries.positions(conn, f)
        limit, offset = p
        return fast_json({"total": len(items), "limit": limit, "offset": offset,
                          "items": items[offset:offset + limit]})

    def flag_route(kind: str):
        async def route(f: Filters = Depends(filters), p=Depends(paging), conn=Depends(connection)):
            result = queries.flags(conn, f)
            limit, offset = p
            return fast_json({"items": result[kind][offset:offset + limit],
                              "note": result["note"]})
        return route

    app.get("/api/shifts", response_model=Flags, tags=["positions"],
            summary="Stance shifts (from parley.positions when present, else empty)")(
        flag_route("shifts"))
    app.get("/api/contradictions", response_model=Flags, tags=["positions"],
            summary="Contradictions (from parley.positions when present, else empty)")(
        flag_route("contradictions"))

    @app.get("/api/timeline", tags=["positions"])
    async def api_timeline(f: Filters = Depends(filters), p=Depends(paging),
                     conn=Depends(connection)) -> dict[str, Any]:
        """Acts on a time axis: the act's time if known, else its article's date."""
        events = queries.timeline(conn, f, limit=10_000)
        limit, offset = p
        return fast_json({"total": len(events), "limit": limit, "offset": offset,
                          "items": events[offset:offset + limit]})

    @app.get("/api/search", tags=["search"])
    async def api_search(q: str = Query(..., min_length=1, max_length=500), p=Depends(paging),
                   conn=Depends(connection)) -> dict[str, Any]:
        """Full-text search over article titles, texts and quote contents (FTS5 on SQLite)."""
        return fast_json(queries.search(conn, q, limit=p[0], offset=p[1]))

    @app.post("/api/analyze", tags=["analysis"])
    def api_analyze(request: AnalyzeRequest = Body(...)) -> dict[str, Any]:
        """Analyse a posted article with the pipeline without storing it; the contract record."""
        from ..analysis import analyse_one
        from ..pipeline import load_pipeline
        from ..reading import Article

        article = Article(id=request.id, text=request.text, date=request.date,
                          title=request.title, source=request.source)
        return analyse_one(article, load_pipeline())

    # ---------------------------------------------------------------------------- pages

    def render(request: Request, name: str, **context):
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def overview(request: Request, conn=Depends(connection)):
        flags = queries.flags(conn, Filters())
        return render(request, "overview.html",
                      articles=queries.page(conn, queries.articles_query(Filters()), 10, 0),
                      acts=queries.page(conn, queries.acts_query(Filters()), 15, 0),
                      actors=queries.actors_page(conn, Filters(), 20, 0),
                      issues=queries.distinct(conn, queries.ACT.c.issue),
                      shifts=flags["shifts"][:10], contradictions=flags["contradictions"][:10],
                      note=flags["note"])

    @app.get("/actors/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
    async def actor_page(request: Request, actor_id: str, conn=Depends(connection)):
        found = queries.actor(conn, actor_id)
        if found is None:
            raise HTTPException(404, f"no actor with id {actor_id!r}")
        f = Filters(actor=actor_id)
        acts = queries.page(conn, queries.acts_query(f), MAX_LIMIT, 0)["items"]
        return render(request, "actor.html", actor=found,
                      positions=queries.positions(conn, f),
                      chart=stance_chart(acts),
                      quotes_by=queries.page(conn, queries.quotes_query(f), 100, 0),
                      quotes_about=queries.page(conn, queries.quotes_query(Filters(),
                                                                           about=actor_id), 100, 0,
                                                cache_items=True))

    @app.get("/issues/{issue}", response_class=HTMLResponse, include_in_schema=False)
    async def issue_page(request: Request, issue: str, conn=Depends(connection)):
        matrix = queries.issue_matrix(conn, issue)
        return render(request, "issue.html", matrix=matrix, region_map=region_map(matrix))

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    async def timeline_page(request: Request, conn=Depends(connection)):
        events = queries.timeline(conn, Filters(), limit=2000)
        return render(request, "timeline.html", events=events, axis=time_axis(events))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, article_id: str, conn=Depends(connection)):
        found = queries.article(conn, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return render(request, "article.html", article=found, hl=highlight(found))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def api_docs(request: Request):
        """The OpenAPI spec rendered server-side (Swagger UI would load from a CDN)."""
        return render(request, "api.html", spec=app.openapi())

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search_page(request: Request, q: str = Query("", max_length=500),
                    conn=Depends(connection)):
        result = None
        error = None
        if q.strip():
            try:
                result = queries.search(conn, q, limit=50, offset=0)
            except BadQuery as problem:
                error = str(problem)
        return render(request, "search.html", q=q, result=result, error=error)

    return app


# -------------------------------------------------------------------------------- page helpers


def highlight(article: dict) -> dict:
    """Cut the text at every span boundary; each piece lists the records that cover it.

    Records: quotes (segments), speakers, acts (evidence), times, places. The template renders
    each piece as a <span> with classes and `data-refs`; the JS shows the records on click.
    """
    text = article["text"]
    spans: list[tuple[int, int, str, str]] = []  # start, end, kind, ref
    records: dict[str, dict] = {}
    for quote in article["quotes"]:
        ref = f"quote-{quote['quote_id']}"
        records[ref] = {k: v for k, v in quote.items() if k not in ("segments",)}
        for segment in quote.get("segments") or []:
            if _valid(segment, text):
                spans.append((segment[0], segment[1], "quote", ref))
        if quote.get("speaker_start") is not None:
            spans.append((quote["speaker_start"], quote["speaker_end"], "speaker", ref))
    for act in article["acts"]:
        ref = f"act-{act['act_id']}"
        records[ref] = act
        if act.get("evidence_start") is not None:
            spans.append((act["evidence_start"], act["evidence_end"], "act", ref))
    for kind in ("times", "places"):
        for item in article[kind]:
            ref = f"{kind[:-1]}-{item['n']}"
            records[ref] = item
            if item.get("start") is not None:
                spans.append((item["start"], item["end"], kind[:-1], ref))
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    # Sweep over the cuts: a span covers the piece [start, end) iff it began at or before
    # `start` and ends after it (every span end is a cut). Testing every span at every cut was
    # quadratic: ~15% of the reader page's CPU on a BBC article.
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for index, span in enumerate(spans):
        starting.setdefault(span[0], []).append(index)
        ending.setdefault(span[1], []).append(index)
    active: set[int] = set()
    pieces, anchored = [], set()
    for start, end in zip(cuts, cuts[1:]):
        active.difference_update(ending.get(start, ()))
        active.update(starting.get(start, ()))
        covering = [spans[i] for i in sorted(active)]
        refs = sorted({s[3] for s in covering})
        anchors = [s[3] for s in covering if s[0] == start and s[3] not in anchored]
        anchored.update(anchors)
        pieces.append({"text": text[start:end], "kinds": sorted({s[2] for s in covering}),
                       "refs": refs, "anchors": anchors})
    return {"pieces": pieces, "records": records}


def _valid(span: Any, text: str) -> bool:
    return (isinstance(span, (list, tuple)) and len(span) == 2
            and all(isinstance(v, int) for v in span) and 0 <= span[0] < span[1] <= len(text))


def _day_number(value: str) -> int | None:
    """Days since 0001-01-01 for YYYY[-MM[-DD]] (missing parts: the first)."""
    import datetime as dt

    parts = (value.split("-") + ["01", "01"])[:3]
    try:
        return dt.date(int(parts[0]), int(parts[1] or 1), int(parts[2][:2] or 1)).toordinal()
    except ValueError:
        return None


def stance_chart(acts: list[dict], width: int = 760, row: int = 34) -> dict:
    """The actor's stance on each issue over time as dots on one row per issue (SVG geometry)."""
    points = []
    for act in acts:
        day = _day_number(act.get("date") or "") if act.get("date") else None
        if day is None:
            continue
        sign = queries.STANCE.get(act.get("type") or "", 0) * (
            -1 if act.get("polarity") == "negative" else 1)
        points.append((day, act.get("issue") or "other", sign, act))
    issues = sorted({p[1] for p in points})
    if not points:
        return {"issues": [], "dots": [], "width": width, "height": 60, "ticks": []}
    low, high = min(p[0] for p in points), max(p[0] for p in points)
    span = max(high - low, 1)
    left, right = 150, width - 20

    def x(day: int) -> float:
        return round(left + (day - low) / span * (right - left), 1)

    dots = [{"x": x(day), "y": 30 + issues.index(issue) * row, "sign": sign,
             "label": f"{act['date']} {act['type']} {issue}",
             "href": f"/articles/{act['article_id']}#act-{act['act_id']}"}
            for day, issue, sign, act in points]
    import datetime as dt

    ticks = [{"x": x(d), "label": dt.date.fromordinal(d).isoformat(),
              "anchor": "start" if d == low else "end"} for d in sorted({low, high})]
    return {"issues": [{"name": i, "y": 30 + n * row} for n, i in enumerate(issues)],
            "dots": dots, "width": width, "height": 50 + len(issues) * row, "ticks": ticks,
            "left": left, "right": right}


def time_axis(events: list[dict], width: int = 900) -> dict:
    """Events placed on one horizontal axis; past above the line, scheduled below."""
    days = [(_day_number(e["when"]), e) for e in events]
    days = [(d, e) for d, e in days if d is not None]
    if not days:
        return {"width": width, "height": 80, "dots": [], "ticks": []}
    low, high = min(d for d, _ in days), max(d for d, _ in days)
    span = max(high - low, 1)
    x = lambda d: round(40 + (d - low) / span * (width - 80), 1)  # noqa: E731
    lanes: dict[float, int] = {}
    dots = []
    for day, event in days:
        px = x(day)
        lane = lanes.get(px, 0)
        lanes[px] = lane + 1
        y = 100 + (1 if event["scheduled"] else -1) * (14 + 12 * min(lane, 5))
        dots.append({"x": px, "y": y, "event": event,
                     "href": f"/articles/{event['article_id']}#act-{event['act_id']}"})
    import datetime as dt

    ticks = [{"x": x(d), "label": dt.date.fromordinal(d).isoformat(),
              "anchor": "start" if d == low else "end"} for d in sorted({low, high})]
    return {"width": width, "height": 200, "dots": dots, "ticks": ticks}


def region_map(matrix: dict, width: int = 640) -> dict:
    """The issue page's map: each region concerned coloured by who demands or offers what, drawn
    as its approximate shape (`parley.web.regions`: GeoNames places, cached per country) among
    its country's other regions, or as a labelled box in a row below when it has no shape."""
    from . import regions  # numpy and scipy: loaded by the first map, not at start-up

    items = []
    for region in matrix["regions"]:
        types = {a["type"] for a in region["acts"]}
        colour = ("mixed" if {"demand", "offer"} <= types or {"demand", "concede"} <= types
                  else "demand" if "demand" in types or "claim" in types
                  else "offer" if types & {"offer", "concede", "accept"} else "other")
        who = sorted({f"{a['actor']}: {a['type']}" for a in region["acts"]})
        items.append({"code": region["code"], "name": region.get("name") or region["code"],
                      "colour": colour, "who": who, "lat": region.get("lat"),
                      "lon": region.get("lon"),
                      "href": f"/articles/{region['acts'][0]['article_id']}"
                              f"#act-{region['acts'][0]['act_id']}"})
    return regions.region_map(items, width)


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and multi-worker `parley serve` (ledger URL in PARLEY_DB)."""
    import os

    return create_app(os.environ.get("PARLEY_DB", "sqlite:///parley.db"),
                      response_cache=os.environ.get("PARLEY_RESPONSE_CACHE", "1") != "0")
