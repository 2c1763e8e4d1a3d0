"""API load benchmark: 50 concurrent searchers against the production server, in one run.

    .venv/bin/python bench/api_bench.py [--clients 50] [--seconds 60] [--port 8000]

Three phases on the same data, each for the same time:
1. GET /api/search (this product: Elasticsearch, Python analysis) on the run command's server
   (gunicorn as gunicorn.conf.py configures it, whitenoise);
2. the same endpoint on Django's development server;
3. Wagtail's API v2 search over the same scripts (/api/v2/replies/?search=, Wagtail's database
   backend) on gunicorn: the peer a Wagtail site gets without this product's search.
Queries are the caller relevance set's (search/data/relevance/queries.txt), as staff type them.
Uses its own SQLite file (or DATABASE_URL) and its own Elasticsearch index prefix; the rate
limit is lifted for the run. Prints requests/s, p50/p95/p99 and errors (any non-2xx answer or a
broken connection) per phase and the load average, and writes var/bench/api_bench.json.
"""

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def caller_queries():
    """The query column of the relevance set: exact, colloquial, pinyin, initials, typos …"""
    lines = (ROOT / "search" / "data" / "relevance" / "queries.txt").read_text("utf-8").splitlines()
    return [line.split("|")[1] for line in lines if line.strip() and not line.startswith("#")]


def environment(args):
    env = {
        **os.environ,
        "ELASTICSEARCH_INDEX_PREFIX": "bench-api",
        "API_RATE_LIMIT_PER_MINUTE": "100000000",
        # As in production: no debug pages, the run command's security settings.
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-api.sqlite3'}")
    return env


def prepare(env):
    """Schema, demo reply scripts indexed, a user and a token with the scripts scope."""
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    code = """
from io import StringIO
from django.contrib.auth import get_user_model
from core.roles import sync_roles, STAFF
from cms.replies import demo
from cms.replies.models import ReplyScript
from api.tokens import create_token
groups = sync_roles()
if not ReplyScript.objects.exists():
    from django.db import transaction
    with transaction.atomic():
        demo.load(groups, StringIO())
user, _ = get_user_model().objects.get_or_create(username="bench-api", defaults={"is_staff": True})
user.groups.add(groups[STAFF])
print(create_token(user, "压测", ["scripts:read"], 1)[1])
"""
    key = (
        subprocess.run(
            [python, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    subprocess.run(
        [python, "manage.py", "search_reindex", "reply"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return key


def start_server(kind, env, port):
    if kind == "gunicorn":
        # The run command's server, configured by gunicorn.conf.py (read from ROOT).
        command = [str(Path(sys.executable).with_name("gunicorn")), "cms.wsgi:application"]
        env = {**env, "PORT": str(port), "GUNICORN_ACCESS_LOG": "/dev/null"}
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"{kind} did not start")


def searcher(port, paths, headers, stop_at, latencies, errors, offset):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = offset
    while time.monotonic() < stop_at:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                latencies.append(time.perf_counter() - started)
            else:
                errors.append(response.status)
        except (OSError, http.client.HTTPException):
            errors.append("connection")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


PHASES = (
    # (name, server, path for a query, sends the token)
    ("this product /api/search on gunicorn", "gunicorn", "/api/search?kind=reply&q={}", True),
    ("this product /api/search on runserver", "runserver", "/api/search?kind=reply&q={}", True),
    (
        "Wagtail API v2 search (database backend) on gunicorn",
        "gunicorn",
        "/api/v2/replies/?search={}",
        False,
    ),
)


def measure(phase, env, key, args):
    name, kind, pattern, with_token = phase
    paths = [pattern.format(quote(query)) for query in caller_queries()]
    headers = {"Authorization": f"Bearer {key}"} if with_token else {}
    process = start_server(kind, env, args.port)
    try:
        latencies, errors = [], []
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=searcher,
                args=(args.port, paths, headers, stop_at, latencies, errors, n * 7),
            )
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    ordered = sorted(latencies) or [0]

    def pct(p):
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {
        "phase": name,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "ok": len(latencies),
        "errors": len(errors),
        "load_average_after": round(os.getloadavg()[0], 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    env = environment(args)
    key = prepare(env)
    print(
        f"{args.clients} clients × {args.seconds} s; load average {os.getloadavg()[0]:.1f} at the start"
    )
    print("| phase | requests/s | p50 ms | p95 ms | p99 ms | errors / ok | load after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    results = []
    for phase in PHASES:
        row = measure(phase, env, key, args)
        results.append(row)
        print(
            f"| {row['phase']} | {row['requests_per_s']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['p99_ms']} | {row['errors']} / {row['ok']} | {row['load_average_after']} |",
            flush=True,
        )
    out = ROOT / "var" / "bench" / "api_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
