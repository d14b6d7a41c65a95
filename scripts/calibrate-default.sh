#!/usr/bin/env bash
# The full default calibration: every parameter of
# configs/calibration/belgium_parameters.yaml estimated from the moments of
# configs/calibration/belgium_moments.yaml at the default population, with
# the firm network on. Hours on 2 cores: run it in the background, e.g.
#   nohup bash scripts/calibrate-default.sh > docs/calibration/calibrate.log 2>&1 &
# It resumes by itself from docs/calibration/evaluations.csv when that exists
# (after a kill, a reboot, or the end of a session), so the same command
# continues it; when it finishes, docs/calibration/ holds calibrated.yaml, fit.md,
# fit.csv and the identification report.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${FIRMSIM_CALIBRATION_OUT:-docs/calibration}"
[ -x build/app/firmsim ] || bash scripts/build.sh -DFIRMSIM_VIEWER=OFF
resume=()
[ -f "$out/evaluations.csv" ] && resume=(--resume)
exec ./build/app/firmsim calibrate configs/belgium.yaml --scenario scenarios/network.yaml \
  --moments configs/calibration/belgium_moments.yaml \
  --parameters configs/calibration/belgium_parameters.yaml \
  --evaluations 400 --batch 4 --search-seed 1 --out "$out" "${resume[@]}"
