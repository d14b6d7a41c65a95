#!/usr/bin/env bash
# The test suite: install, build (CPU backend), build the CUDA backend too
# where nvcc exists (build only: the GPU path must compile), then ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${FIRMSIM_JOBS:-$(nproc)}"
bash scripts/install-deps.sh
bash scripts/build.sh -DFIRMSIM_BACKEND=omp

nvcc="${CUDACXX:-/usr/local/cuda/bin/nvcc}"
if [ -x "$nvcc" ] || command -v nvcc > /dev/null; then
  [ -x "$nvcc" ] || nvcc="$(command -v nvcc)"
  echo "firmsim: building the CUDA backend with $nvcc (build only)"
  cmake -S . -B build-cuda -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=cuda -DFIRMSIM_TESTS=OFF \
        -DFIRMSIM_VIEWER=OFF -DCMAKE_CUDA_COMPILER="$nvcc" > build-cuda.log
  cmake --build build-cuda --target firmsim firmsim_bench -j "$jobs" >> build-cuda.log 2>&1 \
    || { tail -50 build-cuda.log; echo "firmsim: CUDA backend failed to build"; exit 1; }
  echo "firmsim: CUDA backend built"
else
  echo "firmsim: no nvcc found, CUDA backend not built"
fi

ctest --test-dir build -j "$jobs" --output-on-failure
