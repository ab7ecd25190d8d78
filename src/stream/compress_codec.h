// Per-codec frame encoders and decoders behind one small interface, used by
// the compression writer and readers (docs/stream-formats.md §3.2–3.4):
//
//  - FrameEncoder turns one block into one independent frame/member, either
//    compressed or stored raw (still a valid frame of the codec);
//  - FrameDecoder decodes one whole frame of known plain size (indexed
//    reads);
//  - StreamDecoder decodes concatenated frames incrementally (files without
//    a seek table), skipping skippable frames / following gzip members.
//
// Each object owns its library context and reuses it across frames.
// Thread-safety: none; one object per reader/writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "strata/core/result.h"
#include "strata/stream/compress.h"

namespace strata::stream {

using ConstSpan = std::span<const std::byte>;
using MutableSpan = std::span<std::byte>;

struct EncodedFrame {
  size_t size = 0;        // bytes of the frame in dst
  uint32_t checksum = 0;  // low 32 bits of XXH64 of the plain bytes
};

class FrameEncoder {
 public:
  virtual ~FrameEncoder() = default;
  // Upper bound of a frame (compressed or raw) of `plain` bytes.
  virtual size_t Bound(size_t plain) const = 0;
  // Whether the codec entropy-codes literals (order-0 redundancy pays).
  virtual bool entropy_coded() const = 0;
  // `dst` holds at least Bound(plain.size()) bytes.
  virtual Result<EncodedFrame> Compress(ConstSpan plain, MutableSpan dst) = 0;
  virtual EncodedFrame StoreRaw(ConstSpan plain, MutableSpan dst) = 0;
};

class FrameDecoder {
 public:
  virtual ~FrameDecoder() = default;
  // Decodes the whole frame `frame` into exactly `plain` (kDataLoss naming
  // `what` otherwise). Returns the §3.1 checksum the frame itself verified
  // (zstd content checksum), or nullopt if the caller must compute it.
  virtual Result<std::optional<uint32_t>> Decode(ConstSpan frame,
                                                 MutableSpan plain,
                                                 std::string_view what) = 0;
};

class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Back to the start of a stream.
  virtual void Reset() = 0;
  // Decodes from `in` into `out`, dropping the consumed / produced prefixes
  // from the spans. kDataLoss naming `what` for corrupt input.
  virtual Status Decode(ConstSpan& in, MutableSpan& out,
                        std::string_view what) = 0;
  // True when the input so far ends exactly at a frame/member end.
  virtual bool at_boundary() const = 0;
};

// Levels: 0 means the codec's default. kInvalidArgument when out of range.
Status ValidateLevel(Codec codec, int level);

// `codec` is kZstd, kLz4 or kGzip.
std::unique_ptr<FrameEncoder> NewFrameEncoder(Codec codec, int level);
std::unique_ptr<FrameDecoder> NewFrameDecoder(Codec codec);
// `max_window` bounds the history a decoder may allocate.
std::unique_ptr<StreamDecoder> NewStreamDecoder(Codec codec,
                                                uint64_t max_window);

std::unique_ptr<FrameEncoder> NewZstdEncoder(int level);
std::unique_ptr<FrameDecoder> NewZstdFrameDecoder();
std::unique_ptr<StreamDecoder> NewZstdStreamDecoder(uint64_t max_window);
std::unique_ptr<FrameEncoder> NewLz4Encoder(int level);
std::unique_ptr<FrameDecoder> NewLz4FrameDecoder();
std::unique_ptr<StreamDecoder> NewLz4StreamDecoder();
std::unique_ptr<FrameEncoder> NewGzipEncoder(int level);
std::unique_ptr<FrameDecoder> NewGzipFrameDecoder();
std::unique_ptr<StreamDecoder> NewGzipStreamDecoder();

// The sample test: whether compressing `block` looks worth trying, from
// up to three 4 KiB samples (an LZ4 pass, and for entropy-coding codecs an
// order-0 entropy estimate). Costs a few microseconds per block.
bool LooksCompressible(ConstSpan block, double min_saving, bool entropy_coded);

// The adaptive block encoding: raw unless the sample test passes and the
// compressed frame saves at least `min_saving` of the block.
Result<EncodedFrame> EncodeBlock(FrameEncoder& encoder, ConstSpan block,
                                 MutableSpan dst, double min_saving);

}  // namespace strata::stream
