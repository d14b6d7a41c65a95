#!/usr/bin/env bash
# Is the shipped estimate the estimate? (issue 17, item 5.) Gauss-Newton on
# the shipped problem from other starts, each into TOP/start-K/, going on
# (continued/, then continued/continued/) while a stage ends "Not
# converged", up to three stages. Start 1 is the shipped estimate's own run.
# Two problems (FIRMSIM_MULTISTART_PROBLEM):
#   30 (the default, shipped 2026-12-08): the 30 parameters of
#      docs/calibration/export-size/parameters.yaml, start 1 the export-size
#      experiment's run (docs/calibration/export-size/refine/...), results in
#      docs/calibration/multistart-30/;
#      start-2: the 29-parameter multi-start's second basin (its start 2's
#               estimate, converged at 1,110) with the export size elasticity
#               at its hand value 0.7
#      start-3: the shipped estimate moved 0.15 of each parameter's range
#               (scripts/perturb-start.py, coins of seed 3)
#   29 (the estimate shipped 2026-12-07): the 29 of
#      docs/calibration/entry-size/parameters.yaml, start 1
#      docs/calibration/entry-size/refine/continued/ (converged at 1,057.6),
#      results in docs/calibration/multistart/ (start 2 converged at 1,110,
#      start 3 stopped at 71 evaluations when the 30 were shipped).
# Each folder's start.yaml is the start, laid over the pinned default.
# Program, configs, moments, weighting and seed are the entry-size
# experiment's (program f775242, whose model is the shipped one), so every
# start's objective compares with start 1's.
#
# Hours of 2-core time (about 5-10 s an evaluation, 250 a stage): in the
# background, from session to session; the same command resumes:
#   nohup nice -n 5 bash scripts/multistart-shipped.sh >> docs/calibration/multistart-30/job.log 2>&1 &
#   bash scripts/multistart-shipped.sh --status
#   bash scripts/multistart-shipped.sh --summary   (objectives and estimates side by side)
set -euo pipefail
cd "$(dirname "$0")/.."
problem="${FIRMSIM_MULTISTART_PROBLEM:-30}"
case "$problem" in
  30) top=docs/calibration/multistart-30 parameters=docs/calibration/export-size/parameters.yaml
      shipped=docs/calibration/export-size/refine/continued/continued ;;
  29) top=docs/calibration/multistart parameters=docs/calibration/entry-size/parameters.yaml
      shipped=docs/calibration/entry-size/refine/continued ;;
  *) echo "multistart-shipped: FIRMSIM_MULTISTART_PROBLEM is '$problem'; expected 30 or 29" >&2; exit 2 ;;
esac
starts=(2 3)
program="${FIRMSIM_REFINE_PROGRAM:-f775242}"
source scripts/lib/pinned-firmsim.sh

case "${1:-}" in
  --status)
    echo "start 1 (the shipped estimate): $(run_state "$shipped")"
    for k in "${starts[@]}"; do stage_states "start $k, refine" "$top/start-$k/refine"; done
    exit 0 ;;
  --summary)
    fits=("start-1=$shipped/fit.md")
    for k in "${starts[@]}"; do
      stage="$(last_stage "$top/start-$k/refine")"
      [ -f "$stage/fit.md" ] && fits+=("start-$k=$stage/fit.md")
    done
    exec python3 scripts/multistart-summary.py "${fits[@]}" ;;
  "") ;;
  *) echo "multistart-shipped: unknown argument '$1' (use --status or --summary)" >&2; exit 2 ;;
esac

pinned_workspace "$program"
for k in "${starts[@]}"; do
  start="$top/start-$k/start.yaml"
  dir="$top/start-$k/refine"
  refine_shipped "multistart-$k" "$dir" "$parameters" --scenario "$start"
  for stage in 2 3; do
    grep -q "Not converged" "$dir/fit.md" || break
    refine_shipped "multistart-$k-stage-$stage" "$dir/continued" "$parameters" \
      --scenario "$start" --scenario "$dir/calibrated.yaml"
    dir="$dir/continued"
  done
done
bash "$0" --status
