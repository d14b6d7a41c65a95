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
#
# The run is pinned to the model of commit $model (the one it started with):
# its config, scenarios and calibration files are read from that commit, and
# the program must be built from it too (the default below is that build,
# kept outside the repository; otherwise build it with
#   git worktree add /tmp/mf $model && bash /tmp/mf/scripts/build.sh
# and set FIRMSIM_EXE=/tmp/mf/build/app/firmsim). A program of a later model
# would make other evaluations: the logged settings cannot see a change of
# code, so this pin is what keeps the resumed run one problem.
set -euo pipefail
cd "$(dirname "$0")/.."
model=899d383
out="${FIRMSIM_CALIBRATION_OUT:-docs/calibration/multi-fidelity}"
exe="${FIRMSIM_EXE:-/work/jobs/firmsim-$model}"
[ -x "$exe" ] || { echo "no firmsim of commit $model at $exe (see the comment at the top)"; exit 2; }
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
git archive "$model" configs scenarios docs/calibration/multi-fidelity/start.yaml | tar -x -C "$pinned"
resume=()
[ -f "$out/evaluations.csv" ] && resume=(--resume)
"$exe" calibrate "$pinned/configs/belgium.yaml" --scenario "$pinned/scenarios/network.yaml" \
  --scenario "$pinned/docs/calibration/multi-fidelity/start.yaml" \
  --moments "$pinned/configs/calibration/belgium_moments.yaml" \
  --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
  --evaluations 130 --screen-firms 95000 --screen-evaluations 280 --promote 8 \
  --batch 4 --search-seed 1 --out "$out" "${resume[@]}"
