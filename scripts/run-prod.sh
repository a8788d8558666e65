#!/bin/sh
# The production profile on this machine (`make run-prod`): PostgreSQL and Redis (local),
# two stateless gunicorn app servers behind nginx, static files from collectstatic with
# hashed names cached forever, media on one shared directory, the Huey consumer.
#
# Everything lives under var/prod (database aside). Plain HTTP on 127.0.0.1, so the TLS
# redirect and HSTS are off here; on a real server nginx terminates TLS and they stay on.
set -eu
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
APP_PORTS=${APP_PORTS:-"8001 8002"}
WORKERS=${WORKERS:-2}
PROD_VAR=${PROD_VAR:-var/prod}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PROD_DB=${PROD_DB:-jembatan}

command -v nginx >/dev/null 2>&1 || { echo "nginx not found: apt-get install nginx"; exit 1; }
mkdir -p "$PROD_VAR"
VAR=$(cd "$PROD_VAR" && pwd)
[ -s "$VAR/secret_key" ] || "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$VAR/secret_key"

export DEBUG=0
export SECRET_KEY="$(cat "$VAR/secret_key")"
export DATABASE_URL=${DATABASE_URL:-$PG_SERVER/$PROD_DB}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
export JEMBATAN_VAR_DIR="$VAR"
export STATIC_ROOT="$VAR/static"
export MEDIA_ROOT="$VAR/media"
export PPID_PRIVATE_ROOT="$VAR/private"
export PROXY_COUNT=1
export SECURE_SSL_REDIRECT=0
export SECURE_HSTS_SECONDS=0
# Metrics of every gunicorn worker and the consumer on this host, summed at /metrics of any
# app server (scrape one per host; docs/operations.md):
# one file per process in a directory emptied at each start.
export PROMETHEUS_MULTIPROC_DIR="$VAR/metrics"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db

# The database, created on first use.
"$BIN/python" - "$PG_SERVER/postgres" "${DATABASE_URL##*/}" <<'PY'
import sys
import psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone():
        conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
        print(f"Created database {sys.argv[2]}.")
PY
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py import_regions --province 61 --verbosity 0 >/dev/null
"$BIN/python" manage.py load_holidays --verbosity 0 >/dev/null
# The first tenant (README: Many kabupaten on one install): the kabupaten TENANT_CODE on
# the comma-separated TENANT_HOSTS, in TENANT_TIME_ZONE. Idempotent: a restart adds
# only hosts that are new. More tenants: manage.py tenant_add or /kelola/platform/tenant/.
TENANT_CODE=${TENANT_CODE:-61.07}
TENANT_HOSTS=${TENANT_HOSTS:-$HOST,localhost}
set --
for h in $(echo "$TENANT_HOSTS" | tr ',' ' '); do set -- "$@" --host "$h"; done
"$BIN/python" manage.py tenant_add "$TENANT_CODE" "$@" ${TENANT_TIME_ZONE:+--time-zone "$TENANT_TIME_ZONE"} >/dev/null
"$BIN/python" manage.py load_demo >/dev/null || true  # content only: demo logins are off
"$BIN/python" manage.py build_js_catalog --verbosity 0  # the scripts' translations
"$BIN/python" manage.py collectstatic --noinput --verbosity 0
"$BIN/python" manage.py check --deploy --fail-level ERROR >/dev/null

upstreams=""
for p in $APP_PORTS; do upstreams="$upstreams --upstream 127.0.0.1:$p"; done
# shellcheck disable=SC2086
"$BIN/python" manage.py nginx_conf --listen "$HOST:$PORT" $upstreams --var "$VAR" \
	--output "$VAR/nginx.conf" >/dev/null
mkdir -p "$MEDIA_ROOT" "$PPID_PRIVATE_ROOT"
nginx -t -q -p "$VAR" -c "$VAR/nginx.conf"

pids=""
stop() {
	trap - EXIT INT TERM
	for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/python" manage.py run_huey >>"$VAR/huey.log" 2>&1 &
pids="$pids $!"
for p in $APP_PORTS; do
	"$BIN/gunicorn" jembatan.wsgi -c python:jembatan.core.gunicorn --bind "127.0.0.1:$p" --workers "$WORKERS" \
		--forwarded-allow-ips 127.0.0.1 --access-logfile - >>"$VAR/app-$p.log" 2>&1 &
	pids="$pids $!"
done
nginx -p "$VAR" -c "$VAR/nginx.conf" &
pids="$pids $!"
echo "Jembatan (production profile): http://$HOST:$PORT/  app servers: $APP_PORTS  (logs in $VAR)"
echo "PostgreSQL: $DATABASE_URL  Redis: $REDIS_URL  DEBUG off: demo logins are disabled;"
echo "create a staff account with: DATABASE_URL=$DATABASE_URL SECRET_KEY=... $BIN/python manage.py createsuperuser"
wait
