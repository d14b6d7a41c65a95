#!/usr/bin/env bash
# Mutation check: do the tests notice when a mechanism or an estimator detail is
# removed or flipped? For each mutation of scripts/mutations.txt: replace its
# anchor line, rebuild only its test executables, run their ctest tests, expect
# at least one to FAIL, restore the file. Prints a table; exits 1 if a mutation
# survives, its anchor is missing or ambiguous, or it does not build.
#
#   scripts/mutation-check.sh [--build DIR] [--list FILE] [--only REGEX] [--out FILE]
#   scripts/mutation-check.sh --anchors   # only check that every anchor line is found once
#
# The build directory must be configured already (see README.md). --only runs the
# mutations whose name matches REGEX; --out also writes the table to FILE.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
list="$root/scripts/mutations.txt"
only=""
out=""
anchors_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --list) list=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --anchors) anchors_only=1; shift ;;
    *) echo "mutation-check: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $anchors_only -eq 1 || -f "$build/CMakeCache.txt" ]] || { echo "mutation-check: $build is not a configured build directory" >&2; exit 2; }
[[ -f "$list" ]] || { echo "mutation-check: no mutation list $list" >&2; exit 2; }

jobs=${MUTATION_JOBS:-2}
log_dir=$(mktemp -d)
backup=""
mutated_file=""
mutated_targets=""  # targets built with a mutation, rebuilt from the restored sources at the end

restore() {
  if [[ -n "$mutated_file" ]]; then
    # A plain copy gives the restored file a new time stamp, so the next build
    # recompiles it (from ccache) instead of keeping the mutated object.
    cp "$backup" "$mutated_file"
    mutated_file=""
  fi
}
trap 'restore; rm -rf "$log_dir"' EXIT
trap 'exit 130' INT TERM

# Parses the list into parallel arrays (names, files, targets, from, to).
names=() files=() targets=() froms=() tos=()
parse_list() {
  local name="" file="" tgt="" from="" to="" have_from=0 have_to=0 line n=0
  flush() {
    if [[ -n "$name" ]]; then
      if [[ -z "$file" || -z "$tgt" || $have_from -eq 0 || $have_to -eq 0 ]]; then
        echo "mutation-check: $list: record '$name' needs file, targets, from and to" >&2
        exit 2
      fi
      names+=("$name") files+=("$file") targets+=("$tgt") froms+=("$from") tos+=("$to")
    fi
    name="" file="" tgt="" from="" to="" have_from=0 have_to=0
  }
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    case "$line" in
      "#"*) ;;
      "") flush ;;
      "name: "*) name=$(sed -E 's/^name: +//' <<<"$line") ;;
      "file: "*) file=$(sed -E 's/^file: +//' <<<"$line") ;;
      "targets: "*) tgt=$(sed -E 's/^targets: +//' <<<"$line") ;;
      "from: "*) from=${line#from: }; have_from=1 ;;
      "to: "*) to=${line#to: }; have_to=1 ;;
      *) echo "mutation-check: $list:$n: cannot read '$line'" >&2; exit 2 ;;
    esac
  done <"$list"
  flush
}
parse_list

rows=()
failures=0
for i in "${!names[@]}"; do
  name=${names[$i]} file=${files[$i]} tgt=${targets[$i]} from=${froms[$i]} to=${tos[$i]}
  [[ -n "$only" && ! "$name" =~ $only ]] && continue
  path="$root/$file"
  status="" caught="no" failed="-"
  matches=$(grep -Fxn -- "$from" "$path" 2>/dev/null | cut -d: -f1)
  count=$(grep -c . <<<"$matches")
  if [[ ! -f "$path" ]]; then
    status="file missing"
  elif [[ $count -eq 0 ]]; then
    status="anchor not found"
  elif [[ $count -gt 1 ]]; then
    status="anchor found $count times"
  fi
  if [[ $anchors_only -eq 1 ]]; then
    [[ -z "$status" ]] && status="anchor found at line $matches" && caught="yes"
  elif [[ -z "$status" ]]; then
    backup="$log_dir/backup"
    cp "$path" "$backup"
    mutated_file="$path"
    awk -v n="$matches" -v repl="$to" 'NR == n { print repl; next } { print }' "$backup" >"$path"
    echo "== $name ($file:$matches)" >&2
    mutated_targets+=" $tgt"
    # shellcheck disable=SC2086
    if ! cmake --build "$build" --target $tgt -j"$jobs" >"$log_dir/build.log" 2>&1; then
      status="does not build"
      tail -20 "$log_dir/build.log" >&2
    else
      regex="^($(tr ' ' '|' <<<"$tgt"))\\."
      ctest --test-dir "$build" -R "$regex" --timeout 300 -j"$jobs" >"$log_dir/ctest.log" 2>&1
      failed=$(sed -n '/The following tests FAILED:/,$p' "$log_dir/ctest.log" | grep -E '^\s+[0-9]+ - ' |
               sed -E 's/^\s+[0-9]+ - ([^ ]+).*/\1/' | sed -E 's/^[^.]+\.//' | paste -sd ' ' -)
      ran=$(grep -cE 'Test +#[0-9]+:' "$log_dir/ctest.log")
      if [[ $ran -eq 0 ]]; then
        status="no tests ran"
      elif [[ -n "$failed" ]]; then
        caught="yes"
        status="caught"
      else
        status="SURVIVED ($ran tests passed)"
        failed="-"
      fi
    fi
    restore
  fi
  [[ "$caught" == "yes" ]] || failures=$((failures + 1))
  rows+=("$name"$'\t'"$file"$'\t'"$caught"$'\t'"$status"$'\t'"${failed:--}")
done

if [[ $anchors_only -eq 1 ]]; then
  for r in "${rows[@]}"; do IFS=$'\t' read -r a b c d e <<<"$r"; echo "$b: $d: $a"; done
  [[ $failures -eq 0 ]]
  exit
fi

# Leave the build directory matching the restored sources: the targets built
# with a mutation (not every target of the list, which a build without the
# viewer or MPI does not have).
all_targets=$(tr ' ' '\n' <<<"$mutated_targets" | grep . | sort -u | paste -sd ' ' -)
# shellcheck disable=SC2086
[[ -z "$all_targets" ]] || cmake --build "$build" --target $all_targets -j"$jobs" >"$log_dir/build.log" 2>&1 ||
  { echo "mutation-check: the restored sources do not build" >&2; failures=$((failures + 1)); }

{
  echo "# Mutation check"
  echo
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "list: ${list#"$root"/}"
  echo
  echo "| mutation | file | caught | result | failing tests |"
  echo "|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    IFS=$'\t' read -r a b c d e <<<"$r"
    echo "| $a | $b | $c | $d | $e |"
  done
  echo
  echo "mutations: ${#rows[@]}, not caught: $failures"
} | if [[ -n "$out" ]]; then tee "$out"; else cat; fi

[[ $failures -eq 0 ]]
