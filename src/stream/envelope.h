// The envelope header in front of an encrypted object's DARE stream
// (docs/stream-formats.md §4.2): magic, version, cipher, flags, the sealed
// object key and the object id. Parse is safe on arbitrary bytes (fuzzed by
// envelope_fuzz.cc); it checks structure only — authenticity comes from
// unsealing the key, whose associated data is every other header byte.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/stream/encrypt.h"
#include "stream/dare_format.h"

namespace strata::stream::envelope {

struct Header {
  Cipher cipher = Cipher::kAes256Gcm;
  bool empty = false;  // the DARE stream after the header has no packages
  SealedKey key;
  std::string object_id;

  size_t size() const { return kFixedSize + object_id.size(); }
  uint8_t flags() const { return empty ? kFlagEmpty : 0; }
};

// The header's bytes (size() of them).
std::vector<std::byte> Serialize(const Header& header);

// Parses the header at the start of `bytes` (which may continue with the
// DARE stream). kDataLoss naming the bad field, or "truncated" when `bytes`
// ends inside the header.
Result<Header> Parse(std::span<const std::byte> bytes);

// Seals `object_key` under `master` for a header with these fields (a fresh
// random seal nonce; associated data = the header minus sealed_key).
// kInvalidArgument for an object id over kMaxObjectIdLen bytes.
Result<SealedKey> Seal(const EncryptionKey& master,
                       const EncryptionKey& object_key,
                       std::string_view object_id, Cipher cipher,
                       uint8_t flags);

// Unseals; kPermissionDenied when `master` is not the sealing key (by id),
// kDataLoss when the sealed key or any bound field was altered.
Result<EncryptionKey> Unseal(const EncryptionKey& master,
                             const SealedKey& sealed,
                             std::string_view object_id, Cipher cipher,
                             uint8_t flags);

}  // namespace strata::stream::envelope
