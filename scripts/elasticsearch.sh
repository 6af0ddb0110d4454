#!/usr/bin/env bash
# Fetches (once, into the git-ignored .cache/) and starts a single-node Elasticsearch on 127.0.0.1 for
# development and CI. Usage: scripts/elasticsearch.sh start|stop|status. Prints ELASTICSEARCH_URL on start.
set -euo pipefail
cd "$(dirname "$0")/.."
ES_VERSION="${ES_VERSION:-8.19.7}"
ES_PORT="${ES_PORT:-9200}"
CACHE="$PWD/.cache/es"
# The downloaded zip stays in the repository's cache. As root, Elasticsearch must run as another user,
# who may not be able to enter the checkout (e.g. under /root), so it is unpacked and run from /var/lib.
if [ "$(id -u)" = 0 ]; then RUN_ROOT="/var/lib/gdcat-es"; else RUN_ROOT="$CACHE"; fi
HOME_DIR="$RUN_ROOT/elasticsearch-$ES_VERSION"
DATA_DIR="$RUN_ROOT/data-$ES_PORT"
LOG_DIR="$RUN_ROOT/logs-$ES_PORT"
PID_FILE="$RUN_ROOT/es-$ES_PORT.pid"
URL="http://127.0.0.1:$ES_PORT"

pick_java() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-*-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$j/bin/java" ]; then echo "$j"; return; fi
  done
  echo "no JDK under /usr/lib/jvm (set ES_JAVA_HOME)" >&2; exit 1
}

fetch() {
  [ -x "$HOME_DIR/bin/elasticsearch" ] && return
  mkdir -p "$CACHE"
  local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
  if [ ! -f "$zip" ]; then
    echo "fetching Elasticsearch $ES_VERSION distribution with Maven" >&2
    mvn -q -B dependency:copy \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      "-DoutputDirectory=$CACHE" >&2
  fi
  mkdir -p "$RUN_ROOT"
  (cd "$RUN_ROOT" && unzip -q -o "$zip")
}

healthy() { curl -fsS "$URL/_cluster/health" >/dev/null 2>&1; }

# Answering is not ready: after a restart the indices kept in DATA_DIR recover for a few seconds, and searches
# on them fail meanwhile. Waits for them (at most 60 s); a node that stays red is still handed out, with a warning.
ready() {
  curl -fsS "$URL/_cluster/health?wait_for_status=yellow&timeout=60s" >/dev/null 2>&1 ||
    echo "Elasticsearch at $URL answers but its indices have not recovered (cluster health red); see $LOG_DIR" >&2
  echo "$URL"
}

# Elasticsearch refuses to run as root; CI and these machines run as root, so use a system user.
as_es_user() {
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  id gdcat-es >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin gdcat-es
  chown -R gdcat-es "$HOME_DIR" "$DATA_DIR" "$LOG_DIR"
  runuser -u gdcat-es -- "$@"
}

start() {
  if healthy; then ready; return; fi
  fetch
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  touch "$PID_FILE" && chmod 666 "$PID_FILE"
  as_es_user env ES_JAVA_HOME="$(pick_java)" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    "$HOME_DIR/bin/elasticsearch" -d -p "$PID_FILE" \
    -E discovery.type=single-node -E network.host=127.0.0.1 -E http.port="$ES_PORT" \
    -E transport.port=$((ES_PORT + 100)) \
    -E xpack.security.enabled=false -E path.data="$DATA_DIR" -E path.logs="$LOG_DIR" \
    -E cluster.routing.allocation.disk.threshold_enabled=false \
    -E action.destructive_requires_name=false >"$RUN_ROOT/start-$ES_PORT.log" 2>&1
  for _ in $(seq 1 120); do
    if healthy; then ready; return; fi
    sleep 1
  done
  echo "Elasticsearch did not become healthy; see $LOG_DIR and $RUN_ROOT/start-$ES_PORT.log" >&2
  tail -n 30 "$RUN_ROOT/start-$ES_PORT.log" >&2 || true
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ]; then
    kill "$(cat "$PID_FILE")" 2>/dev/null || true
    for _ in $(seq 1 60); do healthy || break; sleep 1; done
    rm -f "$PID_FILE"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) healthy && echo "up $URL" || { echo "down"; exit 1; } ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
