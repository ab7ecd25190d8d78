#include "stream/compress_codec.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace strata::stream {
namespace {

constexpr size_t kSampleBytes = 4096;

// Fraction of the sample an order-0 entropy coder could save.
double EntropySaving(std::span<const ConstSpan> samples) {
  std::array<uint32_t, 256> counts{};
  size_t total = 0;
  for (ConstSpan s : samples) {
    for (std::byte b : s) ++counts[static_cast<uint8_t>(b)];
    total += s.size();
  }
  if (total == 0) return 0;
  double bits = 0;
  for (uint32_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / static_cast<double>(total);
    bits -= p * std::log2(p);
  }
  return 1.0 - bits / 8.0;
}

double Lz4Saving(std::span<const ConstSpan> samples) {
  std::array<char, LZ4_COMPRESSBOUND(kSampleBytes)> out;
  size_t in = 0, compressed = 0;
  for (ConstSpan s : samples) {
    int n = LZ4_compress_default(reinterpret_cast<const char*>(s.data()),
                                 out.data(), static_cast<int>(s.size()),
                                 static_cast<int>(out.size()));
    in += s.size();
    compressed += n > 0 ? static_cast<size_t>(n) : s.size();
  }
  if (in == 0) return 0;
  return 1.0 - static_cast<double>(compressed) / static_cast<double>(in);
}

}  // namespace

Status ValidateLevel(Codec codec, int level) {
  int lo = 0, hi = 0;
  switch (codec) {
    case Codec::kZstd:
      lo = ZSTD_minCLevel(), hi = ZSTD_maxCLevel();
      break;
    case Codec::kLz4:
    case Codec::kAuto:  // must suit both lz4 and zstd
      lo = 1, hi = 12;
      break;
    case Codec::kGzip:
      lo = 1, hi = 9;
      break;
  }
  if (level == 0 || (level >= lo && level <= hi)) return Status::OK();
  std::string msg = "compress: level ";
  msg += std::to_string(level);
  msg += " out of range for ";
  msg += CodecName(codec);
  return InvalidArgumentError(std::move(msg));
}

std::unique_ptr<FrameEncoder> NewFrameEncoder(Codec codec, int level) {
  switch (codec) {
    case Codec::kLz4:
      return NewLz4Encoder(level);
    case Codec::kGzip:
      return NewGzipEncoder(level);
    default:
      return NewZstdEncoder(level);
  }
}

std::unique_ptr<FrameDecoder> NewFrameDecoder(Codec codec) {
  switch (codec) {
    case Codec::kLz4:
      return NewLz4FrameDecoder();
    case Codec::kGzip:
      return NewGzipFrameDecoder();
    default:
      return NewZstdFrameDecoder();
  }
}

std::unique_ptr<StreamDecoder> NewStreamDecoder(Codec codec,
                                                uint64_t max_window) {
  switch (codec) {
    case Codec::kLz4:
      return NewLz4StreamDecoder();
    case Codec::kGzip:
      return NewGzipStreamDecoder();
    default:
      return NewZstdStreamDecoder(max_window);
  }
}

bool LooksCompressible(ConstSpan block, double min_saving, bool entropy_coded) {
  if (block.empty()) return false;
  std::array<ConstSpan, 3> samples;
  size_t count = 0;
  if (block.size() <= 3 * kSampleBytes) {
    for (size_t pos = 0; pos < block.size(); pos += kSampleBytes) {
      samples[count++] =
          block.subspan(pos, std::min(kSampleBytes, block.size() - pos));
    }
  } else {
    samples[count++] = block.first(kSampleBytes);
    samples[count++] =
        block.subspan(block.size() / 2 - kSampleBytes / 2, kSampleBytes);
    samples[count++] = block.last(kSampleBytes);
  }
  std::span<const ConstSpan> used(samples.data(), count);
  if (Lz4Saving(used) >= min_saving) return true;
  return entropy_coded && EntropySaving(used) >= min_saving;
}

Result<EncodedFrame> EncodeBlock(FrameEncoder& encoder, ConstSpan block,
                                 MutableSpan dst, double min_saving) {
  if (!LooksCompressible(block, min_saving, encoder.entropy_coded())) {
    return encoder.StoreRaw(block, dst);
  }
  STRATA_ASSIGN_OR_RETURN(EncodedFrame frame, encoder.Compress(block, dst));
  const double limit = static_cast<double>(block.size()) * (1.0 - min_saving);
  if (static_cast<double>(frame.size) > limit) {
    return encoder.StoreRaw(block, dst);
  }
  return frame;
}

}  // namespace strata::stream
