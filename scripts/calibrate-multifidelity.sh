#!/usr/bin/env bash
# The default calibration again, multi-fidelity, from the same start: the
# swarm screens its candidates on a world of a quarter of the firms
# (--screen-firms 95000), the best 8 go to full size, the polish and the
# standard errors run at full size. Its optimum is compared with the shipped
# single-fidelity one (docs/calibration/) in docs/calibration/multi-fidelity/.
# Hours on 2 cores: run it in the background,
#   nohup bash scripts/calibrate-multifidelity.sh >> docs/calibration/multi-fidelity/calibrate.log 2>&1 &
# It resumes by itself from its logs (after a kill or the end of a session):
# the same command continues it, and refuses to if any setting changed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${FIRMSIM_CALIBRATION_OUT:-docs/calibration/multi-fidelity}"
exe="${FIRMSIM_EXE:-build/app/firmsim}"
[ -x "$exe" ] || bash scripts/build.sh -DFIRMSIM_VIEWER=OFF
resume=()
[ -f "$out/evaluations.csv" ] && resume=(--resume)
exec "$exe" calibrate configs/belgium.yaml --scenario scenarios/network.yaml \
  --scenario docs/calibration/multi-fidelity/start.yaml \
  --moments configs/calibration/belgium_moments.yaml \
  --parameters configs/calibration/belgium_parameters.yaml \
  --evaluations 130 --screen-firms 95000 --screen-evaluations 280 --promote 8 \
  --batch 4 --search-seed 1 --out "$out" "${resume[@]}"
