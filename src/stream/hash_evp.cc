// MD5, SHA-1 and SHA-256 hashers through OpenSSL's EVP interface. Each
// algorithm's EVP_MD is fetched once per process; a hasher owns one
// EVP_MD_CTX for its whole life (Reset re-initialises it in place).
#include <openssl/evp.h>

#include <cstdlib>
#include <string>

#include "stream/hash_impl.h"

namespace strata::stream::internal {
namespace {

const char* EvpName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kMd5:
      return "MD5";
    case HashAlgorithm::kSha1:
      return "SHA1";
    default:
      return "SHA256";
  }
}

// The process-wide EVP_MD of `algorithm` (never freed), or nullptr.
const EVP_MD* FetchOnce(HashAlgorithm algorithm) {
  static const EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  switch (algorithm) {
    case HashAlgorithm::kMd5:
      return md5;
    case HashAlgorithm::kSha1:
      return sha1;
    case HashAlgorithm::kSha256:
      return sha256;
    default:
      return nullptr;
  }
}

// OpenSSL only fails these calls on allocation failure or a broken
// provider; neither leaves a usable hasher, so treat it like OOM.
void CheckEvp(int ok) {
  if (ok != 1) std::abort();
}

class EvpHasher final : public Hasher {
 public:
  EvpHasher(HashAlgorithm algorithm, const EVP_MD* md, EVP_MD_CTX* ctx)
      : algorithm_(algorithm), md_(md), ctx_(ctx) {
    Reset();
  }
  ~EvpHasher() override { EVP_MD_CTX_free(ctx_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;

  HashAlgorithm algorithm() const override { return algorithm_; }

  void Update(std::span<const std::byte> data) override {
    if (data.empty()) return;
    CheckEvp(EVP_DigestUpdate(ctx_, data.data(), data.size()));
  }

  Digest Finish() override {
    Digest out(static_cast<size_t>(EVP_MD_get_size(md_)));
    unsigned int size = 0;
    CheckEvp(EVP_DigestFinal_ex(
        ctx_, reinterpret_cast<unsigned char*>(out.data()), &size));
    out.resize(size);
    return out;
  }

  void Reset() override { CheckEvp(EVP_DigestInit_ex2(ctx_, md_, nullptr)); }

 private:
  HashAlgorithm algorithm_;
  const EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

Result<std::unique_ptr<Hasher>> NewEvpHasher(HashAlgorithm algorithm) {
  const EVP_MD* md = FetchOnce(algorithm);
  if (md == nullptr) {
    std::string message = "OpenSSL provides no ";
    message += EvpName(algorithm);
    message += " digest";
    return InternalError(std::move(message));
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return ResourceExhaustedError("EVP_MD_CTX_new failed");
  return std::unique_ptr<Hasher>(new EvpHasher(algorithm, md, ctx));
}

}  // namespace strata::stream::internal
