// Reading without a seek table (docs/stream-formats.md §3.5): one streaming
// decoder over the whole file; the last decoded chunk is kept, reads ahead
// of it decode forward, reads before it restart from offset 0.
#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "stream/compress_codec.h"
#include "stream/compress_reader.h"
#include "stream/compress_util.h"
#include "stream/layer_file.h"

namespace strata::stream {
namespace {

constexpr size_t kInputChunk = size_t{64} << 10;
constexpr size_t kOutputChunk = size_t{256} << 10;
constexpr uint64_t kMinWindow = uint64_t{8} << 20;

class StreamReader final : public LayerFile {
 public:
  StreamReader(std::unique_ptr<fs::File> inner, ReaderSetup setup)
      : LayerFile(std::string(CodecName(setup.codec)), Mode::kRead,
                  std::move(inner)),
        setup_(std::move(setup)),
        decoder_(NewStreamDecoder(setup_.codec,
                                  std::max(setup_.plain_limit, kMinWindow))) {}

 protected:
  Task<Result<size_t>> DoReadAt(fs::MutableBytes dst, uint64_t offset) override;
  Task<Result<uint64_t>> DoSize() override;

 private:
  void Restart();
  Task<Status> FillInput();
  Status DecodeStep(MutableSpan& out, const std::string& what);
  Task<Status> NextChunk();
  uint64_t out_end() const { return out_start_ + out_len_; }

  ReaderSetup setup_;
  std::unique_ptr<StreamDecoder> decoder_;
  Buffer in_buf_;
  ConstSpan in_;         // undecoded part of in_buf_
  uint64_t in_pos_ = 0;  // compressed offset of the next read
  bool in_eof_ = false;
  Buffer out_buf_;  // plain [out_start_, out_start_ + out_len_)
  uint64_t out_start_ = 0;
  size_t out_len_ = 0;
  bool eof_ = false;  // the decoder reached the end cleanly
  std::optional<uint64_t> size_;
};

void StreamReader::Restart() {
  decoder_->Reset();
  in_ = {};
  in_pos_ = 0;
  in_eof_ = false;
  out_start_ = 0;
  out_len_ = 0;
  eof_ = false;
}

Task<Status> StreamReader::FillInput() {
  EnsureBuffer(in_buf_, kInputChunk, setup_.pool);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                             co_await inner().ReadAt(in_buf_.span(), in_pos_));
  in_pos_ += got;
  in_eof_ = got == 0;
  in_ = ConstSpan(in_buf_.data(), got);
  co_return Status::OK();
}

// One decoder call; detects the clean end, truncation and a stuck decoder.
Status StreamReader::DecodeStep(MutableSpan& out, const std::string& what) {
  const size_t in_before = in_.size(), out_before = out.size();
  STRATA_RETURN_IF_ERROR(decoder_->Decode(in_, out, what));
  if (in_.size() != in_before || out.size() != out_before) return Status::OK();
  if (!in_.empty()) {
    return DataLossError(Describe(what, "decoder stalled, compressed offset ",
                                  in_pos_ - in_.size()));
  }
  if (!decoder_->at_boundary()) {
    return DataLossError(Describe(what, "file is truncated mid-frame"));
  }
  eof_ = true;
  return Status::OK();
}

Task<Status> StreamReader::NextChunk() {
  const std::string what = Context("read");
  out_start_ += out_len_;
  out_len_ = 0;
  EnsureBuffer(out_buf_, kOutputChunk, setup_.pool);
  MutableSpan out = out_buf_.span();
  while (!out.empty() && !eof_) {
    if (in_.empty() && !in_eof_)
      STRATA_CO_RETURN_IF_ERROR(co_await FillInput());
    STRATA_CO_RETURN_IF_ERROR(DecodeStep(out, what));
  }
  const size_t decoded = out_buf_.size() - out.size();
  // Over the limit: start over, so a retry decodes (and fails) again instead
  // of serving bytes past the limit from the buffer, or taking the stopped
  // decoder's position for the end of the stream.
  if (out_start_ + decoded > setup_.plain_limit) {
    Restart();
    co_return PlainLimitError(setup_, what);
  }
  out_len_ = decoded;
  if (eof_) size_ = out_end();
  co_return Status::OK();
}

Task<Result<size_t>> StreamReader::DoReadAt(fs::MutableBytes dst,
                                            uint64_t offset) {
  if (offset < out_start_) Restart();
  size_t done = 0;
  while (done < dst.size()) {
    const uint64_t pos = offset + done;
    if (pos >= out_start_ && pos < out_end()) {
      const size_t at = static_cast<size_t>(pos - out_start_);
      const size_t take = std::min(out_len_ - at, dst.size() - done);
      std::memcpy(dst.data() + done, out_buf_.data() + at, take);
      done += take;
      continue;
    }
    if (eof_) break;
    STRATA_CO_RETURN_IF_ERROR(co_await NextChunk());
  }
  co_return done;
}

Task<Result<uint64_t>> StreamReader::DoSize() {
  while (!size_) STRATA_CO_RETURN_IF_ERROR(co_await NextChunk());
  co_return *size_;
}

}  // namespace

std::unique_ptr<fs::File> MakeStreamReader(std::unique_ptr<fs::File> inner,
                                           ReaderSetup setup) {
  return std::make_unique<StreamReader>(std::move(inner), std::move(setup));
}

}  // namespace strata::stream
