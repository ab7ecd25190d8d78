// Bitrot protection: a layer that prefixes every `block_size` bytes of its
// stream with their hash, MinIO's streaming-bitrot layout (HighwayHash-256
// with MinIO's key by default, so a shard file written here is a valid
// MinIO part file):
//
//   [hash(block 0)][block 0][hash(block 1)][block 1] ... (last block short)
//
// The reader verifies each block it touches (and only those); a mismatch or
// a short block is kDataLoss naming the path and block index, and other
// blocks stay readable. A whole block read into the caller's buffer is
// verified there; partial reads go through one cached block, so memory is
// one block. The writer hashes whole blocks straight from the caller's
// buffer ([digest][block] in one inner WriteV) and copies only partial ones.
// Used as the "protect" stage of a pipeline; erasure-set shards use the
// same layout (docs/stream-formats.md §6).
//
// Thread-safety: as layer.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/stream/hash.h"
#include "strata/stream/layer.h"

namespace strata::stream {

struct BitrotOptions : LayerOptions {
  BitrotOptions() {}
  HashAlgorithm algorithm = HashAlgorithm::kHighwayHash256;
  size_t block_size = size_t{1} << 20;  // plain bytes per hashed block
};

// The protected size of `plain_size` bytes.
uint64_t BitrotEncodedSize(uint64_t plain_size, const BitrotOptions& options);

Result<std::unique_ptr<fs::File>> NewBitrotWriter(
    std::unique_ptr<fs::File> inner, BitrotOptions options);

// `inner` is read; its size must be a valid encoded size (else kDataLoss).
// kInvalidArgument for block_size 0 or over 256 MiB (writer too).
Task<Result<std::unique_ptr<fs::File>>> OpenBitrotReader(
    std::unique_ptr<fs::File> inner, BitrotOptions options);

}  // namespace strata::stream
