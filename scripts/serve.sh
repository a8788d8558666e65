#!/bin/sh
# Serve Jembatan for `make run`: the Huey consumer (background tasks) in the background,
# gunicorn in the foreground. When gunicorn stops, or this script gets Ctrl-C or TERM,
# both stop. In production run `manage.py run_huey` as its own service instead (README).
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-2}
# gthread workers keep a browser's connection open between requests (keep-alive) and
# answer several at once. Measured on 2 cores shared with other work (bench/site.py,
# 2 workers, wrk 32 connections, the cached article): sync 670 req/s, gthread with 4
# threads 1,475 and 2,068 req/s (two runs).
THREADS=${THREADS:-4}

# Metrics of the gunicorn workers and the consumer, summed at /metrics (docs/operations.md).
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${JEMBATAN_VAR_DIR:-var}/metrics}"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db

"$BIN/python" manage.py run_huey &  # workers: settings.HUEY["consumer"]
huey_pid=$!
gunicorn_pid=

stop() {
	trap - EXIT INT TERM
	if [ -n "$gunicorn_pid" ]; then kill -TERM "$gunicorn_pid" 2>/dev/null; fi
	# INT: the consumer finishes the tasks it is running, then exits.
	kill -INT "$huey_pid" 2>/dev/null
	wait 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/gunicorn" jembatan.wsgi -c python:jembatan.core.gunicorn --bind "$HOST:$PORT" \
	--workers "$WORKERS" --worker-class gthread --threads "$THREADS" --keep-alive 5 \
	--access-logfile - --forwarded-allow-ips 127.0.0.1 &
gunicorn_pid=$!
wait "$gunicorn_pid"
