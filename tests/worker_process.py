"""A real ``manage.py run_worker`` process on the test database, for the task tests and
the journeys that wait for background work (a notice's signed PDF)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

from doc_templates.pdf import end_orphaned_converters

ROOT = Path(__file__).resolve().parents[1]


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def descendants(pid):
    """Every process below ``pid``, read from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


class Worker:
    """``manage.py run_worker`` in a process group of its own, killable like a crashed host."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self):
        """SIGKILL to the worker and everything it started (RQ runs each job in a forked
        work horse with a session of its own), no clean-up: what a power cut does."""
        if self.process and self.process.poll() is None:
            family = descendants(self.process.pid)
            os.killpg(self.process.pid, signal.SIGKILL)
            for pid in family:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            # What the next converter on the machine would do: the killed worker's
            # LibreOffice profile does not outlive the test.
            end_orphaned_converters()

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None


def _pytest_worker_number():
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def worker_environment(settings, backend):
    """The worker sees the test's database, files, index and certificate."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": backend,
        "REDIS_URL": django_settings.REDIS_URL,
        "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
        "ELASTICSEARCH_INDEX_PREFIX": settings.ELASTICSEARCH_INDEX_PREFIX,
        "NOTICE_PDF_ENABLED": "1" if settings.NOTICE_PDF_ENABLED else "0",
        "NOTICE_SIGNING_P12": settings.NOTICE_SIGNING_P12,
        "NOTICE_SIGNING_PASSPHRASE": settings.NOTICE_SIGNING_PASSPHRASE,
        "NOTICE_CENTRE_NAME": settings.DOC_TEMPLATES_CENTRE_NAME,
        # A LibreOffice of the test's own, never one another checkout keeps on the default port.
        "NOTICE_UNOSERVER_PORT": str(2305 + _pytest_worker_number()),
        "NOTICE_UNO_PORT": str(2355 + _pytest_worker_number()),
    }


def wait_until(condition, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout} s")
