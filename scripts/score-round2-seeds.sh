#!/usr/bin/env bash
# Are the three round-two starts' optima different, or is their ranking the
# luck of the calibration's draws? Scores each start's estimate
# (docs/calibration/round2/start-K/calibrated.yaml) with `calibrate --score`
# at the calibration's seed and at two others, under the calibration's own
# weighting, and prints one table (objective by start and seed). Outputs in
# docs/calibration/round2/seeds/start-K-seed-S/score.csv. About 10 minutes
# on the 2-core CPU. Program: build/app/firmsim (it simulates round two's
# model as the pinned commit does); configs as of round two's model commit.
#   bash scripts/score-round2-seeds.sh [SEED ...]   (default 20260101 20260102 20260103)
set -euo pipefail
cd "$(dirname "$0")/.."
model="${FIRMSIM_ROUND2_MODEL:-3158abedbffa}"
top=docs/calibration/round2
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(20260101 20260102 20260103)
firmsim=./build/app/firmsim
[[ -x $firmsim ]] || { bash scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }; }
source scripts/lib/pinned-firmsim.sh
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$model" "$pinned" configs scenarios "$top"/start-1.yaml "$top"/start-2.yaml "$top"/start-3.yaml

printf '| start |'; for s in "${seeds[@]}"; do printf ' seed %s |' "$s"; done; echo
printf '|---|'; for s in "${seeds[@]}"; do printf -- '---|'; done; echo
for k in 1 2 3; do
  printf '| start-%s |' "$k"
  for s in "${seeds[@]}"; do
    out="$top/seeds/start-$k-seed-$s"
    if [ ! -f "$out/score.csv" ]; then
      "$firmsim" calibrate "$pinned/configs/belgium.yaml" --scenario "$pinned/scenarios/network.yaml" \
        --scenario "$pinned/$top/start-$k.yaml" --scenario "$top/start-$k/calibrated.yaml" \
        --moments "$pinned/configs/calibration/belgium_moments.yaml" \
        --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
        --seed "$s" --score --out "$out" > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
    fi
    printf ' %.1f |' "$(awk -F, 'NR > 1 { q += $NF } END { print q }' "$out/score.csv")"
  done
  echo
done
