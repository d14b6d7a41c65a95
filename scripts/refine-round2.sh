#!/usr/bin/env bash
# Are round two's three estimates optima? (issue 17, "show that the estimate
# is the estimate"). The starts ended at objectives 1,086, 1,334 and 1,700
# after 500 evaluations of swarm and subplex, and the bootstrap showed that
# search stopping far above the truth's objective. This job takes each
# start's estimate (start-N/calibrated.yaml) as the start of a Gauss-Newton
# search on the same problem (no swarm; calibrate/README.md), written to
# docs/calibration/round2/refine-N/. If the three end at objectives within 2%
# and estimates within two standard errors, the estimate is the estimate; if
# not, the report says which parameters differ.
#
# Hours of 2-core time (about 40 minutes a run): in the background, from
# session to session,
#   nohup nice -n 5 bash scripts/refine-round2.sh >> docs/calibration/round2/refine-job.log 2>&1 &
# The same command resumes (a run with fit.md is done, one with
# evaluations.csv resumes); commit docs/calibration/round2/refine-* and the
# log before a session ends. `--status` prints where it stands.
#
# Pinned like calibrate-round2.sh: configs from round two's model commit, the
# program from 2248444 (Gauss-Newton taking its best probe, built into
# build-round2e/).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${FIRMSIM_ROUND2_MODEL:-3158abedbffa}"
program="${FIRMSIM_ROUND2E_PROGRAM:-2248444}"
top="docs/calibration/round2"
evaluations="${FIRMSIM_REFINE_EVALUATIONS:-250}"

source scripts/lib/pinned-firmsim.sh
if [ "${1:-}" = --status ]; then
  for n in 1 2 3; do echo "refine-$n (from start-$n's estimate): $(run_state "$top/refine-$n")"; done
  exit 0
fi

pinned_firmsim "$program" build-round2e
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$model" "$pinned" configs scenarios "$top"/start-1.yaml "$top"/start-2.yaml "$top"/start-3.yaml

for n in 1 2 3; do
  estimate="$top/start-$n/calibrated.yaml"
  [ -f "$estimate" ] || { echo "refine: $estimate is missing (run scripts/calibrate-round2.sh first)" >&2; exit 1; }
  resumable_calibration refine "$top/refine-$n" "$pinned_exe" "$pinned/configs/belgium.yaml" \
    --scenario "$pinned/scenarios/network.yaml" --scenario "$pinned/$top/start-$n.yaml" --scenario "$estimate" \
    --moments "$pinned/configs/calibration/belgium_moments.yaml" \
    --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
    --evaluations "$evaluations" --batch 4 --swarm-share 0 --local-search gauss-newton
done
bash "$0" --status
