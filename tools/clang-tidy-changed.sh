#!/usr/bin/env bash
# clang-tidy (the checks of .clang-tidy, warnings as errors) on the C++
# files of src/ that changed since BASE: the cheap check CI runs (two files
# at a time; about 30 s of CPU per file, Qt's headers are most of it).
#
#   tools/clang-tidy-changed.sh [BASE [BUILD_DIR]]
#
# BASE defaults to the merge base with origin/main; when that is HEAD itself
# (CI's fresh clone of main), to HEAD's first parent: what the last merge or
# commit changed. BUILD_DIR (default build) holds compile_commands.json and
# the generated ui_/moc headers (build it first). A changed header is checked
# through the source file beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${2:-build}
tidy=${CLANG_TIDY:-$(command -v clang-tidy-16 || true)}
[[ -n $tidy ]] || { echo "clang-tidy-changed: needs clang-tidy-16 (apt-get install clang-tidy-16)" >&2; exit 1; }
[[ -f $build/compile_commands.json ]] ||
    { echo "clang-tidy-changed: no $build/compile_commands.json (configure and build first)" >&2; exit 1; }

base=${1:-}
if [[ -z $base ]]; then
    base=$(git merge-base HEAD origin/main 2>/dev/null || true)
    if [[ -z $base || $base == "$(git rev-parse HEAD)" ]]; then
        base=$(git rev-parse --verify -q HEAD^1 || true)
    fi
fi
[[ -n $base ]] || { echo "clang-tidy-changed: no base commit (a single-commit history?)"; exit 0; }

# Source files in compile_commands.json (so: built), changed since base.
# src/ only: .clang-tidy's checks were chosen as the ones src/ passes.
mapfile -t changed < <(git diff --name-only --diff-filter=d "$base" -- 'src/*.cpp' 'src/*.h')
files=()
for f in "${changed[@]}"; do
    [[ $f == *.h ]] && f=${f%.h}.cpp
    [[ -f $f ]] && grep -qF "\"file\": \"$PWD/$f\"" "$build/compile_commands.json" || continue
    [[ " ${files[*]} " == *" $f "* ]] || files+=("$f")
done
echo "clang-tidy-changed: ${#files[@]} file(s) changed since $(git rev-parse --short "$base")"
[[ ${#files[@]} -gt 0 ]] || exit 0
start=$SECONDS
rc=0
printf '%s\0' "${files[@]}" |
    xargs -0 -P 2 -I{} sh -c 'out=$("$0" -p "$1" --quiet "$2" 2>&1) || { echo "--- $2"; echo "$out"; exit 1; }; echo "--- $2: clean"' \
        "$tidy" "$build" {} || rc=1
echo "clang-tidy-changed: $([[ $rc -eq 0 ]] && echo clean || echo FAILED) after $((SECONDS - start)) s"
exit $rc
