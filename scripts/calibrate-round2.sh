#!/usr/bin/env bash
# The model of round two (issue 17) estimated, shown to be the estimate, and
# recovered: one resumable background job that works through four runs, each
# written to docs/calibration/round2/<run>/:
#   start-1    the default calibration from start-1.yaml (the shipped estimates
#              and the new mechanisms at hand-tried values), search seed 1
#   start-2    the same problem from start-2.yaml, search seed 2
#   start-3    the same problem from start-3.yaml, search seed 3
#   recovery   targets simulated at start-1's estimate (seed 11, other draws
#              than the calibration's), every parameter recovered from
#              start-2.yaml (truth.yaml and targets.yaml beside it)
# Days of 2-core time in all: run it in the background and let it go on from
# session to session,
#   nohup bash scripts/calibrate-round2.sh >> docs/calibration/round2/job.log 2>&1 &
# The same command continues it after a kill or the end of a session: a run
# with fit.md is done, a run with evaluations.csv resumes (calibrate --resume
# refuses if any setting changed), the rest start in order. Commit
# docs/calibration/round2/ before a session ends: that is the job's state.
# `bash scripts/calibrate-round2.sh --status` prints where it stands.
#
# Pinned to the model of commit $model: configs, scenarios and the calibration
# files are read from that commit (git archive), and the program is built from
# it into build-round2/ (a git worktree, built once per machine), so later
# commits cannot slip another model into a resumed run. The logged settings
# see configs, not code: this pin is what keeps the four runs one problem.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${FIRMSIM_ROUND2_MODEL:-3158abedbffa}"
top="${FIRMSIM_ROUND2_OUT:-docs/calibration/round2}"
evaluations="${FIRMSIM_ROUND2_EVALUATIONS:-500}"
runs=(start-1 start-2 start-3 recovery)

status() {
  for run in "${runs[@]}"; do
    local dir="$top/$run" state="not started"
    if [ -f "$dir/fit.md" ]; then
      state="done: $(grep -m1 '^Objective' "$dir/fit.md" || true)"
    elif [ -f "$dir/evaluations.csv" ]; then
      state="$(($(wc -l < "$dir/evaluations.csv") - 1)) evaluations logged"
    fi
    echo "$run: $state"
  done
}
if [ "${1:-}" = --status ]; then status; exit 0; fi

# The pinned program: a worktree of $model built in build-round2/.
source scripts/lib/pinned-firmsim.sh
pinned_firmsim "$model" build-round2
exe="$pinned_exe"
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$model" "$pinned" configs scenarios "$top"/start-1.yaml "$top"/start-2.yaml "$top"/start-3.yaml

calibrate() {  # calibrate RUN START SEARCH_SEED [extra options]
  local run="$1" start="$2" search_seed="$3"
  shift 3
  resumable_calibration round2 "$top/$run" "$exe" "$pinned/configs/belgium.yaml" \
    --scenario "$pinned/scenarios/network.yaml" --scenario "$start" \
    --moments "$pinned/configs/calibration/belgium_moments.yaml" \
    --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
    --evaluations "$evaluations" --batch 4 --search-seed "$search_seed" "$@"
}

calibrate start-1 "$pinned/$top/start-1.yaml" 1
calibrate start-2 "$pinned/$top/start-2.yaml" 2
calibrate start-3 "$pinned/$top/start-3.yaml" 3

# Recovery: the truth is start-1's estimate; its tables (seed 11, other draws
# than the calibration's seed) are the data, one targets file per seed's set.
rec="$top/recovery"
mkdir -p "$rec"
if [ ! -f "$rec/targets_s001.yaml" ]; then
  cp "$top/start-1/calibrated.yaml" "$rec/truth.yaml"
  "$exe" run "$pinned/configs/belgium.yaml" --scenario "$pinned/scenarios/network.yaml" \
    --scenario "$pinned/$top/start-1.yaml" --scenario "$rec/truth.yaml" --seed 11 --out "$pinned/truth-panel" \
    > /dev/null
  "$exe" compare "$pinned/truth-panel" --targets "$pinned/configs/targets/belgium_sme_1998_2005.yaml" \
    --as-targets "$rec/targets_s000.yaml"
  "$exe" compare "$pinned/truth-panel" --targets "$pinned/configs/targets/belgium_sme_1998_2003.yaml" \
    --as-targets "$rec/targets_s001.yaml"
fi
calibrate recovery "$pinned/$top/start-2.yaml" 4 --targets "$rec/targets_s000.yaml" --targets "$rec/targets_s001.yaml"
status
