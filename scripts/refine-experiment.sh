#!/usr/bin/env bash
# Does a set of parameters set by hand earn a place among the estimated ones?
# Gauss-Newton from the shipped default with the default calibration's 27 free
# parameters and the experiment's own (docs/calibration/NAME/parameters.yaml),
# into docs/calibration/NAME/refine/. Program, configs, start, moments and
# search are the penetration experiment's (program f775242), so the noise, the
# weights and the start's objective (1,085.7) are the same, and
# docs/calibration/penetration/control/ (the 27 alone: 1,076.96) is every
# experiment's control. A long job: run it in the background; it resumes from
# its evaluations log.
#
#   nohup nice -n 5 bash scripts/refine-experiment.sh NAME >> docs/calibration/NAME/job.log 2>&1 &
#   bash scripts/refine-experiment.sh NAME --status
#
# Experiments: orientation (international orientation's two strengths, done
# 2026-12-07), entry-size (the entrants' size and the speed of growth to a
# target size; shipped 2026-12-07), export-size (the size elasticity of
# export sales beside the shipped 29, not the 27: its parameters.yaml lists
# all 30 and its start.yaml all their values; shipped 2026-12-08). NAME's
# folder holds its parameters.yaml and README.md, and may hold a start.yaml: values laid over the shipped default as the search's
# start (the weights do not depend on the start under the default floor
# weighting, so the optima still compare with the control's).
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-}"
top="docs/calibration/$name"
if [ -z "$name" ] || [ ! -f "$top/parameters.yaml" ]; then
  echo "refine-experiment: give an experiment whose docs/calibration/NAME/parameters.yaml exists (e.g. orientation, entry-size); got '$name'" >&2
  exit 2
fi
program="${FIRMSIM_REFINE_PROGRAM:-f775242}"  # the penetration experiment's
source scripts/lib/pinned-firmsim.sh
if [ "${2:-}" = --status ]; then
  echo "$name (from the shipped default, the 27 and its own): $(run_state "$top/refine")"
  [ -d "$top/refine/continued" ] && stage_states "$name continued" "$top/refine/continued"
  echo "control (penetration/control, 27 parameters): $(run_state docs/calibration/penetration/control)"
  exit 0
fi

pinned_workspace "$program"
start=()
[ -f "$top/start.yaml" ] && start=(--scenario "$top/start.yaml")
refine_shipped "$name" "$top/refine" "$top/parameters.yaml" "${start[@]}"
# A search that ran out of budget ("Not converged") goes on from its optimum,
# into refine/continued/, then refine/continued/continued/ (as the
# multi-start's stages), up to three stages.
dir="$top/refine"
for stage in 2 3; do
  grep -q "Not converged" "$dir/fit.md" || break
  refine_shipped "$name-stage-$stage" "$dir/continued" "$top/parameters.yaml" "${start[@]}" \
    --scenario "$dir/calibrated.yaml"
  dir="$dir/continued"
done
bash "$0" "$name" --status
