// Small helpers shared by the compression layer's files: little-endian
// loads/stores, the low 32 bits of XXH64 (§3.1's frame checksum), pooled
// buffers, and error texts naming the path.
//
// Thread-safety: free functions; no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "strata/core/buffer.h"

namespace strata::stream {

inline uint32_t LoadLe32(const std::byte* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

inline uint64_t LoadLe64(const std::byte* p) {
  return LoadLe32(p) | (uint64_t{LoadLe32(p + 4)} << 32);
}

inline void StoreLe32(std::byte* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}

inline void StoreLe64(std::byte* p, uint64_t v) {
  StoreLe32(p, static_cast<uint32_t>(v));
  StoreLe32(p + 4, static_cast<uint32_t>(v >> 32));
}

// Low 32 bits of XXH64 (seed 0) of `data`.
uint32_t FrameChecksum(std::span<const std::byte> data);

// Makes `buffer` hold at least `size` bytes (size() == size), reusing its
// memory when it is large enough; new memory comes from `pool` when set.
void EnsureBuffer(Buffer& buffer, size_t size, BufferPool* pool);

// "<what>: <detail>" as one string (built piecewise).
std::string Describe(std::string_view what, std::string_view detail);
std::string Describe(std::string_view what, std::string_view detail,
                     uint64_t number);

}  // namespace strata::stream
