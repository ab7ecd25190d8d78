// The payload of the records `strata journal append` writes, and the check
// `strata journal dump` applies: record s of writer w, BYTES long, is
//
//   bytes [0, 8)   w, little-endian
//   bytes [8, 16)  s, little-endian
//   byte 16 + i    (w*31 + s*17 + i) & 0xff, for i in [0, BYTES - 16)
//
// so every byte of a record depends on which record it is and where in the
// record it lies: a misplaced, stale or mixed-up record does not verify.
//
// Thread-safety: pure functions. Header-only so the tests share the formula.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace strata::cli {

// The writer and sequence fields; a record shorter than this was not written
// by `journal append`.
inline constexpr size_t kPayloadHeaderBytes = 16;

struct PayloadId {
  uint64_t writer = 0;
  uint64_t seq = 0;
};

inline std::byte PayloadFillerByte(uint64_t writer, uint64_t seq, uint64_t i) {
  return static_cast<std::byte>((writer * 31 + seq * 17 + i) & 0xff);
}

inline void StoreLittleEndian64(std::span<std::byte> out, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
  }
}

inline uint64_t LoadLittleEndian64(std::span<const std::byte> in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(in[i]) << (8 * i);
  }
  return v;
}

// Writes the payload of record (writer, seq) into `out` (its size is BYTES;
// at least kPayloadHeaderBytes).
inline void FillPayload(std::span<std::byte> out, uint64_t writer,
                        uint64_t seq) {
  StoreLittleEndian64(out.subspan(0, 8), writer);
  StoreLittleEndian64(out.subspan(8, 8), seq);
  for (size_t i = kPayloadHeaderBytes; i < out.size(); ++i) {
    out[i] = PayloadFillerByte(writer, seq, i - kPayloadHeaderBytes);
  }
}

inline std::vector<std::byte> MakePayload(uint64_t writer, uint64_t seq,
                                          size_t size) {
  std::vector<std::byte> payload(size);
  FillPayload(payload, writer, seq);
  return payload;
}

// The (writer, seq) a payload names, or nullopt if it is too short.
inline std::optional<PayloadId> ParsePayloadId(
    std::span<const std::byte> payload) {
  if (payload.size() < kPayloadHeaderBytes) return std::nullopt;
  return PayloadId{LoadLittleEndian64(payload.subspan(0, 8)),
                   LoadLittleEndian64(payload.subspan(8, 8))};
}

// True when every filler byte matches the formula for `id`.
inline bool PayloadMatches(std::span<const std::byte> payload, PayloadId id) {
  for (size_t i = kPayloadHeaderBytes; i < payload.size(); ++i) {
    if (payload[i] !=
        PayloadFillerByte(id.writer, id.seq, i - kPayloadHeaderBytes)) {
      return false;
    }
  }
  return payload.size() >= kPayloadHeaderBytes;
}

}  // namespace strata::cli
