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
#
# FIRMSIM_REFINE_VARIANT=wide runs the second round of refinements: each from
# refine-N's estimate (the best point of start N so far), Gauss-Newton with
# its Jacobian by steps of 0.05 of each range instead of 0.02
# (--jacobian-step, program 71c2af6 built into build-round2f/), written to
# refine-wide-N/. On the bootstrap's first replicate the wider step went
# lower in fewer evaluations (docs/calibration/round2/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${FIRMSIM_ROUND2_MODEL:-3158abedbffa}"
top="docs/calibration/round2"
evaluations="${FIRMSIM_REFINE_EVALUATIONS:-250}"
variant="${FIRMSIM_REFINE_VARIANT:-narrow}"
case "$variant" in
  narrow)
    program="${FIRMSIM_ROUND2E_PROGRAM:-2248444}" build_dir=build-round2e name=refine from=start step=() ;;
  wide)
    program="${FIRMSIM_ROUND2F_PROGRAM:-71c2af6}" build_dir=build-round2f name=refine-wide from=refine
    step=(--jacobian-step 0.05) ;;
  *) echo "refine-round2: FIRMSIM_REFINE_VARIANT is '$variant'; expected narrow or wide" >&2; exit 2 ;;
esac

source scripts/lib/pinned-firmsim.sh
if [ "${1:-}" = --status ]; then
  for n in 1 2 3; do echo "$name-$n (from $from-$n's estimate): $(run_state "$top/$name-$n")"; done
  exit 0
fi

pinned_firmsim "$program" "$build_dir"
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$model" "$pinned" configs scenarios "$top"/start-1.yaml "$top"/start-2.yaml "$top"/start-3.yaml

for n in 1 2 3; do
  estimate="$top/$from-$n/calibrated.yaml"
  [ -f "$estimate" ] || { echo "refine: $estimate is missing (run the round before first)" >&2; exit 1; }
  resumable_calibration "$name" "$top/$name-$n" "$pinned_exe" "$pinned/configs/belgium.yaml" \
    --scenario "$pinned/scenarios/network.yaml" --scenario "$pinned/$top/start-$n.yaml" --scenario "$estimate" \
    --moments "$pinned/configs/calibration/belgium_moments.yaml" \
    --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
    --evaluations "$evaluations" --batch 4 --swarm-share 0 --local-search gauss-newton "${step[@]}"
done
bash "$0" --status
