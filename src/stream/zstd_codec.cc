// zstd frames (docs/stream-formats.md §3.2): compressed frames with content
// size and checksum, hand-built raw frames, one-shot and streaming decoders.
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <string>

#include "stream/compress_codec.h"
#include "stream/compress_format.h"
#include "stream/compress_util.h"

namespace strata::stream {
namespace cf = compress_format;
namespace {

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Status ZstdError(std::string_view what, size_t code) {
  std::string detail = "zstd: ";
  detail += ZSTD_getErrorName(code);
  if (ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge) {
    return ResourceExhaustedError(
        Describe(what, detail + " (over the decompression limit)"));
  }
  return DataLossError(Describe(what, detail));
}

size_t RawFrameBound(size_t n) {
  const size_t blocks = std::max<size_t>(
      1, (n + cf::kZstdMaxRawBlock - 1) / cf::kZstdMaxRawBlock);
  return 4 + 1 + 8 + blocks * 3 + n + 4;
}

// Frame header of a raw frame: single segment (window = content size),
// content checksum, the smallest content-size field. Returns its size.
size_t WriteRawHeader(std::byte* p, uint64_t n) {
  StoreLe32(p, cf::kZstdMagic);
  const int fcs_flag = n < 256           ? 0
                       : n < 65536 + 256 ? 1
                       : n <= UINT32_MAX ? 2
                                         : 3;
  p[4] = static_cast<std::byte>((fcs_flag << 6) | 0x20 | 0x04);
  switch (fcs_flag) {
    case 0:
      p[5] = static_cast<std::byte>(n);
      return 6;
    case 1:
      p[5] = static_cast<std::byte>(n - 256);
      p[6] = static_cast<std::byte>((n - 256) >> 8);
      return 7;
    case 2:
      StoreLe32(p + 5, static_cast<uint32_t>(n));
      return 9;
    default:
      StoreLe64(p + 5, n);
      return 13;
  }
}

class ZstdEncoder final : public FrameEncoder {
 public:
  explicit ZstdEncoder(int level) : cctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel,
                           level == 0 ? 3 : level);
    ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_contentSizeFlag, 1);
  }

  size_t Bound(size_t plain) const override {
    return std::max(ZSTD_compressBound(plain), RawFrameBound(plain));
  }
  bool entropy_coded() const override { return true; }

  Result<EncodedFrame> Compress(ConstSpan plain, MutableSpan dst) override {
    size_t n = ZSTD_compress2(cctx_.get(), dst.data(), dst.size(), plain.data(),
                              plain.size());
    if (ZSTD_isError(n)) {
      return InternalError(Describe("zstd compress", ZSTD_getErrorName(n)));
    }
    return EncodedFrame{n, LoadLe32(dst.data() + n - 4)};
  }

  EncodedFrame StoreRaw(ConstSpan plain, MutableSpan dst) override {
    const uint64_t n = plain.size();
    std::byte* p = dst.data() + WriteRawHeader(dst.data(), n);
    size_t pos = 0;
    do {
      const size_t len = std::min<size_t>(n - pos, cf::kZstdMaxRawBlock);
      const bool last = pos + len == n;
      const uint32_t header =
          (last ? 1u : 0u) | static_cast<uint32_t>(len << 3);
      p[0] = static_cast<std::byte>(header);
      p[1] = static_cast<std::byte>(header >> 8);
      p[2] = static_cast<std::byte>(header >> 16);
      std::copy_n(plain.data() + pos, len, p + 3);
      p += 3 + len;
      pos += len;
    } while (pos < n);
    const uint32_t checksum = FrameChecksum(plain);
    StoreLe32(p, checksum);
    p += 4;
    return EncodedFrame{static_cast<size_t>(p - dst.data()), checksum};
  }

 private:
  std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx_;
};

class ZstdFrameDecoder final : public FrameDecoder {
 public:
  ZstdFrameDecoder() : dctx_(ZSTD_createDCtx()) {}

  Result<std::optional<uint32_t>> Decode(ConstSpan frame, MutableSpan plain,
                                         std::string_view what) override {
    if (frame.size() < 5 || LoadLe32(frame.data()) != cf::kZstdMagic) {
      return DataLossError(Describe(what, "not a zstd frame"));
    }
    if (ZSTD_findFrameCompressedSize(frame.data(), frame.size()) !=
        frame.size()) {
      return DataLossError(
          Describe(what, "zstd frame size differs from the seek table"));
    }
    const unsigned long long content =
        ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != plain.size()) {
      return DataLossError(Describe(
          what, "zstd frame content size differs from the seek table"));
    }
    size_t n = ZSTD_decompressDCtx(dctx_.get(), plain.data(), plain.size(),
                                   frame.data(), frame.size());
    if (ZSTD_isError(n)) return ZstdError(what, n);
    if (n != plain.size()) {
      return DataLossError(
          Describe(what, "zstd frame is shorter than the seek table says"));
    }
    const bool has_checksum = (static_cast<uint8_t>(frame[4]) & 0x04) != 0;
    if (!has_checksum) return std::optional<uint32_t>();
    return std::optional<uint32_t>(LoadLe32(frame.data() + frame.size() - 4));
  }

 private:
  std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx_;
};

class ZstdStreamDecoder final : public StreamDecoder {
 public:
  explicit ZstdStreamDecoder(uint64_t max_window) : dctx_(ZSTD_createDCtx()) {
    int log = 10;
    while (log < 27 && (uint64_t{1} << log) < max_window) ++log;
    ZSTD_DCtx_setParameter(dctx_.get(), ZSTD_d_windowLogMax, log);
  }

  void Reset() override {
    ZSTD_DCtx_reset(dctx_.get(), ZSTD_reset_session_only);
    boundary_ = false;
  }

  Status Decode(ConstSpan& in, MutableSpan& out,
                std::string_view what) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out.data(), out.size(), 0};
    const size_t r = ZSTD_decompressStream(dctx_.get(), &ob, &ib);
    if (ZSTD_isError(r)) return ZstdError(what, r);
    if (ib.pos > 0 || ob.pos > 0) boundary_ = r == 0;
    in = in.subspan(ib.pos);
    out = out.subspan(ob.pos);
    return Status::OK();
  }

  bool at_boundary() const override { return boundary_; }

 private:
  std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx_;
  bool boundary_ = false;
};

}  // namespace

std::unique_ptr<FrameEncoder> NewZstdEncoder(int level) {
  return std::make_unique<ZstdEncoder>(level);
}
std::unique_ptr<FrameDecoder> NewZstdFrameDecoder() {
  return std::make_unique<ZstdFrameDecoder>();
}
std::unique_ptr<StreamDecoder> NewZstdStreamDecoder(uint64_t max_window) {
  return std::make_unique<ZstdStreamDecoder>(max_window);
}

}  // namespace strata::stream
