// OpenErasureSetReader: probes every shard's header (and trailer), takes the
// shape most shards agree on, and marks the others missing.
#include <string>
#include <utility>
#include <vector>

#include "strata/core/when_all.h"
#include "stream/erasure_set_reader.h"

namespace strata::stream {
namespace {

struct Probe {
  bool valid = false;
  ShardHeader header;  // object size resolved (from the trailer if needed)
  bool trailer = false;
  uint64_t file_size = 0;
};

Task<Result<std::array<std::byte, kShardHeaderSize>>> ReadHeaderAt(
    fs::File& file, uint64_t offset) {
  std::array<std::byte, kShardHeaderSize> bytes;
  STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await file.ReadAt(bytes, offset));
  if (n != bytes.size()) co_return DataLossError(file.path() + ": short");
  co_return bytes;
}

Task<Probe> ProbeShard(fs::File* file, size_t index) {
  Probe probe;
  if (file == nullptr) co_return probe;
  Result<uint64_t> size = co_await file->Size();
  if (!size.ok() || *size < kShardHeaderSize) co_return probe;
  probe.file_size = *size;
  auto head_bytes = co_await ReadHeaderAt(*file, 0);
  if (!head_bytes.ok()) co_return probe;
  std::optional<ShardHeader> head = DecodeShardHeader(*head_bytes);
  if (!head || head->shard_index != index) co_return probe;
  if (head->object_size == kUnknownObjectSize) {
    if (*size < 2 * kShardHeaderSize) co_return probe;
    auto tail_bytes = co_await ReadHeaderAt(*file, *size - kShardHeaderSize);
    if (!tail_bytes.ok()) co_return probe;
    std::optional<ShardHeader> tail = DecodeShardHeader(*tail_bytes);
    if (!tail || tail->shard_index != index ||
        tail->object_size == kUnknownObjectSize) {
      co_return probe;
    }
    head->object_size = tail->object_size;
    if (!head->SameShape(*tail)) co_return probe;
    probe.trailer = true;
  }
  probe.header = *head;
  probe.valid = true;
  co_return probe;
}

// Index of the probe whose shape most valid probes share, or -1.
int MajorityShape(const std::vector<Probe>& probes) {
  int best = -1;
  int best_votes = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    if (!probes[i].valid) continue;
    int votes = 0;
    for (const Probe& p : probes) {
      if (p.valid && p.header.SameShape(probes[i].header)) ++votes;
    }
    if (votes > best_votes) {
      best = static_cast<int>(i);
      best_votes = votes;
    }
  }
  return best;
}

std::string SetName(const std::vector<std::unique_ptr<fs::File>>& shards) {
  std::string out = "erasure set ";
  for (const auto& shard : shards) {
    if (shard != nullptr) return out + shard->path();
  }
  return out + "(no shard files)";
}

// Marks usable shards and fills the report; kDataLoss when fewer than k.
Status ChooseShards(const std::vector<Probe>& probes, ErasureSetState* state) {
  const int best = MajorityShape(probes);
  if (best < 0) return DataLossError(state->path + ": no valid shard header");
  const ShardHeader& shape = probes[best].header;
  const size_t n = size_t{shape.data_shards} + shape.parity_shards;
  if (probes.size() != n) {
    std::string message = state->path;
    message += ": headers describe ";
    message += std::to_string(n);
    message += " shards, got ";
    message += std::to_string(probes.size());
    return DataLossError(std::move(message));
  }
  const size_t digest = DigestSize(static_cast<HashAlgorithm>(shape.hash));
  state->shape = shape;
  state->usable.assign(n, false);
  size_t usable = 0;
  for (size_t i = 0; i < n; ++i) {
    const Probe& p = probes[i];
    const bool ok = p.valid && p.header.SameShape(shape) &&
                    p.file_size == ShardFileSize(shape, digest, p.trailer);
    state->usable[i] = ok;
    if (ok) ++usable;
    if (!ok) state->report.missing_shards.insert(static_cast<int>(i));
  }
  if (usable < shape.data_shards) {
    std::string message = state->path;
    message += ": only ";
    message += std::to_string(usable);
    message += " usable shards, need ";
    message += std::to_string(shape.data_shards);
    return DataLossError(std::move(message));
  }
  return Status::OK();
}

}  // namespace

Task<Result<std::unique_ptr<ErasureSetReader>>> OpenErasureSetReader(
    std::vector<std::unique_ptr<fs::File>> shards, LayerOptions options) {
  (void)options;
  ErasureSetState state;
  state.path = SetName(shards);
  std::vector<Task<Probe>> tasks;
  for (size_t i = 0; i < shards.size(); ++i) {
    tasks.push_back(ProbeShard(shards[i].get(), i));
  }
  std::vector<Probe> probes = co_await WhenAll(std::move(tasks));
  STRATA_CO_RETURN_IF_ERROR(ChooseShards(probes, &state));
  STRATA_CO_ASSIGN_OR_RETURN(
      state.rs,
      ReedSolomon::Create(state.shape.data_shards, state.shape.parity_shards));
  state.shards = std::move(shards);
  co_return NewErasureSetReaderImpl(std::move(state));
}

}  // namespace strata::stream
