#!/usr/bin/env bash
# Installs what is missing, makes sure Elasticsearch is up, runs the whole suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup_env.sh
scripts/install_libreoffice.sh
scripts/elasticsearch.sh start
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
