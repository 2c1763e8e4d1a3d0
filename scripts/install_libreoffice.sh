#!/usr/bin/env bash
# Issued notices are also kept as signed PDFs, made by LibreOffice headless from
# Debian's packages (with CJK fonts so Chinese renders). Installs them when missing.
set -euo pipefail
if command -v soffice >/dev/null; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "[libreoffice] soffice not found: install libreoffice-writer-nogui and fonts-noto-cjk;" \
    "notices are issued without a PDF until then" >&2
  exit 0
fi
echo "[libreoffice] installing libreoffice-writer-nogui and fonts-noto-cjk"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q libreoffice-writer-nogui fonts-noto-cjk >/dev/null 2>&1 \
  || { apt-get update -q && apt-get install -y -q libreoffice-writer-nogui fonts-noto-cjk >/dev/null; }
