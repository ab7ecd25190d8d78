#include "stream/erasure_set_format.h"

#include <cstring>

#include "strata/core/crc32c.h"
#include "strata/stream/erasure_set.h"
#include "strata/stream/hash.h"

namespace strata::stream {
namespace {

template <typename T>
void Put(std::span<std::byte> out, size_t at, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out[at + i] = std::byte(static_cast<uint8_t>(value >> (8 * i)));
  }
}

template <typename T>
T Get(std::span<const std::byte> in, size_t at) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<T>(in[at + i]) << (8 * i));
  }
  return value;
}

bool ValidShape(const ShardHeader& h) {
  const size_t algorithms = AllHashAlgorithms().size();
  return h.hash < algorithms && h.data_shards >= 1 && h.parity_shards >= 1 &&
         h.data_shards + h.parity_shards <= 256 &&
         h.shard_index < h.data_shards + h.parity_shards && h.block_size >= 1 &&
         h.block_size <= kMaxStripeBlockSize &&
         (h.object_size == kUnknownObjectSize ||
          h.object_size <= kMaxObjectSize);
}

}  // namespace

std::array<std::byte, kShardHeaderSize> EncodeShardHeader(
    const ShardHeader& header) {
  std::array<std::byte, kShardHeaderSize> out{};
  std::memcpy(out.data(), kShardMagic, sizeof(kShardMagic));
  Put<uint8_t>(out, kHeaderVersionAt, kShardVersion);
  Put<uint8_t>(out, kHeaderHashAt, header.hash);
  Put<uint16_t>(out, kHeaderDataAt, header.data_shards);
  Put<uint16_t>(out, kHeaderParityAt, header.parity_shards);
  Put<uint16_t>(out, kHeaderIndexAt, header.shard_index);
  Put<uint32_t>(out, kHeaderBlockAt, header.block_size);
  Put<uint64_t>(out, kHeaderSizeAt, header.object_size);
  Put<uint32_t>(out, kHeaderCrcAt, Crc32c(std::span(out).first(kHeaderCrcAt)));
  return out;
}

std::optional<ShardHeader> DecodeShardHeader(std::span<const std::byte> bytes) {
  if (bytes.size() != kShardHeaderSize) return std::nullopt;
  if (std::memcmp(bytes.data(), kShardMagic, sizeof(kShardMagic)) != 0 ||
      Get<uint8_t>(bytes, kHeaderVersionAt) != kShardVersion ||
      Get<uint32_t>(bytes, kHeaderCrcAt) != Crc32c(bytes.first(kHeaderCrcAt))) {
    return std::nullopt;
  }
  for (size_t i = kHeaderSizeAt + 8; i < kHeaderCrcAt; ++i) {
    if (bytes[i] != std::byte{0}) return std::nullopt;
  }
  ShardHeader h;
  h.hash = Get<uint8_t>(bytes, kHeaderHashAt);
  h.data_shards = Get<uint16_t>(bytes, kHeaderDataAt);
  h.parity_shards = Get<uint16_t>(bytes, kHeaderParityAt);
  h.shard_index = Get<uint16_t>(bytes, kHeaderIndexAt);
  h.block_size = Get<uint32_t>(bytes, kHeaderBlockAt);
  h.object_size = Get<uint64_t>(bytes, kHeaderSizeAt);
  if (!ValidShape(h)) return std::nullopt;
  return h;
}

uint64_t ShardPlainLength(const ShardHeader& header) {
  const uint64_t blocks = header.object_size / header.block_size +
                          (header.object_size % header.block_size != 0 ? 1 : 0);
  if (blocks == 0) return 0;
  const uint64_t last = header.object_size - (blocks - 1) * header.block_size;
  const uint64_t k = header.data_shards;
  return (blocks - 1) * header.ShardBlockSize() + (last + k - 1) / k;
}

uint64_t ShardFileSize(const ShardHeader& header, size_t digest_size,
                       bool trailer) {
  BitrotLayout layout;
  layout.block_size = header.ShardBlockSize();
  layout.digest_size = digest_size;
  return kShardHeaderSize + layout.EncodedSize(ShardPlainLength(header)) +
         (trailer ? kShardHeaderSize : 0);
}

static_assert(kShardHeaderSize == kErasureShardHeaderSize);

std::optional<int> ErasureSetShardCount(std::span<const std::byte> header) {
  std::optional<ShardHeader> decoded = DecodeShardHeader(header);
  if (!decoded) return std::nullopt;
  return decoded->data_shards + decoded->parity_shards;
}

}  // namespace strata::stream
