#include "stream/compress_writer.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "stream/compress_codec.h"
#include "stream/compress_util.h"
#include "stream/layer_file.h"
#include "stream/seek_table.h"

namespace strata::stream {
namespace {

class CompressWriter final : public LayerFile {
 public:
  CompressWriter(std::unique_ptr<fs::File> inner,
                 const CompressOptions& options)
      : LayerFile(std::string(CodecName(options.codec)), Mode::kWrite,
                  std::move(inner)),
        options_(options),
        codec_(options.codec) {}

 protected:
  Task<Status> DoWrite(fs::ConstBytes src) override;
  Task<Status> DoClose() override;

 private:
  void PrepareEncoder(fs::ConstBytes sample);
  Task<Status> EmitBlock(fs::ConstBytes block);

  CompressOptions options_;
  Codec codec_;
  std::unique_ptr<FrameEncoder> encoder_;
  Buffer pending_;  // a partial block (capacity block_size)
  size_t pending_size_ = 0;
  Buffer out_;  // one encoded frame
  std::vector<SeekEntry> entries_;
};

// kAuto: zstd for data that compresses, lz4 (cheapest raw path) otherwise.
void CompressWriter::PrepareEncoder(fs::ConstBytes sample) {
  if (codec_ == Codec::kAuto) {
    codec_ = LooksCompressible(sample, options_.min_saving, true) ? Codec::kZstd
                                                                  : Codec::kLz4;
  }
  encoder_ = NewFrameEncoder(codec_, options_.level);
  EnsureBuffer(out_, encoder_->Bound(options_.block_size), options_.pool);
}

Task<Status> CompressWriter::EmitBlock(fs::ConstBytes block) {
  if (!encoder_) PrepareEncoder(block);
  STRATA_CO_ASSIGN_OR_RETURN(
      EncodedFrame frame,
      EncodeBlock(*encoder_, block, out_.span(), options_.min_saving));
  SeekEntry entry;
  entry.compressed_size = static_cast<uint32_t>(frame.size);
  entry.plain_size = static_cast<uint32_t>(block.size());
  entry.checksum = frame.checksum;
  entries_.push_back(entry);
  fs::ConstBytes bytes(out_.data(), frame.size);
  co_return co_await inner().Write(bytes);
}

Task<Status> CompressWriter::DoWrite(fs::ConstBytes src) {
  const size_t block = options_.block_size;
  while (!src.empty()) {
    if (pending_size_ == 0 && src.size() >= block) {
      // A whole block straight from the caller's buffer, no copy.
      STRATA_CO_RETURN_IF_ERROR(co_await EmitBlock(src.first(block)));
      src = src.subspan(block);
      continue;
    }
    if (pending_.capacity() < block)
      EnsureBuffer(pending_, block, options_.pool);
    const size_t take = std::min(block - pending_size_, src.size());
    std::memcpy(pending_.data() + pending_size_, src.data(), take);
    pending_size_ += take;
    src = src.subspan(take);
    if (pending_size_ == block) {
      pending_size_ = 0;
      STRATA_CO_RETURN_IF_ERROR(
          co_await EmitBlock(fs::ConstBytes(pending_.data(), block)));
    }
  }
  co_return Status::OK();
}

Task<Status> CompressWriter::DoClose() {
  if (pending_size_ > 0 || entries_.empty()) {
    fs::ConstBytes last(pending_.data(), pending_size_);
    pending_size_ = 0;
    STRATA_CO_RETURN_IF_ERROR(co_await EmitBlock(last));
  }
  pending_ = Buffer();
  out_ = Buffer();
  if (!options_.seek_table) co_return Status::OK();
  std::vector<std::byte> table = EncodeSeekTable(entries_);
  if (codec_ == Codec::kGzip) table = EncodeGzipIndex(table);
  co_return co_await inner().Write(table);
}

}  // namespace

std::unique_ptr<fs::File> MakeCompressWriter(std::unique_ptr<fs::File> inner,
                                             const CompressOptions& options) {
  return std::make_unique<CompressWriter>(std::move(inner), options);
}

}  // namespace strata::stream
