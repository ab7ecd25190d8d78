// ErasureSet: a stream striped across k data + m parity shard files in
// blocks (1 MiB by default, MinIO's erasure block). Each block is split into
// k equal data shards (zero-padded), m parity shards are computed
// (erasure.h), and shard i of every block is appended to shard file i in the
// bitrot layout (bitrot.h), after a small self-describing header repeated in
// every shard file and, because the writer learns the size only at Close,
// a trailer with the object size (docs/stream-formats.md §7). Reads survive
// any m shard files missing, truncated or corrupted, reconstructing what
// they need, and report which shards were healed. A read touches only the
// stripe blocks its range covers, reading k shard blocks of each (parity
// only in place of failed data shards); memory is about two stripe blocks.
//
// Thread-safety: as layer.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/stream/hash.h"
#include "strata/stream/layer.h"

namespace strata::stream {

struct ErasureSetOptions : LayerOptions {
  ErasureSetOptions() {}
  int data_shards = 4;
  int parity_shards = 2;
  size_t block_size = size_t{1} << 20;
  HashAlgorithm bitrot = HashAlgorithm::kHighwayHash256;
};

// What a reader found wrong and repaired (in memory) so far.
struct HealReport {
  std::set<int> missing_shards;  // file absent, unreadable or bad header
  std::set<int> corrupt_shards;  // at least one block failed its hash
  uint64_t blocks_reconstructed = 0;
};

class ErasureSetReader : public fs::File {
 public:
  virtual HealReport heal_report() const = 0;
};

// A writer over k+m shard files (each empty, open for write; shards.size()
// must equal k+m, none null). Each full block is encoded and appended to
// all shards concurrently; Close writes the last block and every shard's
// trailer and closes them all (on failure it aborts them). kInvalidArgument
// for a bad shape, block size (1 .. 256 MiB) or shard count.
Result<std::unique_ptr<fs::File>> NewErasureSetWriter(
    std::vector<std::unique_ptr<fs::File>> shards, ErasureSetOptions options);

// Bytes at the start of every shard file that describe the set.
inline constexpr size_t kErasureShardHeaderSize = 64;

// The number of shard files (k + m) of the set a shard belongs to, from the
// first kErasureShardHeaderSize bytes of that shard file; std::nullopt when
// they are not a valid shard header. Lets a caller that found some shard
// files size the vector for OpenErasureSetReader.
std::optional<int> ErasureSetShardCount(std::span<const std::byte> header);

// A reader over the shard files in index order; a missing shard is nullptr.
// Shape (k, m, block size, size) comes from the shards' headers (the
// majority that agree); kDataLoss when fewer than k shards are usable.
// Reads return kDataLoss naming the stripe block when fewer than k of its
// shard blocks verify. heal_report() grows as reads find damage.
Task<Result<std::unique_ptr<ErasureSetReader>>> OpenErasureSetReader(
    std::vector<std::unique_ptr<fs::File>> shards, LayerOptions options = {});

}  // namespace strata::stream
