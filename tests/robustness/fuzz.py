"""A bounded fuzzer over every URL pattern the project serves.

Routes come from Django's own resolver (the reverse table, Wagtail's admin and every
namespace included), so a pattern added anywhere is walked without naming it here. Each
route is requested as every demo role and anonymously with junk path parameters, junk
query strings and junk forms (with a junk file) built from the fields its page shows.
"""

import itertools
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.urls import Resolver404, get_resolver, resolve
from django.urls.converters import IntConverter

# The ids of the classes that broke before: past SQLite's 64-bit range, non-numeric,
# negative, zero, a real small id, and text that only looks like a number.
JUNK_IDS = ["99999999999999999999", "abc", "-1", "0", "1", "2", "１２", "1e3", "9223372036854775808"]
JUNK_VALUES = [
    "99999999999999999999",
    "abc",
    "{not json",
    "",
    "-1",
    "2026-13",
    "0-5",
    "\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "一" * 300,
]
JUNK_QUERY_KEYS = [
    "p", "page", "q", "id", "pk", "month", "year", "ordering", "kind", "status", "topic",
    "household", "case", "estate", "building", "parent_page_id", "multiple", "next",
    "revision", "locale", "export", "date_from", "date_to", "from", "to", "attempt",
]
# Links that end the session, and Wagtail's page that raises on purpose to show the 500
# page (tests/robustness/test_error_pages.py checks that page instead).
SKIP = re.compile(r"(^|/)(logout|failwhale)(/|$)")
DESTRUCTIVE = re.compile(r"(delete|remove|unpublish|revert|disable|convert_alias)", re.IGNORECASE)
INPUT_NAME = re.compile(r"""<(?:input|select|textarea)[^>]*\bname=["']([^"']+)["']""", re.IGNORECASE)
FILE_INPUT = re.compile(r"""<input[^>]*type=["']file["'][^>]*name=["']([^"']+)["']""", re.IGNORECASE)


def fuzz_budget():
    """The bound, in requests and seconds; CI and a developer can raise or lower it."""
    return (
        int(os.environ.get("FUZZ_MAX_REQUESTS", "3000")),
        float(os.environ.get("FUZZ_MAX_SECONDS", "300")),
    )


@dataclass(frozen=True)
class Route:
    template: str  # a %-format string as Django's reverse table keeps it
    params: tuple
    converters: tuple  # (name, converter) pairs

    def converter(self, name):
        return dict(self.converters).get(name)


def all_routes(resolver=None, prefix=""):
    """Every concrete URL shape in the reverse table, namespaces included."""
    resolver = resolver or get_resolver()
    routes = set()
    for key in list(resolver.reverse_dict.keys()):
        for possibilities, _pattern, _defaults, converters in resolver.reverse_dict.getlist(key):
            for template, params in possibilities:
                routes.add(
                    Route(prefix + template, tuple(params), tuple(sorted(converters.items(), key=lambda kv: kv[0])))
                )
    for ns_prefix, sub in resolver.namespace_dict.values():
        routes |= all_routes(sub, prefix + ns_prefix)
    return routes


def values_for(route, name, known):
    """Candidate values of one path parameter: junk ids for numbers, and the real
    values that make the rest of the URL resolve (app labels, model names …)."""
    candidates = list(known.get(name, [])) + JUNK_IDS
    if isinstance(route.converter(name), IntConverter):
        candidates = [c for c in candidates if c.isascii() and c.isdigit()]
    return candidates


def concrete_paths(route, known, rng, limit=4):
    """Up to `limit` resolvable paths for the route, junk ids first."""
    if not route.params:
        path = "/" + route.template
        return [path] if resolves(path) else []
    choices = [values_for(route, name, known) for name in route.params]
    combos = list(itertools.product(*choices))
    rng.shuffle(combos)
    paths = []
    for combo in combos[:200]:
        path = "/" + route.template % dict(zip(route.params, combo, strict=True))
        if path not in paths and resolves(path):
            paths.append(path)
        if len(paths) >= limit:
            break
    return paths


def resolves(path):
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    except Exception:  # a converter's to_python refusing the value is a 404 too
        return False
    return True


def junk_query(rng):
    keys = rng.sample(JUNK_QUERY_KEYS, 4)
    return {key: rng.choice(JUNK_VALUES) for key in keys}


def junk_form(field_names, file_names, rng):
    data = {name: rng.choice(JUNK_VALUES) for name in field_names if name not in file_names}
    for name in file_names:
        data[name] = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 this is not an image", "image/jpeg")
    if not data:
        data = {"title": "abc", "pk": "99999999999999999999", "file": SimpleUploadedFile("x.pdf", b"%PDF-junk")}
    return data


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    routes: int = 0
    stopped_by: str = "done"

    def summary(self):
        lines = [
            f"fuzz: {self.requests} requests over {self.routes} routes, stopped by {self.stopped_by}; "
            f"statuses {dict(sorted(self.statuses.items()))}; 5xx: {len(self.failures)}"
        ]
        lines += [f"  {failure}" for failure in self.failures[:60]]
        return "\n".join(lines)


class Fuzzer:
    def __init__(self, clients, known, seed=12):
        self.clients = clients  # role name -> logged-in test client (None key: anonymous)
        self.known = known
        self.rng = random.Random(seed)
        self.report = FuzzReport()
        self.fields = {}  # path -> (input names, file input names) seen in a GET
        self.max_requests, self.max_seconds = fuzz_budget()
        self.errors = []
        got_request_exception.connect(self._record_exception)

    def _record_exception(self, sender, request=None, **kwargs):
        import sys
        import traceback

        error = sys.exc_info()[1]
        frames = traceback.extract_tb(error.__traceback__)
        where = " <- ".join(
            f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}" for frame in frames[-3:][::-1]
        )
        self.errors.append(f"{type(error).__name__}: {str(error)[:200]} at {where}")

    def close(self):
        got_request_exception.disconnect(self._record_exception)

    def plan(self):
        routes = sorted(all_routes(), key=lambda r: r.template)
        planned = []
        for route in routes:
            if SKIP.search(route.template):
                continue
            paths = concrete_paths(route, self.known, self.rng)
            if paths:
                planned.append((route, paths))
        self.report.routes = len(planned)
        return planned

    def run(self):
        started = time.monotonic()
        planned = self.plan()
        roles = list(self.clients)
        # Each pass gives every route one request per role, so the budget spreads wide first.
        passes = [self.get_junk_path, self.post_junk_form, self.get_junk_query]
        for step in itertools.cycle(passes):
            order = planned[:]
            self.rng.shuffle(order)
            for _route, paths in order:
                for role in roles:
                    if self.report.requests >= self.max_requests:
                        self.report.stopped_by = "request bound"
                        return self.report
                    if time.monotonic() - started > self.max_seconds:
                        self.report.stopped_by = "time bound"
                        return self.report
                    step(role, self.pick(step, paths))
            if step is passes[-1] and self.report.requests >= len(planned) * len(roles) * 6:
                return self.report

    def pick(self, step, paths):
        """Forms are posted to the paths whose page showed their fields, when there is one."""
        with_fields = [path for path in paths if self.fields.get(path, ([],))[0]]
        if step == self.post_junk_form and with_fields:
            return self.rng.choice(with_fields)
        return self.rng.choice(paths)

    def request(self, role, method, path, **kwargs):
        client = self.clients[role]
        self.errors.clear()
        try:
            response = getattr(client, method)(path, **kwargs)
        except Exception as error:  # a broken streaming response still counts as a 5xx
            self.report.requests += 1
            self.report.statuses[599] += 1
            self.report.failures.append(f"{role or '匿名'} {method.upper()} {path} -> {type(error).__name__}: {error}")
            return None
        self.report.requests += 1
        self.report.statuses[response.status_code] += 1
        if response.status_code >= 500:
            detail = self.errors[-1] if self.errors else ""
            self.report.failures.append(
                f"{role or '匿名'} {method.upper()} {path} {kwargs.get('data', '')!s:.120} -> {response.status_code} {detail}"
            )
        return response

    def get_junk_path(self, role, path):
        response = self.request(role, "get", path)
        if response is not None and response.status_code == 200 and not getattr(response, "streaming", False):
            content_type = response.get("Content-Type", "")
            if "html" in content_type:
                html = response.content.decode("utf-8", "replace")
                names = set(INPUT_NAME.findall(html)) - {"csrfmiddlewaretoken"}
                self.fields[path] = (sorted(names), set(FILE_INPUT.findall(html)))

    def post_junk_form(self, role, path):
        if DESTRUCTIVE.search(path) and not any(j in path for j in ("abc", "99999")):
            return self.get_junk_path(role, path)
        names, files = self.fields.get(path, ([], set()))
        self.request(role, "post", path, data=junk_form(names, files, self.rng))

    def get_junk_query(self, role, path):
        self.request(role, "get", path, data=junk_query(self.rng))
