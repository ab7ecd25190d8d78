// EncryptionKey, cipher names and the HKDF/SHA-256 helpers (key_util.h).
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "strata/stream/encrypt.h"
#include "stream/dare_format.h"
#include "stream/key_util.h"

namespace strata::stream {

void CryptoFatal(const char* what) {
  std::fputs("strata: fatal OpenSSL failure: ", stderr);
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

Status HkdfSha256(std::span<const std::byte> ikm,
                  std::span<const std::byte> salt,
                  std::span<const std::byte> info, std::span<std::byte> out) {
  if (out.empty() || out.size() > 255 * 32) {
    return InvalidArgumentError("hkdf: output length must be 1..8160 bytes");
  }
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return InternalError("hkdf: OpenSSL has no HKDF");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  if (ctx == nullptr) return InternalError("hkdf: out of memory");
  auto* ikm_p = const_cast<std::byte*>(ikm.data());
  auto* salt_p = const_cast<std::byte*>(salt.data());
  auto* info_p = const_cast<std::byte*>(info.data());
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm_p, ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_p,
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info_p,
                                        info.size()),
      OSSL_PARAM_construct_end()};
  const int rc = EVP_KDF_derive(
      ctx, reinterpret_cast<unsigned char*>(out.data()), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  if (rc <= 0) return InternalError("hkdf: EVP_KDF_derive failed");
  return Status::OK();
}

std::array<std::byte, 32> Sha256(std::span<const std::byte> a,
                                 std::span<const std::byte> b) {
  std::array<std::byte, 32> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()),
                         &len) != 1) {
    CryptoFatal("SHA-256");
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

std::string_view CipherName(Cipher cipher) {
  switch (cipher) {
    case Cipher::kAes256Gcm:
      return "aes-256-gcm";
    case Cipher::kChaCha20Poly1305:
      return "chacha20-poly1305";
  }
  return "unknown";
}

Result<Cipher> ParseCipher(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(uint8_t(c)));
  if (lower == "aes-256-gcm" || lower == "aes256gcm" || lower == "aes") {
    return Cipher::kAes256Gcm;
  }
  if (lower == "chacha20-poly1305" || lower == "chacha20poly1305" ||
      lower == "chacha20") {
    return Cipher::kChaCha20Poly1305;
  }
  std::string msg = "unknown cipher \"";
  msg += name;
  msg += "\" (valid: aes-256-gcm, chacha20-poly1305)";
  return InvalidArgumentError(std::move(msg));
}

EncryptionKey::~EncryptionKey() { OPENSSL_cleanse(bytes_.data(), kSize); }

EncryptionKey EncryptionKey::Generate() {
  EncryptionKey key;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.bytes_.data()), kSize) !=
      1) {
    CryptoFatal("RAND_bytes");
  }
  return key;
}

Result<EncryptionKey> EncryptionKey::FromBytes(
    std::span<const std::byte> bytes) {
  if (bytes.size() != kSize) {
    std::string msg = "encryption key must be 32 bytes, got ";
    msg += std::to_string(bytes.size());
    return InvalidArgumentError(std::move(msg));
  }
  EncryptionKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  return key;
}

EncryptionKey EncryptionKey::DeriveObjectKey(std::string_view object_id) const {
  EncryptionKey key;
  Status s = HkdfSha256(bytes_, StringBytes(envelope::kObjectKeySalt),
                        StringBytes(object_id), key.bytes_);
  if (!s.ok()) CryptoFatal("HKDF-SHA256");
  return key;
}

std::array<std::byte, 8> EncryptionKey::Id() const {
  std::array<std::byte, 32> digest =
      Sha256(StringBytes(envelope::kKeyIdPrefix), bytes_);
  std::array<std::byte, 8> id{};
  std::memcpy(id.data(), digest.data(), id.size());
  return id;
}

}  // namespace strata::stream
