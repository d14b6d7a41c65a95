#!/usr/bin/env bash
# Parameter recovery of the shipped calibration (issue 17, item 5: "every
# free parameter of the shipped calibration, synthetic targets simulated at
# known values from the default model, recovered from perturbed starts;
# report for each parameter the estimate, SE and truth, and the share inside
# two SEs (goal >= 90%)").
#
# The truth is the shipped estimate (docs/calibration/export-size/refine/
# continued/continued/calibrated.yaml, all 30 parameters of
# configs/calibration/belgium_parameters.yaml, shipped 2026-12-08) on the
# shipped model (program and configs of f775242, with entrants up to 8 FTE
# as shipped: the multi-start's problem, scripts/multistart-shipped.sh).
# Replicate rK:
#   - targets: the truth's world at seed 100 + K (else 200 + K, ...: a draw
#     whose tables lack a targeted cell is skipped, with a line in the log),
#     measured as seed 000's and 001's tables;
#   - start: the truth moved 0.1 of each parameter's range, up or down by the
#     coins of seed K (scripts/perturb-start.py), rK/start.yaml;
#   - search: the shipped calibration's (floor weighting, Gauss-Newton with
#     Jacobian steps of 0.05, 250 evaluations a stage) at calibration seed
#     20260101 + K, so the candidates' common draws are not the targets';
#     each moment's simulation noise measured across 8 replicates at the
#     start (--noise-replicates 8) and the targets' error taken to be that
#     noise (--simulated-targets). A stage that ends "Not converged" goes on
#     from its optimum under the same weights (--noise-at the start) into
#     continued/, up to three stages;
#   - the truth scored under the replicate's targets, seed and the search's
#     weights (rK/objective-shared.txt): an estimate below it says the
#     objective's minimum is not at the truth, above it that the search
#     stopped short.
# `--summary` (scripts/bootstrap-summary.py) puts each parameter's truth,
# mean estimate, spread and mean s.e. side by side with the share of
# (replicate, parameter) pairs within 1.96 s.e. of the truth.
#
# Hours of 2-core time (about 5 s an evaluation, 300-400 a stage with the
# noise replicates and the Jacobian): in the background, from session to
# session; the same command resumes (a stage with fit.md is done, one with
# evaluations.csv resumes):
#   nohup nice -n 5 bash scripts/recovery-shipped.sh >> docs/calibration/recovery/job.log 2>&1 &
#   bash scripts/recovery-shipped.sh --status
#   bash scripts/recovery-shipped.sh --summary
# Commit docs/calibration/recovery/ before a session ends.
# FIRMSIM_RECOVERY_REPLICATES (default 3) sets how many replicates.
set -euo pipefail
cd "$(dirname "$0")/.."
top="${FIRMSIM_RECOVERY_OUT:-docs/calibration/recovery}"
parameters=docs/calibration/export-size/parameters.yaml
entry=docs/calibration/entry-size/start.yaml
truth=docs/calibration/export-size/refine/continued/continued/calibrated.yaml
replicates="${FIRMSIM_RECOVERY_REPLICATES:-3}"
program="${FIRMSIM_REFINE_PROGRAM:-f775242}"
source scripts/lib/pinned-firmsim.sh

case "${1:-}" in
  --status)
    for k in $(seq 1 "$replicates"); do
      dir="$top/r$k" stage="r$k"
      if [ ! -f "$dir/targets_s001.yaml" ]; then
        echo "$stage: $([ -d "$dir" ] && echo "making its targets" || echo "not started")"
        continue
      fi
      stage_states "$stage" "$dir"
    done
    exit 0 ;;
  --summary)
    fits=()
    for k in $(seq 1 "$replicates"); do
      [ -f "$top/r$k/fit.md" ] && fits+=("$(last_stage "$top/r$k")/fit.md")
    done
    [ "${#fits[@]}" -gt 0 ] || { echo "recovery-shipped: no replicate has finished a stage yet" >&2; exit 1; }
    exec python3 scripts/bootstrap-summary.py "$truth" "${fits[@]}" ;;
  "") ;;
  *) echo "recovery-shipped: unknown argument '$1' (use --status or --summary)" >&2; exit 2 ;;
esac

pinned_workspace "$program"
world=("$pinned/configs/belgium.yaml" --scenario "$pinned/scenarios/network.yaml" --scenario "$entry")
problem=(--moments "$pinned/configs/calibration/belgium_moments.yaml" --parameters "$parameters")

# targets DIR K: the truth's tables for replicate K, checked by scoring the
# start once against them; the next seed where a targeted cell is missing.
targets() {
  local dir="$1" k="$2" seed=$((100 + $2))
  until [ -f "$dir/targets_s001.yaml" ]; do
    [ "$seed" -lt 1000 ] || { echo "recovery: r$k: no complete draw among 9 seeds" >&2; exit 1; }
    echo "recovery: r$k: the truth's tables at seed $seed ($(date -u +%FT%TZ))"
    simulated_targets "$dir" "$seed" "${world[@]}" --scenario "$truth"
    rm -rf "$pinned/check"
    if "$pinned_exe" calibrate "${world[@]}" "${problem[@]}" --scenario "$dir/start.yaml" \
        --targets "$dir/targets_s000.yaml" --targets "$dir/targets_s001.yaml.tmp" --score --out "$pinned/check" \
        > "$dir/check.log" 2>&1; then
      echo "$seed" > "$dir/targets-seed.txt"
      mv "$dir/targets_s001.yaml.tmp" "$dir/targets_s001.yaml"
    else
      echo "recovery: r$k: seed $seed's tables lack a targeted cell ($(tail -1 "$dir/check.log")); the next seed"
      rm -f "$dir/targets_s000.yaml" "$dir/targets_s001.yaml.tmp"
      seed=$((seed + 100))
    fi
  done
}

# search K DIR [SCENARIO]: one stage of replicate K's search into DIR, from
# its start (and SCENARIO, the previous stage's estimate), weighed by the
# noise at its start.
search() {
  local k="$1" dir="$2" r="$top/r$1"
  shift 2
  local more=()
  [ $# -gt 0 ] && more=(--scenario "$1")
  resumable_calibration "recovery-r$k" "$dir" "$pinned_exe" "${world[@]}" "${problem[@]}" \
    --scenario "$r/start.yaml" "${more[@]}" --targets "$r/targets_s000.yaml" --targets "$r/targets_s001.yaml" \
    --seed $((20260101 + k)) --batch 4 --swarm-share 0 --local-search gauss-newton --jacobian-step 0.05 \
    --evaluations "${FIRMSIM_RECOVERY_EVALUATIONS:-250}" --noise-replicates 8 --noise-at "$r/start.yaml" \
    --simulated-targets
}

# truth_score K: the truth's objective under replicate K's targets, seed and
# the search's weights, as "truth VALUE" in rK/objective-shared.txt.
truth_score() {
  local k="$1" r="$top/r$1" log="$top/r$1/score-truth.log"
  [ -f "$r/objective-shared.txt" ] && return 0
  rm -rf "$pinned/score"
  "$pinned_exe" calibrate "${world[@]}" "${problem[@]}" --scenario "$truth" \
    --targets "$r/targets_s000.yaml" --targets "$r/targets_s001.yaml" --seed $((20260101 + k)) \
    --noise-replicates 8 --noise-at "$r/start.yaml" --simulated-targets --score --out "$pinned/score" > "$log" 2>&1
  echo "truth $(grep -o 'objective [0-9.e+-]*' "$log" | head -1 | cut -d' ' -f2)" > "$r/objective-shared.txt.tmp"
  mv "$r/objective-shared.txt.tmp" "$r/objective-shared.txt"
}

for k in $(seq 1 "$replicates"); do
  r="$top/r$k"
  mkdir -p "$r"
  [ -f "$r/start.yaml" ] || python3 scripts/perturb-start.py "$parameters" "$truth" "$r/start.yaml" --step 0.1 --seed "$k"
  targets "$r" "$k"
  search "$k" "$r"
  truth_score "$k"
  dir="$r"
  for stage in 2 3; do
    grep -q "Not converged" "$dir/fit.md" || break
    search "$k" "$dir/continued" "$dir/calibrated.yaml"
    dir="$dir/continued"
  done
done
bash "$0" --status
