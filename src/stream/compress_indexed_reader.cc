// Random access through the seek table: each ReadAt decodes only the frames
// it overlaps; the last decoded frame stays cached, and a read covering a
// whole frame decodes it straight into the caller's buffer.
#include <algorithm>
#include <cstring>
#include <utility>

#include "stream/compress_codec.h"
#include "stream/compress_reader.h"
#include "stream/compress_util.h"
#include "stream/layer_file.h"

namespace strata::stream {

Status PlainLimitError(const ReaderSetup& setup, std::string_view what) {
  std::string detail = "decompressed size exceeds the limit ";
  detail += setup.limit_name;
  return ResourceExhaustedError(Describe(what, detail));
}

namespace {

constexpr size_t kNoFrame = SIZE_MAX;

class IndexedReader final : public LayerFile {
 public:
  IndexedReader(std::unique_ptr<fs::File> inner, ReaderSetup setup,
                SeekTable table)
      : LayerFile(std::string(CodecName(setup.codec)), Mode::kRead,
                  std::move(inner)),
        setup_(std::move(setup)),
        table_(std::move(table)),
        decoder_(NewFrameDecoder(setup_.codec)) {}

 protected:
  Task<Result<size_t>> DoReadAt(fs::MutableBytes dst, uint64_t offset) override;
  Task<Result<uint64_t>> DoSize() override { co_return table_.plain_size(); }

 private:
  Task<Status> DecodeFrame(size_t index, MutableSpan plain);
  Status Verify(size_t index, std::optional<uint32_t> vouched, ConstSpan plain,
                const std::string& what) const;

  ReaderSetup setup_;
  SeekTable table_;
  std::unique_ptr<FrameDecoder> decoder_;
  Buffer compressed_;
  Buffer cache_;
  size_t cached_ = kNoFrame;
};

Status IndexedReader::Verify(size_t index, std::optional<uint32_t> vouched,
                             ConstSpan plain, const std::string& what) const {
  if (!table_.has_checksums) return Status::OK();
  const uint32_t want = table_.entries[index].checksum;
  const uint32_t got = vouched ? *vouched : FrameChecksum(plain);
  if (got == want) return Status::OK();
  return DataLossError(Describe(what, "checksum differs from the seek table"));
}

Task<Status> IndexedReader::DecodeFrame(size_t index, MutableSpan plain) {
  const SeekEntry& entry = table_.entries[index];
  const uint64_t at = table_.compressed_offsets[index];
  std::string what = Context("read");
  what += " frame ";
  what += std::to_string(index);
  what += " at compressed offset ";
  what += std::to_string(at);
  EnsureBuffer(compressed_, entry.compressed_size, setup_.pool);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                             co_await inner().ReadAt(compressed_.span(), at));
  if (got != entry.compressed_size) {
    co_return DataLossError(Describe(what, "file is truncated"));
  }
  Result<std::optional<uint32_t>> vouched =
      decoder_->Decode(compressed_.span(), plain, what);
  Status verified =
      vouched.ok() ? Verify(index, *vouched, plain, what) : vouched.status();
  // Never leave bytes that failed their checksum in the caller's buffer.
  if (!verified.ok()) std::memset(plain.data(), 0, plain.size());
  co_return verified;
}

Task<Result<size_t>> IndexedReader::DoReadAt(fs::MutableBytes dst,
                                             uint64_t offset) {
  const uint64_t size = table_.plain_size();
  if (offset >= size) co_return size_t{0};
  const size_t n =
      static_cast<size_t>(std::min<uint64_t>(dst.size(), size - offset));
  size_t done = 0;
  while (done < n) {
    const uint64_t pos = offset + done;
    const size_t index = table_.FrameAt(pos);
    const size_t plain = table_.entries[index].plain_size;
    const size_t in_frame =
        static_cast<size_t>(pos - table_.plain_offsets[index]);
    const size_t take = std::min(plain - in_frame, n - done);
    if (index != cached_ && take == plain) {
      STRATA_CO_RETURN_IF_ERROR(
          co_await DecodeFrame(index, dst.subspan(done, plain)));
    } else {
      if (index != cached_) {
        cached_ = kNoFrame;
        EnsureBuffer(cache_, plain, setup_.pool);
        STRATA_CO_RETURN_IF_ERROR(co_await DecodeFrame(index, cache_.span()));
        cached_ = index;
      }
      std::memcpy(dst.data() + done, cache_.data() + in_frame, take);
    }
    done += take;
  }
  co_return n;
}

}  // namespace

std::unique_ptr<fs::File> MakeIndexedReader(std::unique_ptr<fs::File> inner,
                                            ReaderSetup setup,
                                            SeekTable table) {
  return std::make_unique<IndexedReader>(std::move(inner), std::move(setup),
                                         std::move(table));
}

}  // namespace strata::stream
