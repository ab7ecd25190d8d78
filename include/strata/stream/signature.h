// Signed manifests: a canonical description of an object (id, size, one
// checksum) signed with HMAC-SHA256 (shared secret) or Ed25519 (key pair),
// verified on read so a reader knows the bytes are the ones the writer
// meant, not merely self-consistent.
//
// The canonical encoding that is signed is in docs/stream-formats.md.
//
// Thread-safety: values and pure functions; Ed25519KeyPair is immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/stream/hash.h"

namespace strata::stream {

struct Manifest {
  std::string object_id;
  uint64_t size = 0;
  HashAlgorithm algorithm = HashAlgorithm::kSha256;
  Digest digest;

  // The exact bytes that are signed.
  std::vector<std::byte> Canonical() const;
};

// HMAC-SHA256 over Canonical(); `key` must not be empty.
Result<std::vector<std::byte>> SignManifestHmac(const Manifest& manifest,
                                                std::span<const std::byte> key);
// OK, or kDataLoss ("manifest signature mismatch for <object id>"); the
// comparison is constant-time.
Status VerifyManifestHmac(const Manifest& manifest,
                          std::span<const std::byte> key,
                          std::span<const std::byte> signature);

class Ed25519KeyPair {
 public:
  static Result<Ed25519KeyPair> Generate();
  // From the 32-byte private seed.
  static Result<Ed25519KeyPair> FromSeed(std::span<const std::byte> seed);

  std::span<const std::byte> public_key() const { return public_key_; }
  std::span<const std::byte> seed() const { return seed_; }

 private:
  std::vector<std::byte> seed_;
  std::vector<std::byte> public_key_;
};

Result<std::vector<std::byte>> SignManifestEd25519(const Manifest& manifest,
                                                   const Ed25519KeyPair& key);
// `public_key`: 32 bytes. OK or kDataLoss as for HMAC; kInvalidArgument for
// a malformed key or signature length.
Status VerifyManifestEd25519(const Manifest& manifest,
                             std::span<const std::byte> public_key,
                             std::span<const std::byte> signature);

}  // namespace strata::stream
