// Private factories behind NewHasher (hash.cc): the OpenSSL digests and the
// HighwayHash-256 implementations (portable and AVX2, chosen at run time).
//
// Thread-safety: the factories are safe for concurrent use; each Hasher is
// single-owner.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "strata/core/result.h"
#include "strata/stream/hash.h"

namespace strata::stream::internal {

// kMd5, kSha1 or kSha256 through OpenSSL EVP (the EVP_MD fetched once per
// process). kInternal if OpenSSL has no such digest.
Result<std::unique_ptr<Hasher>> NewEvpHasher(HashAlgorithm algorithm);

// HighwayHash-256 with `key` (four 64-bit words, the 32 key bytes read
// little-endian). Digest: the four result lanes, each little-endian.
using HighwayKey = std::array<uint64_t, 4>;
std::unique_ptr<Hasher> NewHighwayHasher(const HighwayKey& key);

// The implementations NewHighwayHasher chooses between. The AVX2 one must
// only be called when the CPU has AVX2 (HighwayHashAvx2Supported()).
std::unique_ptr<Hasher> NewHighwayHasherPortable(const HighwayKey& key);
std::unique_ptr<Hasher> NewHighwayHasherAvx2(const HighwayKey& key);
bool HighwayHashAvx2Supported();

}  // namespace strata::stream::internal
