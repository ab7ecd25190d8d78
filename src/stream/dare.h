// DARE 2.0 package codec (docs/stream-formats.md §4.1): seals and opens one
// package at a time with an EVP AEAD context whose cipher and key are set
// once, so each package costs only an IV change.
//
// A PackageCodec belongs to one stream: it holds the stream nonce R (bit 7
// of R[0] clear) and builds package i's header and AEAD nonce from R, i and
// the final flag. Open compares the stored header with the one it expects
// (version, cipher, length, final flag, nonce) before authenticating, and
// never leaves unauthenticated plaintext in its output.
//
// Thread-safety: a PackageCodec is single-owner (it holds an EVP context).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "strata/core/result.h"
#include "strata/stream/encrypt.h"
#include "stream/dare_format.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace strata::stream::dare {

using Nonce = std::array<std::byte, kNonceSize>;

// A random stream nonce with the final-flag bit cleared.
Nonce RandomStreamNonce();

// The 16-byte header of package `seq` of `plain_len` (1..64 KiB) bytes.
std::array<std::byte, kHeaderSize> PackageHeader(Cipher cipher,
                                                 size_t plain_len,
                                                 const Nonce& stream_nonce,
                                                 bool final);

// The AEAD nonce: the header nonce with its last 4 bytes XORed by u32le(seq).
Nonce PackageNonce(const Nonce& stream_nonce, uint32_t seq, bool final);

class PackageCodec {
 public:
  enum class Direction { kSeal, kOpen };

  // kInternal if OpenSSL cannot set up the cipher.
  static Result<PackageCodec> Create(Cipher cipher, const EncryptionKey& key,
                                     const Nonce& stream_nonce,
                                     Direction direction);

  PackageCodec(PackageCodec&&) noexcept;
  PackageCodec& operator=(PackageCodec&&) noexcept;
  ~PackageCodec();

  Cipher cipher() const { return cipher_; }
  const Nonce& stream_nonce() const { return stream_nonce_; }
  void set_stream_nonce(const Nonce& nonce) { stream_nonce_ = nonce; }

  // Seals `plain` (1..64 KiB) as package `seq` into `out`, which must hold
  // plain.size() + kOverhead bytes and may not overlap `plain`.
  Status Seal(uint32_t seq, bool final, std::span<const std::byte> plain,
              std::byte* out);

  // Opens `package` (header ++ ciphertext ++ tag) as package `seq`, which
  // must be `final` and hold package.size() - kOverhead plain bytes, into
  // `out` (that many bytes). kDataLoss "package <seq>: ..." on any mismatch;
  // `out` is then zeroed.
  Status Open(uint32_t seq, bool final, std::span<const std::byte> package,
              std::byte* out);

 private:
  PackageCodec(Cipher cipher, const Nonce& nonce, EVP_CIPHER_CTX* ctx);
  Status CheckHeader(uint32_t seq, bool final,
                     std::span<const std::byte> package) const;

  Cipher cipher_;
  Nonce stream_nonce_;
  EVP_CIPHER_CTX* ctx_;
};

}  // namespace strata::stream::dare
