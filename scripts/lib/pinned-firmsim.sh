# Sourced by the long calibration jobs: a firmsim built from one pinned
# commit, so that later commits cannot slip another model into a resumed run.
#   pinned_firmsim COMMIT DIR   builds COMMIT's firmsim into DIR/build (a git
#                               worktree in DIR/src, once per machine) and
#                               sets $pinned_exe to it
#   pinned_files COMMIT DEST PATH...   extracts PATHs as of COMMIT into DEST
#   pinned_workspace COMMIT     pinned_firmsim COMMIT build-pinned-COMMIT, and
#                               COMMIT's configs and scenarios in $pinned (a
#                               temporary folder, removed when the script exits)
#   resumable_calibration TAG DIR EXE ARG...   EXE calibrate ARG... --out DIR,
#                               with --resume when DIR holds an evaluations
#                               log, nothing when DIR/fit.md says it is done
#   run_state DIR               where the calibration in DIR stands, one line
#   stage_states LABEL DIR      run_state of DIR and of each continued/ stage
#                               below it, a line each
#   last_stage DIR              DIR, or its deepest continued/ with a fit.md
#   simulated_targets DIR SEED RUNARG...   a recovery's targets: the tables
#                               of `$pinned_exe run RUNARG... --seed SEED` as
#                               seed 000's and 001's target sets
pinned_firmsim() {
  local commit="$1" dir="$2"
  pinned_exe="$dir/build/app/firmsim"
  [ -x "$pinned_exe" ] && return 0
  echo "pinned: building firmsim of commit $commit in $dir/ (once per machine)"
  [ -d "$dir/src" ] || git worktree add --quiet --detach "$dir/src" "$commit"
  cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=omp \
    -DFIRMSIM_TESTS=OFF -DFIRMSIM_VIEWER=OFF > "$dir/configure.log"
  cmake --build "$dir/build" --target firmsim -j "${FIRMSIM_JOBS:-$(nproc)}" > "$dir/build.log"
}

pinned_files() {
  local commit="$1" dest="$2"
  shift 2
  git archive "$commit" "$@" | tar -x -C "$dest"
}

pinned_workspace() {
  pinned_firmsim "$1" "build-pinned-$1"
  pinned="$(mktemp -d)"
  trap 'rm -rf "$pinned"' EXIT
  pinned_files "$1" "$pinned" configs scenarios
}

resumable_calibration() {
  local tag="$1" dir="$2" exe="$3" resume=()
  shift 3
  [ -f "$dir/fit.md" ] && { echo "$tag: $(basename "$dir") done"; return 0; }
  [ -f "$dir/evaluations.csv" ] && resume=(--resume)
  mkdir -p "$dir"
  echo "$tag: $(basename "$dir") ($(date -u +%FT%TZ))"
  # A pinned program older than 8dfe4a4 does not keep freed memory for the
  # next world itself (sim/memory_reuse.hpp); the same glibc settings, given
  # here, make its evaluations cheaper and leave its results unchanged
  # (bench/README.md, "Memory kept for reuse").
  GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=2147483647}" \
    "$exe" calibrate "$@" --out "$dir" "${resume[@]}"
}

# simulated_targets DIR SEED RUNARG...: the world of `$pinned_exe run RUNARG...`
# at SEED, measured as the two target sets of $pinned/configs/targets (seed
# 000's tables and seed 001's): DIR/targets_s000.yaml and
# DIR/targets_s001.yaml.tmp, the run's log DIR/truth-run.log. The caller
# checks that every targeted cell is there (a draw may lack one, e.g. no born
# global for Table 13's probit) and renames the .tmp, the marker that both
# are complete.
simulated_targets() {
  local dir="$1" seed="$2" panel="$pinned/truth-panel"
  shift 2
  rm -rf "$panel"
  "$pinned_exe" run "$@" --seed "$seed" --out "$panel" > "$dir/truth-run.log" 2>&1
  "$pinned_exe" compare "$panel" --targets "$pinned/configs/targets/belgium_sme_1998_2005.yaml" \
    --as-targets "$dir/targets_s000.yaml" > /dev/null
  "$pinned_exe" compare "$panel" --targets "$pinned/configs/targets/belgium_sme_1998_2003.yaml" \
    --as-targets "$dir/targets_s001.yaml.tmp" > /dev/null
  rm -rf "$panel"
}

run_state() {
  local dir="$1"
  if [ -f "$dir/fit.md" ]; then
    echo "done: $(grep -m1 -o 'start [0-9.,]*, optimum [0-9.,]*' "$dir/fit.md" || true)"
  elif [ -f "$dir/evaluations.csv" ]; then
    echo "$(($(wc -l < "$dir/evaluations.csv") - 1)) evaluations logged"
  else
    echo "not started"
  fi
}

# A search that ends "Not converged" goes on into DIR/continued/, then
# DIR/continued/continued/ (the multi-start, the recovery, the experiments).
stage_states() {
  local label="$1" dir="$2"
  while :; do
    echo "$label: $(run_state "$dir")"
    [ -d "$dir/continued" ] || break
    dir="$dir/continued" label="$label/continued"
  done
}

last_stage() {
  local dir="$1"
  while [ -f "$dir/continued/fit.md" ]; do dir="$dir/continued"; done
  echo "$dir"
}

# The refinements that ask whether some parameters earn their place
# (refine-penetration.sh, refine-experiment.sh): Gauss-Newton from the
# shipped default with the configs of $pinned (pinned_files) and the
# parameters in PARAMETERS, into DIR. They share program, start, moments and
# search, so each one's optimum compares with penetration/control's.
#   refine_shipped TAG DIR PARAMETERS [ARG...]   (ARG...: more calibrate arguments)
refine_shipped() {
  local tag="$1" dir="$2" parameters="$3"
  shift 3
  resumable_calibration "$tag" "$dir" "$pinned_exe" "$pinned/configs/belgium.yaml" \
    --scenario "$pinned/scenarios/network.yaml" --moments "$pinned/configs/calibration/belgium_moments.yaml" \
    --evaluations "${FIRMSIM_REFINE_EVALUATIONS:-250}" --batch 4 --swarm-share 0 --local-search gauss-newton \
    --parameters "$parameters" "$@"
}
