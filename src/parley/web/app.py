"""`parley serve`: the ledger as a documented REST API (`/api/...`, OpenAPI at `/docs`) and a
server-rendered dashboard (Jinja2, inline SVG, a little vanilla JS; no CDN, works offline).

Errors are JSON `{"error": message}` under `/api`, small HTML pages elsewhere; bad parameters are
4xx (422 for validation, 400 for a query the database cannot run, 404 for unknown ids).
"""

from __future__ import annotations

import json
import math
import re
from html import escape
from pathlib import Path
from typing import Any, Literal, Optional
from urllib.parse import quote as url_quote, urlencode

import sqlalchemy as sa
from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import queries, timefmt
from .cache import ResponseCache
from .queries import BadQuery, Filters

HERE = Path(__file__).resolve().parent
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
#: A date filter may also be empty (a date field of the dashboard's forms left blank): no bound.
DATE_OR_EMPTY = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
MAX_LIMIT = 500
MAX_OFFSET = 10**9  # beyond SQLite's needs, below its 64-bit integer limit
#: Events the timeline page reads (axis and table); more are counted, not shown.
TIMELINE_LIMIT = 20_000

Issue = Optional[str]


async def filters(date_from: Optional[str] = Query(None, pattern=DATE_OR_EMPTY,
                                             description="Articles dated on or after (YYYY[-MM[-DD]])."),
            date_to: Optional[str] = Query(None, pattern=DATE_OR_EMPTY,
                                           description="Articles dated on or before."),
            actor: Optional[str] = Query(None, max_length=200, description="Actor id."),
            issue: Optional[str] = Query(None, max_length=100, description="Issue, e.g. territory."),
            source: Optional[str] = Query(None, max_length=200,
                                          description="The article's source (outlet)."),
            ) -> Filters:
    return Filters(date_from or None, date_to or None, actor or None, issue or None,
                   source or None)


async def date_range(date_from: Optional[str] = Query(None, pattern=DATE_OR_EMPTY,
                                                      description="Articles dated on or after."),
                     date_to: Optional[str] = Query(None, pattern=DATE_OR_EMPTY,
                                                    description="Articles dated on or before."),
                     ) -> Filters:
    """The date range alone (pages whose path names the actor or issue)."""
    return Filters(date_from or None, date_to or None)


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
    total: int = Field(..., description="Flags matching the filters.")
    items: list[dict[str, Any]]
    note: str


class AnalyzeRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=200_000, description="The article text.")
    id: str = Field("posted", max_length=200)
    date: Optional[str] = Field(None, pattern=DATE)
    title: Optional[str] = Field(None, max_length=1000)
    source: Optional[str] = Field(None, max_length=200)

    @field_validator("date")
    @classmethod
    def _a_real_day(cls, value: Optional[str]) -> Optional[str]:
        """"2025-13-45" has the shape of a date but is none: 422, as the CLI reports it."""
        if value and len(value) == 10:
            from ..reading import parse_date

            _, problem = parse_date(value)
            if problem:
                raise ValueError(problem)
        return value


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

    FLAGS_DOC = ("Newest first. Computed once per ledger version over every act (per outlet with "
                 "`source`), then filtered: `actor`, `issue`, and the date range on the later "
                 "of the two statements.")

    def flag_route(kind: str):
        async def route(f: Filters = Depends(filters), p=Depends(paging), conn=Depends(connection)):
            items = queries.flag_list(conn, f, (kind,))
            limit, offset = p
            return fast_json({"total": len(items), "items": items[offset:offset + limit],
                              "note": queries.flags(conn, Filters(source=f.source))["note"]})
        return route

    app.get("/api/shifts", response_model=Flags, tags=["positions"],
            summary="Stance shifts (from parley.positions when present, else empty)",
            description=FLAGS_DOC)(
        flag_route("shift"))
    app.get("/api/contradictions", response_model=Flags, tags=["positions"],
            summary="Contradictions (from parley.positions when present, else empty)",
            description=FLAGS_DOC)(
        flag_route("contradiction"))

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

    templates.env.filters["when"] = lambda value, anchor=None: timefmt.read_time(value, anchor)["label"]
    templates.env.filters["issue_name"] = lambda issue: (issue or "other").replace("_", " ")

    def render(request: Request, name: str, conn=None, *, show_range: bool = False, **context):
        """Render `name` with the helpers every page uses: `url(path, **params)` (a link that
        keeps the date range), `here(**params)` (this page with some parameters changed; a new
        filter goes back to the first page), `rng` (the active range), `names` (actor id ->
        most common name and type)."""
        params = {k: v for k, v in request.query_params.items() if v != ""}
        rng = {k: params[k] for k in ("date_from", "date_to")
               if k in params and re.match(DATE, params[k])}

        def url(path: str, **extra) -> str:
            merged = {k: v for k, v in {**rng, **extra}.items() if v not in (None, "")}
            return path + ("?" + urlencode(merged) if merged else "")

        def here(**extra) -> str:
            merged = dict(params)
            if any(not k.endswith("offset") for k in extra):
                merged = {k: v for k, v in merged.items() if not k.endswith("offset")}
            merged.update(extra)
            merged = {k: v for k, v in merged.items() if v not in (None, "", 0) or
                      (v == 0 and not k.endswith("offset"))}
            return request.url.path + ("?" + urlencode(merged) if merged else "")

        if conn is not None:
            rows = queries.cached(conn, "matrix-rows", Filters(**rng), dict)
            context["matrix_row"] = lambda party, issues: matrix_row(rows, party, issues, url)
        context.update(url=url, here=here, rng=rng, show_range=show_range,
                       keep_params=[(k, v) for k, v in params.items()
                                    if k not in ("date_from", "date_to") and not k.endswith("offset")],
                       names=queries.actor_identities(conn) if conn is not None else {},
                       ledger_dates=queries.ledger_dates(conn) if conn is not None else {})
        return templates.TemplateResponse(request, name, context)

    def window(items: list, limit: int, offset: int) -> dict:
        return {"total": len(items), "limit": limit, "offset": offset,
                "items": items[offset:offset + limit]}

    Offset = Query(0, ge=0, le=MAX_OFFSET)

    def rows_per_page(default: int):
        return Query(default, ge=1, le=200, description="Rows per page.")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def overview(request: Request, f: Filters = Depends(filters), conn=Depends(connection)):
        r = queries._range(f)

        def build() -> dict:
            # everything on the overview is a function of the ledger version and the range
            grid = queries.matrix(conn, r)
            flagged = queries.flag_list(conn, r)
            shifts = [x for x in flagged if x["kind"] == "shift"][:5]
            contradictions = [x for x in flagged if x["kind"] == "contradiction"][:5]
            return dict(
                articles=queries.page(conn, queries.articles_query(r), 10, 0),
                acts=queries.enrich_acts(conn, queries.page(
                    conn, queries.acts_query(r), 10, 0)["items"]),
                n_acts=queries.page(conn, queries.acts_query(r), 1, 0)["total"],
                grid={"issues": grid["issues"][:7], "parties": grid["parties"][:10],
                      "n_parties": len(grid["parties"])},
                issues=queries.issue_index(conn, r),
                shifts=queries.enrich_flags(conn, shifts),
                contradictions=queries.enrich_flags(conn, contradictions),
                n_flags=len(flagged), note=queries.flags(conn, Filters())["note"])

        return render(request, "overview.html", conn, show_range=True,
                      **queries.cached(conn, "overview", r, build))

    @app.get("/positions", response_class=HTMLResponse, include_in_schema=False)
    async def positions_page(request: Request, f: Filters = Depends(filters),
                             q: str = Query("", max_length=200),
                             type: str = Query("", max_length=50),
                             sort: Literal["acts", "name", "recent"] = "acts",
                             offset: int = Offset, limit: int = rows_per_page(25),
                             conn=Depends(connection)):
        r = queries._range(f)
        grid = queries.matrix(conn, r)
        parties, types = queries.select(conn, "parties", r, lambda: grid["parties"], q=q,
                                        actor_type=type or None, sort=sort)
        return render(request, "positions.html", conn, show_range=True, issues=grid["issues"],
                      parties=window(parties, limit, offset), q=q, type=type, sort=sort,
                      types=types)

    @app.get("/positions/cell", response_class=HTMLResponse, include_in_schema=False)
    async def position_cell(request: Request, actor: str = Query(..., max_length=200),
                            issue: str = Query(..., max_length=100),
                            f: Filters = Depends(date_range), offset: int = Offset,
                            limit: int = rows_per_page(20), conn=Depends(connection)):
        acts = queries.page(conn, queries.cell_acts_query(f, actor, issue), limit, offset)
        acts["items"] = queries.enrich_acts(conn, acts["items"])
        party = next((p for p in queries.matrix(conn, f)["parties"] if p["id"] == actor), None)
        cell = (party or {}).get("cells", {}).get(issue)
        return render(request, "cell.html", conn, show_range=True, actor=actor, issue=issue,
                      acts=acts, cell=cell)

    @app.get("/shifts", response_class=HTMLResponse, include_in_schema=False)
    async def shifts_page(request: Request, f: Filters = Depends(filters),
                          kind: Literal["all", "shift", "contradiction"] = "all",
                          offset: int = Offset, limit: int = rows_per_page(20),
                          conn=Depends(connection)):
        kinds = ("shift", "contradiction") if kind == "all" else (kind,)
        flagged = queries.flag_list(conn, f, kinds)
        page_ = window(flagged, limit, offset)
        page_["items"] = queries.enrich_flags(conn, page_["items"])
        everything = queries.flag_list(conn, queries._range(f))
        return render(request, "shifts.html", conn, show_range=True, flags=page_, kind=kind,
                      actor=f.actor, issue=f.issue,
                      actors=sorted({x["actor"] for x in everything}),
                      issues=sorted({x["issue"] or "other" for x in everything}),
                      note=queries.flags(conn, Filters())["note"])

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    async def actors_index(request: Request, f: Filters = Depends(filters),
                           q: str = Query("", max_length=200), type: str = Query("", max_length=50),
                           sort: Literal["articles", "quotes", "acts", "name", "recent"] = "articles",
                           offset: int = Offset, limit: int = rows_per_page(50),
                           conn=Depends(connection)):
        r = queries._range(f)
        selected, types = queries.select(conn, "actors", r, lambda: queries.actor_index(conn, r),
                                         q=q, actor_type=type or None, sort=sort)
        return render(request, "actors.html", conn, show_range=True,
                      actors=window(selected, limit, offset), q=q, type=type, sort=sort,
                      types=types)

    @app.get("/actors/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
    async def actor_page(request: Request, actor_id: str, f: Filters = Depends(date_range),
                         acts_offset: int = Offset, by_offset: int = Offset,
                         about_offset: int = Offset, conn=Depends(connection)):
        found = queries.actor(conn, actor_id)
        if found is None:
            raise HTTPException(404, f"no actor with id {actor_id!r}")
        r = queries._range(f)
        mine = Filters(r.date_from, r.date_to, actor_id, None, r.source)
        chart = queries.cached(conn, "stance-chart", mine, lambda: stance_chart(
            queries.page(conn, queries.acts_query(mine), MAX_LIMIT, 0)["items"]))
        acts = queries.page(conn, queries.acts_query(mine), 20, acts_offset)
        acts["items"] = queries.enrich_acts(conn, acts["items"])
        return render(request, "actor.html", conn, show_range=True, actor=found,
                      positions=queries.positions(conn, mine), chart=chart, acts=acts,
                      quotes_by=queries.page(conn, queries.quotes_query(mine), 20, by_offset),
                      quotes_about=queries.page(conn, queries.quotes_query(r, about=actor_id),
                                                20, about_offset, cache_items=True))

    @app.get("/issues", response_class=HTMLResponse, include_in_schema=False)
    async def issues_index(request: Request, f: Filters = Depends(filters), offset: int = Offset,
                           limit: int = rows_per_page(50), conn=Depends(connection)):
        return render(request, "issues.html", conn, show_range=True,
                      issues=window(queries.issue_index(conn, f), limit, offset))

    @app.get("/issues/{issue}", response_class=HTMLResponse, include_in_schema=False)
    async def issue_page(request: Request, issue: str, f: Filters = Depends(date_range),
                         offset: int = Offset, limit: int = rows_per_page(50),
                         conn=Depends(connection)):
        r = queries._range(f)
        matrix = queries.issue_matrix(conn, issue, r)
        ranked = queries.cached(conn, f"issue-page-{issue}", r, lambda: (
            sorted(matrix["positions"], key=lambda p: -p["n_acts"]), region_map(matrix)))
        return render(request, "issue.html", conn, show_range=True, matrix=matrix,
                      positions=window(ranked[0], limit, offset), region_map=ranked[1])

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    async def articles_index(request: Request, f: Filters = Depends(filters),
                             q: str = Query("", max_length=500),
                             sort: Literal["newest", "oldest", "title", "acts"] = "newest",
                             offset: int = Offset, limit: int = rows_per_page(50),
                             conn=Depends(connection)):
        error = None
        try:
            found = queries.page(conn, queries.article_index_query(
                f, q=q, sort=sort, dialect=conn.dialect.name), limit, offset)
        except BadQuery as problem:
            error, found = str(problem), {"total": 0, "limit": limit, "offset": 0, "items": []}
        return render(request, "articles.html", conn, show_range=True, articles=found, q=q,
                      sort=sort, source=f.source, sources=queries.sources(conn), error=error)

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    async def timeline_page(request: Request, f: Filters = Depends(filters), offset: int = Offset,
                            limit: int = rows_per_page(50), conn=Depends(connection)):
        # The range applies to each event's own day here (a meeting scheduled for the 20th is
        # in a range of the 20th, whenever the article announcing it was dated).
        def build():
            events = queries.timeline(conn, Filters(actor=f.actor, issue=f.issue,
                                                    source=f.source), limit=TIMELINE_LIMIT)
            capped = len(events) >= TIMELINE_LIMIT
            events = [e for e in events if (not f.date_from or e["when"] >= f.date_from)
                      and (not f.date_to or e["when"][:len(f.date_to)] <= f.date_to)]
            return events[::-1], time_axis(events, links="/timeline"), capped

        newest, axis, capped = queries.cached(conn, "timeline-page", f, build)
        listed = window(newest, limit, offset)
        listed["items"] = queries.enrich_acts(conn, listed["items"])
        return render(request, "timeline.html", conn, show_range=True, events=listed,
                      axis=axis, actor=f.actor, issue=f.issue, capped=capped)

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    async def map_page(request: Request, f: Filters = Depends(filters),
                       country: str = Query("", max_length=3, pattern=r"^[A-Za-z]{0,3}$"),
                       offset: int = Offset, limit: int = rows_per_page(50),
                       conn=Depends(connection)):
        regions = queries.region_index(conn, f)
        countries: dict[str, int] = {}
        for r in regions:
            countries[r["country"]] = countries.get(r["country"], 0) + len(r["acts"])
        ranked = sorted(countries, key=lambda c: (-countries[c], c))
        chosen = country.upper() or (ranked[0] if ranked else "")
        shown = [r for r in regions if r["country"] == chosen]
        drawn = region_map({"regions": shown}) if shown else {"regions": []}
        return render(request, "map.html", conn, show_range=True, region_map=drawn,
                      regions=window(regions, limit, offset), country=chosen,
                      countries=[(c, countries[c]) for c in ranked])

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, article_id: str, conn=Depends(connection)):
        found = queries.article(conn, article_id)
        if found is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return render(request, "article.html", conn, article=found, hl=highlight(found))

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
        return render(request, "search.html", conn, q=q, result=result, error=error)

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
        if act.get("time"):
            records[ref] = {**act, "time_reading": timefmt.read_time(act["time"],
                                                                     article.get("date"))["label"]}
        if act.get("evidence_start") is not None:
            spans.append((act["evidence_start"], act["evidence_end"], "act", ref))
    for kind in ("times", "places"):
        for item in article[kind]:
            ref = f"{kind[:-1]}-{item['n']}"
            records[ref] = item
            if kind == "times" and item.get("value"):
                records[ref] = {**item, "reading": timefmt.read_time(item["value"],
                                                                     article.get("date"))["label"]}
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
    day = timefmt.parse_day(value)
    return day.toordinal() if day else None


def bulk(days: list[int], fence: float = 3.0, floor: int = 30) -> tuple[int, int]:
    """The span of days an axis should cover: Tukey's fences (quartiles -/+ `fence` times the
    interquartile range, which is at least `floor` days) around the data, so that one act in
    1870 does not squash 2004-2005 into a corner; days outside are listed apart."""
    ordered = sorted(days)
    if len(ordered) < 4:
        return ordered[0], ordered[-1]
    q1 = ordered[len(ordered) // 4]
    q3 = ordered[(3 * len(ordered)) // 4]
    spread = max(q3 - q1, floor)
    inside = [d for d in ordered if q1 - fence * spread <= d <= q3 + fence * spread]
    return inside[0], inside[-1]


def ticks(low: int, high: int, x, most: int = 8) -> list[dict]:
    """Readable date ticks between two days: days, weeks, months, quarters, years or decades,
    whichever gives at most `most` ticks."""
    import datetime as dt

    span = max(high - low, 1)
    start = dt.date.fromordinal(low)
    for step in (1, 7):
        if span / step <= most:
            first = low if step == 1 else low + (7 - start.weekday()) % 7
            days = range(first, high + 1, step)
            return [{"x": x(d), "label": dt.date.fromordinal(d).isoformat()} for d in days]
    for months in (1, 3, 6, 12, 24, 60, 120, 600):
        if span / (30.4 * months) <= most:
            break
    result = []
    year, month = start.year, start.month
    month_index = year * 12 + month - 1
    month_index += (-month_index) % months  # the first boundary on or after the start
    while True:
        year, month = divmod(month_index, 12)
        day = dt.date(year, month + 1, 1).toordinal()
        if day > high:
            break
        if day >= low:
            label = str(year) if months >= 12 else f"{year}-{month + 1:02d}"
            result.append({"x": x(day), "label": label})
        month_index += months
    return result


SYMBOLS = {"for": "✓", "against": "✗", "mixed": "±", "none": "·"}


def matrix_row(rows: dict, party: dict, issues: list[dict], url) -> Markup:
    """One party's row of the positions matrix as HTML, kept in `rows` (a dict cached per
    ledger version and date range): rendering 25 x 20 cells through Jinja cost ~12 ms a page,
    joining cached rows a fraction of that, whatever the page's sort, search or offset."""
    shown = [(i["name"], party["cells"].get(i["name"])) for i in issues]
    key = (party["id"], party["name"], url("/"),
           tuple((name, c and (c["stance"], c["n_acts"], c["last_seen"])) for name, c in shown))
    found = rows.get(key)
    if found is not None:
        return found
    actor_q = url_quote(party["id"], safe="")
    cell_url = url("/positions/cell")
    cell_url += "&" if "?" in cell_url else "?"
    name = escape(party["name"])
    kind = escape(party.get("type") or "")
    country = f" · {escape(party['country'])}" if party.get("country") else ""
    out = [f'<tr class="party" data-actor="{escape(party["id"])}">'
           f'<th scope="row"><a class="actor" href="{escape(url("/actors/" + actor_q))}">{name}</a>'
           f' <small class="muted">{kind}{country}</small></th>']
    for issue in issues:
        cell = party["cells"].get(issue["name"])
        if cell is None:
            out.append('<td class="cell"></td>')
            continue
        n, stance, last = cell["n_acts"], cell["stance"], cell["last_seen"]
        acts = f"{n} act{'s' if n != 1 else ''}"
        label = (f"{party['name']} on {issue['name'].replace('_', ' ')}: {stance}, {acts}"
                 + (f", last {last}" if last else ""))
        href = f"{cell_url}actor={actor_q}&issue={url_quote(issue['name'], safe='')}"
        out.append(f'<td class="cell stance-cell stance-bg-{stance}"><a class="cell-link" '
                   f'data-actor="{escape(party["id"])}" data-issue="{escape(issue["name"])}" '
                   f'href="{escape(href)}" aria-label="{escape(label)}">'
                   f'<span class="stance">{SYMBOLS[stance]} {stance}</span>'
                   f'<span class="n">{acts}</span><span class="last">{escape(last or "undated")}'
                   f'</span></a></td>')
    out.append("</tr>")
    rows[key] = Markup("".join(out))
    return rows[key]


def stance_chart(acts: list[dict], width: int = 760, row: int = 34) -> dict:
    """The actor's stance on each issue over time as dots on one row per issue (SVG geometry);
    the axis covers the bulk of the dates (`bulk`), acts outside it are counted apart."""
    points = []
    for act in acts:
        day = _day_number(act.get("date") or "") if act.get("date") else None
        if day is None:
            continue
        sign = queries.STANCE.get(act.get("type") or "", 0) * (
            -1 if act.get("polarity") == "negative" else 1)
        points.append((day, act.get("issue") or "other", sign, act))
    if not points:
        return {"issues": [], "dots": [], "width": width, "height": 60, "ticks": [],
                "outside": 0}
    low, high = bulk([p[0] for p in points])
    outside = [p for p in points if not low <= p[0] <= high]
    points = [p for p in points if low <= p[0] <= high]
    issues = sorted({p[1] for p in points})
    span = max(high - low, 1)
    left, right = 150, width - 20

    def x(day: int) -> float:
        return round(left + (day - low) / span * (right - left), 1)

    dots = [{"x": x(day), "y": 30 + issues.index(issue) * row, "sign": sign,
             "label": f"{act['date']} {act['type']} {issue}",
             "href": f"/articles/{act['article_id']}#act-{act['act_id']}"}
            for day, issue, sign, act in points]
    return {"issues": [{"name": i, "y": 30 + n * row} for n, i in enumerate(issues)],
            "dots": dots, "width": width, "height": 50 + len(issues) * row,
            "ticks": ticks(low, high, x, most=6), "left": left, "right": right,
            "outside": len(outside)}


def time_axis(events: list[dict], width: int = 900, links: str = "/timeline") -> dict:
    """Events on one horizontal axis as bars, past above the line, scheduled below; each bar
    counts the events of a few pixels' days and links to them (the timeline for that span).
    The axis covers the bulk of the days (`bulk`); outliers are listed apart, not drawn."""
    import datetime as dt

    days = [(_day_number(e["when"]), e) for e in events]
    days = [(d, e) for d, e in days if d is not None]
    if not days:
        return {"width": width, "height": 80, "bars": [], "ticks": [], "outliers": [],
                "n_outliers": 0}
    low, high = bulk([d for d, _ in days])
    span = max(high - low, 1)
    left, right = 40, width - 40
    x = lambda d: round(left + (d - low) / span * (right - left), 1)  # noqa: E731
    columns: dict[tuple[int, bool], list] = {}
    outliers = []
    for day, event in days:
        if not low <= day <= high:
            outliers.append(event)
            continue
        column = int((x(day) - left) // 4)
        columns.setdefault((column, event["scheduled"]), []).append((day, event))
    most = max((len(v) for v in columns.values()), default=1)
    bars = []
    for (column, scheduled), members in sorted(columns.items()):
        first = min(d for d, _ in members)
        last = max(d for d, _ in members)
        height = round(6 + 74 * (math.log1p(len(members)) / math.log1p(most)), 1)
        start, end = (dt.date.fromordinal(first).isoformat(), dt.date.fromordinal(last).isoformat())
        types: dict[str, int] = {}
        for _, event in members:
            types[event["type"]] = types.get(event["type"], 0) + 1
        main = max(types.items(), key=lambda kv: kv[1])[0]
        bars.append({"x": round(left + column * 4, 1), "width": 3,
                     "y": 100 if scheduled else round(100 - height, 1), "height": height,
                     "scheduled": scheduled, "n": len(members), "type": main,
                     "label": f"{start}{'' if start == end else ' to ' + end}: {len(members)} "
                              f"{'scheduled ' if scheduled else ''}event"
                              f"{'s' if len(members) > 1 else ''} ("
                              + ", ".join(f"{t} {n}" for t, n in sorted(types.items())) + ")",
                     "href": f"{links}?{urlencode({'date_from': start, 'date_to': end})}"})
    outliers.sort(key=lambda e: e["when"])
    return {"width": width, "height": 210, "bars": bars, "ticks": ticks(low, high, x),
            "low": dt.date.fromordinal(low).isoformat(), "high": dt.date.fromordinal(high).isoformat(),
            "outliers": outliers[:30], "n_outliers": len(outliers), "left": left, "right": right}


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
