#!/usr/bin/env bash
# Runs one local Elasticsearch 9 node for development and tests.
#
#   scripts/elasticsearch.sh start|stop|status
#
# The node is the official integ-test-zip from Maven Central: the bare server
# (no analysis-common, no reindex), which is why Chinese analysis lives in
# Python (search/analysis.py). Data and logs stay under var/elasticsearch/.
# When ELASTICSEARCH_URL points at a reachable cluster, nothing is started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
CACHE="$VAR/cache"
ES_BASE="$VAR/elasticsearch"
URL="${ELASTICSEARCH_URL:-http://127.0.0.1:9200}"
PORT="${ES_PORT:-9200}"
ES_USER="${ES_USER:-elasticsearch}"
# Newest first. Maven Central's metadata for this artifact lists no 9.x, so
# the candidates are named here; the first that resolves is used.
ES_VERSIONS="${ES_VERSION:-9.5.4 9.5.3 9.5.2 9.5.0 9.4.6 9.3.8 9.2.8}"

log() { echo "[elasticsearch] $*" >&2; }

healthy() {
  local status
  status=$(curl -s --max-time 3 "$URL/_cluster/health" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
  [[ "$status" == green || "$status" == yellow ]]
}

find_java() {
  local candidate version
  for candidate in ${ES_JAVA_HOME:-} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -x "$candidate/bin/java" ]] || continue
    version=$("$candidate/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    if [[ -n "$version" && "$version" -ge 21 ]]; then
      echo "$candidate"
      return
    fi
  done
  log "no Java 21+ found under /usr/lib/jvm; set ES_JAVA_HOME"
  exit 1
}

cached_zip() {
  local version zip
  mkdir -p "$CACHE"
  for version in $ES_VERSIONS; do
    zip="$CACHE/elasticsearch-$version.zip"
    if [[ -f "$zip" ]]; then echo "$zip"; return; fi
  done
  for version in $ES_VERSIONS; do
    zip="$CACHE/elasticsearch-$version.zip"
    log "fetching integ-test-zip $version from Maven Central"
    if mvn -q -B dependency:copy \
        -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$version:zip" \
        -DoutputDirectory="$CACHE" >"$CACHE/mvn-$version.log" 2>&1; then
      echo "$zip"
      return
    fi
    log "version $version did not resolve (see $CACHE/mvn-$version.log)"
  done
  log "no Elasticsearch 9 zip resolved"
  exit 1
}

# Elasticsearch refuses to run as root: as root, run it as an unprivileged
# user that can reach the project folder.
prepare_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  local dir="$ES_BASE"
  while [[ "$dir" != / ]]; do
    dir=$(dirname "$dir")
    if ! runuser -u "$ES_USER" -- test -x "$dir"; then
      log "allowing $ES_USER to pass through $dir"
      chmod o+x "$dir"
    fi
  done
  chown -R "$ES_USER" "$ES_BASE"
}

as_es_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$ES_USER" -- env "$@"
  else
    env "$@"
  fi
}

start() {
  if healthy; then
    log "already running at $URL"
    return
  fi
  if [[ -n "${ELASTICSEARCH_URL:-}" && "$URL" != "http://127.0.0.1:$PORT" && "$URL" != "http://localhost:$PORT" ]]; then
    log "ELASTICSEARCH_URL=$URL is not reachable and is not a local node; start that cluster"
    exit 1
  fi
  local zip version home java_home
  zip=$(cached_zip)
  version=$(basename "$zip" .zip | sed 's/elasticsearch-//')
  home="$ES_BASE/elasticsearch-$version"
  if [[ ! -d "$home" ]]; then
    log "unpacking $version"
    mkdir -p "$ES_BASE"
    unzip -q -o "$zip" -d "$ES_BASE"
  fi
  mkdir -p "$ES_BASE/data" "$ES_BASE/logs"
  java_home=$(find_java)
  prepare_user
  log "starting $version on 127.0.0.1:$PORT with $java_home"
  as_es_user ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms512m -Xmx1g" \
    "$home/bin/elasticsearch" -d -p "$ES_BASE/elasticsearch.pid" \
    -E discovery.type=single-node \
    -E xpack.security.enabled=false \
    -E network.host=127.0.0.1 \
    -E http.port="$PORT" \
    -E cluster.routing.allocation.disk.threshold_enabled=false \
    -E path.data="$ES_BASE/data" \
    -E path.logs="$ES_BASE/logs" >"$ES_BASE/logs/startup.out" 2>&1 || {
      cat "$ES_BASE/logs/startup.out" >&2
      exit 1
    }
  local waited=0
  until healthy; do
    sleep 1
    waited=$((waited + 1))
    if [[ $waited -ge 120 ]]; then
      log "not healthy after 120 s; last log lines:"
      tail -n 30 "$ES_BASE/logs/"*.log >&2 || true
      exit 1
    fi
  done
  log "healthy after ${waited}s at $URL"
}

stop() {
  local pidfile="$ES_BASE/elasticsearch.pid"
  if [[ ! -f "$pidfile" ]]; then
    log "not running (no pid file)"
    return
  fi
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  rm -f "$pidfile"
  log "stopped"
}

status() {
  if healthy; then
    curl -s "$URL/_cluster/health"
    echo
  else
    echo "not running at $URL"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
