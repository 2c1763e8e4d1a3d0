"""The production web server's settings, read by gunicorn from the working folder: the
run command (scripts/run.sh), the Procfile's web line and the API load benchmark all
serve with these.

A request to the API or the search page spends most of its time waiting on the
database and Elasticsearch, so each process serves several requests at once on
threads (gthread, which also keeps callers' connections alive), and the processes
are forked from one that has already loaded Django and the Chinese analysis (jieba,
OpenCC, pinyin: seconds of CPU each time), instead of each worker loading them on
its first call while callers wait."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
timeout = 120
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


def when_ready(server):
    """In the parent, before the workers are forked: they start with it loaded."""
    from search import analysis

    analysis.warm_up()
