#!/usr/bin/env bash
# Strong and weak scaling of firmsim over MPI processes, one core each
# (OMP_NUM_THREADS=1): an ensemble (replicates handed out to processes) and a
# split population (each replicate's firms split over processes), from 1 to
# MAX processes. Prints wall seconds and the efficiency:
#   strong: T(1) / (K x T(K)) for the same work;
#   weak:   T(1) / T(K) for K times the work on K processes.
# The time includes start-up, shard writing and process 0 reading the
# shards back for the run report (what a user waits for).
# Usage: bash bench/mpi_scaling.sh [FIRMSIM] [MAX] [FIRMS]
set -euo pipefail
cd "$(dirname "$0")/.."
exe="${1:-build/app/firmsim}"
max="${2:-2}"
firms="${3:-60000}"
mpirun="$(command -v mpirun)" || { echo "mpirun not found (scripts/install-deps.sh installs Open MPI)"; exit 1; }
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
world="configs/belgium.yaml --years 1998:2005 --quiet"

seconds() {  # processes, then firmsim's arguments
  local k="$1"; shift
  local out="$tmp/run-$RANDOM"
  local start end
  start=$(date +%s.%N)
  if [ "$k" -eq 1 ]; then "$exe" run $world "$@" --out "$out" > /dev/null
  else "$mpirun" --oversubscribe -np "$k" "$exe" run $world "$@" --out "$out" > /dev/null; fi
  end=$(date +%s.%N)
  rm -rf "$out"
  echo "$end - $start" | bc -l
}

echo "firmsim MPI scaling: $(nproc --all) cores, $("$mpirun" --version | head -1), $("$exe" run --help > /dev/null && echo ok)"
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d), $firms firm slots per replicate"
printf "%-22s %-7s %-10s %-10s %s\n" "work" "procs" "replicates" "seconds" "efficiency"
for mode in ensemble split; do
  # A split population needs independent firms (peers would cross processes).
  if [ "$mode" = ensemble ]; then per=2; flag="--distribute replicates"; extra=""
  else per=1; flag="--distribute firms"; extra="--scenario scenarios/independent_firms.yaml"; fi
  t1=$(seconds 1 --firms "$firms" --replicates "$per" $extra)
  printf "%-22s %-7s %-10s %-10.1f %s\n" "$mode strong" 1 "$per" "$t1" "100%"
  printf "%-22s %-7s %-10s %-10.1f %s\n" "$mode weak" 1 "$per" "$t1" "100%"
  for k in $(seq 2 "$max"); do
    if [ "$mode" = ensemble ]; then
      ts=$(seconds "$k" --firms "$firms" --replicates "$per" $flag $extra)
      tw=$(seconds "$k" --firms "$firms" --replicates $((per * k)) $flag $extra)
      strong_r=$per; weak_r=$((per * k)); weak_f=$firms
    else
      ts=$(seconds "$k" --firms "$firms" --replicates 1 $flag $extra)
      tw=$(seconds "$k" --firms $((firms * k)) --replicates 1 $flag $extra)
      strong_r=1; weak_r=1
    fi
    printf "%-22s %-7s %-10s %-10.1f %.0f%%\n" "$mode strong" "$k" "$strong_r" "$ts" "$(echo "100 * $t1 / ($k * $ts)" | bc -l)"
    printf "%-22s %-7s %-10s %-10.1f %.0f%%\n" "$mode weak" "$k" "$weak_r" "$tw" "$(echo "100 * $t1 / $tw" | bc -l)"
  done
done
