#!/usr/bin/env bash
# The test suite: install, build (CPU backend), build the CUDA backend too
# where nvcc exists (build only: the GPU path must compile), the sanitizer
# build with its fast tests, then the whole ctest suite.
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

# The sanitizer build (ASan + UBSan with float-cast-overflow, any report fatal):
# its own build directory, viewer and benchmarks off, and the fast tests only
# (config and CLI hardening, panel files, the fuzz test, the estimator units).
# FIRMSIM_SANITIZE_TESTS=0 skips it.
if [ "${FIRMSIM_SANITIZE_TESTS:-1}" != 0 ]; then
  fast_targets=(firmsim rng_test config_test config_hardening_test cli_hardening_test fuzz_test
                estimation_panel_csv_test estimation_ols_test estimation_probit_test estimation_heckman_test
                estimation_tests_test estimation_transitions_test estimation_typology_test estimation_targets_test
                estimation_normal_test estimation_split_design_test estimation_probit_threads_test)
  fast_regex='^(rng_test|config_test|config_hardening_test|cli_hardening_test|fuzz_test|estimation_(panel_csv|ols|probit|heckman|tests|transitions|typology|targets|normal|split_design|probit_threads)_test)\.'
  started=$(date +%s)
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=omp -DFIRMSIM_VIEWER=OFF \
        -DFIRMSIM_BENCH=OFF -DFIRMSIM_SANITIZE=ON -DFIRMSIM_UBSAN_RECOVER=null > build-asan.log
  cmake --build build-asan --target "${fast_targets[@]}" -j "$jobs" >> build-asan.log 2>&1 \
    || { tail -50 build-asan.log; echo "firmsim: sanitizer build failed"; exit 1; }
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/scripts/ubsan-thrust.supp" \
  ASAN_OPTIONS="abort_on_error=0:detect_leaks=1" \
    ctest --test-dir build-asan -j "$jobs" --output-on-failure -R "$fast_regex"
  echo "firmsim: sanitizer build and fast tests took $(( $(date +%s) - started )) s"
fi

# The whole suite on the CPU backend, last, so the run ends with ctest's summary.
ctest --test-dir build -j "$jobs" --output-on-failure
