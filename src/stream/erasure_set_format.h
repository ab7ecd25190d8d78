// Erasure-set shard file format (docs/stream-formats.md §7): the 64-byte
// shard header (repeated as a trailer when the writer did not know the
// object size up front) and the shape arithmetic readers and writers share.
//
// Thread-safety: values and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "stream/bitrot_format.h"

namespace strata::stream {

inline constexpr size_t kShardHeaderSize = 64;
inline constexpr char kShardMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'E', 'C'};
inline constexpr uint8_t kShardVersion = 1;
// object_size in a header when the size is in the trailer instead.
inline constexpr uint64_t kUnknownObjectSize = ~uint64_t{0};
// Largest declared object size (keeps shard-size arithmetic far from
// overflow) and block size (memory per decoded stripe).
inline constexpr uint64_t kMaxObjectSize = uint64_t{1} << 56;
inline constexpr uint32_t kMaxStripeBlockSize = uint32_t{1} << 28;

// Field offsets (little-endian integers).
inline constexpr size_t kHeaderVersionAt = 8;
inline constexpr size_t kHeaderHashAt = 9;
inline constexpr size_t kHeaderDataAt = 10;
inline constexpr size_t kHeaderParityAt = 12;
inline constexpr size_t kHeaderIndexAt = 14;
inline constexpr size_t kHeaderBlockAt = 16;
inline constexpr size_t kHeaderSizeAt = 20;
inline constexpr size_t kHeaderCrcAt = 60;

struct ShardHeader {
  uint8_t hash = 0;  // HashAlgorithm index
  uint16_t data_shards = 0;
  uint16_t parity_shards = 0;
  uint16_t shard_index = 0;
  uint32_t block_size = 0;
  uint64_t object_size = kUnknownObjectSize;

  // Same set: everything but the shard index.
  bool SameShape(const ShardHeader& o) const {
    return hash == o.hash && data_shards == o.data_shards &&
           parity_shards == o.parity_shards && block_size == o.block_size &&
           object_size == o.object_size;
  }
  // Plain bytes per shard per full stripe block: ceil(block_size / k).
  uint64_t ShardBlockSize() const {
    return (uint64_t{block_size} + data_shards - 1) / data_shards;
  }
};

std::array<std::byte, kShardHeaderSize> EncodeShardHeader(
    const ShardHeader& header);

// nullopt when the magic, version, CRC, reserved bytes or a field's range
// is wrong (the shard then counts as missing).
std::optional<ShardHeader> DecodeShardHeader(std::span<const std::byte> bytes);

// Plain bytes shard file body holds for `header`'s (known) object size.
uint64_t ShardPlainLength(const ShardHeader& header);

// The whole shard file's size: header, bitrot body, trailer when the
// header's object size was unknown (`trailer`).
uint64_t ShardFileSize(const ShardHeader& header, size_t digest_size,
                       bool trailer);

}  // namespace strata::stream
