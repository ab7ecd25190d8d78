#!/usr/bin/env bash
# Rejects what GCC 12 miscompiles inside a co_await expression: a lambda
# expression, or a braced temporary (`f({})`, `f(Agg{...})`) passed to a
# coroutine (GCC destroys such aggregate temporaries twice: a double free),
# or `c ? co_await a() : co_await b()` (a use-after-free).
# Name the value first; see include/strata/core/task.h and fs/types.h.
set -uo pipefail
cd "$(dirname "$0")/.."
hits=$(git ls-files -co --exclude-standard '*.cc' '*.h' | xargs -r perl -0777 -ne '
  s{//[^\n]*}{}g; s{/\*(.*?)\*/}{"\n" x ($1 =~ tr/\n//)}gse;
  while (/co_await\b([^;{}]*?)\[[^\]\[;]*\]\s*(?:\([^;]*?\))?\s*(?:mutable\s*)?(?:->\s*[\w:<>]+\s*)?\{/g) {
    my $pre = substr($_, 0, $-[0]); my $line = ($pre =~ tr/\n//) + 1;
    print "$ARGV:$line: lambda inside co_await\n";
  }
  while (/co_await\b[^;]*?[(,]\s*(?:[\w:]+\s*)?\{/g) {
    my $pre = substr($_, 0, $-[0]); my $line = ($pre =~ tr/\n//) + 1;
    print "$ARGV:$line: braced temporary inside co_await\n";
  }
  while (/\?\s*co_await\b[^;]*?:\s*co_await\b/g) {
    my $pre = substr($_, 0, $-[0]); my $line = ($pre =~ tr/\n//) + 1;
    print "$ARGV:$line: co_await in both arms of ?:\n";
  }')
if [ -n "$hits" ]; then
  echo "GCC 12 double-destroys these co_await temporaries; name them first:"
  echo "$hits"
  exit 1
fi
echo "coroutine rules: ok"
