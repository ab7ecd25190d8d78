// Envelope header codec and object key sealing (envelope.h).
#include "stream/envelope.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <string>

#include "stream/key_util.h"

namespace strata::stream::envelope {
namespace {

constexpr size_t kTag = 16;
constexpr size_t kKey = EncryptionKey::kSize;

unsigned char* U(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
const unsigned char* U(const std::byte* p) {
  return reinterpret_cast<const unsigned char*>(p);
}

std::string HexId(std::span<const std::byte> id) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : id) {
    out += kHex[uint8_t(b) >> 4];
    out += kHex[uint8_t(b) & 15];
  }
  return out;
}

// The header bytes with sealed_key left out: the associated data.
std::vector<std::byte> Aad(const SealedKey& key, std::string_view object_id,
                           Cipher cipher, uint8_t flags) {
  Header h;
  h.cipher = cipher;
  h.empty = (flags & kFlagEmpty) != 0;
  h.key = key;
  h.object_id = std::string(object_id);
  std::vector<std::byte> bytes = Serialize(h);
  bytes[kFlagsOffset] = std::byte(flags);
  bytes.erase(bytes.begin() + kSealedKeyOffset,
              bytes.begin() + kSealedKeyOffset + kSealedKeySize);
  return bytes;
}

// One-shot AES-256-GCM: encrypts kKey bytes of `in` into `out` (plus tag), or
// decrypts kKey + kTag bytes of `in` into kKey bytes of `out`.
bool Gcm(bool encrypt, const EncryptionKey& kek,
         std::span<const std::byte> nonce, std::span<const std::byte> aad,
         const std::byte* in, std::byte* out) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return false;
  int len = 0;
  bool ok =
      EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, U(kek.bytes().data()),
                        U(nonce.data()), encrypt ? 1 : 0) == 1 &&
      EVP_CipherUpdate(ctx, nullptr, &len, U(aad.data()),
                       static_cast<int>(aad.size())) == 1 &&
      EVP_CipherUpdate(ctx, U(out), &len, U(in), kKey) == 1;
  if (ok && encrypt) {
    ok = EVP_CipherFinal_ex(ctx, U(out + len), &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kTag, out + kKey) == 1;
  } else if (ok) {
    ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kTag,
                             const_cast<std::byte*>(in + kKey)) == 1 &&
         EVP_CipherFinal_ex(ctx, U(out + len), &len) == 1;
  }
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

}  // namespace

std::vector<std::byte> Serialize(const Header& header) {
  std::vector<std::byte> out(header.size());
  std::memcpy(out.data() + kMagicOffset, kMagic, sizeof(kMagic));
  out[kVersionOffset] = std::byte(kVersion);
  out[kCipherOffset] = std::byte(static_cast<uint8_t>(header.cipher));
  out[kFlagsOffset] = std::byte(header.flags());
  out[kReservedOffset] = std::byte(0);
  const size_t id_len = header.object_id.size();
  out[kIdLenOffset] = std::byte(id_len & 0xff);
  out[kIdLenOffset + 1] = std::byte((id_len >> 8) & 0xff);
  std::memcpy(out.data() + kKeyIdOffset, header.key.master_key_id.data(), 8);
  std::memcpy(out.data() + kSealNonceOffset, header.key.nonce.data(), 12);
  std::memcpy(out.data() + kSealedKeyOffset, header.key.sealed.data(),
              kSealedKeySize);
  std::memcpy(out.data() + kFixedSize, header.object_id.data(), id_len);
  return out;
}

Result<Header> Parse(std::span<const std::byte> bytes) {
  if (bytes.size() < kFixedSize) {
    return DataLossError("envelope header truncated");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return DataLossError("envelope header: bad magic (not encrypted?)");
  }
  if (uint8_t(bytes[kVersionOffset]) != kVersion) {
    return DataLossError("envelope header: unsupported version");
  }
  const uint8_t cipher = uint8_t(bytes[kCipherOffset]);
  if (cipher > static_cast<uint8_t>(Cipher::kChaCha20Poly1305)) {
    return DataLossError("envelope header: unknown cipher");
  }
  const uint8_t flags = uint8_t(bytes[kFlagsOffset]);
  if ((flags & ~kFlagEmpty) != 0 || uint8_t(bytes[kReservedOffset]) != 0) {
    return DataLossError("envelope header: unknown flags");
  }
  const size_t id_len =
      size_t(bytes[kIdLenOffset]) | size_t(bytes[kIdLenOffset + 1]) << 8;
  if (id_len > kMaxObjectIdLen) {
    return DataLossError("envelope header: object id too long");
  }
  if (bytes.size() < kFixedSize + id_len) {
    return DataLossError("envelope header truncated");
  }
  Header h;
  h.cipher = static_cast<Cipher>(cipher);
  h.empty = (flags & kFlagEmpty) != 0;
  std::memcpy(h.key.master_key_id.data(), bytes.data() + kKeyIdOffset, 8);
  std::memcpy(h.key.nonce.data(), bytes.data() + kSealNonceOffset, 12);
  std::memcpy(h.key.sealed.data(), bytes.data() + kSealedKeyOffset,
              kSealedKeySize);
  h.object_id.assign(reinterpret_cast<const char*>(bytes.data()) + kFixedSize,
                     id_len);
  return h;
}

Result<SealedKey> Seal(const EncryptionKey& master,
                       const EncryptionKey& object_key,
                       std::string_view object_id, Cipher cipher,
                       uint8_t flags) {
  if (object_id.size() > kMaxObjectIdLen) {
    return InvalidArgumentError("object id longer than 1024 bytes");
  }
  SealedKey sealed;
  sealed.master_key_id = master.Id();
  if (RAND_bytes(U(sealed.nonce.data()), sealed.nonce.size()) != 1) {
    CryptoFatal("RAND_bytes");
  }
  const EncryptionKey kek = master.DeriveObjectKey(object_id);
  const std::vector<std::byte> aad = Aad(sealed, object_id, cipher, flags);
  if (!Gcm(true, kek, sealed.nonce, aad, object_key.bytes().data(),
           sealed.sealed.data())) {
    return InternalError("sealing the object key failed");
  }
  return sealed;
}

Result<EncryptionKey> Unseal(const EncryptionKey& master,
                             const SealedKey& sealed,
                             std::string_view object_id, Cipher cipher,
                             uint8_t flags) {
  if (CRYPTO_memcmp(sealed.master_key_id.data(), master.Id().data(), 8) != 0) {
    std::string msg = "object key is sealed under master key ";
    msg += HexId(sealed.master_key_id);
    msg += ", not ";
    msg += HexId(master.Id());
    return PermissionDeniedError(std::move(msg));
  }
  if (object_id.size() > kMaxObjectIdLen) {
    return InvalidArgumentError("object id longer than 1024 bytes");
  }
  const EncryptionKey kek = master.DeriveObjectKey(object_id);
  const std::vector<std::byte> aad = Aad(sealed, object_id, cipher, flags);
  std::array<std::byte, kKey> plain{};
  const bool ok =
      Gcm(false, kek, sealed.nonce, aad, sealed.sealed.data(), plain.data());
  Result<EncryptionKey> key =
      ok ? EncryptionKey::FromBytes(plain)
         : Result<EncryptionKey>(DataLossError(
               "envelope: sealed object key failed authentication (header "
               "tampered)"));
  OPENSSL_cleanse(plain.data(), plain.size());
  return key;
}

}  // namespace strata::stream::envelope

namespace strata::stream {

Result<SealedKey> SealObjectKey(const EncryptionKey& master,
                                const EncryptionKey& object_key,
                                std::string_view object_id, Cipher cipher) {
  return envelope::Seal(master, object_key, object_id, cipher, 0);
}

Result<EncryptionKey> UnsealObjectKey(const EncryptionKey& master,
                                      const SealedKey& sealed,
                                      std::string_view object_id,
                                      Cipher cipher) {
  return envelope::Unseal(master, sealed, object_id, cipher, 0);
}

Result<std::vector<std::byte>> ResealEnvelopeHeader(
    std::span<const std::byte> stored_prefix, const EncryptionKey& old_master,
    const EncryptionKey& new_master) {
  STRATA_ASSIGN_OR_RETURN(envelope::Header h, envelope::Parse(stored_prefix));
  STRATA_ASSIGN_OR_RETURN(
      EncryptionKey object_key,
      envelope::Unseal(old_master, h.key, h.object_id, h.cipher, h.flags()));
  STRATA_ASSIGN_OR_RETURN(
      h.key,
      envelope::Seal(new_master, object_key, h.object_id, h.cipher, h.flags()));
  return envelope::Serialize(h);
}

}  // namespace strata::stream
