// Signed manifests (signature.h): HMAC-SHA256 and Ed25519 on OpenSSL 3.
#include "strata/stream/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "stream/key_util.h"

namespace strata::stream {
namespace {

constexpr char kManifestMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'M', '1'};
constexpr size_t kEd25519KeySize = 32;
constexpr size_t kEd25519SigSize = 64;

const unsigned char* U(const std::byte* p) {
  return reinterpret_cast<const unsigned char*>(p);
}

// Appends `v` as `bytes` little-endian bytes at `p`; returns the end.
std::byte* PutLe(std::byte* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) *p++ = std::byte((v >> (8 * i)) & 0xff);
  return p;
}

std::byte* PutBytes(std::byte* p, const void* src, size_t n) {
  if (n > 0) std::memcpy(p, src, n);
  return p + n;
}

Status Mismatch(const Manifest& manifest) {
  std::string msg = "manifest signature mismatch for ";
  msg += manifest.object_id;
  return DataLossError(std::move(msg));
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

}  // namespace

std::vector<std::byte> Manifest::Canonical() const {
  // Digests are at most 32 bytes; signing refuses longer ones, and the
  // length byte always says how many follow.
  const size_t digest_len = std::min<size_t>(digest.size(), 255);
  std::vector<std::byte> out(sizeof(kManifestMagic) + 4 + object_id.size() + 8 +
                             2 + digest_len);
  std::byte* p = PutBytes(out.data(), kManifestMagic, sizeof(kManifestMagic));
  p = PutLe(p, object_id.size(), 4);
  p = PutBytes(p, object_id.data(), object_id.size());
  p = PutLe(p, size, 8);
  p = PutLe(p, static_cast<uint8_t>(algorithm), 1);
  p = PutLe(p, digest_len, 1);
  PutBytes(p, digest.data(), digest_len);
  return out;
}

Result<std::vector<std::byte>> SignManifestHmac(
    const Manifest& manifest, std::span<const std::byte> key) {
  if (key.empty()) return InvalidArgumentError("hmac: empty key");
  if (manifest.digest.size() > 255) {
    return InvalidArgumentError("manifest digest longer than 255 bytes");
  }
  const std::vector<std::byte> msg = manifest.Canonical();
  std::vector<std::byte> mac(32);
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           U(msg.data()), msg.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &len) == nullptr ||
      len != mac.size()) {
    return InternalError("hmac: OpenSSL HMAC failed");
  }
  return mac;
}

Status VerifyManifestHmac(const Manifest& manifest,
                          std::span<const std::byte> key,
                          std::span<const std::byte> signature) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::byte> want,
                          SignManifestHmac(manifest, key));
  if (signature.size() != want.size() ||
      CRYPTO_memcmp(signature.data(), want.data(), want.size()) != 0) {
    return Mismatch(manifest);
  }
  return Status::OK();
}

Result<Ed25519KeyPair> Ed25519KeyPair::Generate() {
  std::vector<std::byte> seed(kEd25519KeySize);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()),
                 static_cast<int>(seed.size())) != 1) {
    return InternalError("ed25519: RAND_bytes failed");
  }
  Result<Ed25519KeyPair> pair = FromSeed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return pair;
}

Result<Ed25519KeyPair> Ed25519KeyPair::FromSeed(
    std::span<const std::byte> seed) {
  if (seed.size() != kEd25519KeySize) {
    return InvalidArgumentError("ed25519: seed must be 32 bytes");
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                            U(seed.data()), seed.size()));
  if (!pkey) return InternalError("ed25519: cannot load the private key");
  Ed25519KeyPair pair;
  pair.seed_.assign(seed.begin(), seed.end());
  pair.public_key_.resize(kEd25519KeySize);
  size_t len = kEd25519KeySize;
  if (EVP_PKEY_get_raw_public_key(
          pkey.get(), reinterpret_cast<unsigned char*>(pair.public_key_.data()),
          &len) != 1 ||
      len != kEd25519KeySize) {
    return InternalError("ed25519: cannot derive the public key");
  }
  return pair;
}

Result<std::vector<std::byte>> SignManifestEd25519(const Manifest& manifest,
                                                   const Ed25519KeyPair& key) {
  if (manifest.digest.size() > 255) {
    return InvalidArgumentError("manifest digest longer than 255 bytes");
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, U(key.seed().data()), key.seed().size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx) return InternalError("ed25519: cannot load the key");
  const std::vector<std::byte> msg = manifest.Canonical();
  std::vector<std::byte> sig(kEd25519SigSize);
  size_t len = sig.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, U(msg.data()), msg.size()) != 1 ||
      len != kEd25519SigSize) {
    return InternalError("ed25519: signing failed");
  }
  return sig;
}

Status VerifyManifestEd25519(const Manifest& manifest,
                             std::span<const std::byte> public_key,
                             std::span<const std::byte> signature) {
  if (public_key.size() != kEd25519KeySize) {
    return InvalidArgumentError("ed25519: public key must be 32 bytes");
  }
  if (signature.size() != kEd25519SigSize) {
    return InvalidArgumentError("ed25519: signature must be 64 bytes");
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, U(public_key.data()), public_key.size()));
  if (!pkey) return InvalidArgumentError("ed25519: malformed public key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return InternalError("ed25519: out of memory");
  const std::vector<std::byte> msg = manifest.Canonical();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) !=
          1 ||
      EVP_DigestVerify(ctx.get(), U(signature.data()), signature.size(),
                       U(msg.data()), msg.size()) != 1) {
    return Mismatch(manifest);
  }
  return Status::OK();
}

}  // namespace strata::stream
