#!/usr/bin/env bash
# Builds (once per machine and flag set) the llama-cpp-python wheel and prints its path.
#
# Why a script: PyPI ships llama-cpp-python only as source, and its default "native"
# build emits AMX instructions that some virtual machines advertise but forbid (SIGILL on
# the first token). We build a portable AVX2 baseline and add only the AVX-512 extensions
# this CPU really reports. pip's own wheel cache ignores CMAKE_ARGS, so we keep our own
# cache keyed by version + flags, outside the clone, so a second clone or CI reuses it.
set -euo pipefail
PY=${PYTHON:-python3}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
CACHE=${ADVISOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ai-stage-advisor}

args="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $flags " == *" $1 "* ]]; }
if has avx512f && has avx512bw && has avx512vl; then
  args="$args -DGGML_AVX512=ON"
  has avx512vbmi && args="$args -DGGML_AVX512_VBMI=ON"
  has avx512_vnni && args="$args -DGGML_AVX512_VNNI=ON"
  has avx512_bf16 && args="$args -DGGML_AVX512_BF16=ON"
fi
has avx_vnni && args="$args -DGGML_AVX_VNNI=ON"
if ! has avx2; then
  # Older or emulated CPUs: fall back to the plainest build that still runs.
  args="$args -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF"
fi

key=$(printf '%s %s %s' "$VERSION" "$args" "$($PY -c 'import sys;print(sys.version_info[:2])')" | sha256sum | cut -c1-16)
dir="$CACHE/wheels/llama-$key"
whl=$(ls "$dir"/llama_cpp_python-*.whl 2>/dev/null | head -1 || true)
if [ -z "$whl" ]; then
  echo "Building llama-cpp-python $VERSION for this CPU (5-10 minutes, once per machine)." >&2
  echo "  CMAKE_ARGS=$args" >&2
  tmp="$dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  CMAKE_ARGS="$args" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
    "$PY" -m pip wheel --no-cache-dir --no-deps -w "$tmp" "llama-cpp-python==$VERSION" >&2
  echo "$args" > "$tmp/CMAKE_ARGS"
  rm -rf "$dir" && mv "$tmp" "$dir"
  whl=$(ls "$dir"/llama_cpp_python-*.whl | head -1)
fi
echo "$whl"
