// Batch: frames encoded back to back, waiting to be written with one write.
//
// In direct-I/O mode a batch starts with the bytes of the partial block
// that precedes its first frame (`prefix`), so the batch covers whole
// aligned blocks from `file_offset`; the write rounds its length up to the
// block size with zeros.
//
// Thread-safety: owned by the journal's mutex while open, then by the one
// leader that writes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "strata/core/buffer.h"
#include "strata/journal/format.h"

namespace strata::journal {

class Batch {
 public:
  // A batch for segment `segment_id` (stream base `segment_base`) whose
  // first frame is at stream position `start`; `tail` is the partial block
  // before it (empty unless direct I/O).
  void Reset(uint64_t segment_id, Lsn segment_base, Lsn start,
             std::span<const std::byte> tail, bool opens_segment);

  // Appends one frame for `payload` (sync lag `lag`); returns its end LSN.
  Lsn AddFrame(std::span<const std::byte> payload, uint32_t lag);

  uint64_t segment_id() const { return segment_id_; }
  Lsn segment_base() const { return segment_base_; }
  bool opens_segment() const { return opens_segment_; }
  Lsn start() const { return start_; }
  Lsn end() const { return end_; }
  size_t entries() const { return entries_; }
  size_t frame_bytes() const { return static_cast<size_t>(end_ - start_); }
  bool empty() const { return entries_ == 0; }

  // File offset of bytes()[0].
  uint64_t file_offset() const { return file_offset_; }
  // Prefix and frames (unpadded).
  std::span<const std::byte> bytes() const { return {buffer_.data(), size_}; }
  // What a direct write needs: bytes() zero-padded to a multiple of
  // `alignment` (pads in place).
  std::span<const std::byte> PaddedBytes(size_t alignment);
  // The partial last block (what the next batch must start with).
  std::span<const std::byte> Tail(size_t alignment) const;

 private:
  void Reserve(size_t n);

  Buffer buffer_;
  size_t size_ = 0;
  uint64_t segment_id_ = 0;
  Lsn segment_base_ = 0;
  Lsn start_ = 0;
  Lsn end_ = 0;
  size_t entries_ = 0;
  uint64_t file_offset_ = 0;
  bool opens_segment_ = false;
};

}  // namespace strata::journal
