#!/usr/bin/env bash
# Configures and builds firmsim in build/ (CPU backend unless a GPU is visible).
# Extra arguments go to cmake's configure step, e.g. -DFIRMSIM_VIEWER=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${FIRMSIM_JOBS:-$(nproc)}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$jobs"
