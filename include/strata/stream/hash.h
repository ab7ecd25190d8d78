// Hashes and checksums of byte streams: CRC32 (IEEE), CRC32C, CRC64/NVME,
// MD5, SHA-1, SHA-256, XXH3-64, XXH3-128 and HighwayHash-256, behind one
// incremental Hasher interface, plus the helpers that name and print them.
//
// Digests are big-endian byte strings, as the algorithms' own tools print
// them (`crc32` of "123456789" is cbf43926; `xxh3` is XXH64_canonical order),
// so `ToHex(digest)` matches `sha256sum`, `xxhsum -H3`, `crc32`, ...
//
// Thread-safety: a Hasher is a single-owner value; the free functions are
// pure and safe for concurrent use.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"

namespace strata::stream {

enum class HashAlgorithm {
  kCrc32,      // "crc32": IEEE 802.3, reflected, as zlib/gzip (ISA-L)
  kCrc32c,     // "crc32c": Castagnoli (ISA-L)
  kCrc64Nvme,  // "crc64nvme": CRC-64/NVME, as S3's x-amz-checksum-crc64nvme
  kMd5,        // "md5" (OpenSSL)
  kSha1,       // "sha1" (OpenSSL)
  kSha256,     // "sha256" (OpenSSL)
  kXxh3,       // "xxh3": XXH3-64 (libxxhash)
  kXxh128,     // "xxh128": XXH3-128 (libxxhash)
  kHighwayHash256,  // "highwayhash256": keyed; MinIO's bitrot key by default
};

// Every algorithm, in the order above.
std::span<const HashAlgorithm> AllHashAlgorithms();

// The CLI name of the algorithm ("crc32", ..., "highwayhash256").
std::string_view HashName(HashAlgorithm algorithm);

// Parses a CLI name (case-insensitive; "xxh3-64", "xxh3-128", "sha-256",
// "crc64" and "highwayhash" are accepted aliases). kInvalidArgument names
// the unknown text and lists the valid names.
Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name);

// Parses a comma-separated list ("crc32c,sha256"); empty items are errors.
Result<std::vector<HashAlgorithm>> ParseHashAlgorithms(std::string_view list);

// Digest size in bytes (4, 4, 8, 16, 20, 32, 8, 16, 32).
size_t DigestSize(HashAlgorithm algorithm);

// MinIO's HighwayHash-256 key for bitrot protection (magicHighwayHash256Key).
inline constexpr std::array<uint8_t, 32> kMinioHighwayHashKey = {
    0x4b, 0xe7, 0x34, 0xfa, 0x8e, 0x23, 0x8a, 0xcd, 0x26, 0x3e, 0x83,
    0xe6, 0xbb, 0x96, 0x85, 0x52, 0x04, 0x0f, 0x93, 0x5d, 0xa3, 0x9f,
    0x44, 0x14, 0x97, 0xe0, 0x9d, 0x13, 0x22, 0xde, 0x36, 0xa0};

using Digest = std::vector<std::byte>;

// An incremental hash. Update any number of times, then Finish; Reset starts
// over (with the same key). Finish leaves the hasher needing Reset.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual HashAlgorithm algorithm() const = 0;
  virtual void Update(std::span<const std::byte> data) = 0;
  virtual Digest Finish() = 0;
  virtual void Reset() = 0;
};

// A hasher for `algorithm`. `key` is used only by kHighwayHash256 (32 bytes;
// empty selects kMinioHighwayHashKey); a wrong-sized key is kInvalidArgument.
Result<std::unique_ptr<Hasher>> NewHasher(HashAlgorithm algorithm,
                                          std::span<const std::byte> key = {});

// One-shot digest of `data` (default key for keyed algorithms).
Digest HashBytes(HashAlgorithm algorithm, std::span<const std::byte> data);

// Lower-case hex and standard (padded) base64 of a digest.
std::string ToHex(std::span<const std::byte> bytes);
std::string ToBase64(std::span<const std::byte> bytes);
// Decoders; kInvalidArgument on malformed input.
Result<std::vector<std::byte>> FromHex(std::string_view hex);
Result<std::vector<std::byte>> FromBase64(std::string_view base64);

}  // namespace strata::stream
