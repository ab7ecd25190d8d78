// Bitrot layout arithmetic (docs/stream-formats.md §6): every block of
// `block_size` plain bytes (the last may be short) is stored as
// [digest][block]; shared by the bitrot layer and the erasure-set shards.
//
// Thread-safety: values and pure functions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace strata::stream {

// Largest block size a bitrot stream may declare (memory bound per block).
inline constexpr uint64_t kMaxBitrotBlockSize = uint64_t{1} << 28;

struct BitrotLayout {
  uint64_t block_size = 0;   // plain bytes per block, >= 1
  uint64_t digest_size = 0;  // bytes of the hash before each block

  uint64_t BlockCount(uint64_t plain) const {
    return plain / block_size + (plain % block_size != 0 ? 1 : 0);
  }
  uint64_t EncodedSize(uint64_t plain) const {
    return plain + BlockCount(plain) * digest_size;
  }
  // The plain size whose encoding is `encoded` bytes, if any.
  std::optional<uint64_t> PlainSize(uint64_t encoded) const {
    const uint64_t stride = block_size + digest_size;
    const uint64_t rem = encoded % stride;
    if (rem != 0 && rem <= digest_size) return std::nullopt;
    return encoded / stride * block_size + (rem == 0 ? 0 : rem - digest_size);
  }
  // Offset of block `index`'s digest in the encoded stream.
  uint64_t BlockOffset(uint64_t index) const {
    return index * (block_size + digest_size);
  }
  // Plain bytes of block `index` in a stream of `plain` bytes.
  uint64_t BlockLength(uint64_t index, uint64_t plain) const {
    return std::min(block_size, plain - index * block_size);
  }
};

}  // namespace strata::stream
