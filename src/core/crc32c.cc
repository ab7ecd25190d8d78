#include "strata/core/crc32c.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <climits>

namespace strata {

uint32_t Crc32c(std::span<const std::byte> data, uint32_t prev) {
  // ISA-L works on the raw register (no pre/post inversion) and takes an
  // int length, so invert around it and feed it at most 1 GiB at a time.
  uint32_t crc = ~prev;
  constexpr size_t kChunk = size_t{1} << 30;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t left = data.size();
  while (left > 0) {
    const size_t n = std::min(left, kChunk);
    crc = crc32_iscsi(const_cast<unsigned char*>(p), static_cast<int>(n), crc);
    p += n;
    left -= n;
  }
  return ~crc;
}

}  // namespace strata
