// CRC primitives beyond core/crc32c.h: CRC32 (IEEE) and CRC64/NVME, and CRC
// combination, so that the CRC of a concatenation is computed from the parts'
// CRCs and lengths alone (zlib's crc32_combine; S3's full-object checksums of
// multipart uploads).
//
// All CRCs here are the "finalised" values the standards publish:
//   Crc32("123456789")     == 0xCBF43926
//   Crc32c("123456789")    == 0xE3069283
//   Crc64Nvme("123456789") == 0xAE8B14860A799888
// and extend like Crc32c: Crc32(b, Crc32(a)) == Crc32(a ++ b).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "strata/core/crc32c.h"
#include "strata/core/result.h"
#include "strata/stream/hash.h"

namespace strata::stream {

uint32_t Crc32(std::span<const std::byte> data, uint32_t prev = 0);
uint64_t Crc64Nvme(std::span<const std::byte> data, uint64_t prev = 0);

// CRC of A ++ B from crc(A), crc(B) and |B|.
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint64_t Crc64NvmeCombine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

// One part of a multipart object: its checksum (big-endian digest bytes, as
// Hasher::Finish returns) and its length.
struct PartChecksum {
  Digest digest;
  uint64_t length = 0;
};

// The full-object CRC (crc32, crc32c or crc64nvme) of the concatenated parts,
// as big-endian digest bytes. kInvalidArgument for other algorithms or a
// digest of the wrong size (naming the part).
Result<Digest> CombineCrcs(HashAlgorithm algorithm,
                           std::span<const PartChecksum> parts);

// S3's composite ("checksum of checksums") value: base64(H(d1 ++ d2 ++ ...))
// followed by "-<number of parts>", for any algorithm. kInvalidArgument on
// zero parts or a digest of the wrong size.
Result<std::string> CompositeChecksum(HashAlgorithm algorithm,
                                      std::span<const PartChecksum> parts);

}  // namespace strata::stream
