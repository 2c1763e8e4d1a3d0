"""API load benchmark: 50 concurrent searchers for 60 s against GET /api/scripts/search,
first on the run command's server (gunicorn as gunicorn.conf.py configures it, whitenoise),
then on Django's development server, in one run on the same data.

    .venv/bin/python bench/api_bench.py [--clients 50] [--seconds 60] [--port 8000]

Uses its own SQLite file (or DATABASE_URL) and its own Elasticsearch index prefix; the
rate limit is lifted for the run. Prints requests/s, p50/p95/p99 and errors per server.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "物业费",
    "高空抛物",
    "gaokongpaowu",
    "gkpw",
    "停车",
    "噪音扰民",
    "宠物",
    "装修时间",
    "电梯故障",
    "漏水",
    "门禁卡",
    "维修基金",
    "垃圾分类",
    "业主委员会",
    "zhuangxiu",
    "快递",
]


def environment(args):
    env = {
        **os.environ,
        "ELASTICSEARCH_INDEX_PREFIX": "bench-api",
        "API_RATE_LIMIT_PER_MINUTE": "100000000",
        "DEBUG": "1",
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


def searcher(port, key, stop_at, latencies, errors, offset):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}"}
    index = offset
    while time.monotonic() < stop_at:
        query = QUERIES[index % len(QUERIES)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", f"/api/scripts/search?q={quote(query)}", headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or "hits" not in json.loads(body):
                errors.append(response.status)
            else:
                latencies.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException, ValueError):
            errors.append("connection")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def measure(kind, env, key, args):
    process = start_server(kind, env, args.port)
    try:
        latencies, errors = [], []
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=searcher, args=(args.port, key, stop_at, latencies, errors, n))
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
        "server": kind,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "ok": len(latencies),
        "errors": len(errors),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    env = environment(args)
    key = prepare(env)
    results = [measure(kind, env, key, args) for kind in ("gunicorn", "runserver")]
    for result in results:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
