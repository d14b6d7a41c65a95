#!/usr/bin/env bash
# Round two's problem again, with the moments weighed by their measured
# simulation noise (calibrate --noise-replicates; calibrate/README.md,
# "Measured simulation noise"). The first recovery experiment failed because
# the objective at the truth was dominated by the draws of a few giant firms
# (docs/calibration/round2/README.md); this job asks whether, with the noise
# weighed in, the search finds the truth, and then polishes the shipped
# estimate under the same weights. Runs, each into docs/calibration/round2/<run>/:
#   recovery-noise  the recovery problem of calibrate-round2.sh (truth = start
#                   1's estimate, its tables at seed 11, search from start 2,
#                   search seed 4), noise from 8 replicates at the start
#   polish-1-noise  the real tables, from start 1's estimate (the shipped
#                   default), noise from 8 replicates there, search seed 5
#   recovery-near   the recovery problem again, from a start near the truth
#                   (start-near.yaml: every parameter moved by a tenth of its
#                   range, scripts/perturb-start.py, coin seed 7), search
#                   seed 6: is the truth a minimum the search stays in, and
#                   are its standard errors honest?
#   recovery-near-se  recovery-near's estimate polished (40 evaluations, search
#                   seed 7) with --simulated-targets: the targets' error taken
#                   to be their measured draw noise; are the standard errors
#                   honest then? (program $program_se, which has the flag and
#                   simulates the same panels: its score of start-near matches
#                   recovery-near's logged start moment for moment)
#   recovery-near-cov the same with the noise measured over 16 replicates and
#                   their covariance in the standard errors' Omega (program
#                   $program_cov, build-round2d/): do the standard errors
#                   cover the truth once correlated draw noise is counted?
# Hours of 2-core time: run it in the background and let it go on from
# session to session,
#   nohup nice -n 5 bash scripts/calibrate-round2-noise.sh >> docs/calibration/round2/noise-job.log 2>&1 &
# The same command resumes it (a run with fit.md is done, one with
# evaluations.csv resumes); commit docs/calibration/round2/ before a session
# ends. `--status` prints where it stands.
#
# The program is pinned to $program (the first with --noise-replicates, built
# into build-round2b/; recovery-near-se: $program_se in build-round2c/), the
# configs to round two's model commit $model; they simulate the same panels
# (the commits between them change no draw). A program is built only when a
# run that needs it is not done.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${FIRMSIM_ROUND2_MODEL:-3158abedbffa}"
program="${FIRMSIM_ROUND2B_PROGRAM:-d43af37}"
program_se="${FIRMSIM_ROUND2C_PROGRAM:-30c63c5}"
program_cov="${FIRMSIM_ROUND2D_PROGRAM:-bea941a}"
top="${FIRMSIM_ROUND2_OUT:-docs/calibration/round2}"
runs=(recovery-noise polish-1-noise recovery-near recovery-near-se recovery-near-cov)

source scripts/lib/pinned-firmsim.sh
if [ "${1:-}" = --status ]; then
  for run in "${runs[@]}"; do echo "$run: $(run_state "$top/$run")"; done
  exit 0
fi

pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$model" "$pinned" configs scenarios "$top"/start-1.yaml "$top"/start-2.yaml

calibrate() {  # calibrate RUN EVALUATIONS SEARCH_SEED [options]
  local run="$1" evaluations="$2" search_seed="$3"
  shift 3
  resumable_calibration round2-noise "$top/$run" "$pinned_exe" "$pinned/configs/belgium.yaml" \
    --scenario "$pinned/scenarios/network.yaml" \
    --moments "$pinned/configs/calibration/belgium_moments.yaml" \
    --parameters "$pinned/configs/calibration/belgium_parameters.yaml" \
    --evaluations "$evaluations" --batch 4 --search-seed "$search_seed" --noise-replicates "${noise_replicates:-8}" "$@"
}

rec="$top/recovery"
done_run() { [ -f "$top/$1/fit.md" ]; }
if ! done_run recovery-noise || ! done_run polish-1-noise || ! done_run recovery-near; then
  pinned_firmsim "$program" build-round2b
  calibrate recovery-noise 500 4 --scenario "$pinned/$top/start-2.yaml" \
    --targets "$rec/targets_s000.yaml" --targets "$rec/targets_s001.yaml"
  calibrate polish-1-noise 300 5 --scenario "$pinned/$top/start-1.yaml" --scenario "$top/start-1/calibrated.yaml"
  calibrate recovery-near 300 6 --scenario "$pinned/$top/start-1.yaml" --scenario "$top/start-near.yaml" \
    --targets "$rec/targets_s000.yaml" --targets "$rec/targets_s001.yaml"
fi
if ! done_run recovery-near-se; then
  pinned_firmsim "$program_se" build-round2c
  calibrate recovery-near-se 40 7 --simulated-targets --scenario "$pinned/$top/start-1.yaml" \
    --scenario "$top/recovery-near/calibrated.yaml" \
    --targets "$rec/targets_s000.yaml" --targets "$rec/targets_s001.yaml"
fi
pinned_firmsim "$program_cov" build-round2d
noise_replicates=16 calibrate recovery-near-cov 8 8 --simulated-targets \
  --scenario "$pinned/$top/start-1.yaml" --scenario "$top/recovery-near/calibrated.yaml" \
  --targets "$rec/targets_s000.yaml" --targets "$rec/targets_s001.yaml"
bash "$0" --status
