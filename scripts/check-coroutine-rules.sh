#!/usr/bin/env bash
# Rejects a lambda expression written inside a co_await expression, which
# GCC 12 miscompiles (the closure is destroyed twice: a double free). Name the
# lambda first; see include/strata/core/task.h.
set -uo pipefail
cd "$(dirname "$0")/.."
hits=$(git ls-files -co --exclude-standard '*.cc' '*.h' | xargs -r perl -0777 -ne '
  s{//[^\n]*}{}g; s{/\*.*?\*/}{}gs;
  while (/co_await\b([^;{}]*?)\[[^\]\[;]*\]\s*(?:\([^;]*?\))?\s*(?:mutable\s*)?(?:->\s*[\w:<>]+\s*)?\{/g) {
    my $pre = substr($_, 0, $-[0]); my $line = ($pre =~ tr/\n//) + 1;
    print "$ARGV:$line\n";
  }')
if [ -n "$hits" ]; then
  echo "lambda inside a co_await expression (GCC 12 double-destroys it):"
  echo "$hits"
  exit 1
fi
echo "coroutine rules: ok"
