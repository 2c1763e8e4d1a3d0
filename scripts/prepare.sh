#!/usr/bin/env bash
# What the product and its tests both need on this machine: the venv with the project
# installed, LibreOffice with the notice fonts, and Elasticsearch running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup_env.sh
scripts/install_libreoffice.sh
scripts/elasticsearch.sh start
