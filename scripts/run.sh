#!/usr/bin/env bash
# One command from a fresh clone to a running product at http://127.0.0.1:8000/admin/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/prepare.sh
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
PORT="${PORT:-8000}"
echo "管理后台: http://127.0.0.1:${PORT}/admin/　接口文档: http://127.0.0.1:${PORT}/api/docs"
.venv/bin/python manage.py collectstatic --noinput -v 0
# One background worker beside the web server (database backend unless TASKS_BACKEND=rq);
# it stops with the server.
.venv/bin/python manage.py run_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT
# gunicorn as gunicorn.conf.py says: 2 × CPUs + 1 processes (WEB_CONCURRENCY overrides) of
# 4 threads each, forked with Django and the Chinese analysis loaded; static files come
# through whitenoise.
PORT="${PORT}" .venv/bin/gunicorn cms.wsgi:application &
web=$!
trap 'kill "$worker" "$web" 2>/dev/null' EXIT
wait "$web"
