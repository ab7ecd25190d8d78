// LZ4 frames (docs/stream-formats.md §3.3): LZ4F frames with independent
// blocks, content size and content checksum; hand-built frames of
// uncompressed blocks; one-shot and streaming decoders.
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4frame.h>
#include <xxhash.h>

#include <algorithm>
#include <string>

#include "stream/compress_codec.h"
#include "stream/compress_format.h"
#include "stream/compress_util.h"

namespace strata::stream {
namespace cf = compress_format;
namespace {

struct CCtxFree {
  void operator()(LZ4F_cctx* c) const { LZ4F_freeCompressionContext(c); }
};
struct DCtxFree {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};

Status Lz4Error(std::string_view what, size_t code) {
  std::string detail = "lz4: ";
  detail += LZ4F_getErrorName(code);
  return DataLossError(Describe(what, detail));
}

size_t RawFrameBound(size_t n) {
  const size_t blocks = (n + cf::kLz4MaxBlock - 1) / cf::kLz4MaxBlock;
  return 4 + 2 + 8 + 1 + blocks * 4 + n + 4 + 4;
}

class Lz4Encoder final : public FrameEncoder {
 public:
  explicit Lz4Encoder(int level) {
    LZ4F_cctx* c = nullptr;
    LZ4F_createCompressionContext(&c, LZ4F_VERSION);
    cctx_.reset(c);
    prefs_.frameInfo.blockSizeID = LZ4F_max4MB;
    prefs_.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs_.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs_.compressionLevel = level == 0 ? 1 : level;
  }

  size_t Bound(size_t plain) const override {
    LZ4F_preferences_t p = prefs_;
    p.frameInfo.contentSize = plain;
    return std::max(LZ4F_compressFrameBound(plain, &p), RawFrameBound(plain));
  }
  bool entropy_coded() const override { return false; }

  Result<EncodedFrame> Compress(ConstSpan plain, MutableSpan dst) override {
    LZ4F_preferences_t p = prefs_;
    p.frameInfo.contentSize = plain.size();
    size_t n =
        LZ4F_compressFrame_usingCDict(cctx_.get(), dst.data(), dst.size(),
                                      plain.data(), plain.size(), nullptr, &p);
    if (LZ4F_isError(n)) {
      return InternalError(Describe("lz4 compress", LZ4F_getErrorName(n)));
    }
    return EncodedFrame{n, FrameChecksum(plain)};
  }

  EncodedFrame StoreRaw(ConstSpan plain, MutableSpan dst) override {
    std::byte* p = dst.data();
    StoreLe32(p, cf::kLz4Magic);
    p[4] = std::byte{0x6C};  // version 01, independent, size, checksum
    p[5] = std::byte{0x70};  // 4 MiB blocks
    StoreLe64(p + 6, plain.size());
    p[14] = static_cast<std::byte>((XXH32(p + 4, 10, 0) >> 8) & 0xff);
    p += 15;
    for (size_t pos = 0; pos < plain.size();) {
      const size_t len = std::min(plain.size() - pos, cf::kLz4MaxBlock);
      StoreLe32(p, static_cast<uint32_t>(len) | 0x80000000u);
      std::copy_n(plain.data() + pos, len, p + 4);
      p += 4 + len;
      pos += len;
    }
    StoreLe32(p, 0);  // end mark
    StoreLe32(p + 4, XXH32(plain.data(), plain.size(), 0));
    p += 8;
    return EncodedFrame{static_cast<size_t>(p - dst.data()),
                        FrameChecksum(plain)};
  }

 private:
  std::unique_ptr<LZ4F_cctx, CCtxFree> cctx_;
  LZ4F_preferences_t prefs_ = LZ4F_INIT_PREFERENCES;
};

LZ4F_dctx* NewDctx() {
  LZ4F_dctx* d = nullptr;
  LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
  return d;
}

class Lz4FrameDecoder final : public FrameDecoder {
 public:
  Lz4FrameDecoder() : dctx_(NewDctx()) {}

  Result<std::optional<uint32_t>> Decode(ConstSpan frame, MutableSpan plain,
                                         std::string_view what) override {
    if (frame.size() < 4 || LoadLe32(frame.data()) != cf::kLz4Magic) {
      return DataLossError(Describe(what, "not an lz4 frame"));
    }
    LZ4F_resetDecompressionContext(dctx_.get());
    size_t hint = 1;
    while (hint != 0) {
      size_t in_n = frame.size(), out_n = plain.size();
      hint = LZ4F_decompress(dctx_.get(), plain.data(), &out_n, frame.data(),
                             &in_n, nullptr);
      if (LZ4F_isError(hint)) return Lz4Error(what, hint);
      frame = frame.subspan(in_n);
      plain = plain.subspan(out_n);
      if (hint != 0 && in_n == 0 && out_n == 0) {
        return DataLossError(
            Describe(what, "lz4 frame size differs from the seek table"));
      }
    }
    if (!frame.empty() || !plain.empty()) {
      return DataLossError(
          Describe(what, "lz4 frame sizes differ from the seek table"));
    }
    return std::optional<uint32_t>();
  }

 private:
  std::unique_ptr<LZ4F_dctx, DCtxFree> dctx_;
};

class Lz4StreamDecoder final : public StreamDecoder {
 public:
  Lz4StreamDecoder() : dctx_(NewDctx()) {}

  void Reset() override {
    LZ4F_resetDecompressionContext(dctx_.get());
    boundary_ = false;
  }

  Status Decode(ConstSpan& in, MutableSpan& out,
                std::string_view what) override {
    size_t in_n = in.size(), out_n = out.size();
    const size_t hint = LZ4F_decompress(dctx_.get(), out.data(), &out_n,
                                        in.data(), &in_n, nullptr);
    if (LZ4F_isError(hint)) return Lz4Error(what, hint);
    if (in_n > 0 || out_n > 0) boundary_ = hint == 0;
    in = in.subspan(in_n);
    out = out.subspan(out_n);
    return Status::OK();
  }

  bool at_boundary() const override { return boundary_; }

 private:
  std::unique_ptr<LZ4F_dctx, DCtxFree> dctx_;
  bool boundary_ = false;
};

}  // namespace

std::unique_ptr<FrameEncoder> NewLz4Encoder(int level) {
  return std::make_unique<Lz4Encoder>(level);
}
std::unique_ptr<FrameDecoder> NewLz4FrameDecoder() {
  return std::make_unique<Lz4FrameDecoder>();
}
std::unique_ptr<StreamDecoder> NewLz4StreamDecoder() {
  return std::make_unique<Lz4StreamDecoder>();
}

}  // namespace strata::stream
