#include "stream/compress_util.h"

#include <xxhash.h>

namespace strata::stream {

uint32_t FrameChecksum(std::span<const std::byte> data) {
  return static_cast<uint32_t>(XXH64(data.data(), data.size(), 0));
}

void EnsureBuffer(Buffer& buffer, size_t size, BufferPool* pool) {
  if (buffer.capacity() >= size && buffer.data() != nullptr) {
    buffer.resize(size);
    return;
  }
  buffer = Buffer();  // release first: keeps peak memory at one block
  buffer = pool != nullptr ? pool->Acquire(size) : Buffer::Allocate(size);
  buffer.resize(size);
}

std::string Describe(std::string_view what, std::string_view detail) {
  std::string out(what);
  out += ": ";
  out += detail;
  return out;
}

std::string Describe(std::string_view what, std::string_view detail,
                     uint64_t number) {
  std::string out = Describe(what, detail);
  out += std::to_string(number);
  return out;
}

}  // namespace strata::stream
