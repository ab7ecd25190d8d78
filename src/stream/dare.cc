// DARE 2.0 package codec (dare.h) on OpenSSL EVP AEAD contexts.
#include "stream/dare.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <utility>

#include "stream/key_util.h"

namespace strata::stream::dare {
namespace {

// Ciphers are fetched once per process and never freed.
const EVP_CIPHER* FetchCipher(Cipher cipher) {
  static EVP_CIPHER* const aes =
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  static EVP_CIPHER* const chacha =
      EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  return cipher == Cipher::kAes256Gcm ? aes : chacha;
}

unsigned char* U(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
const unsigned char* U(const std::byte* p) {
  return reinterpret_cast<const unsigned char*>(p);
}

Status PackageError(uint32_t seq, const char* what) {
  std::string msg = "package ";
  msg += std::to_string(seq);
  msg += ": ";
  msg += what;
  return DataLossError(std::move(msg));
}

}  // namespace

Nonce RandomStreamNonce() {
  Nonce nonce{};
  if (RAND_bytes(U(nonce.data()), nonce.size()) != 1) {
    CryptoFatal("RAND_bytes");
  }
  nonce[0] &= std::byte(0x7f);
  return nonce;
}

std::array<std::byte, kHeaderSize> PackageHeader(Cipher cipher,
                                                 size_t plain_len,
                                                 const Nonce& stream_nonce,
                                                 bool final) {
  std::array<std::byte, kHeaderSize> h{};
  const uint16_t len = static_cast<uint16_t>(plain_len - 1);
  h[0] = std::byte(kVersion20);
  h[1] = std::byte(static_cast<uint8_t>(cipher));
  h[2] = std::byte(len & 0xff);
  h[3] = std::byte(len >> 8);
  std::memcpy(h.data() + kNonceOffset, stream_nonce.data(), kNonceSize);
  if (final) h[kNonceOffset] |= std::byte(kFinalFlag);
  return h;
}

Nonce PackageNonce(const Nonce& stream_nonce, uint32_t seq, bool final) {
  Nonce n = stream_nonce;
  if (final) n[0] |= std::byte(kFinalFlag);
  for (int i = 0; i < 4; ++i) n[8 + i] ^= std::byte((seq >> (8 * i)) & 0xff);
  return n;
}

Result<PackageCodec> PackageCodec::Create(Cipher cipher,
                                          const EncryptionKey& key,
                                          const Nonce& stream_nonce,
                                          Direction direction) {
  const EVP_CIPHER* evp = FetchCipher(cipher);
  if (evp == nullptr) {
    return InternalError(std::string("OpenSSL lacks ") +
                         std::string(CipherName(cipher)));
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return InternalError("EVP_CIPHER_CTX_new failed");
  const int enc = direction == Direction::kSeal ? 1 : 0;
  if (EVP_CipherInit_ex(ctx, evp, nullptr, U(key.bytes().data()), nullptr,
                        enc) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return InternalError("EVP_CipherInit_ex failed");
  }
  return PackageCodec(cipher, stream_nonce, ctx);
}

PackageCodec::PackageCodec(Cipher cipher, const Nonce& nonce,
                           EVP_CIPHER_CTX* ctx)
    : cipher_(cipher), stream_nonce_(nonce), ctx_(ctx) {}

PackageCodec::PackageCodec(PackageCodec&& other) noexcept
    : cipher_(other.cipher_),
      stream_nonce_(other.stream_nonce_),
      ctx_(std::exchange(other.ctx_, nullptr)) {}

PackageCodec& PackageCodec::operator=(PackageCodec&& other) noexcept {
  if (this != &other) {
    EVP_CIPHER_CTX_free(ctx_);
    cipher_ = other.cipher_;
    stream_nonce_ = other.stream_nonce_;
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

PackageCodec::~PackageCodec() { EVP_CIPHER_CTX_free(ctx_); }

Status PackageCodec::Seal(uint32_t seq, bool final,
                          std::span<const std::byte> plain, std::byte* out) {
  const auto header =
      PackageHeader(cipher_, plain.size(), stream_nonce_, final);
  std::memcpy(out, header.data(), kHeaderSize);
  const Nonce iv = PackageNonce(stream_nonce_, seq, final);
  int len = 0;
  std::byte* ct = out + kHeaderSize;
  if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, U(iv.data())) != 1 ||
      EVP_EncryptUpdate(ctx_, nullptr, &len, U(out), kAadSize) != 1 ||
      EVP_EncryptUpdate(ctx_, U(ct), &len, U(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx_, U(ct + len), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, kTagSize,
                          ct + plain.size()) != 1) {
    return InternalError("AEAD seal failed");
  }
  return Status::OK();
}

Status PackageCodec::CheckHeader(uint32_t seq, bool final,
                                 std::span<const std::byte> package) const {
  if (package.size() <= kOverhead || package.size() > kMaxPackage) {
    return PackageError(seq, "bad package size");
  }
  const std::byte* h = package.data();
  if (uint8_t(h[0]) != kVersion20) return PackageError(seq, "bad version");
  if (uint8_t(h[1]) != static_cast<uint8_t>(cipher_)) {
    return PackageError(seq, "cipher differs from the stream's");
  }
  const size_t len = (size_t(h[2]) | size_t(h[3]) << 8) + 1;
  if (len != package.size() - kOverhead) {
    return PackageError(seq, final ? "length does not match the file size"
                                   : "not full but not the last package");
  }
  const bool is_final = (uint8_t(h[kNonceOffset]) & kFinalFlag) != 0;
  if (is_final != final) {
    return PackageError(seq, final ? "last package is not marked final"
                                   : "final package followed by more data");
  }
  const auto want = PackageHeader(cipher_, len, stream_nonce_, final);
  if (CRYPTO_memcmp(h + kNonceOffset, want.data() + kNonceOffset, kNonceSize) !=
      0) {
    return PackageError(seq, "nonce differs from the stream's");
  }
  return Status::OK();
}

Status PackageCodec::Open(uint32_t seq, bool final,
                          std::span<const std::byte> package, std::byte* out) {
  STRATA_RETURN_IF_ERROR(CheckHeader(seq, final, package));
  const size_t n = package.size() - kOverhead;
  const Nonce iv = PackageNonce(stream_nonce_, seq, final);
  const std::byte* ct = package.data() + kHeaderSize;
  int len = 0;
  if (EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, U(iv.data())) != 1 ||
      EVP_DecryptUpdate(ctx_, nullptr, &len, U(package.data()), kAadSize) !=
          1 ||
      EVP_DecryptUpdate(ctx_, U(out), &len, U(ct), static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, kTagSize,
                          const_cast<std::byte*>(ct + n)) != 1 ||
      EVP_DecryptFinal_ex(ctx_, U(out + len), &len) != 1) {
    OPENSSL_cleanse(out, n);
    std::memset(out, 0, n);
    return PackageError(seq, "authentication failed (tampered or wrong key)");
  }
  return Status::OK();
}

}  // namespace strata::stream::dare
