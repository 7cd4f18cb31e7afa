#!/usr/bin/env bash
# `make live-local`: set up the real local model (cached), start it, and run the live subset
# (live/subset.yaml) through `appealagent eval --engine llm --live` in editor and author style.
# Reports (Markdown + JSON, with the drafting cost per style) go to ${LIVE_OUT:-live/results}.
#   live/run.sh [editor|author|both]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(dirname "$HERE")"
LIVE_DIR="${APPEALAGENT_LIVE_DIR:-$HOME/.cache/appealagent-live}"
OUT="${LIVE_OUT:-$ROOT/live/results}"
PY="${PY:-$ROOT/.venv/bin/python}"; AA="${AA:-$ROOT/.venv/bin/appealagent}"
mkdir -p "$OUT"
"$HERE/setup.sh" all
URL="$("$HERE/serve.sh")"
# A CPU model answers in minutes, not seconds: one attempt per request, a long timeout.
export APPEALAGENT_TIMEOUT="${APPEALAGENT_TIMEOUT:-900}" APPEALAGENT_MAX_ATTEMPTS="${APPEALAGENT_MAX_ATTEMPTS:-1}"
export APPEALAGENT_MODEL="${APPEALAGENT_MODEL:-qwen2.5-coder-1.5b-instruct-q4_k_m}"
for style in $([ "${1:-both}" = both ] && echo editor author || echo "$1"); do
  dir="$LIVE_DIR/evalset-$style"
  "$PY" "$HERE/prepare.py" "$style" "$dir"
  echo "[live] $style: $(ls "$dir/cases" | wc -l) case(s) against $URL" >&2
  "$AA" eval --engine llm --live --style "$style" --base-url "$URL" --cases "$dir" --no-baseline \
    --report "$OUT/$style.md" --force --json > "$OUT/$style.json" || true  # exit 1 = a case failed; the report says which
  echo "[live] wrote $OUT/$style.md and $OUT/$style.json" >&2
done
