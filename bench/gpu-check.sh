#!/usr/bin/env bash
# The GPU check: build the CUDA backend with its tests, run the tests that
# exercise the engine (among them the panel hash, whose constants were made on
# the CPU backend: passing it on the GPU means the same panel, byte for byte),
# then the engine, calibration-evaluation and policy-evaluation benchmarks, and
# write one results file with the device, commit and date. Meant to finish
# inside 8 minutes on an H100/H200 node.
#
#   bash bench/gpu-check.sh [--bundle DIR] [--out FILE] [--largest N]
#
# --bundle DIR  use executables prepared by bench/gpu-bundle.sh (built with
#               nvcc on another machine, with the shared libraries they need)
#               instead of building here: for a GPU machine without the Debian
#               packages firmsim builds against.
# --out FILE    the results file (default bench/results/gpu-check-DEVICE-DATE.txt)
# --largest N   the engine benchmark's largest population (default 10^7 firms)
#
# On a machine without an NVIDIA GPU it says so, runs the CPU part (the same
# tests and a short engine benchmark on the CPU backend in build/) and exits 0.
# Exit status: 1 if a test failed, else 0.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bundle="" out="" largest=10000000 list_tests=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --largest) largest="$2"; shift 2 ;;
    --list-tests) list_tests=1; shift ;;
    *) echo "gpu-check: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done
# The tests that run the engine on the chosen backend. The CLI tests run the
# firmsim binary by the path it had when built, so they are left to ctest.
engine_tests=(portable_math_test rng_test panel_hash_test determinism_test interaction_test
              mechanism_test mechanism_removal_test invariants_test policy_lever_test)
if [ "$list_tests" = 1 ]; then echo "${engine_tests[@]}"; exit 0; fi
started=$(date +%s)
jobs="${FIRMSIM_JOBS:-$(nproc)}"

gpu=""
if command -v nvidia-smi > /dev/null && nvidia-smi -L > /dev/null 2>&1; then
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)
fi
if [ -n "$bundle" ] && [ -f "$bundle/COMMIT" ]; then
  commit=$(cat "$bundle/COMMIT")
else
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD 2>/dev/null || commit="$commit+uncommitted"
fi
day=$(date -u +%F)
slug=cpu
[ -n "$gpu" ] && slug=$(echo "${gpu%%,*}" | tr 'A-Z ' 'a-z-' | sed 's/[^a-z0-9-]//g; s/^nvidia-//')
[ -n "$out" ] || out="bench/results/gpu-check-$slug-$day.txt"
mkdir -p "$(dirname "$out")"
: > "$out"
say() { echo "$*" | tee -a "$out"; }
# Runs a command, its output into the results file too; returns its status.
record() {
  say "\$ $*"
  "$@" 2>&1 | tee -a "$out"
  return "${PIPESTATUS[0]}"
}

say "# firmsim GPU check"
say "device: ${gpu:-none (no NVIDIA GPU visible: CPU part only)}"
say "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "commit: $commit"
say "date: $(date -u '+%F %T UTC')"
if [ -n "$bundle" ]; then say "build: prebuilt bundle $bundle (bench/gpu-bundle.sh)"; else say "build: built here"; fi
say ""


if [ -z "$gpu" ]; then
  bin=build
  if [ ! -x build/app/firmsim ]; then
    say "no build/ yet: building the CPU backend (scripts/build.sh)"
    bash scripts/build.sh -DFIRMSIM_VIEWER=OFF > build.log 2>&1 || { tail -30 build.log; exit 1; }
  fi
  tests_dir=build/tests
else
  if [ -n "$bundle" ]; then
    bin="$bundle"
    export LD_LIBRARY_PATH="$root/$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    tests_dir="$bundle"
  else
    bin=build-gpu
    say "building the CUDA backend in build-gpu/ ($jobs jobs)"
    t0=$(date +%s)
    { cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=cuda -DFIRMSIM_VIEWER=OFF \
            -DFIRMSIM_MPI=OFF && \
      cmake --build build-gpu -j "$jobs" --target firmsim firmsim_bench firmsim_calibration_bench "${engine_tests[@]}"; } \
      > build-gpu.log 2>&1 || { tail -40 build-gpu.log | tee -a "$out"; say "CUDA build FAILED"; exit 1; }
    say "CUDA build: $(( $(date +%s) - t0 )) s"
    tests_dir=build-gpu/tests
  fi
fi
find_exe() { find "$1" -maxdepth 3 -type f -name "$2" -perm -u+x | head -1; }

say ""
say "## Tests on the $([ -n "$gpu" ] && echo CUDA || echo CPU) backend"
failed=0 passed=0
for t in "${engine_tests[@]}"; do
  exe=$(find_exe "$tests_dir" "$t")
  if [ -z "$exe" ]; then say "$t: not built"; failed=$((failed + 1)); continue; fi
  t0=$(date +%s)
  if FIRMSIM_SOURCE_DIR="$root" timeout 90 "$exe" --gtest_brief=1 > "/tmp/gpu-check-$t.log" 2>&1; then
    passed=$((passed + 1))
    say "$t: passed ($(grep -m1 -o '[0-9]* tests\? from [0-9]* test suites\? ran' "/tmp/gpu-check-$t.log"), $(( $(date +%s) - t0 )) s)"
  else
    failed=$((failed + 1))
    say "$t: FAILED"
    grep -E "Failure|Expected|Which is|actual|error|FAILED" "/tmp/gpu-check-$t.log" | head -30 | tee -a "$out"
  fi
done
say "tests: $passed passed, $failed failed"

say ""
say "## Engine: the calibrated default, seconds per yearly step and firm-market-years per second"
firms_arg=""
[ -n "$gpu" ] && firms_arg="$largest"
record timeout 180 "$(find_exe "$bin" firmsim_bench)" configs/belgium.yaml $firms_arg

if [ -n "$gpu" ]; then
  say ""
  say "## One calibration evaluation at the default population (380,000 slots, 1950-2005)"
  record timeout 150 "$(find_exe "$bin" firmsim_calibration_bench)" --batches 1,8 --evaluations 8

  say ""
  say "## Policy evaluation: the README's worked example (wall time beside CPU time)"
  TIMEFORMAT="evaluate: wall %R s, user %U s, system %S s"
  { time timeout 150 "$(find_exe "$bin" firmsim)" evaluate configs/belgium.yaml \
      --policy scenarios/export_promotion.yaml --replicates 4 --out /tmp/gpu-check-promo --quiet ; } 2>&1 | tee -a "$out"
  head -16 /tmp/gpu-check-promo/effects.md 2>/dev/null | tee -a "$out"
fi

say ""
say "total: $(( $(date +%s) - started )) s"
[ -z "$gpu" ] && say "no NVIDIA GPU here: the CPU part is done; run this on a GPU machine for the CUDA backend"
say "results written to $out"
[ "$failed" -eq 0 ]
