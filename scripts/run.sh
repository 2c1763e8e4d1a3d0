#!/usr/bin/env bash
# One command from a fresh clone to a running product at http://127.0.0.1:8000/admin/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup_env.sh
scripts/install_libreoffice.sh
scripts/elasticsearch.sh start
.venv/bin/python manage.py migrate --noinput
if [[ ! -f var/.demo-loaded ]]; then
  .venv/bin/python manage.py load_demo_data
  # A self-signed certificate so that demo notices get their signed PDF.
  [[ -n "${NOTICE_SIGNING_P12:-}" || -f var/signing/notices.p12 ]] || .venv/bin/python manage.py make_signing_certificate
  touch var/.demo-loaded
fi
echo
echo "演示账号（岗位 / 用户名 / 密码）:"
cat var/demo-credentials.txt
echo
echo "管理后台: http://127.0.0.1:8000/admin/"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
