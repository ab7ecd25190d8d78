// The SHA-256 Merkle tree of merkle.h (docs/stream-formats.md §2): builder,
// range proofs and their verification.
#include "strata/stream/merkle.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "stream/hash_impl.h"
#include "stream/merkle_format.h"

namespace strata::stream {
namespace {

namespace mf = merkle_format;
using Level = std::vector<MerkleHash>;

std::unique_ptr<Hasher> NewSha256() {
  // Only fails when OpenSSL has no SHA-256 at all.
  return std::move(internal::NewEvpHasher(HashAlgorithm::kSha256).value());
}

MerkleHash FinishNode(Hasher& sha) {
  const Digest digest = sha.Finish();
  MerkleHash out;
  std::memcpy(out.data(), digest.data(), out.size());
  sha.Reset();
  return out;
}

MerkleHash Leaf(Hasher& sha, std::span<const std::byte> block) {
  sha.Update(std::span(&mf::kLeafPrefix, 1));
  sha.Update(block);
  return FinishNode(sha);
}

MerkleHash Inner(Hasher& sha, const MerkleHash& left, const MerkleHash& right) {
  sha.Update(std::span(&mf::kInnerPrefix, 1));
  sha.Update(left);
  sha.Update(right);
  return FinishNode(sha);
}

MerkleHash Root(Hasher& sha, const MerkleHash& top, uint64_t total_size,
                uint64_t block_size) {
  std::array<std::byte, 17> head;
  head[0] = mf::kRootPrefix;
  for (size_t i = 0; i < 8; ++i) {
    head[1 + i] = static_cast<std::byte>(total_size >> (8 * i));
    head[9 + i] = static_cast<std::byte>(block_size >> (8 * i));
  }
  sha.Update(head);
  sha.Update(top);
  return FinishNode(sha);
}

// Blocks of a stream of `total_size` bytes (an empty stream has one).
uint64_t BlockCount(uint64_t total_size, uint64_t block_size) {
  return total_size == 0 ? 1 : (total_size - 1) / block_size + 1;
}

Status ProofError(const MerkleProof& proof, std::string_view what) {
  std::string message = "merkle proof for blocks [";
  message += std::to_string(proof.first_block);
  message += ", +";
  message += std::to_string(proof.block_count);
  message += "): ";
  message += what;
  return DataLossError(std::move(message));
}

// Folds the span of nodes starting at index `lo` of a level of `size` nodes
// up to the top node, consuming `siblings` in proof order.
Status Fold(Hasher& sha, Level nodes, uint64_t lo, uint64_t size,
            const MerkleProof& proof, MerkleHash* top) {
  size_t next = 0;
  const std::vector<MerkleHash>& siblings = proof.siblings;
  while (size > 1) {
    const uint64_t hi = lo + nodes.size();
    Level span;
    span.reserve(nodes.size() + 2);
    if (lo & 1) {
      if (next == siblings.size()) return ProofError(proof, "missing sibling");
      span.push_back(siblings[next++]);
    }
    span.insert(span.end(), nodes.begin(), nodes.end());
    if (((hi - 1) & 1) == 0 && hi < size) {
      if (next == siblings.size()) return ProofError(proof, "missing sibling");
      span.push_back(siblings[next++]);
    }
    nodes.clear();
    for (size_t i = 0; i + 1 < span.size(); i += 2) {
      nodes.push_back(Inner(sha, span[i], span[i + 1]));
    }
    if (span.size() % 2 == 1) nodes.push_back(span.back());  // promoted
    lo /= 2;
    size = (size + 1) / 2;
  }
  if (next != siblings.size()) return ProofError(proof, "extra siblings");
  *top = nodes.front();
  return Status::OK();
}

}  // namespace

MerkleBuilder::MerkleBuilder(size_t block_size)
    : block_size_(block_size), sha256_(NewSha256()) {
  if (block_size == 0) std::abort();
}

uint64_t MerkleBuilder::block_count() const {
  return BlockCount(total_size_, block_size_);
}

void MerkleBuilder::Update(std::span<const std::byte> data) {
  if (finished_) std::abort();
  total_size_ += data.size();
  if (!partial_.empty()) {
    const size_t take = std::min(block_size_ - partial_.size(), data.size());
    partial_.insert(partial_.end(), data.begin(), data.begin() + take);
    data = data.subspan(take);
    if (partial_.size() < block_size_) return;
    leaves_.push_back(Leaf(*sha256_, partial_));
    partial_.clear();
  }
  while (data.size() >= block_size_) {
    leaves_.push_back(Leaf(*sha256_, data.first(block_size_)));
    data = data.subspan(block_size_);
  }
  partial_.assign(data.begin(), data.end());
}

MerkleHash MerkleBuilder::Finish() {
  if (finished_) return root_;
  finished_ = true;
  if (!partial_.empty() || leaves_.empty()) {
    leaves_.push_back(Leaf(*sha256_, partial_));
  }
  partial_ = {};
  levels_.push_back(std::move(leaves_));
  while (levels_.back().size() > 1) {
    const Level& below = levels_.back();
    Level up;
    up.reserve((below.size() + 1) / 2);
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      up.push_back(Inner(*sha256_, below[i], below[i + 1]));
    }
    if (below.size() % 2 == 1) up.push_back(below.back());
    levels_.push_back(std::move(up));
  }
  root_ = Root(*sha256_, levels_.back().front(), total_size_, block_size_);
  return root_;
}

Result<MerkleProof> MerkleBuilder::Prove(uint64_t first, uint64_t count) const {
  if (!finished_) {
    return FailedPreconditionError("merkle Prove before Finish");
  }
  const uint64_t n = levels_.front().size();
  if (count == 0 || first >= n || count > n - first) {
    std::string message = "merkle proof range [";
    message += std::to_string(first);
    message += ", +";
    message += std::to_string(count);
    message += ") is empty or past the last of ";
    message += std::to_string(n);
    message += " blocks";
    return OutOfRangeError(std::move(message));
  }
  MerkleProof proof;
  proof.first_block = first;
  proof.block_count = count;
  uint64_t lo = first;
  uint64_t hi = first + count;
  for (size_t l = 0; levels_[l].size() > 1; ++l) {
    const Level& level = levels_[l];
    if (lo & 1) proof.siblings.push_back(level[lo - 1]);
    if (((hi - 1) & 1) == 0 && hi < level.size()) {
      proof.siblings.push_back(level[hi]);
    }
    lo /= 2;
    hi = (hi - 1) / 2 + 1;
  }
  return proof;
}

Status VerifyMerkleRange(const MerkleHash& root, size_t block_size,
                         uint64_t total_size, std::span<const std::byte> data,
                         const MerkleProof& proof) {
  if (block_size == 0) return InvalidArgumentError("merkle block size is 0");
  const uint64_t n = BlockCount(total_size, block_size);
  const uint64_t first = proof.first_block;
  const uint64_t count = proof.block_count;
  if (count == 0 || first >= n || count > n - first) {
    return ProofError(proof, "range outside the stream");
  }
  if (proof.siblings.size() > mf::kMaxProofSiblings) {
    return ProofError(proof, "too many siblings");
  }
  // first < n, so first * block_size < max(total_size, 1): no overflow.
  const uint64_t end =
      first + count == n ? total_size : (first + count) * block_size;
  if (data.size() != end - first * block_size) {
    return ProofError(proof, "data length does not match the range");
  }
  std::unique_ptr<Hasher> sha = NewSha256();
  Level leaves;
  leaves.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    const size_t offset = i * block_size;
    leaves.push_back(
        Leaf(*sha,
             data.subspan(offset, std::min(block_size, data.size() - offset))));
  }
  MerkleHash top;
  STRATA_RETURN_IF_ERROR(Fold(*sha, std::move(leaves), first, n, proof, &top));
  if (Root(*sha, top, total_size, block_size) != root) {
    return ProofError(proof, "root mismatch (data or proof tampered)");
  }
  return Status::OK();
}

MerkleHash MerkleRoot(std::span<const std::byte> data, size_t block_size) {
  MerkleBuilder builder(block_size);
  builder.Update(data);
  return builder.Finish();
}

}  // namespace strata::stream
