"""Load benchmark: the site under gunicorn against a static page of the same size, with wrk.

    .venv/bin/python bench/load.py                      # sample content, then 10,000 stories
    .venv/bin/python bench/load.py --sizes 0 --seconds 5   # a quick run on the sample only
    .venv/bin/python bench/load.py --data /tmp/load-data   # keep generated content for next time

For each content size (0 = the sample content alone; N = the sample plus N generated stories,
made by the generator of bench/search.py) it loads a fresh SQLite database, builds the search
index, starts the site with gunicorn (2 sync workers on loopback) and a minimal Flask app under
the same gunicorn settings, warms both, then drives each page with `wrk` for a bounded time:
home, a story, an exemplar, the commendation register, the API's story list, a search repeated
(cacheable) and a search that differs on every request (a Lua script rotates distinct
queries). Each page is paired with the minimal app serving a static page of exactly that
page's size, run right after it.
Prints the time of one request at a time (warm), then under load req/s, p50/p99 latency,
errors (socket errors, timeouts, non-2xx/3xx, or every connection when nothing answered within
the run), the RSS of the gunicorn workers, and each page's ratio to its static twin.
Asserts nothing; the targets (home, story, exemplar, register ≥ 0.5 of the static page;
uncached search ≥ 0.05; no errors; workers ≤ 150 MB; every page at 10,000 stories within 2×
of its time on the sample) are printed next to the figures. Needs `wrk` (Debian: apt-get
install wrk) and gunicorn (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

WORKERS = 2
TARGETS = {
    "home": 0.5,
    "story": 0.5,
    "exemplar": 0.5,
    "register": 0.5,
    "search (cached)": None,
    "API list": None,
}
UNCACHED_TARGET = 0.05
RSS_TARGET_MB = 150

# One JSON line from wrk at the end of a run (summary.errors counts non-2xx/3xx as "status").
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,'
    .. '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""

# Each wrk thread walks its own share of the list: no query is asked twice in a run.
ROTATE_LUA = """
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n = 0
request = function()
  local i = (n * {threads} + id) % #paths + 1
  n = n + 1
  return wrk.format("GET", paths[i])
end
"""


# --- the static twin ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _static_page(size: int) -> bytes:
    head = b'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Static</title></head><body><p>'
    tail = b"</p></body></html>\n"
    filler = (b"Trang tinh co cung kich thuoc voi trang can do. " * (size // 40 + 1))[
        : max(0, size - len(head) - len(tail))
    ]
    return head + filler + tail


def baseline():
    """The minimal Flask app: GET /<size> answers a static HTML page of exactly that many bytes
    (run by gunicorn as `load:baseline()`)."""
    from flask import Flask, Response

    app = Flask("baseline")

    @app.get("/<int:size>")
    def page(size: int) -> Response:
        return Response(_static_page(min(size, 5_000_000)), mimetype="text/html")

    return app


# --- content ------------------------------------------------------------------------------------


def load_content(url: str, media_root: str, index_dir: str, n: int) -> None:
    """Fill a fresh database with the sample content (and N generated stories), then index it."""
    os.environ.update({"MEDIA_ROOT": media_root, "SEARCH_INDEX_DIR": index_dir})
    if n:
        from bench.search import generate

        generate(url, n)
    else:
        from showcase import content_io, create_app
        from showcase.extensions import db

        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": index_dir}
        )
        with app.app_context():
            db.create_all()
            content_io.import_content(ROOT / "content")
            db.engine.dispose()
    subprocess.run(
        [sys.executable, str(BENCH / "search.py"), "--rebuild-child", url, index_dir, str(WORKERS)],
        check=True,
        capture_output=True,
        text=True,
    )


def pick_pages(url: str, index_dir: str) -> tuple[dict[str, str], list[str]]:
    """The paths to drive, and distinct search paths for the uncached search."""
    from sqlalchemy import func, select

    from bench.search import Chain, corpus
    from showcase import create_app
    from showcase.extensions import db
    from showcase.models import Exemplar, Story, story_exemplars
    from showcase.search.analysis import fold
    from showcase.visibility import has_published_story, is_published

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": index_dir})
    with app.app_context():
        story = db.session.scalar(
            select(Story.slug)
            .where(is_published(), Story.slug.not_like("bench-%"))
            .order_by(Story.published_at.desc())
            .limit(1)
        )
        stories_told = (
            select(func.count())
            .select_from(story_exemplars)
            .where(story_exemplars.c.exemplar_id == Exemplar.id)
            .scalar_subquery()
        )
        exemplar = db.session.scalar(
            select(Exemplar.slug)
            .where(has_published_story())
            .order_by(stories_told.desc(), Exemplar.id)
            .limit(1)
        )
        db.engine.dispose()
    pages = {
        "home": "/",
        "story": f"/bai-viet/{story}",
        "exemplar": f"/dien-hinh/{exemplar}",
        "register": "/khen-thuong",
        "search (cached)": "/tim-kiem?" + urllib.parse.urlencode({"q": "nong thon moi"}),
        "API list": "/api/v1/stories",
    }
    rng = random.Random(3)
    vocab = sorted({fold(w) for w in Chain(corpus()).next if len(w) > 2 and w not in ".,"})
    seen: set[str] = set()
    while len(seen) < 20_000:
        seen.add(f"{rng.choice(vocab)} {rng.choice(vocab)}")
    searches = ["/tim-kiem?" + urllib.parse.urlencode({"q": q}) for q in sorted(seen)]
    rng.shuffle(searches)
    return pages, searches


# --- servers and wrk ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def workers(self) -> list[int]:
        """Pids of the gunicorn workers (children of the master we started)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def worker_rss_mb(self, field: str = "VmRSS") -> list[float]:
        """Each worker's resident memory (VmRSS), or another field of /proc/PID/status: RssAnon
        is what the worker holds alone; RssFile counts mapped files (the search index), whose
        pages the kernel shares between workers and may drop."""
        sizes = []
        for pid in self.workers():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(f"{field}:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(app_spec: str, chdir: Path, env: dict[str, str], probe: str) -> Server:
    """Start gunicorn (2 sync workers on loopback) and wait until `probe` answers."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", str(WORKERS), "-k", "sync", "-b", f"127.0.0.1:{port}"]
    command += ["--chdir", str(chdir), "--log-level", "warning", "--timeout", "120", app_spec]
    # its log (a JSON line per request, as in production) goes to a file, not to this report
    log = Path(tempfile.gettempdir()) / f"bench-load-gunicorn-{port}.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    server = Server(process, f"http://127.0.0.1:{port}")
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}), see {log}: {' '.join(command)}")
        try:
            with urllib.request.urlopen(server.base + probe, timeout=30) as response:
                response.read()
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit(f"gunicorn did not answer on {server.base}{probe}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=180) as response:
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
        return response.read()


def wrk(url: str, seconds: int, threads: int, connections: int, script: Path) -> dict:
    """Run wrk and return its JSON report (requests/s, p50/p99 in ms, errors)."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    done = subprocess.run([*command, url], check=True, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    errors = sum(report[k] for k in ("connect", "read", "write", "status", "timeout"))
    if report["requests"] == 0:  # nothing answered within the run: every connection's request failed
        errors += connections
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p99": report["p99_us"] / 1000,
        "errors": errors,
        "requests": report["requests"],
    }


def rotating_script(folder: Path, paths: list[str], threads: int) -> Path:
    script = folder / "rotate.lua"
    listed = ",\n".join(json.dumps(p) for p in paths)  # URL-encoded ASCII: a valid Lua string too
    script.write_text(
        f"paths = {{\n{listed}\n}}\n" + ROTATE_LUA.replace("{threads}", str(threads)) + REPORT_LUA
    )
    return script


# --- one size -----------------------------------------------------------------------------------


def run(n: int, args: argparse.Namespace) -> dict[str, dict]:
    label = "sample content" if n == 0 else f"sample + {n:,} generated stories".replace(",", ".")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(args.data) / str(n) if args.data else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        index_dir, media_root = str(folder / "index"), str(folder / "media")
        started = time.perf_counter()
        if (folder / "bench.sqlite3").exists() and (folder / "index").exists():
            print(f"\n== {label}: reusing {folder} ==")
        else:
            load_content(url, media_root, index_dir, n)
            print(f"\n== {label}: loaded and indexed in {time.perf_counter() - started:.0f} s ==")
        pages, searches = pick_pages(url, index_dir)
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": url,
                "MEDIA_ROOT": media_root,
                "SEARCH_INDEX_DIR": index_dir,
                "SECRET_KEY": "bench",
                "PYTHONWARNINGS": "ignore",
                "API_RATE_LIMITS": "10000000 per minute",  # one address drives it all: no 429s
            }
        )
        env.pop("REDIS_URL", None)  # the one-machine default: in-process everything
        report = folder / "report.lua"
        report.write_text(REPORT_LUA)
        site = start("showcase:create_app()", ROOT, env, "/static/css/site.css")
        twin = start("load:baseline()", BENCH, env, "/100")
        results: dict[str, dict] = {}
        try:
            warm_paths = searches[-200:]  # warming never uses the queries measured
            single: dict[str, float] = {}  # one request at a time, once warm (ms)
            for name, path in pages.items():
                times = []
                for _ in range(2 * WORKERS + 1):
                    t0 = time.perf_counter()
                    fetch(site.base + path)
                    times.append((time.perf_counter() - t0) * 1000)
                single[name] = statistics.median(times[1:])
            times = []
            for path in warm_paths[:40]:
                t0 = time.perf_counter()
                fetch(site.base + path)
                times.append((time.perf_counter() - t0) * 1000)
            single["search (uncached)"] = statistics.median(times[10:])
            rows = [(name, path, report) for name, path in pages.items()]
            rows.append(
                ("search (uncached)", searches[0], rotating_script(folder, searches[:-200], args.threads))
            )
            rss: list[float] = []
            anon: list[float] = []
            for name, path, script in rows:
                size = len(fetch(site.base + path))
                fetch(twin.base + f"/{size}")
                page = wrk(site.base + path, args.seconds, args.threads, args.connections, script)
                rss += site.worker_rss_mb()
                anon += site.worker_rss_mb("RssAnon")
                static = wrk(twin.base + f"/{size}", args.seconds, args.threads, args.connections, report)
                page |= {"size": size, "static_rps": static["rps"], "static_errors": static["errors"]}
                page["single"] = single[name]
                page["ratio"] = page["rps"] / static["rps"] if static["rps"] else 0.0
                results[name] = page
                print(
                    f"  {name:18s} 1 req {page['single']:7.1f} ms | {page['rps']:8.1f} req/s"
                    f"  p50 {page['p50']:7.1f} ms"
                    f"  p99 {page['p99']:7.1f} ms"
                    f"  errors {page['errors']:4d}  | static {size / 1000:5.1f} KB {static['rps']:8.1f} req/s"
                    f"  ratio {page['ratio']:.3f}  (load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
            twin_rss = twin.worker_rss_mb()
            results["_memory"] = {
                "site": max(rss, default=0.0),
                "anon": max(anon, default=0.0),
                "static": max(twin_rss, default=0.0),
            }
        finally:
            site.stop()
            twin.stop()
        return results


def table(label: str, results: dict[str, dict]) -> None:
    print(f"\n{label}")
    print("| page | 1 request ms | req/s | p50 ms | p99 ms | errors | KB | static req/s | ratio | target |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        if name.startswith("_"):
            continue
        target = UNCACHED_TARGET if name == "search (uncached)" else TARGETS.get(name)
        verdict = "" if target is None else (f"≥ {target} " + ("ok" if r["ratio"] >= target else "MISSED"))
        print(
            f"| {name} | {r['single']:.1f} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']}"
            f" | {r['size'] / 1000:.1f}"
            f" | {r['static_rps']:.1f} | {r['ratio']:.3f} | {verdict} |"
        )
    memory = results["_memory"]
    verdict = "ok" if memory["site"] <= RSS_TARGET_MB else "MISSED"
    print(
        f"worker RSS (largest seen): site {memory['site']:.0f} MB (target ≤ {RSS_TARGET_MB}: {verdict}),"
        f" of which its own (RssAnon) {memory['anon']:.0f} MB; static app {memory['static']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[0, 10_000], help="generated stories (0 = sample)"
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page and per static twin")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--data", help="keep the generated databases and indexes in DATA/<size> and reuse them next time"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if not (Path(sys.executable).parent / "gunicorn").exists():
        raise SystemExit("gunicorn is missing: pip install -r requirements-dev.txt")
    print(
        f"gunicorn {WORKERS} sync workers, wrk -t{args.threads} -c{args.connections} -d{args.seconds}s"
        f" on loopback, {os.cpu_count()} CPUs"
    )
    all_results = {n: run(n, args) for n in args.sizes}
    for n, results in all_results.items():
        table("sample content" if n == 0 else f"{n:,} generated stories + sample", results)
    if 0 in all_results and len(all_results) > 1:
        base = all_results[0]
        for n, results in all_results.items():
            if n == 0:
                continue
            print(f"\ngrowth, sample → {n:,} stories (one request at a time, warm; target within 2×)")
            for name, r in results.items():
                if name.startswith("_") or name not in base:
                    continue
                growth = r["single"] / base[name]["single"]
                print(
                    f"  {name:18s} {base[name]['single']:7.1f} → {r['single']:7.1f} ms  ×{growth:.1f}"
                    f"  {'ok' if growth <= 2 else 'MISSED'}"
                )


if __name__ == "__main__":
    main()
