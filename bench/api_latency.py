"""p50/p99 latency of the main API routes and dashboard pages under N concurrent clients.

Starts `parley serve --db DB` on 127.0.0.1 (or uses `--url` of a running server), discovers ids
from the API (an article, the most mentioned actor, the commonest issue), then for each route
fires `--requests` GETs from `--clients` concurrent httpx async clients and prints one line per
route: p50, p99, max (ms), throughput, non-2xx count, and the CPU milliseconds per request spent
by the server (all its processes, from /proc; `--db` only) and by this load generator. A
warm-up pass runs first. The 1-minute load average is printed before and after: on a shared
machine wall-clock latency depends on it, CPU per request much less.

    .venv/bin/python bench/api_latency.py --db /tmp/bbc.db --clients 50 --requests 500

Numbers and their context are in docs/web.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: str, port: int, workers: int, response_cache: bool = True
                 ) -> subprocess.Popen:
    parley = Path(sys.executable).with_name("parley")
    process = subprocess.Popen([str(parley), "serve", "--db", db, "--port", str(port),
                                "--workers", str(workers),
                                *([] if response_cache else ["--no-response-cache"])])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/articles?limit=1").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("server did not start")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of `pid` and its live children (uvicorn workers), or 0."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    return os.getloadavg()[0]


def routes(base: str) -> dict[str, str]:
    """Route name -> path, with ids taken from the ledger itself."""
    with httpx.Client(base_url=base, timeout=600) as client:
        newest = client.get("/api/articles", params={"limit": 1}).json()["items"][0]
        article = newest["id"]
        actor = client.get("/api/actors", params={"limit": 1}).json()["items"][0]["id"]
        acts = client.get("/api/acts", params={"limit": 200}).json()["items"]
    issues = [a["issue"] for a in acts if a["issue"]]
    issue = max(set(issues), key=issues.count) if issues else "territory"
    party = max({a["actor"] for a in acts if a["actor"] and a["issue"] == issue},
                key=lambda p: sum(a["actor"] == p and a["issue"] == issue for a in acts),
                default=actor)
    # the ledger's latest 91 days: a date range a reader would pick
    last = dt.date.fromisoformat(newest["date"]) if newest["date"] else dt.date(2025, 12, 31)
    quarter = f"date_from={last - dt.timedelta(days=91)}&date_to={last}"
    return {
        "api articles": "/api/articles?limit=50",
        "api articles date+source": "/api/articles?date_from=2000-01-01&limit=50",
        "api article": f"/api/articles/{article}",
        "api actors": "/api/actors?limit=50",
        "api actor": f"/api/actors/{actor}",
        "api quotes by actor": f"/api/quotes?actor={actor}&limit=50",
        "api acts": "/api/acts?limit=50",
        "api acts by issue": f"/api/acts?issue={issue}&limit=50",
        "api positions": "/api/positions?limit=50",
        "api timeline": "/api/timeline?limit=50",
        "api search": "/api/search?q=minister&limit=20",
        "api shifts": "/api/shifts?limit=50",
        "page overview": "/",
        "page article": f"/articles/{article}",
        "page actor": f"/actors/{actor}",
        "page issue": f"/issues/{issue}",
        "page timeline": "/timeline",
        "page positions": "/positions",
        "page positions quarter": f"/positions?{quarter}",
        "page positions cell": f"/positions/cell?actor={party}&issue={issue}",
        "page shifts": "/shifts",
        "page actors": "/actors",
        "page actors search": "/actors?q=minister&sort=quotes",
        "page issues": "/issues",
        "page articles": "/articles",
        "page articles search": "/articles?q=talks&sort=acts",
        "page map": "/map",
    }


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (GET only, Content-Length or
    chunked bodies). httpx's pool costs 1.5-5 ms of CPU per request under 50 clients, more than
    the server on this 2-core machine; this one costs a fraction of a millisecond, like wrk."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection") == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def hammer_raw(base: str, path: str, clients: int, requests: int) -> dict:
    """As `hammer`, with one `RawConnection` per client."""
    url = httpx.URL(base)
    latencies: list[float] = []
    failures = 0
    remaining = requests

    async def worker() -> None:
        nonlocal failures, remaining
        connection = RawConnection(url.host, url.port)
        try:
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                status = await connection.get(path)
                latencies.append(time.perf_counter() - started)
                failures += status >= 300
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return summary(latencies, failures, requests, time.perf_counter() - started)


def summary(latencies: list[float], failures: int, requests: int, elapsed: float) -> dict:
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": round(quantiles[49] * 1000, 1), "p99_ms": round(quantiles[98] * 1000, 1),
            "max_ms": round(latencies[-1] * 1000, 1), "rps": round(requests / elapsed, 1),
            "errors": failures, "requests": requests}


async def hammer(base: str, path: str, clients: int, requests: int) -> dict:
    """`requests` GETs of `path` spread over `clients` concurrent connections (httpx)."""
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        async def worker() -> None:
            nonlocal failures
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                failures += response.status_code >= 300

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return summary(latencies, failures, requests, elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="ledger to serve (started here on a free loopback port)")
    parser.add_argument("--url", help="or: an already running server")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500, help="per route")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers")
    parser.add_argument("--only", help="comma-separated route names")
    parser.add_argument("--no-response-cache", action="store_true",
                        help="serve with --no-response-cache: every request runs its route")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: raw asyncio HTTP/1.1 (default, cheap) or httpx")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not (args.db or args.url):
        parser.error("give --db or --url")
    process = None
    base = args.url
    if args.db:
        port = free_port()
        process = start_server(args.db, port, args.workers, not args.no_response_cache)
        base = f"http://127.0.0.1:{port}"
    try:
        table = routes(base)
        if args.only:
            table = {k: v for k, v in table.items() if k in args.only.split(",")}
        results = {}
        load_before = load_average()
        print(f"load average (1 min) before: {load_before:.2f}; {os.cpu_count()} CPUs; "
              f"{args.clients} clients ({args.client}), {args.workers} worker(s), response cache "
              f"{'off' if args.no_response_cache else 'on'}")
        print(f"{'route':28} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>7} errors "
              f"{'srv cpu ms/req':>14} {'client cpu ms/req':>17}")
        for name, path in table.items():
            run = hammer_raw if args.client == "raw" else hammer
            asyncio.run(run(base, path, min(args.clients, 10), 20))  # warm-up
            server_before = process_cpu(process.pid) if process else 0.0
            client_before = own_cpu()
            result = asyncio.run(run(base, path, args.clients, args.requests))
            result["server_cpu_ms"] = round(
                (process_cpu(process.pid) - server_before) * 1000 / args.requests, 2) \
                if process else None
            result["client_cpu_ms"] = round((own_cpu() - client_before) * 1000 / args.requests, 2)
            results[name] = {"path": path, **result}
            server_cpu = "-" if result["server_cpu_ms"] is None else f"{result['server_cpu_ms']:.2f}"
            print(f"{name:28} {result['p50_ms']:8.1f} {result['p99_ms']:8.1f} "
                  f"{result['max_ms']:8.1f} {result['rps']:7.1f} {result['errors']:6} "
                  f"{server_cpu:>14} {result['client_cpu_ms']:17.2f}", flush=True)
        load_after = load_average()
        print(f"load average (1 min) after: {load_after:.2f}")
        if args.json:
            Path(args.json).write_text(json.dumps({"clients": args.clients, "workers": args.workers,
                                                   "cpus": os.cpu_count(), "client": args.client,
                                                   "response_cache": not args.no_response_cache,
                                                   "load_before": load_before,
                                                   "load_after": load_after, "routes": results},
                                                  indent=2))
    finally:
        if process:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
