// Constants of the Merkle tree format (docs/stream-formats.md §2).
//
// Thread-safety: constants only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::stream::merkle_format {

// Domain-separation prefixes of the hashed nodes.
inline constexpr std::byte kLeafPrefix{0x00};
inline constexpr std::byte kInnerPrefix{0x01};
inline constexpr std::byte kRootPrefix{0x02};

// A proof never needs more than two siblings per level, and a tree over
// 64-bit block counts has at most 64 levels above the leaves.
inline constexpr size_t kMaxProofSiblings = 2 * 64;

}  // namespace strata::stream::merkle_format
