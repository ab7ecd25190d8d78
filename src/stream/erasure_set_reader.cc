// ErasureSetReaderImpl: decodes the stripe blocks a read touches, reading
// the k data shards first and parity shards only for the ones that are
// missing, truncated or fail their hash; keeps the last decoded block.
#include "stream/erasure_set_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "strata/core/when_all.h"

namespace strata::stream {
namespace {

enum class ShardRead { kOk, kCorrupt, kMissing };

class ErasureSetReaderImpl final : public ErasureSetReader {
 public:
  explicit ErasureSetReaderImpl(ErasureSetState state)
      : s_(std::move(state)),
        k_(s_.shape.data_shards),
        n_(k_ + s_.shape.parity_shards),
        algorithm_(static_cast<HashAlgorithm>(s_.shape.hash)),
        digests_(n_ * DigestSize(algorithm_)) {
    layout_.block_size = s_.shape.ShardBlockSize();
    layout_.digest_size = DigestSize(algorithm_);
  }

  HealReport heal_report() const override { return s_.report; }
  const std::string& path() const override { return s_.path; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options) override;
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options) override {
    size_t total = 0;
    for (fs::MutableBytes dst : dsts) {
      STRATA_CO_ASSIGN_OR_RETURN(size_t n,
                                 co_await ReadAt(dst, offset + total, options));
      total += n;
      if (n < dst.size()) break;
    }
    co_return total;
  }
  Task<Status> Write(fs::ConstBytes, const fs::IoOptions&) override {
    co_return Refuse("write");
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes>,
                      const fs::IoOptions&) override {
    co_return Refuse("write");
  }
  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    co_return Refuse("write");
  }
  Task<Status> Sync() override { co_return Refuse("sync"); }
  Task<Result<uint64_t>> Size() override {
    if (closed_) co_return Refuse("size");
    co_return s_.shape.object_size;
  }
  Task<Status> Close() override { co_return co_await Release(false); }
  Task<Status> Abort() override { co_return co_await Release(true); }

 private:
  Status Refuse(const char* op) const {
    std::string message = "erasure-set ";
    message += op;
    message += ' ';
    message += s_.path;
    message += closed_ ? ": closed" : ": opened for reading";
    return FailedPreconditionError(std::move(message));
  }
  uint64_t BlockLength(uint64_t index) const {
    const uint64_t size = s_.shape.object_size;
    return std::min<uint64_t>(s_.shape.block_size,
                              size - index * s_.shape.block_size);
  }

  Task<Status> Release(bool abort);
  Task<Status> DecodeBlock(uint64_t index);
  Task<ShardRead> ReadShard(size_t shard, uint64_t index, fs::MutableBytes out);
  // Reads `shards` of block `index` into `slots` concurrently, marking
  // `present` and the heal report. Returns how many were good.
  Task<size_t> ReadShards(std::vector<size_t> shards, uint64_t index,
                          std::vector<fs::MutableBytes> slots,
                          std::array<bool, 256>* present);
  Status Rebuild(uint64_t index, size_t s, std::array<bool, 256>& present);

  ErasureSetState s_;
  size_t k_;
  size_t n_;
  HashAlgorithm algorithm_;
  BitrotLayout layout_;
  std::vector<std::byte> digests_;  // one per shard, for reads in flight
  std::vector<std::byte> data_;     // k data shards of the cached block
  std::vector<std::byte> spare_;    // parity shards read for reconstruction
  std::array<int, 256> slot_of_{};  // parity shard -> spare_ slot
  uint64_t cached_ = ~uint64_t{0};
  bool closed_ = false;
};

Task<Result<size_t>> ErasureSetReaderImpl::ReadAt(
    fs::MutableBytes dst, uint64_t offset, const fs::IoOptions& options) {
  if (closed_) co_return Refuse("read");
  if (options.stop.stop_requested()) {
    co_return CancelledError(s_.path + ": read cancelled");
  }
  const uint64_t size = s_.shape.object_size;
  if (offset >= size || dst.empty()) co_return size_t{0};
  const size_t want =
      static_cast<size_t>(std::min<uint64_t>(dst.size(), size - offset));
  size_t done = 0;
  while (done < want) {
    const uint64_t pos = offset + done;
    const uint64_t index = pos / s_.shape.block_size;
    const size_t in_block = pos % s_.shape.block_size;
    const size_t n =
        std::min<size_t>(BlockLength(index) - in_block, want - done);
    STRATA_CO_RETURN_IF_ERROR(co_await DecodeBlock(index));
    std::memcpy(dst.data() + done, data_.data() + in_block, n);
    done += n;
  }
  co_return want;
}

Task<ShardRead> ErasureSetReaderImpl::ReadShard(size_t shard, uint64_t index,
                                                fs::MutableBytes out) {
  const size_t d = layout_.digest_size;
  const std::array<fs::MutableBytes, 2> parts = {
      fs::MutableBytes(digests_).subspan(shard * d, d), out};
  const uint64_t at = kShardHeaderSize + layout_.BlockOffset(index);
  Result<size_t> n = co_await s_.shards[shard]->ReadV(parts, at);
  if (!n.ok() || *n != d + out.size()) co_return ShardRead::kMissing;
  const Digest digest = HashBytes(algorithm_, out);
  if (digest.size() != d ||
      std::memcmp(digest.data(), digests_.data() + shard * d, d) != 0) {
    co_return ShardRead::kCorrupt;
  }
  co_return ShardRead::kOk;
}

Task<size_t> ErasureSetReaderImpl::ReadShards(
    std::vector<size_t> shards, uint64_t index,
    std::vector<fs::MutableBytes> slots, std::array<bool, 256>* present) {
  std::vector<Task<ShardRead>> tasks;
  for (size_t i = 0; i < shards.size(); ++i) {
    tasks.push_back(ReadShard(shards[i], index, slots[i]));
  }
  std::vector<ShardRead> results = co_await WhenAll(std::move(tasks));
  size_t good = 0;
  for (size_t i = 0; i < shards.size(); ++i) {
    const int shard = static_cast<int>(shards[i]);
    if (results[i] == ShardRead::kOk) {
      (*present)[shard] = true;
      ++good;
    } else if (results[i] == ShardRead::kCorrupt) {
      s_.report.corrupt_shards.insert(shard);
    } else {
      s_.report.missing_shards.insert(shard);
      s_.usable[shard] = false;  // unreadable: do not try it again
    }
  }
  co_return good;
}

Task<Status> ErasureSetReaderImpl::DecodeBlock(uint64_t index) {
  if (index == cached_) co_return Status::OK();
  cached_ = ~uint64_t{0};
  const size_t s = (BlockLength(index) + k_ - 1) / k_;
  if (data_.size() < k_ * s) data_.resize(k_ * s);
  std::array<bool, 256> present{};
  std::vector<size_t> shards;
  std::vector<fs::MutableBytes> slots;
  for (size_t i = 0; i < k_; ++i) {
    if (!s_.usable[i]) continue;
    shards.push_back(i);
    slots.push_back(fs::MutableBytes(data_).subspan(i * s, s));
  }
  size_t good = co_await ReadShards(shards, index, slots, &present);
  // Parity shards, as many at a time as are still needed, into free slots
  // of spare_ (at most min(k, m) ever hold a good shard).
  const size_t slots_total = std::min(k_, n_ - k_);
  if (good < k_ && spare_.size() < slots_total * s) {
    spare_.resize(slots_total * s);
  }
  std::array<bool, 256> slot_taken{};
  size_t next = k_;
  while (good < k_ && next < n_) {
    shards.clear();
    slots.clear();
    size_t slot = 0;
    for (; next < n_ && shards.size() < k_ - good; ++next) {
      if (!s_.usable[next]) continue;
      while (slot_taken[slot]) ++slot;
      slot_of_[next] = static_cast<int>(slot);
      shards.push_back(next);
      slots.push_back(fs::MutableBytes(spare_).subspan(slot * s, s));
      ++slot;
    }
    good += co_await ReadShards(shards, index, slots, &present);
    for (size_t shard : shards) {
      if (present[shard]) slot_taken[slot_of_[shard]] = true;
    }
  }
  STRATA_CO_RETURN_IF_ERROR(Rebuild(index, s, present));
  cached_ = index;
  co_return Status::OK();
}

Status ErasureSetReaderImpl::Rebuild(uint64_t index, size_t s,
                                     std::array<bool, 256>& present) {
  size_t good = 0;
  bool data_missing = false;
  for (size_t i = 0; i < n_; ++i) {
    if (present[i]) ++good;
    if (i < k_ && !present[i]) data_missing = true;
  }
  if (!data_missing) return Status::OK();
  if (good < k_) {
    std::string message = s_.path;
    message += ": block ";
    message += std::to_string(index);
    message += ": only ";
    message += std::to_string(good);
    message += " shards readable, need ";
    message += std::to_string(k_);
    return DataLossError(std::move(message));
  }
  std::array<fs::MutableBytes, 256> spans;
  for (size_t i = 0; i < n_; ++i) {
    if (i < k_) {
      spans[i] = fs::MutableBytes(data_).subspan(i * s, s);
    } else if (present[i]) {
      spans[i] = fs::MutableBytes(spare_).subspan(slot_of_[i] * s, s);
    }
  }
  STRATA_RETURN_IF_ERROR(s_.rs->Reconstruct(
      std::span(spans.data(), n_), std::span(present.data(), n_), true));
  ++s_.report.blocks_reconstructed;
  return Status::OK();
}

Task<Status> ErasureSetReaderImpl::Release(bool abort) {
  if (closed_) co_return Status::OK();
  closed_ = true;
  std::vector<Task<Status>> tasks;
  for (auto& shard : s_.shards) {
    if (shard == nullptr) continue;
    tasks.push_back(abort ? shard->Abort() : shard->Close());
  }
  std::vector<Status> results = co_await WhenAll(std::move(tasks));
  for (const Status& st : results) {
    if (!st.ok()) co_return st;
  }
  co_return Status::OK();
}

}  // namespace

std::unique_ptr<ErasureSetReader> NewErasureSetReaderImpl(
    ErasureSetState state) {
  return std::make_unique<ErasureSetReaderImpl>(std::move(state));
}

}  // namespace strata::stream
