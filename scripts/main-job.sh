#!/usr/bin/env bash
# The main job: install, build, simulate the default world (Belgium, about
# 95,000 firms alive in 1998, 1950-2005) and compare it with every table of
# seed 000. Writes the panel and the report to runs/belgium/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }
./build/app/firmsim run configs/belgium.yaml --compare --out runs/belgium "$@"
