#include "journal/segment_cursor.h"

#include <algorithm>
#include <cstring>

namespace strata::journal {
namespace {

uint64_t LoadU64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<uint64_t>(p[i]);
  return v;
}

uint32_t LoadU32(const std::byte* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | std::to_integer<uint32_t>(p[i]);
  return v;
}

constexpr size_t kZeroBlock = 64;
constexpr size_t kZeroSkip = kZeroBlock - 16;

bool ZeroBlockAt(const std::vector<std::byte>& bytes, size_t i) {
  static constexpr std::byte kZeros[kZeroBlock] = {};
  return i + kZeroBlock <= bytes.size() &&
         std::memcmp(bytes.data() + i, kZeros, kZeroBlock) == 0;
}

// Reads [offset, offset + n) (short only at end of file).
Task<Result<std::vector<std::byte>>> ReadRange(fs::File& file, uint64_t offset,
                                               uint64_t n) {
  std::vector<std::byte> out(n);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await file.ReadAt(out, offset));
  out.resize(got);
  co_return out;
}

// A valid frame at stream position `pos` (file offset `off`)? Reads it.
Task<Result<std::optional<FrameHeader>>> ProbeFrame(fs::File& file, Lsn pos,
                                                    uint64_t off, uint64_t end,
                                                    uint32_t length) {
  std::optional<FrameHeader> none;
  const uint64_t frame = kFrameHeaderBytes + uint64_t{length};
  if (length > kMaxRecordBytes || off + frame > end) co_return none;
  STRATA_CO_ASSIGN_OR_RETURN(auto bytes, co_await ReadRange(file, off, frame));
  FrameHeader header;
  if (DecodeFrame(bytes, pos, &header) != FrameCheck::kValid) co_return none;
  co_return header;
}

}  // namespace

SegmentCursor::SegmentCursor(fs::File* file, Lsn base_lsn, uint64_t limit)
    : file_(file), base_(base_lsn), limit_(limit) {}

std::span<const std::byte> SegmentCursor::View(uint64_t n) const {
  const uint64_t start = offset_ - window_offset_;
  const uint64_t have = window_.size() - start;
  return std::span<const std::byte>(window_).subspan(start, std::min(n, have));
}

Task<Status> SegmentCursor::Fill(uint64_t n) {
  n = std::min(n, limit_ - offset_);
  const bool inside = offset_ >= window_offset_ &&
                      offset_ + n <= window_offset_ + window_.size();
  if (inside) co_return Status::OK();
  const uint64_t want =
      std::min(std::max<uint64_t>(n, kReadWindowBytes), limit_ - offset_);
  window_.resize(want);
  window_offset_ = offset_;
  STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                             co_await file_->ReadAt(window_, offset_));
  window_.resize(got);
  if (got < want) limit_ = offset_ + got;  // the file is shorter than expected
  co_return Status::OK();
}

Task<Result<FrameCheck>> SegmentCursor::Next(FrameHeader* header) {
  payload_ = {};
  if (at_limit()) co_return FrameCheck::kEndMarker;
  STRATA_CO_RETURN_IF_ERROR(co_await Fill(kFrameHeaderBytes));
  auto head = View(kFrameHeaderBytes);
  if (head.size() == kFrameHeaderBytes) {
    const uint32_t length = LoadU32(head.data() + 4);
    if (length <= kMaxRecordBytes) {
      STRATA_CO_RETURN_IF_ERROR(
          co_await Fill(kFrameHeaderBytes + uint64_t{length}));
    }
  }
  auto view = View(limit_ - offset_);
  FrameCheck check = DecodeFrame(view, position(), header);
  if (check == FrameCheck::kValid) {
    payload_ = view.subspan(kFrameHeaderBytes, header->length);
    offset_ += header->frame_bytes();
  }
  co_return check;
}

Task<Result<TailScan>> ScanTail(fs::File& file, Lsn base_lsn, uint64_t from,
                                uint64_t end) {
  TailScan scan;
  scan.nonzero_end = from;
  // Windows overlap by one frame header so no candidate is missed.
  uint64_t off = from;
  while (off < end) {
    const uint64_t n =
        std::min<uint64_t>(kReadWindowBytes + kFrameHeaderBytes, end - off);
    STRATA_CO_ASSIGN_OR_RETURN(auto bytes, co_await ReadRange(file, off, n));
    if (bytes.empty()) break;
    const size_t step = std::min<size_t>(bytes.size(), kReadWindowBytes);
    for (size_t i = 0; i < step; ++i) {
      if (ZeroBlockAt(bytes, i)) {
        // No candidate in [i, i + 48) has a non-zero position field, and
        // only the journal's very first frame has position 0.
        i += kZeroSkip - 1;
        continue;
      }
      if (bytes[i] != std::byte{0}) {
        scan.nonzero_end = std::max(scan.nonzero_end, off + i + 1);
      }
      if (i + 16 > bytes.size()) continue;
      const Lsn pos = base_lsn + (off + i - kSegmentDataOffset);
      if (LoadU64(bytes.data() + i + 8) != pos) continue;
      const uint32_t length = LoadU32(bytes.data() + i + 4);
      STRATA_CO_ASSIGN_OR_RETURN(
          auto frame, co_await ProbeFrame(file, pos, off + i, end, length));
      if (!frame) continue;
      ++scan.valid_frames;
      if (auto claim = frame->claim()) {
        scan.max_claim = std::max(scan.max_claim.value_or(0), *claim);
      }
    }
    for (size_t i = step; i < bytes.size(); ++i) {
      if (bytes[i] != std::byte{0}) {
        scan.nonzero_end = std::max(scan.nonzero_end, off + i + 1);
      }
    }
    off += step;
  }
  co_return scan;
}

}  // namespace strata::journal
