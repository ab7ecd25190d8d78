#!/usr/bin/env bash
# clang-format check of every tracked C++ file, then clang-tidy (naming,
# bugprone, performance) over the library and CLI sources using the build's
# compile_commands.json. Exits non-zero on a format difference or a finding.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
status=0
files=$(git ls-files '*.cc' '*.h' | grep -v '^examples/')
echo "== clang-format"
if ! echo "$files" | xargs clang-format --dry-run --Werror; then status=1; fi
echo "== clang-tidy"
srcs=$(git ls-files 'src/*.cc' | grep -vE '_(test|fuzz)\.cc$')
out=$(echo "$srcs" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD" --quiet 2>/dev/null)
echo "$out" | grep -E "warning:|error:" && status=1
[ $status -eq 0 ] && echo "lint: clean"
exit $status
