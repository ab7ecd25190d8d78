// HighwayHash-256 compiled for AVX2 by a target pragma (the build compiles
// this file with the baseline flags like every other). Only the highwayhash
// headers and the hasher template are compiled under the pragma; standard
// headers are included before it so no inline library code is built for
// AVX2. Callers check HighwayHashAvx2Supported() first.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "stream/hash_impl.h"

#if defined(__x86_64__)

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

#define HH_TARGET_NAME AVX2
#include "highwayhash/highwayhash.h"
#include "stream/hash_highway_inl.h"

namespace strata::stream::internal {

std::unique_ptr<Hasher> NewHighwayHasherAvx2(const HighwayKey& key) {
  return std::make_unique<HighwayHasher<HH_TARGET_AVX2>>(key);
}

}  // namespace strata::stream::internal

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else  // !__x86_64__

namespace strata::stream::internal {

std::unique_ptr<Hasher> NewHighwayHasherAvx2(const HighwayKey& key) {
  return NewHighwayHasherPortable(key);
}

}  // namespace strata::stream::internal

#endif
