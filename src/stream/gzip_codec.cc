// gzip members (docs/stream-formats.md §3.4): deflate members through zlib,
// hand-built members of stored blocks (CRC by ISA-L), one-shot and
// streaming (multi-member) decoders.
#include <isa-l.h>
#include <zlib.h>

#include <algorithm>
#include <string>

#include "stream/compress_codec.h"
#include "stream/compress_util.h"

namespace strata::stream {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // gzip wrapper only
constexpr size_t kMaxStored = 65535;

Status ZlibError(std::string_view what, const z_stream& z, int code) {
  std::string detail = "gzip: ";
  detail += z.msg != nullptr ? z.msg : zError(code);
  return DataLossError(Describe(what, detail));
}

size_t StoredBound(size_t n) {
  const size_t blocks = std::max<size_t>(1, (n + kMaxStored - 1) / kMaxStored);
  return 10 + blocks * 5 + n + 8;
}

class GzipEncoder final : public FrameEncoder {
 public:
  explicit GzipEncoder(int level) {
    deflateInit2(&z_, level == 0 ? 6 : level, Z_DEFLATED, kGzipWindowBits, 8,
                 Z_DEFAULT_STRATEGY);
  }
  ~GzipEncoder() override { deflateEnd(&z_); }

  size_t Bound(size_t plain) const override {
    return std::max<size_t>(deflateBound(&z_, plain), StoredBound(plain));
  }
  bool entropy_coded() const override { return true; }

  Result<EncodedFrame> Compress(ConstSpan plain, MutableSpan dst) override {
    deflateReset(&z_);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(plain.data()));
    z_.avail_in = static_cast<uInt>(plain.size());
    z_.next_out = reinterpret_cast<Bytef*>(dst.data());
    z_.avail_out = static_cast<uInt>(dst.size());
    int r = deflate(&z_, Z_FINISH);
    if (r != Z_STREAM_END) {
      return InternalError(Describe("gzip compress", zError(r)));
    }
    return EncodedFrame{dst.size() - z_.avail_out, FrameChecksum(plain)};
  }

  EncodedFrame StoreRaw(ConstSpan plain, MutableSpan dst) override {
    static constexpr uint8_t kHeader[10] = {0x1f, 0x8b, 8, 0, 0,
                                            0,    0,    0, 0, 0xff};
    std::byte* p = dst.data();
    std::copy_n(reinterpret_cast<const std::byte*>(kHeader), 10, p);
    p += 10;
    size_t pos = 0;
    do {
      const size_t len = std::min(plain.size() - pos, kMaxStored);
      p[0] = std::byte{pos + len == plain.size() ? uint8_t{1} : uint8_t{0}};
      p[1] = static_cast<std::byte>(len);
      p[2] = static_cast<std::byte>(len >> 8);
      p[3] = static_cast<std::byte>(~len);
      p[4] = static_cast<std::byte>(~len >> 8);
      std::copy_n(plain.data() + pos, len, p + 5);
      p += 5 + len;
      pos += len;
    } while (pos < plain.size());
    const auto* data = reinterpret_cast<const unsigned char*>(plain.data());
    StoreLe32(p, crc32_gzip_refl(0, data, plain.size()));
    StoreLe32(p + 4, static_cast<uint32_t>(plain.size()));
    p += 8;
    return EncodedFrame{static_cast<size_t>(p - dst.data()),
                        FrameChecksum(plain)};
  }

 private:
  mutable z_stream z_{};  // deflateBound takes a non-const stream
};

class GzipFrameDecoder final : public FrameDecoder {
 public:
  GzipFrameDecoder() { inflateInit2(&z_, kGzipWindowBits); }
  ~GzipFrameDecoder() override { inflateEnd(&z_); }

  Result<std::optional<uint32_t>> Decode(ConstSpan frame, MutableSpan plain,
                                         std::string_view what) override {
    inflateReset(&z_);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(frame.data()));
    z_.avail_in = static_cast<uInt>(frame.size());
    z_.next_out = reinterpret_cast<Bytef*>(plain.data());
    z_.avail_out = static_cast<uInt>(plain.size());
    int r = inflate(&z_, Z_FINISH);
    if (r == Z_STREAM_END && z_.avail_in == 0 && z_.avail_out == 0) {
      return std::optional<uint32_t>();
    }
    if (r == Z_DATA_ERROR || r == Z_MEM_ERROR) return ZlibError(what, z_, r);
    return DataLossError(
        Describe(what, "gzip member sizes differ from the seek table"));
  }

 private:
  z_stream z_{};
};

class GzipStreamDecoder final : public StreamDecoder {
 public:
  GzipStreamDecoder() { inflateInit2(&z_, kGzipWindowBits); }
  ~GzipStreamDecoder() override { inflateEnd(&z_); }

  void Reset() override {
    inflateReset(&z_);
    boundary_ = false;
  }

  Status Decode(ConstSpan& in, MutableSpan& out,
                std::string_view what) override {
    if (boundary_ && !in.empty()) {
      inflateReset(&z_);  // the next member
      boundary_ = false;
    }
    if (boundary_) return Status::OK();
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
    z_.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(std::min<size_t>(out.size(), 1u << 30));
    const uInt in_before = z_.avail_in, out_before = z_.avail_out;
    int r = inflate(&z_, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
      return ZlibError(what, z_, r);
    }
    boundary_ = r == Z_STREAM_END;
    in = in.subspan(in_before - z_.avail_in);
    out = out.subspan(out_before - z_.avail_out);
    return Status::OK();
  }

  bool at_boundary() const override { return boundary_; }

 private:
  z_stream z_{};
  bool boundary_ = false;
};

}  // namespace

std::unique_ptr<FrameEncoder> NewGzipEncoder(int level) {
  return std::make_unique<GzipEncoder>(level);
}
std::unique_ptr<FrameDecoder> NewGzipFrameDecoder() {
  return std::make_unique<GzipFrameDecoder>();
}
std::unique_ptr<StreamDecoder> NewGzipStreamDecoder() {
  return std::make_unique<GzipStreamDecoder>();
}

}  // namespace strata::stream
