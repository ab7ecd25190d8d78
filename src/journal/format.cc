#include "strata/journal/format.h"

#include <algorithm>
#include <cstring>

#include "strata/core/crc32c.h"

namespace strata::journal {
namespace {

void PutU16(std::byte* p, uint16_t v) {
  for (int i = 0; i < 2; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
void PutU32(std::byte* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
void PutU64(std::byte* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
uint16_t GetU16(const std::byte* p) {
  return static_cast<uint16_t>(std::to_integer<uint16_t>(p[0]) |
                               (std::to_integer<uint16_t>(p[1]) << 8));
}
uint32_t GetU32(const std::byte* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | std::to_integer<uint32_t>(p[i]);
  return v;
}
uint64_t GetU64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<uint64_t>(p[i]);
  return v;
}

constexpr size_t kIdDigits = 20;

bool AllZero(std::span<const std::byte> bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace

std::string SegmentFileName(uint64_t segment_id) {
  std::string digits = std::to_string(segment_id);
  return std::string(kIdDigits - digits.size(), '0') + digits +
         std::string(kSegmentSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kIdDigits + kSegmentSuffix.size() ||
      name.substr(kIdDigits) != kSegmentSuffix) {
    return std::nullopt;
  }
  uint64_t id = 0;
  for (char c : name.substr(0, kIdDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (id > (UINT64_MAX - digit) / 10) return std::nullopt;
    id = id * 10 + digit;
  }
  return id;
}

std::string CorruptFileName(uint64_t segment_id, Lsn lsn) {
  return SegmentFileName(segment_id) + std::string(kCorruptInfix) +
         std::to_string(lsn);
}

std::array<std::byte, kSegmentHeaderBytes> EncodeSegmentHeader(
    const SegmentHeader& header) {
  std::array<std::byte, kSegmentHeaderBytes> out{};
  std::memcpy(out.data(), kSegmentMagic.data(), kSegmentMagic.size());
  PutU32(out.data() + 8, kFormatVersion);
  PutU32(out.data() + 12, static_cast<uint32_t>(kSegmentDataOffset));
  PutU64(out.data() + 16, header.segment_id);
  PutU64(out.data() + 24, header.base_lsn);
  const uint32_t crc =
      Crc32c(std::span<const std::byte>(out.data(), kSegmentHeaderCrcOffset));
  PutU32(out.data() + kSegmentHeaderCrcOffset, MaskCrc(crc));
  return out;
}

std::string_view HeaderErrorName(HeaderError error) {
  switch (error) {
    case HeaderError::kNone:
      return "ok";
    case HeaderError::kShort:
      return "shorter than a segment header";
    case HeaderError::kMagic:
      return "bad magic (not a strata journal segment)";
    case HeaderError::kVersion:
      return "unsupported format version";
    case HeaderError::kLayout:
      return "unexpected data offset or reserved bytes";
    case HeaderError::kCrc:
      return "header checksum mismatch";
    case HeaderError::kRange:
      return "base LSN beyond the maximum (2^62)";
  }
  return "?";
}

HeaderError DecodeSegmentHeader(std::span<const std::byte> bytes,
                                SegmentHeader* out) {
  if (bytes.size() < kSegmentHeaderBytes) return HeaderError::kShort;
  const std::byte* p = bytes.data();
  if (std::memcmp(p, kSegmentMagic.data(), kSegmentMagic.size()) != 0) {
    return HeaderError::kMagic;
  }
  const uint32_t crc = Crc32c(bytes.first(kSegmentHeaderCrcOffset));
  if (UnmaskCrc(GetU32(p + kSegmentHeaderCrcOffset)) != crc) {
    return HeaderError::kCrc;
  }
  if (GetU32(p + 8) != kFormatVersion) return HeaderError::kVersion;
  if (GetU32(p + 12) != kSegmentDataOffset ||
      !AllZero(bytes.subspan(32, kSegmentHeaderCrcOffset - 32))) {
    return HeaderError::kLayout;
  }
  if (GetU64(p + 24) > kMaxLsn) return HeaderError::kRange;
  out->segment_id = GetU64(p + 16);
  out->base_lsn = GetU64(p + 24);
  return HeaderError::kNone;
}

uint32_t SyncLag(Lsn start, Lsn durable) {
  if (durable > start) return 0;
  const uint64_t lag = start - durable;
  return lag >= kUnknownSyncLag ? kUnknownSyncLag : static_cast<uint32_t>(lag);
}

void EncodeFrame(std::span<std::byte> dst, Lsn start_lsn, uint32_t sync_lag,
                 std::span<const std::byte> payload) {
  std::byte* p = dst.data();
  PutU32(p + 4, static_cast<uint32_t>(payload.size()));
  PutU64(p + 8, start_lsn);
  PutU32(p + 16, sync_lag);
  PutU16(p + 20, kFrameRecord);
  PutU16(p + 22, 0);
  uint32_t crc =
      Crc32c(std::span<const std::byte>(p + 4, kFrameHeaderBytes - 4));
  crc = Crc32c(payload, crc);
  PutU32(p, MaskCrc(crc));
}

std::string_view FrameCheckName(FrameCheck check) {
  switch (check) {
    case FrameCheck::kValid:
      return "valid";
    case FrameCheck::kEndMarker:
      return "end marker (zeros)";
    case FrameCheck::kTruncated:
      return "truncated frame";
    case FrameCheck::kBadLength:
      return "record length out of range";
    case FrameCheck::kBadPosition:
      return "frame is not at its recorded position";
    case FrameCheck::kBadFlags:
      return "unknown frame flags";
    case FrameCheck::kBadCrc:
      return "checksum mismatch";
  }
  return "?";
}

FrameCheck DecodeFrame(std::span<const std::byte> bytes, Lsn position,
                       FrameHeader* out) {
  if (bytes.size() < kFrameHeaderBytes) {
    return AllZero(bytes) ? FrameCheck::kEndMarker : FrameCheck::kTruncated;
  }
  const std::byte* p = bytes.data();
  if (AllZero(bytes.first(kFrameHeaderBytes))) return FrameCheck::kEndMarker;
  const uint32_t length = GetU32(p + 4);
  if (length > kMaxRecordBytes) return FrameCheck::kBadLength;
  if (GetU64(p + 8) != position) return FrameCheck::kBadPosition;
  if (GetU16(p + 20) != kFrameRecord || GetU16(p + 22) != 0) {
    return FrameCheck::kBadFlags;
  }
  if (bytes.size() - kFrameHeaderBytes < length) return FrameCheck::kTruncated;
  uint32_t crc =
      Crc32c(std::span<const std::byte>(p + 4, kFrameHeaderBytes - 4));
  crc = Crc32c(bytes.subspan(kFrameHeaderBytes, length), crc);
  if (UnmaskCrc(GetU32(p)) != crc) return FrameCheck::kBadCrc;
  out->length = length;
  out->start_lsn = position;
  out->sync_lag = GetU32(p + 16);
  return FrameCheck::kValid;
}

}  // namespace strata::journal
