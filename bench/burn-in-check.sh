#!/usr/bin/env bash
# Does a shorter burn-in leave the moments unchanged? Runs the default world
# from run.burn_in_start = 1950 (the default) and from a later START with the
# same yearly births (the firm slots scaled so that every cohort from START on
# is as large as in the default), two seeds each, and compares every
# simulated cell of the comparison: for each cell the squared difference of
# the two arms' means over the cells' seed variance (pooled). With no effect
# this ratio is F(1, 2)-distributed: median 0.67, and above 18.5 for 5% of
# the cells. Prints the ratio's median and the share above 18.5 by table.
#
#   bash bench/burn-in-check.sh [START] [OUT_DIR]     (default 1970, /tmp/firmsim-burn-in)
# About 4 runs of the default world with --compare (minutes each on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
start="${1:-1970}"
out="${2:-/tmp/firmsim-burn-in}"
exe="${FIRMSIM_EXE:-build/app/firmsim}"
mkdir -p "$out"
# Births per year are firms * 1.01^(y - start) / sum_k 1.01^k: keep them.
firms=$(python3 -c "
F=380000; S=lambda n: sum(1.01**k for k in range(n))
print(round(F*1.01**($start-1950)*S(2005-$start+1)/S(2005-1950+1)))")
for spec in "1950 380000" "$start $firms"; do
  set -- $spec
  printf 'run:\n  burn_in_start: %s\n' "$1" > "$out/burn_in_$1.yaml"
  for seed in 1 2; do
    /usr/bin/time -f "%U s user" "$exe" run configs/belgium.yaml --scenario "$out/burn_in_$1.yaml" --firms "$2" \
      --seed $seed --compare --quiet --out "$out/run_$1_$seed" > "$out/run_$1_$seed.log" 2>&1
    echo "burn-in from $1, seed $seed: $(tail -1 "$out/run_$1_$seed.log")"
  done
done
python3 bench/burn_in_check.py "$out/run_1950_1" "$out/run_1950_2" "$out/run_${start}_1" "$out/run_${start}_2"
