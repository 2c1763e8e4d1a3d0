"""Load benchmark, run by hand: 50 concurrent searchers for 60 s against the production server.

    .venv/bin/python bench/load_bench.py [--clients 50] [--seconds 60] [--workers 4] [--port 8008]

Builds its own SQLite file (var/bench-load.sqlite3) with the demo data, indexes it under its
own prefix on ELASTICSEARCH_URL, starts gunicorn (DEBUG=0) on 127.0.0.1, and sends the
relevance set's queries as staff would type them, from N client threads with keep-alive:
first to the product's search API (/api/search, Elasticsearch), then, in the same run and
for the same time, to Wagtail's API v2 search over the same scripts (/api/v2/replies/?search=,
Wagtail's database backend). Prints requests/s, p50/p95/p99 and errors (any non-2xx or a
broken connection) for each, and writes var/bench/load_bench.json.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DB_FILE = ROOT / "var" / "bench-load.sqlite3"
OUT = ROOT / "var" / "bench" / "load_bench.json"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def server_env(prefix):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB_FILE}",
        "ELASTICSEARCH_INDEX_PREFIX": prefix,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PRIVATE_MEDIA_ROOT": str(ROOT / "var" / "bench-load-private"),
    }


def prepare(env):
    """A fresh database with the demo data, indexed, and an API token for the staff user."""
    DB_FILE.unlink(missing_ok=True)
    manage = [PYTHON, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_demo_data"], ["search_reindex"]):
        subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    command = ["api_token", "create", "--user", "kefu", "--name", "压测", "--scope", "scripts:read"]
    output = subprocess.run(
        [*manage, *command], env=env, check=True, capture_output=True, text=True
    ).stdout
    return output.strip()


def start_server(env, port, workers):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def load(port, paths, headers, clients, seconds):
    """N threads, each on its own keep-alive connection, until the time is up."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def searcher(seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                connection.request("GET", rng.choice(paths), headers=headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(time.monotonic() - started)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return summarise(latencies, errors[0], elapsed)


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else None


def summarise(latencies, errors, elapsed):
    ordered = sorted(latencies)
    return {
        "requests": len(ordered) + errors,
        "requests_per_second": round((len(ordered) + errors) / elapsed, 1),
        "p50_ms": round(percentile(ordered, 0.50), 1) if ordered else None,
        "p95_ms": round(percentile(ordered, 0.95), 1) if ordered else None,
        "p99_ms": round(percentile(ordered, 0.99), 1) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
        "errors": errors,
        "seconds": round(elapsed, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8008)
    args = parser.parse_args()

    load_before = os.getloadavg()
    prefix = f"bench-load-{uuid.uuid4().hex[:6]}"
    env = server_env(prefix)
    token = prepare(env)
    queries = [
        entry["query"] for entry in json.loads((ROOT / "tests/search/relevance.json").read_text())
    ]
    server = start_server(env, args.port, args.workers)
    try:
        results = {
            "this product: /api/search (Elasticsearch)": load(
                args.port,
                [f"/api/search?kind=reply&q={quote(q)}" for q in queries],
                {"Authorization": f"Bearer {token}"},
                args.clients,
                args.seconds,
            ),
            "Wagtail API v2 search (database backend)": load(
                args.port,
                [f"/api/v2/replies/?search={quote(q)}" for q in queries],
                {},
                args.clients,
                args.seconds,
            ),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(
            [PYTHON, "-c", _DROP_INDICES],
            env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings"},
            cwd=ROOT,
            check=False,
        )
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "queries": len(queries),
        "load_average_before": load_before,
        "results": results,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"{args.clients} clients × {args.seconds:.0f} s, gunicorn {args.workers}×4 threads")
    print("| endpoint | requests/s | p50 ms | p95 ms | p99 ms | errors / requests |")
    for name, row in results.items():
        print(
            f"| {name} | {row['requests_per_second']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['p99_ms']} | {row['errors']} / {row['requests']} |"
        )


_DROP_INDICES = """
import django
django.setup()
from django.conf import settings
from search.indices import get_client
client = get_client()
names = list(client.indices.get(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", expand_wildcards="all"))
if names:
    client.indices.delete(index=",".join(names))
"""

if __name__ == "__main__":
    sys.exit(main())
