#!/usr/bin/env bash
# `make live-local`: set up the real local model (cached), start it, and run the live subset
# (live/subset.yaml) through `appealagent eval --engine llm --live`, editor style then author.
# Each case is its own eval run (a CPU model takes minutes per letter: a crash or a stop keeps
# every case already drafted, and a case already in the results is not drafted again unless
# LIVE_FORCE=1). live/summarize.py then writes the report with both styles side by side.
# Results go to ${LIVE_OUT:-live/results}/<style>/<case>.json, the report to summary.md.
#   live/run.sh [editor|author|both]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(dirname "$HERE")"
LIVE_DIR="${APPEALAGENT_LIVE_DIR:-$HOME/.cache/appealagent-live}"
OUT="${LIVE_OUT:-$ROOT/live/results}"
PY="${PY:-$ROOT/.venv/bin/python}"; AA="${AA:-$ROOT/.venv/bin/appealagent}"
"$HERE/setup.sh" all  # LIVE_THREADS (see serve.sh) is passed through
URL="$("$HERE/serve.sh")"
# A CPU model answers in minutes, not seconds: one attempt per request, a long timeout.
export APPEALAGENT_TIMEOUT="${APPEALAGENT_TIMEOUT:-1800}" APPEALAGENT_MAX_ATTEMPTS="${APPEALAGENT_MAX_ATTEMPTS:-1}"
export APPEALAGENT_MODEL="${APPEALAGENT_MODEL:-qwen2.5-coder-1.5b-instruct-q4_k_m}"
for style in $([ "${1:-both}" = both ] && echo editor author || echo "$1"); do
  dir="$LIVE_DIR/evalset-$style"
  "$PY" "$HERE/prepare.py" "$style" "$dir" >&2
  mkdir -p "$OUT/$style"
  for case_dir in "$dir"/cases/*/; do
    id="$(basename "$case_dir")"; out="$OUT/$style/$id.json"
    if [ -s "$out" ] && [ -z "${LIVE_FORCE:-}" ]; then continue; fi
    echo "[live] $style $id against $URL ($(date -u +%H:%M:%S))" >&2
    # exit 1 = the case failed or scored badly: the JSON says which, and the run goes on.
    # A folder holding this one case (--only matches by prefix: "01_x" would also pick "01_x-zh").
    one="$dir/one/$id"; rm -rf "$one"; mkdir -p "$one/cases"; ln -s "$dir/cases/$id" "$one/cases/$id"
    "$AA" eval --engine llm --live --style "$style" --base-url "$URL" --cases "$one" --no-baseline --json > "$out.partial" || true
    mv "$out.partial" "$out"
  done
done
"$PY" "$HERE/summarize.py" "$OUT" > "$OUT/summary.md"
if [ -d "$LIVE_DIR/evalset-author/cases" ]; then  # author style: could the model have copied a reference letter's facts?
  { printf '\n## Reference letters in the author prompt: facts another seller wrote\n\n'; "$PY" "$HERE/reference_facts.py" "$LIVE_DIR/evalset-author"; } >> "$OUT/summary.md"
fi
echo "[live] wrote $OUT/summary.md" >&2
