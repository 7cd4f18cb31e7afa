#!/usr/bin/env bash
# Start llama-server with the live model on 127.0.0.1 (a free port) and wait until /health answers.
# Writes $LIVE_DIR/server.url (the /v1 base URL) and server.pid; reuses a server that is already up.
# LIVE_THREADS sets llama-server's -t (default: every core; on a machine other jobs keep busy, 1 thread
# avoids the threads waiting on each other: 3.6 instead of 0.45 output tokens/s on 2 busy cores).
#   live/serve.sh        start (or reuse) and print the base URL
#   live/serve.sh stop   stop the server this script started
set -euo pipefail
LIVE_DIR="${APPEALAGENT_LIVE_DIR:-$HOME/.cache/appealagent-live}"
BIN="$LIVE_DIR/build/bin/llama-server"
MODEL="$LIVE_DIR/model/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
URL_FILE="$LIVE_DIR/server.url" PID_FILE="$LIVE_DIR/server.pid"

healthy() { [ -f "$URL_FILE" ] && curl -fsS "$(sed 's#/v1$##' "$URL_FILE")/health" >/dev/null 2>&1; }

if [ "${1:-start}" = "stop" ]; then
  [ -f "$PID_FILE" ] && kill "$(cat "$PID_FILE")" 2>/dev/null || true
  rm -f "$PID_FILE" "$URL_FILE"; exit 0
fi
if healthy; then cat "$URL_FILE"; exit 0; fi
[ -x "$BIN" ] && [ -s "$MODEL" ] || { echo "live/serve.sh: run live/setup.sh first ($BIN, $MODEL)" >&2; exit 1; }
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
nohup "$BIN" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c 16384 -t "${LIVE_THREADS:-$(nproc)}" --jinja > "$LIVE_DIR/server.log" 2>&1 &
echo $! > "$PID_FILE"
echo "http://127.0.0.1:$PORT/v1" > "$URL_FILE"
for _ in $(seq 1 180); do
  if healthy; then cat "$URL_FILE"; exit 0; fi
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { echo "live/serve.sh: llama-server exited; see $LIVE_DIR/server.log" >&2; rm -f "$URL_FILE"; exit 1; }
  sleep 1
done
echo "live/serve.sh: no /health after 180 s; see $LIVE_DIR/server.log" >&2; exit 1
