#include "journal/batch.h"

#include <algorithm>
#include <cstring>

namespace strata::journal {
namespace {

constexpr size_t kInitialCapacity = size_t{64} << 10;

}  // namespace

void Batch::Reset(uint64_t segment_id, Lsn segment_base, Lsn start,
                  std::span<const std::byte> tail, bool opens_segment) {
  segment_id_ = segment_id;
  segment_base_ = segment_base;
  start_ = end_ = start;
  entries_ = 0;
  opens_segment_ = opens_segment;
  file_offset_ = kSegmentDataOffset + (start - segment_base) - tail.size();
  size_ = 0;
  Reserve(tail.size());
  if (!tail.empty()) std::memcpy(buffer_.data(), tail.data(), tail.size());
  size_ = tail.size();
}

void Batch::Reserve(size_t n) {
  if (buffer_.capacity() >= n && buffer_.data() != nullptr) {
    buffer_.resize(buffer_.capacity());
    return;
  }
  size_t capacity = std::max(kInitialCapacity, buffer_.capacity());
  while (capacity < n) capacity *= 2;
  Buffer bigger = Buffer::Allocate(capacity, kDirectAlignment);
  if (size_ > 0) std::memcpy(bigger.data(), buffer_.data(), size_);
  buffer_ = std::move(bigger);
}

Lsn Batch::AddFrame(std::span<const std::byte> payload, uint32_t lag) {
  const size_t frame = kFrameHeaderBytes + payload.size();
  // Room for the frame plus padding to the next block.
  Reserve(size_ + frame + kDirectAlignment);
  std::byte* at = buffer_.data() + size_;
  EncodeFrame(std::span<std::byte>(at, kFrameHeaderBytes), end_, lag, payload);
  if (!payload.empty()) {
    std::memcpy(at + kFrameHeaderBytes, payload.data(), payload.size());
  }
  size_ += frame;
  end_ += frame;
  ++entries_;
  return end_;
}

std::span<const std::byte> Batch::PaddedBytes(size_t alignment) {
  const size_t padded = (size_ + alignment - 1) / alignment * alignment;
  Reserve(padded);
  std::memset(buffer_.data() + size_, 0, padded - size_);
  return {buffer_.data(), padded};
}

std::span<const std::byte> Batch::Tail(size_t alignment) const {
  const size_t partial = (file_offset_ + size_) % alignment;
  return {buffer_.data() + size_ - partial, partial};
}

}  // namespace strata::journal
