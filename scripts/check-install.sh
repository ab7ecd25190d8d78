#!/usr/bin/env bash
# Installs the Release build into a staging prefix, then builds and runs the
# examples against it: examples/consumer through find_package(strata) and
# through pkg-config, and examples/custom_scheme (a third-party URI scheme).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
STAGE=$(realpath -m "$BUILD/stage")
rm -rf "$STAGE" "$BUILD/examples"
cmake --install "$BUILD" --prefix "$STAGE" >/dev/null

for ex in consumer custom_scheme; do
  cmake -G Ninja -S "examples/$ex" -B "$BUILD/examples/$ex" \
    -DCMAKE_PREFIX_PATH="$STAGE" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD/examples/$ex" >/dev/null
  "$BUILD/examples/$ex/$ex"
done

# pkg-config: compile the consumer by hand.
export PKG_CONFIG_PATH="$STAGE/lib/pkgconfig"
c++ -std=c++20 examples/consumer/main.cc -o "$BUILD/examples/consumer_pc" \
  $(pkg-config --cflags strata) $(pkg-config --libs --static strata)
"$BUILD/examples/consumer_pc"
echo "install check: ok"
