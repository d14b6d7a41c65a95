#!/usr/bin/env bash
# Does market penetration (new exporters start small, docs/model.md 3.9a)
# earn its place? Gauss-Newton from the shipped default with the default
# calibration's 27 free parameters and the mechanism's two
# (docs/calibration/penetration/parameters.yaml), starting where the
# mechanism is off (entrant_sales_share 1), into refine/; then the control:
# the same search from the same start with the 27 parameters alone, into
# control/. Both measure the noise, and so the weights, at the same start, so
# their optima compare (the start scores 1,085.7 with this program and these
# configs, not refine-wide-1's 1,079.1: the pinned configs differ). A long
# job: run it in the background; it resumes from its evaluations logs.
#
#   nohup nice -n 5 bash scripts/refine-penetration.sh >> docs/calibration/penetration/job.log 2>&1 &
#   bash scripts/refine-penetration.sh --status
#
# The program and the configs are pinned to one commit (FIRMSIM_PENETRATION_PROGRAM),
# built once per machine into build-pinned-COMMIT/ (about 10 minutes; the
# bootstrap's look-around stage shares it). f775242: the mechanism and Gauss-
# Newton that looks around before it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
program="${FIRMSIM_PENETRATION_PROGRAM:-f775242}"
top=docs/calibration/penetration
source scripts/lib/pinned-firmsim.sh
if [ "${1:-}" = --status ]; then
  echo "penetration (from the shipped default, 29 parameters): $(run_state "$top/refine")"
  echo "control (the same, 27 parameters): $(run_state "$top/control")"
  exit 0
fi

pinned_firmsim "$program" "build-pinned-$program"
pinned="$(mktemp -d)"
trap 'rm -rf "$pinned"' EXIT
pinned_files "$program" "$pinned" configs scenarios
FIRMSIM_REFINE_EVALUATIONS="${FIRMSIM_PENETRATION_EVALUATIONS:-250}"
refine_shipped penetration "$top/refine" "$top/parameters.yaml"
refine_shipped penetration-control "$top/control" "$pinned/configs/calibration/belgium_parameters.yaml"
bash "$0" --status
