"""The statuses of a case are spelled in one module: a status written out anywhere else
would drift from the rules when a status is added or renamed."""

import re
from pathlib import Path

from cases import states

ROOT = Path(__file__).resolve().parents[2]
# The areas that show or change cases, and the benchmarks that make them (the archives
# have a "closed" of their own).
SOURCES = ("cases", "portal", "api", "doc_templates", "quality", "search", "bench")


def status_literals():
    values = "|".join(re.escape(status.value) for status in states.Status)
    return re.compile(rf"""(?<![\w-])["']({values})["']""")


def files_to_read():
    for area in SOURCES:
        for path in (ROOT / area).rglob("*"):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
                yield path


def test_no_case_status_is_written_out_beside_the_states_module():
    pattern = status_literals()
    found = []
    for path in files_to_read():
        if path == ROOT / "cases" / "states.py":
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
