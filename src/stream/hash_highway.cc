// HighwayHash-256: the portable implementation and the run-time choice
// between it and the AVX2 one (hash_highway_avx2.cc).
//
// The static libhighwayhash only offers one-shot hashing, so the incremental
// hasher is built from the library's header-only state templates.
#include <memory>

// Select the portable target explicitly (the headers would otherwise pick
// the best one the compiler flags allow).
#define HH_TARGET_NAME Portable
#include "highwayhash/highwayhash.h"
#include "stream/hash_highway_inl.h"

namespace strata::stream::internal {

std::unique_ptr<Hasher> NewHighwayHasherPortable(const HighwayKey& key) {
  return std::make_unique<HighwayHasher<HH_TARGET_Portable>>(key);
}

bool HighwayHashAvx2Supported() {
#if defined(__x86_64__)
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return supported;
#else
  return false;
#endif
}

std::unique_ptr<Hasher> NewHighwayHasher(const HighwayKey& key) {
  if (HighwayHashAvx2Supported()) return NewHighwayHasherAvx2(key);
  return NewHighwayHasherPortable(key);
}

}  // namespace strata::stream::internal
