// ErasureSetWriter: buffers one stripe block, encodes it (erasure.h) and
// appends [digest][shard] to every shard file concurrently.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "strata/core/when_all.h"
#include "strata/stream/erasure.h"
#include "strata/stream/erasure_set.h"
#include "stream/bitrot_format.h"
#include "stream/erasure_set_format.h"

namespace strata::stream {
namespace {

Status FirstError(const std::vector<Status>& results) {
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::OK();
}

class ErasureSetWriter final : public fs::File {
 public:
  ErasureSetWriter(std::vector<std::unique_ptr<fs::File>> shards,
                   ErasureSetOptions options, std::unique_ptr<ReedSolomon> rs)
      : shards_(std::move(shards)),
        options_(std::move(options)),
        rs_(std::move(rs)),
        shard_block_((options_.block_size + options_.data_shards - 1) /
                     options_.data_shards),
        digest_size_(DigestSize(options_.bitrot)),
        digests_(shards_.size() * digest_size_) {
    for (size_t i = 0; i < shards_.size(); ++i) {
      heads_.push_back(Header(i, kUnknownObjectSize));
    }
  }

  const std::string& path() const override { return shards_[0]->path(); }

  Task<Result<size_t>> ReadAt(fs::MutableBytes, uint64_t,
                              const fs::IoOptions&) override {
    co_return Refuse("read");
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes>, uint64_t,
                             const fs::IoOptions&) override {
    co_return Refuse("read");
  }
  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    co_return Refuse("write at");
  }
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Check("write", options));
    Status s = co_await Append(src);
    if (!s.ok()) error_ = s;
    if (s.ok()) written_ += src.size();
    co_return s;
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Check("write", options));
    for (fs::ConstBytes src : srcs) {
      Status s = co_await Append(src);
      if (!s.ok()) {
        error_ = s;
        co_return s;
      }
      written_ += src.size();
    }
    co_return Status::OK();
  }
  Task<Status> Sync() override {
    STRATA_CO_RETURN_IF_ERROR(Check("sync", fs::IoOptions()));
    std::vector<Task<Status>> tasks;
    for (auto& shard : shards_) tasks.push_back(shard->Sync());
    co_return FirstError(co_await WhenAll(std::move(tasks)));
  }
  Task<Result<uint64_t>> Size() override { co_return written_; }
  Task<Status> Close() override;
  Task<Status> Abort() override;

 private:
  Status Refuse(const char* op) const {
    return FailedPreconditionError(Context(op) + ": opened for writing");
  }
  std::string Context(const char* op) const {
    std::string out = "erasure-set ";
    out += op;
    out += ' ';
    out += path();
    return out;
  }
  Status Check(const char* op, const fs::IoOptions& options) const {
    if (closed_) return FailedPreconditionError(Context(op) + ": closed");
    if (options.stop.stop_requested()) {
      return CancelledError(Context(op) + ": cancelled");
    }
    return error_;
  }
  size_t block_size() const { return options_.block_size; }

  Task<Status> Append(fs::ConstBytes src);
  Task<Status> EncodeBlock(fs::ConstBytes block);
  Task<Status> WriteShard(size_t i, bool with_header, fs::ConstBytes digest,
                          fs::ConstBytes shard);
  Task<Status> WriteTail(size_t i, bool with_header);
  Task<Status> Finish();
  std::array<std::byte, kShardHeaderSize> Header(size_t i, uint64_t size) const;

  std::vector<std::unique_ptr<fs::File>> shards_;
  ErasureSetOptions options_;
  std::unique_ptr<ReedSolomon> rs_;
  size_t shard_block_;
  size_t digest_size_;
  std::vector<std::byte> pending_;  // a partial stripe block
  std::vector<std::byte> stripe_;   // padded data shards + parity shards
  std::vector<std::byte> digests_;  // one digest per shard
  std::vector<std::array<std::byte, kShardHeaderSize>> heads_;  // per shard
  uint64_t written_ = 0;
  bool headers_written_ = false;
  bool closed_ = false;
  Status error_;
};

std::array<std::byte, kShardHeaderSize> ErasureSetWriter::Header(
    size_t i, uint64_t size) const {
  ShardHeader h;
  h.hash = static_cast<uint8_t>(options_.bitrot);
  h.data_shards = static_cast<uint16_t>(options_.data_shards);
  h.parity_shards = static_cast<uint16_t>(options_.parity_shards);
  h.shard_index = static_cast<uint16_t>(i);
  h.block_size = static_cast<uint32_t>(options_.block_size);
  h.object_size = size;
  return EncodeShardHeader(h);
}

Task<Status> ErasureSetWriter::Append(fs::ConstBytes src) {
  while (!src.empty()) {
    if (pending_.empty() && src.size() >= block_size()) {
      STRATA_CO_RETURN_IF_ERROR(co_await EncodeBlock(src.first(block_size())));
      src = src.subspan(block_size());
      continue;
    }
    if (pending_.capacity() < block_size()) pending_.reserve(block_size());
    const size_t take = std::min(block_size() - pending_.size(), src.size());
    pending_.insert(pending_.end(), src.begin(), src.begin() + take);
    src = src.subspan(take);
    if (pending_.size() == block_size()) {
      STRATA_CO_RETURN_IF_ERROR(co_await EncodeBlock(pending_));
      pending_.clear();
    }
  }
  co_return Status::OK();
}

Task<Status> ErasureSetWriter::EncodeBlock(fs::ConstBytes block) {
  const size_t k = options_.data_shards;
  const size_t n = shards_.size();
  const size_t s = (block.size() + k - 1) / k;
  if (stripe_.size() < n * shard_block_) stripe_.resize(n * shard_block_);
  std::array<fs::ConstBytes, 256> data;
  std::array<fs::MutableBytes, 256> parity;
  if (block.size() != k * s) {  // pad: copy into the stripe buffer
    std::memcpy(stripe_.data(), block.data(), block.size());
    std::memset(stripe_.data() + block.size(), 0, k * s - block.size());
    block = fs::ConstBytes(stripe_).first(k * s);
  }
  for (size_t i = 0; i < k; ++i) data[i] = block.subspan(i * s, s);
  for (size_t j = 0; j < n - k; ++j) {
    parity[j] = fs::MutableBytes(stripe_).subspan((k + j) * shard_block_, s);
  }
  STRATA_CO_RETURN_IF_ERROR(
      rs_->Encode(std::span(data.data(), k), std::span(parity.data(), n - k)));
  std::vector<Task<Status>> tasks;
  for (size_t i = 0; i < n; ++i) {
    fs::ConstBytes shard = i < k ? data[i] : fs::ConstBytes(parity[i - k]);
    Digest d = HashBytes(options_.bitrot, shard);
    std::memcpy(digests_.data() + i * digest_size_, d.data(), digest_size_);
    tasks.push_back(WriteShard(
        i, !headers_written_,
        fs::ConstBytes(digests_).subspan(i * digest_size_, digest_size_),
        shard));
  }
  headers_written_ = true;
  co_return FirstError(co_await WhenAll(std::move(tasks)));
}

Task<Status> ErasureSetWriter::WriteShard(size_t i, bool with_header,
                                          fs::ConstBytes digest,
                                          fs::ConstBytes shard) {
  std::array<fs::ConstBytes, 3> parts;
  size_t count = 0;
  if (with_header) parts[count++] = heads_[i];
  parts[count++] = digest;
  parts[count++] = shard;
  co_return co_await shards_[i]->WriteV(std::span(parts.data(), count));
}

Task<Status> ErasureSetWriter::WriteTail(size_t i, bool with_header) {
  const std::array<std::byte, kShardHeaderSize> trailer = Header(i, written_);
  std::array<fs::ConstBytes, 2> parts;
  size_t count = 0;
  if (with_header) parts[count++] = heads_[i];
  parts[count++] = trailer;
  co_return co_await shards_[i]->WriteV(std::span(parts.data(), count));
}

// The last partial block, then every shard's trailer.
Task<Status> ErasureSetWriter::Finish() {
  STRATA_CO_RETURN_IF_ERROR(error_);
  if (!pending_.empty()) {
    STRATA_CO_RETURN_IF_ERROR(co_await EncodeBlock(pending_));
    pending_.clear();
  }
  std::vector<Task<Status>> tasks;
  for (size_t i = 0; i < shards_.size(); ++i) {
    tasks.push_back(WriteTail(i, !headers_written_));
  }
  headers_written_ = true;
  co_return FirstError(co_await WhenAll(std::move(tasks)));
}

Task<Status> ErasureSetWriter::Close() {
  if (closed_) co_return Status::OK();
  Status s = co_await Finish();
  if (!s.ok()) {
    (co_await Abort()).IgnoreError();
    co_return s;
  }
  closed_ = true;
  std::vector<Task<Status>> tasks;
  for (auto& shard : shards_) tasks.push_back(shard->Close());
  co_return FirstError(co_await WhenAll(std::move(tasks)));
}

Task<Status> ErasureSetWriter::Abort() {
  if (closed_) co_return Status::OK();
  closed_ = true;
  std::vector<Task<Status>> tasks;
  for (auto& shard : shards_) tasks.push_back(shard->Abort());
  co_return FirstError(co_await WhenAll(std::move(tasks)));
}

Status ValidateWriter(const std::vector<std::unique_ptr<fs::File>>& shards,
                      const ErasureSetOptions& options) {
  const int n = options.data_shards + options.parity_shards;
  if (options.block_size == 0 || options.block_size > kMaxStripeBlockSize) {
    return InvalidArgumentError(
        "erasure set: block_size must be between 1 and 256 MiB");
  }
  if (shards.size() != static_cast<size_t>(n)) {
    std::string message = "erasure set: got ";
    message += std::to_string(shards.size());
    message += " shard files for ";
    message += std::to_string(n);
    message += " shards";
    return InvalidArgumentError(std::move(message));
  }
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i] == nullptr) {
      std::string message = "erasure set: shard file ";
      message += std::to_string(i);
      message += " is null";
      return InvalidArgumentError(std::move(message));
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<fs::File>> NewErasureSetWriter(
    std::vector<std::unique_ptr<fs::File>> shards, ErasureSetOptions options) {
  STRATA_ASSIGN_OR_RETURN(
      std::unique_ptr<ReedSolomon> rs,
      ReedSolomon::Create(options.data_shards, options.parity_shards));
  STRATA_RETURN_IF_ERROR(ValidateWriter(shards, options));
  STRATA_RETURN_IF_ERROR(NewHasher(options.bitrot).status());
  return std::unique_ptr<fs::File>(new ErasureSetWriter(
      std::move(shards), std::move(options), std::move(rs)));
}

}  // namespace strata::stream
