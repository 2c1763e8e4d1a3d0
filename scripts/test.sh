#!/usr/bin/env bash
# Installs what is missing, makes sure Elasticsearch is up, runs the whole suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/prepare.sh
.venv/bin/ruff check .
# Import contracts (pyproject [tool.importlinter]): apps in layers, no cycles, no private imports.
.venv/bin/lint-imports
# Two workers share the cores; each gets its own test database and index prefix.
# Each test is scheduled on its own, in the order collected (longest first), so the two
# longest go to different workers.
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup --no-loadscope-reorder "$@"
