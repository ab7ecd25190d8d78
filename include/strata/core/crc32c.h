// CRC32C (Castagnoli, the iSCSI polynomial), hardware-accelerated through
// ISA-L. `Crc32c("123456789") == 0xE3069283`.
//
// Crc32c(data, prev) extends a CRC: Crc32c(b, Crc32c(a)) == Crc32c(a ++ b).
// MaskCrc/UnmaskCrc store a CRC inside data that is itself checksummed
// (RocksDB's masking), so a CRC over bytes containing CRCs stays strong.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace strata {

uint32_t Crc32c(std::span<const std::byte> data, uint32_t prev = 0);

inline constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;

constexpr uint32_t MaskCrc(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta;
}

constexpr uint32_t UnmaskCrc(uint32_t masked) {
  const uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace strata
