// The incremental HighwayHash-256 Hasher, as a template over HighwayHash's
// target (Portable, AVX2). Included only by hash_highway.cc and
// hash_highway_avx2.cc after they have selected the target (HH_TARGET_NAME)
// and included "highwayhash/highwayhash.h"; the class lives in an anonymous
// namespace so each translation unit has its own, compiled for its target.
//
// Thread-safety: a HighwayHasher is single-owner.
#pragma once

#include <cstring>
#include <memory>

#include "stream/hash_impl.h"

namespace strata::stream::internal {
namespace {

template <highwayhash::TargetBits Target>
class HighwayHasher final : public Hasher {
 public:
  explicit HighwayHasher(const HighwayKey& key) : cat_(ToHHKey(key)) {
    std::memcpy(key_, key.data(), sizeof(key_));
  }

  HashAlgorithm algorithm() const override {
    return HashAlgorithm::kHighwayHash256;
  }

  // flatten: the state's implicit copy constructor is not compiled for the
  // target when the target comes from a pragma; inlining everything into
  // this function keeps the state in SIMD registers (3-4x faster on AVX2).
  __attribute__((flatten)) void Update(
      std::span<const std::byte> data) override {
    cat_.Append(reinterpret_cast<const char*>(data.data()), data.size());
  }

  Digest Finish() override {
    highwayhash::HHResult256 result;
    cat_.Finalize(&result);
    Digest out(sizeof(result));
    for (size_t lane = 0; lane < 4; ++lane) {
      for (size_t i = 0; i < 8; ++i) {
        out[lane * 8 + i] = static_cast<std::byte>(result[lane] >> (8 * i));
      }
    }
    return out;
  }

  void Reset() override { cat_.Reset(key_); }

 private:
  static const highwayhash::HHKey& ToHHKey(const HighwayKey& key) {
    static_assert(sizeof(highwayhash::HHKey) == sizeof(HighwayKey));
    return *reinterpret_cast<const highwayhash::HHKey*>(key.data());
  }

  highwayhash::HighwayHashCatT<Target> cat_;
  alignas(32) highwayhash::HHKey key_;
};

}  // namespace
}  // namespace strata::stream::internal
