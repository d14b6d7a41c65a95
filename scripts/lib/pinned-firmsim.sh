# Sourced by the long calibration jobs: a firmsim built from one pinned
# commit, so that later commits cannot slip another model into a resumed run.
#   pinned_firmsim COMMIT DIR   builds COMMIT's firmsim into DIR/build (a git
#                               worktree in DIR/src, once per machine) and
#                               sets $pinned_exe to it
#   pinned_files COMMIT DEST PATH...   extracts PATHs as of COMMIT into DEST
pinned_firmsim() {
  local commit="$1" dir="$2"
  pinned_exe="$dir/build/app/firmsim"
  [ -x "$pinned_exe" ] && return 0
  echo "pinned: building firmsim of commit $commit in $dir/ (once per machine)"
  [ -d "$dir/src" ] || git worktree add --detach "$dir/src" "$commit"
  cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DFIRMSIM_BACKEND=omp \
    -DFIRMSIM_TESTS=OFF -DFIRMSIM_VIEWER=OFF > "$dir/configure.log"
  cmake --build "$dir/build" --target firmsim -j "${FIRMSIM_JOBS:-$(nproc)}" > "$dir/build.log"
}

pinned_files() {
  local commit="$1" dest="$2"
  shift 2
  git archive "$commit" "$@" | tar -x -C "$dest"
}
