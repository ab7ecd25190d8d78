// The journal's on-disk format, version 1: constants, and the encoder and
// decoder of segment headers and frame headers. docs/journal-format.md is the
// specification; this header is its only code-level statement, and nothing
// else in strata hard-codes an offset.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace strata::journal {

// A byte position in the log stream; a record's LSN is the end of its frame.
using Lsn = uint64_t;

inline constexpr std::array<char, 8> kSegmentMagic = {'S', 'T', 'R', 'J',
                                                      'R', 'N', 'L', '1'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 64;
inline constexpr size_t kSegmentHeaderCrcOffset = 60;
inline constexpr uint64_t kSegmentDataOffset = 4096;
inline constexpr size_t kFrameHeaderBytes = 24;
inline constexpr uint32_t kMaxRecordBytes = 64u << 20;
inline constexpr uint16_t kFrameRecord = 1;
inline constexpr uint32_t kUnknownSyncLag = 0xffffffffu;
inline constexpr uint64_t kDefaultSegmentBytes = uint64_t{64} << 20;
// LSNs stay below 2^62, so position arithmetic never wraps.
inline constexpr Lsn kMaxLsn = Lsn{1} << 62;
inline constexpr size_t kDirectAlignment = 4096;

inline constexpr std::string_view kSegmentSuffix = ".journal";
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr std::string_view kCorruptInfix = ".corrupt-";

struct SegmentHeader {
  uint64_t segment_id = 0;
  Lsn base_lsn = 0;
};

struct FrameHeader {
  uint32_t length = 0;
  Lsn start_lsn = 0;
  uint32_t sync_lag = kUnknownSyncLag;
  // The durable frontier the frame claims (start_lsn - sync_lag), if known.
  std::optional<Lsn> claim() const {
    if (sync_lag == kUnknownSyncLag || sync_lag > start_lsn)
      return std::nullopt;
    return start_lsn - sync_lag;
  }
  uint64_t frame_bytes() const { return kFrameHeaderBytes + length; }
};

// "00000000000000000007.journal".
std::string SegmentFileName(uint64_t segment_id);
// The id of a "<20 digits>.journal" name, else nullopt.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);
// "<segment name>.corrupt-<lsn>".
std::string CorruptFileName(uint64_t segment_id, Lsn lsn);

// The 64 meaningful header bytes (the rest of the 4096-byte block is zero).
std::array<std::byte, kSegmentHeaderBytes> EncodeSegmentHeader(
    const SegmentHeader& header);

enum class HeaderError {
  kNone,
  kShort,
  kMagic,
  kVersion,
  kLayout,
  kCrc,
  kRange
};
// Why a segment header is rejected, for messages.
std::string_view HeaderErrorName(HeaderError error);
// Decodes and checks a segment header (at least kSegmentHeaderBytes bytes).
HeaderError DecodeSegmentHeader(std::span<const std::byte> bytes,
                                SegmentHeader* out);

// Sync lag for a frame starting at `start` when `durable` is durable.
uint32_t SyncLag(Lsn start, Lsn durable);

// Writes the 24-byte header, CRC included, for a frame whose payload is
// `payload`, into dst[0, kFrameHeaderBytes).
void EncodeFrame(std::span<std::byte> dst, Lsn start_lsn, uint32_t sync_lag,
                 std::span<const std::byte> payload);

enum class FrameCheck {
  kValid,
  kEndMarker,    // 24 zero bytes
  kTruncated,    // the bytes end before the header or payload does
  kBadLength,    // length above kMaxRecordBytes
  kBadPosition,  // start LSN is not the frame's position
  kBadFlags,     // flags or reserved bits wrong
  kBadCrc,
};
std::string_view FrameCheckName(FrameCheck check);

// Checks the frame that should start at stream position `position`, given
// every byte available from there (`bytes`, possibly more than one frame).
// On kValid fills `out`; the payload is bytes[24, 24 + out->length).
FrameCheck DecodeFrame(std::span<const std::byte> bytes, Lsn position,
                       FrameHeader* out);

}  // namespace strata::journal
