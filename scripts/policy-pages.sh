#!/usr/bin/env bash
# The analyst's pages, made again on the shipped default (issue 19): the
# figures the README's policy and theory sections quote, each step its own
# output folder, so that a step can be re-run alone after the default
# changes (e.g. once the round-two estimate replaces it):
#   bash scripts/policy-pages.sh [promo] [budget] [validation] [theory] [viewer]
# (no argument: all). Long: about 1 h on the 2-core CPU; each step writes
# atomically, so an interrupted step is simply run again.
# Outputs: runs/promo, runs/budget (and docs/policy-*.svg from it),
# docs/policy/validation/, docs/experiments/theory-switches/, docs/viewer-policy.png.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(promo budget validation theory viewer)
firmsim=./build/app/firmsim
[[ -x $firmsim ]] || { bash scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }; }
stamp="commit $(git rev-parse --short HEAD), $(date -u +%F)"

for step in "${steps[@]}"; do
  echo "policy-pages: $step ($stamp)"
  case $step in
    promo)
      $firmsim evaluate configs/belgium.yaml --policy scenarios/export_promotion.yaml --replicates 4 --out runs/promo ;;
    budget)
      $firmsim evaluate configs/belgium.yaml --budget 15000000 --firms 30000 --replicates 4 --out runs/budget \
        --policy scenarios/policies/sunk_cost_subsidy.yaml scenarios/policies/target_10_49_fte.yaml \
                 scenarios/policies/target_first_time_exporters.yaml scenarios/policies/target_high_tech_young.yaml \
                 scenarios/policies/export_credit_guarantee.yaml scenarios/policies/import_facilitation.yaml
      cp runs/budget/effect_0.svg docs/policy-effect.svg
      cp runs/budget/cost_effectiveness.svg docs/policy-cost-effectiveness.svg ;;
    validation)
      $firmsim validate configs/belgium.yaml --firms 100000 --replicates 4 --out docs/policy/validation ;;
    theory)
      $firmsim experiment configs/belgium.yaml --firms 100000 --replicates 4 \
        --scenario scenarios/no_learning.yaml scenarios/no_hysteresis.yaml scenarios/waterfall_only.yaml \
                   scenarios/sprinkler_only.yaml scenarios/no_spillovers.yaml --out docs/experiments/theory-switches ;;
    viewer)
      ./build/viewer/firmsim-viewer --headless --screenshot docs/viewer-policy.png \
        --scenario scenarios/policies/sunk_cost_subsidy.yaml --firms 10000 ;;
    *) echo "policy-pages: unknown step '$step' (promo, budget, validation, theory, viewer)" >&2; exit 2 ;;
  esac
done
echo "policy-pages: done; update the README's figures from the outputs ($stamp)"
