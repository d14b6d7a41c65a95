#!/usr/bin/env bash
# Prepares what bench/gpu-check.sh --bundle needs on a GPU machine that lacks
# the Debian packages firmsim builds against (a lent accelerator node with
# CUDA but no yaml-cpp, Eigen, ReadStat, ...): builds the CUDA backend here
# with nvcc (no GPU needed to build), then copies the benchmark and test
# executables, stripped, with every shared library they load except the C
# library's own and the NVIDIA driver's, into one folder.
#
#   bash bench/gpu-bundle.sh [DIR]        (default build-gpu-bundle/)
#   then, on the GPU machine, from a copy of the source tree holding DIR:
#   bash bench/gpu-check.sh --bundle DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-gpu-bundle}"
jobs="${FIRMSIM_JOBS:-$(nproc)}"
nvcc="${CUDACXX:-/usr/local/cuda/bin/nvcc}"
read -r -a tests <<< "$(bash bench/gpu-check.sh --list-tests)"
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=cuda -DFIRMSIM_VIEWER=OFF -DFIRMSIM_MPI=OFF \
      -DCMAKE_CUDA_COMPILER="$nvcc" > /dev/null
cmake --build build-gpu -j "$jobs" --target firmsim firmsim_bench firmsim_calibration_bench "${tests[@]}"
rm -rf "$dir"
mkdir -p "$dir/lib"
exes=(build-gpu/app/firmsim build-gpu/bench/firmsim_bench build-gpu/bench/firmsim_calibration_bench)
for t in "${tests[@]}"; do exes+=("$(find build-gpu/tests -type f -name "$t" | head -1)"); done
for e in "${exes[@]}"; do
  cp "$e" "$dir/"
  strip "$dir/$(basename "$e")"
  # Every resolved library but glibc's and the driver's.
  ldd "$e" | awk '/=> \// {print $3}' | grep -vE '/(libc|libm|libdl|librt|libpthread|ld-linux[^/]*|libcuda|libnvidia[^/]*)\.so' \
    | while read -r lib; do
        [ -f "$dir/lib/$(basename "$lib")" ] || { cp -L "$lib" "$dir/lib/" && strip --strip-unneeded "$dir/lib/$(basename "$lib")"; }
      done
done
git rev-parse --short HEAD > "$dir/COMMIT"
git diff --quiet HEAD || sed -i 's/$/+uncommitted/' "$dir/COMMIT"
du -sh "$dir"
