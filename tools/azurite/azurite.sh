#!/usr/bin/env bash
# Start or stop a local Azurite (Blob + Queue + Table) on 127.0.0.1:10000-10002 for local runs and tests.
#
#   tools/azurite/azurite.sh start   installs the pinned Azurite (tools/node/package-lock.json) if needed, starts it
#                                     unless something already listens on 10000, and waits until it answers
#   tools/azurite/azurite.sh stop    stops the Azurite this script started (by PID; kill -9 if it ignores SIGTERM)
#
# Environment: AZURITE_LOCATION (data folder, default .azurite/ at the repo root),
#              AZURITE_IN_MEMORY=1 (keep data in memory: what the tests use).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
location="${AZURITE_LOCATION:-$repo/.azurite}"
pidfile="$location/azurite.pid"
log="$location/azurite.log"

listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

install_node_tools() {
  if [ ! -x "$repo/tools/node/node_modules/.bin/azurite" ] \
     || [ "$repo/tools/node/package-lock.json" -nt "$repo/tools/node/node_modules/.package-lock.json" ]; then
    echo "azurite: installing pinned Node tools (npm ci in tools/node)"
    npm ci --prefix "$repo/tools/node" --no-audit --no-fund --loglevel=error
  fi
}

start() {
  mkdir -p "$location"
  if listening 10000 && listening 10002; then
    echo "azurite: something already listens on 127.0.0.1:10000 and :10002; using it"
    return 0
  fi
  install_node_tools
  # Azure.Storage.Blobs 12.30 sends a newer API version than Azurite knows: --skipApiVersionCheck lets it through.
  # --disableTelemetry: Azurite collects usage telemetry by default (since 3.34); a developer's or CI's local store
  # should send nothing anywhere, and the collection costs Azurite CPU on every request.
  local args=(--silent --loose --skipApiVersionCheck --disableProductStyleUrl --disableTelemetry
              --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1)
  if [ "${AZURITE_IN_MEMORY:-0}" = "1" ]; then
    # In memory, Azurite refuses --location; it runs from the data folder so nothing lands in the caller's cwd.
    args+=(--inMemoryPersistence)
  else
    args+=(--location "$location")
  fi
  (cd "$location" && exec nohup "$repo/tools/node/node_modules/.bin/azurite" "${args[@]}" >"$log" 2>&1) &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if listening 10000 && listening 10002; then
      echo "azurite: started (pid $(cat "$pidfile"), log $log)"
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "azurite: failed to start; log follows" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "azurite: did not answer on 127.0.0.1:10000 within 30 s; log follows" >&2
  cat "$log" >&2
  stop
  return 1
}

stop() {
  [ -f "$pidfile" ] || { echo "azurite: not started by this script; nothing to stop"; return 0; }
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    # Azurite ignores SIGTERM; give it a moment, then kill it outright.
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
  echo "azurite: stopped (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
