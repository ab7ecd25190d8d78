// libFuzzer target for the untrusted inputs of the digest helpers: Merkle
// range proofs (VerifyMerkleRange) and the strict hex/base64 decoders.
//
// Byte 0 selects the mode:
//   0  hostile proof: block size, total size, range and siblings from the
//      input, verified against a root from the input. Must not crash and
//      must fail (a forged proof cannot match a random root).
//   1  honest tree over the input with a block size from the input: every
//      proof verifies; the proof with one byte of data or sibling flipped
//      (position from the input) must fail.
//   2  FromHex / FromBase64 on the rest: a decoded value re-encodes to the
//      input (lower-cased for hex), so each value has one spelling.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "strata/stream/hash.h"
#include "strata/stream/merkle.h"

namespace {

using strata::stream::MerkleBuilder;
using strata::stream::MerkleHash;
using strata::stream::MerkleProof;
using strata::stream::VerifyMerkleRange;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

struct Input {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  uint64_t Uint(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= uint64_t{pos < size ? data[pos++] : uint8_t{0}} << (8 * i);
    }
    return v;
  }
  std::span<const std::byte> Rest() const {
    return std::as_bytes(
        std::span(data + std::min(pos, size), size - std::min(pos, size)));
  }
};

void HostileProof(Input in) {
  const size_t block_size = in.Uint(2);
  const uint64_t total_size = in.Uint(1) & 1 ? in.Uint(8) : in.Uint(2);
  MerkleProof proof;
  proof.first_block = in.Uint(1) & 1 ? in.Uint(8) : in.Uint(1);
  proof.block_count = in.Uint(1) & 1 ? in.Uint(8) : in.Uint(1);
  const size_t siblings = in.Uint(1) % 200;
  MerkleHash root;
  for (auto& b : root) b = static_cast<std::byte>(in.Uint(1));
  for (size_t i = 0; i < siblings; ++i) {
    MerkleHash h;
    for (auto& b : h) b = static_cast<std::byte>(in.Uint(1));
    proof.siblings.push_back(h);
  }
  if (VerifyMerkleRange(root, block_size, total_size, in.Rest(), proof).ok()) {
    Fail("a forged proof verified against a random root");
  }
}

void HonestTree(Input in) {
  const size_t block_size = 1 + in.Uint(1) % 64;
  const uint64_t flip = in.Uint(2);
  const auto data = in.Rest();
  MerkleBuilder builder(block_size);
  builder.Update(data);
  const MerkleHash root = builder.Finish();
  const uint64_t n = builder.block_count();
  const uint64_t first = flip % n;
  const uint64_t count = 1 + (flip >> 8) % (n - first);
  auto proof = builder.Prove(first, count);
  if (!proof.ok()) Fail("Prove failed on a valid range");
  const size_t begin = std::min<size_t>(first * block_size, data.size());
  const size_t end =
      std::min<size_t>((first + count) * block_size, data.size());
  std::vector<std::byte> range(data.begin() + begin, data.begin() + end);
  if (!VerifyMerkleRange(root, block_size, data.size(), range, *proof).ok()) {
    Fail("an honest proof did not verify");
  }
  if (!range.empty()) {
    range[flip % range.size()] ^= std::byte{1};
    if (VerifyMerkleRange(root, block_size, data.size(), range, *proof).ok()) {
      Fail("a flipped data byte verified");
    }
    range[flip % range.size()] ^= std::byte{1};
  }
  if (!proof->siblings.empty()) {
    proof->siblings[flip % proof->siblings.size()][flip % 32] ^= std::byte{4};
    if (VerifyMerkleRange(root, block_size, data.size(), range, *proof).ok()) {
      Fail("a flipped sibling verified");
    }
  }
}

void Decoders(Input in) {
  const auto rest = in.Rest();
  const std::string_view text(reinterpret_cast<const char*>(rest.data()),
                              rest.size());
  if (auto hex = strata::stream::FromHex(text); hex.ok()) {
    std::string lower(text);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    if (strata::stream::ToHex(*hex) != lower) Fail("hex does not round-trip");
  }
  if (auto b64 = strata::stream::FromBase64(text); b64.ok()) {
    if (strata::stream::ToBase64(*b64) != text) {
      Fail("base64 does not round-trip");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  switch (in.Uint(1) % 3) {
    case 0:
      HostileProof(in);
      break;
    case 1:
      HonestTree(in);
      break;
    default:
      Decoders(in);
      break;
  }
  return 0;
}
