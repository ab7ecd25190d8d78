// Merkle tree over fixed-size blocks of a byte stream (SHA-256), for
// verifying a ranged read against one trusted root without the rest of the
// stream.
//
// Leaves are H(0x00 ++ block) over blocks of `block_size` bytes (the last may
// be short; an empty stream has one empty leaf). Inner nodes are
// H(0x01 ++ left ++ right); a level with an odd count promotes its last node
// unchanged (RFC 6962 style, no duplication, so no second-preimage games).
// The root binds the shape too: H(0x02 ++ le64(total_size) ++
// le64(block_size) ++ top node), so a proof cannot be replayed against a
// different stream length. The exact layout is in docs/stream-formats.md.
//
// Thread-safety: MerkleBuilder is single-owner; the functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "strata/core/result.h"
#include "strata/stream/hash.h"

namespace strata::stream {

using MerkleHash = std::array<std::byte, 32>;

// A proof that blocks [first, first + count) belong to the tree: the sibling
// hashes needed to recompute the root, in the order VerifyMerkleRange
// consumes them.
struct MerkleProof {
  uint64_t first_block = 0;
  uint64_t block_count = 0;
  std::vector<MerkleHash> siblings;
};

// Feeds the stream incrementally; keeps every leaf hash (32 bytes per block)
// so proofs can be produced after Finish.
class MerkleBuilder {
 public:
  // `block_size` > 0 (a programming error otherwise aborts).
  explicit MerkleBuilder(size_t block_size);

  void Update(std::span<const std::byte> data);
  // Completes the tree and returns the root (again on later calls); later
  // Updates are programming errors.
  MerkleHash Finish();

  size_t block_size() const { return block_size_; }
  uint64_t block_count() const;
  uint64_t total_size() const { return total_size_; }

  // After Finish: a proof for blocks [first, first + count). kOutOfRange
  // when the range is empty or past the last block; kFailedPrecondition
  // before Finish.
  Result<MerkleProof> Prove(uint64_t first, uint64_t count) const;

 private:
  size_t block_size_;
  uint64_t total_size_ = 0;
  std::vector<std::byte> partial_;
  std::vector<MerkleHash> leaves_;
  std::vector<std::vector<MerkleHash>> levels_;  // after Finish; [0] = leaves
  MerkleHash root_{};
  bool finished_ = false;
  std::unique_ptr<Hasher> sha256_;
};

// Verifies that `data` is exactly blocks [proof.first_block, +block_count) of
// a stream of `total_size` bytes in blocks of `block_size` whose root is
// `root`. OK, or kDataLoss naming the range (or the proof as malformed:
// range outside the stream, data of the wrong length, missing or extra
// siblings); kInvalidArgument for block_size 0.
Status VerifyMerkleRange(const MerkleHash& root, size_t block_size,
                         uint64_t total_size, std::span<const std::byte> data,
                         const MerkleProof& proof);

// The root of a complete in-memory stream.
MerkleHash MerkleRoot(std::span<const std::byte> data, size_t block_size);

}  // namespace strata::stream
