// Authenticated encryption layer: AES-256-GCM or ChaCha20-Poly1305 (OpenSSL
// EVP) in MinIO's DARE 2.0 package format — 64 KiB packages, each a 16-byte
// header (version 0x20, cipher, length-1, nonce with the final-package flag)
// plus ciphertext plus 16-byte tag, the package sequence number bound into
// the nonce — so reordering, truncation, extension and bit flips are all
// detected, and any plain range decrypts only the packages it touches.
//
// An encrypted object is an envelope header (the object key sealed by a
// master key, the cipher, the object id) followed by the DARE 2.0 stream; a
// raw mode (no envelope, caller-supplied object key) produces a bare DARE
// stream byte-identical to MinIO's sio for the same key and nonce. The exact
// layout, and why nonces never repeat, are in docs/stream-formats.md.
//
// Thread-safety: EncryptionKey is an immutable value; layers as layer.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/stream/layer.h"

namespace strata::stream {

enum class Cipher : uint8_t { kAes256Gcm = 0, kChaCha20Poly1305 = 1 };

std::string_view CipherName(Cipher cipher);  // "aes-256-gcm", ...
Result<Cipher> ParseCipher(std::string_view name);

// A 256-bit key. Its bytes are wiped on destruction.
class EncryptionKey {
 public:
  static constexpr size_t kSize = 32;

  // 32 bytes from the OS CSPRNG (OpenSSL RAND_bytes).
  static EncryptionKey Generate();
  // kInvalidArgument unless exactly 32 bytes.
  static Result<EncryptionKey> FromBytes(std::span<const std::byte> bytes);
  // A key file: 32 raw bytes, or 64 hex digits (surrounding whitespace
  // ignored). Errors name the file and what is wrong with it.
  static Result<EncryptionKey> FromFile(const std::string& path);

  EncryptionKey(const EncryptionKey&) = default;
  EncryptionKey& operator=(const EncryptionKey&) = default;
  ~EncryptionKey();

  std::span<const std::byte, kSize> bytes() const { return bytes_; }
  // HKDF-SHA256(ikm = this key, salt = "strata-object-key-v1",
  // info = object_id): a per-object key.
  EncryptionKey DeriveObjectKey(std::string_view object_id) const;
  // A short public identifier of the key (first 8 bytes of SHA-256 over
  // "strata-key-id" ++ key), stored in envelopes to name the right master.
  std::array<std::byte, 8> Id() const;

 private:
  EncryptionKey() = default;
  std::array<std::byte, kSize> bytes_{};
};

// An object key sealed (AES-256-GCM key wrap) under a master key, bound to
// the object id and cipher as associated data. SealObjectKey/UnsealObjectKey
// bind the same data as a non-empty stream's envelope header does, so a
// SealedKey from SealObjectKey can go into such a header.
struct SealedKey {
  std::array<std::byte, 8> master_key_id{};
  std::array<std::byte, 12> nonce{};
  std::array<std::byte, 32 + 16> sealed{};  // ciphertext ++ tag
};

Result<SealedKey> SealObjectKey(const EncryptionKey& master,
                                const EncryptionKey& object_key,
                                std::string_view object_id, Cipher cipher);
// kPermissionDenied when `master` is not the key it was sealed with (by id);
// kDataLoss when the sealed bytes or the bound data were altered.
Result<EncryptionKey> UnsealObjectKey(const EncryptionKey& master,
                                      const SealedKey& sealed,
                                      std::string_view object_id,
                                      Cipher cipher);

struct EncryptOptions : LayerOptions {
  EncryptOptions() {}
  Cipher cipher = Cipher::kAes256Gcm;
  // Envelope mode (default): a fresh random object key is generated per
  // object and sealed under `master_key` in the header, bound to object_id.
  std::optional<EncryptionKey> master_key;
  std::string object_id;
  // Raw mode: no envelope; the DARE stream is encrypted directly with this
  // key (a fresh random stream nonce per stream; still, use one key for few
  // streams, e.g. derive it per object with DeriveObjectKey, as MinIO does).
  // Exactly one of master_key and raw_key must be set, else
  // kInvalidArgument. Streams are limited to 2^32 packages (256 TiB):
  // writing more is kResourceExhausted.
  std::optional<EncryptionKey> raw_key;
};

struct DecryptOptions : LayerOptions {
  DecryptOptions() {}
  // Envelope mode: the master key (object_id comes from the header and is
  // checked against `object_id` when that is non-empty).
  std::optional<EncryptionKey> master_key;
  std::string object_id;
  // Raw mode: the DARE stream's key (the cipher comes from the packages).
  std::optional<EncryptionKey> raw_key;
};

// A writer encrypting into `inner` (empty, open for write).
Result<std::unique_ptr<fs::File>> NewEncryptWriter(
    std::unique_ptr<fs::File> inner, EncryptOptions options);

// A reader of an encrypted `inner`. Opening authenticates the envelope and
// the last package (so Size() is trustworthy and truncation is caught up
// front); every ReadAt authenticates the packages it touches. Tampering is
// kDataLoss naming the path and package index.
Task<Result<std::unique_ptr<fs::File>>> OpenDecryptReader(
    std::unique_ptr<fs::File> inner, DecryptOptions options);

// Re-seals the object key of the encrypted file at `file` under
// `new_master` without touching the data: rewrites only the envelope header
// in place (needs a file open for read and write with positional writes).
// kPermissionDenied when `old_master` is not the sealing key, kDataLoss for
// a damaged header, the backend's error when `file` refuses WriteAt.
Task<Status> RotateMasterKey(fs::File& file, const EncryptionKey& old_master,
                             const EncryptionKey& new_master);

// The largest envelope header (fixed part + a 1024-byte object id).
inline constexpr size_t kMaxEnvelopeHeaderSize = 82 + 1024;

// Rotation for stores without positional writes (object stores): given the
// first bytes of an encrypted object (at least its whole envelope header;
// reading min(object size, kMaxEnvelopeHeaderSize) bytes always suffices;
// bytes after the header are ignored), returns the replacement header — the
// same length as the stored one — with the object key re-sealed under
// `new_master`. The caller rewrites the object as the new header followed
// by the stored bytes after the old one (e.g. a server-side copy with a
// replaced first part). Errors as RotateMasterKey.
Result<std::vector<std::byte>> ResealEnvelopeHeader(
    std::span<const std::byte> stored_prefix, const EncryptionKey& old_master,
    const EncryptionKey& new_master);

}  // namespace strata::stream
