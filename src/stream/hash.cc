// Algorithm names, parsing, and NewHasher: the CRC and XXH3 hashers live
// here; OpenSSL digests and HighwayHash in hash_evp.cc / hash_highway*.cc.
#include "strata/stream/hash.h"

#include <isa-l/crc.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <string>

#include "strata/stream/crc.h"
#include "stream/hash_impl.h"

namespace strata::stream {
namespace {

struct AlgorithmInfo {
  HashAlgorithm algorithm;
  std::string_view name;
  size_t digest_size;
};

constexpr std::array<AlgorithmInfo, 9> kAlgorithms = {{
    {HashAlgorithm::kCrc32, "crc32", 4},
    {HashAlgorithm::kCrc32c, "crc32c", 4},
    {HashAlgorithm::kCrc64Nvme, "crc64nvme", 8},
    {HashAlgorithm::kMd5, "md5", 16},
    {HashAlgorithm::kSha1, "sha1", 20},
    {HashAlgorithm::kSha256, "sha256", 32},
    {HashAlgorithm::kXxh3, "xxh3", 8},
    {HashAlgorithm::kXxh128, "xxh128", 16},
    {HashAlgorithm::kHighwayHash256, "highwayhash256", 32},
}};

constexpr std::array<HashAlgorithm, 9> kAllAlgorithms = {
    HashAlgorithm::kCrc32,         HashAlgorithm::kCrc32c,
    HashAlgorithm::kCrc64Nvme,     HashAlgorithm::kMd5,
    HashAlgorithm::kSha1,          HashAlgorithm::kSha256,
    HashAlgorithm::kXxh3,          HashAlgorithm::kXxh128,
    HashAlgorithm::kHighwayHash256};

struct Alias {
  std::string_view name;
  HashAlgorithm algorithm;
};

constexpr std::array<Alias, 5> kAliases = {{
    {"xxh3-64", HashAlgorithm::kXxh3},
    {"xxh3-128", HashAlgorithm::kXxh128},
    {"sha-256", HashAlgorithm::kSha256},
    {"crc64", HashAlgorithm::kCrc64Nvme},
    {"highwayhash", HashAlgorithm::kHighwayHash256},
}};

const AlgorithmInfo& Info(HashAlgorithm algorithm) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.algorithm == algorithm) return info;
  }
  std::abort();  // not a HashAlgorithm value
}

template <size_t N>
Digest BigEndianDigest(uint64_t v) {
  Digest out(N);
  for (size_t i = 0; i < N; ++i) {
    out[N - 1 - i] = static_cast<std::byte>(v >> (8 * i));
  }
  return out;
}

// CRC32C: the raw ISA-L call on the un-inverted register. ISA-L takes an
// int length, so inputs are fed in chunks of at most 1 GiB.
class Crc32cHasher final : public Hasher {
 public:
  HashAlgorithm algorithm() const override { return HashAlgorithm::kCrc32c; }
  void Update(std::span<const std::byte> data) override {
    constexpr size_t kChunk = size_t{1} << 30;
    auto* p = const_cast<unsigned char*>(
        reinterpret_cast<const unsigned char*>(data.data()));
    size_t left = data.size();
    while (left > kChunk) {
      reg_ = crc32_iscsi(p, static_cast<int>(kChunk), reg_);
      p += kChunk;
      left -= kChunk;
    }
    reg_ = crc32_iscsi(p, static_cast<int>(left), reg_);
  }
  Digest Finish() override { return BigEndianDigest<4>(~reg_); }
  void Reset() override { reg_ = ~uint32_t{0}; }

 private:
  uint32_t reg_ = ~uint32_t{0};
};

class Crc32Hasher final : public Hasher {
 public:
  HashAlgorithm algorithm() const override { return HashAlgorithm::kCrc32; }
  void Update(std::span<const std::byte> data) override {
    crc_ = crc32_gzip_refl(
        crc_, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  }
  Digest Finish() override { return BigEndianDigest<4>(crc_); }
  void Reset() override { crc_ = 0; }

 private:
  uint32_t crc_ = 0;
};

class Crc64NvmeHasher final : public Hasher {
 public:
  HashAlgorithm algorithm() const override { return HashAlgorithm::kCrc64Nvme; }
  void Update(std::span<const std::byte> data) override {
    crc_ = Crc64Nvme(data, crc_);
  }
  Digest Finish() override { return BigEndianDigest<8>(crc_); }
  void Reset() override { crc_ = 0; }

 private:
  uint64_t crc_ = 0;
};

// XXH3-64 or XXH3-128 (seed 0), with the streaming state held inline.
template <HashAlgorithm kAlgorithm>
class Xxh3Hasher final : public Hasher {
 public:
  Xxh3Hasher() { Reset(); }
  HashAlgorithm algorithm() const override { return kAlgorithm; }
  void Update(std::span<const std::byte> data) override {
    if constexpr (kAlgorithm == HashAlgorithm::kXxh3) {
      XXH3_64bits_update(&state_, data.data(), data.size());
    } else {
      XXH3_128bits_update(&state_, data.data(), data.size());
    }
  }
  Digest Finish() override {
    if constexpr (kAlgorithm == HashAlgorithm::kXxh3) {
      return BigEndianDigest<8>(XXH3_64bits_digest(&state_));
    } else {
      XXH128_canonical_t canonical;
      XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&state_));
      Digest out(sizeof(canonical.digest));
      std::memcpy(out.data(), canonical.digest, out.size());
      return out;
    }
  }
  void Reset() override {
    if constexpr (kAlgorithm == HashAlgorithm::kXxh3) {
      XXH3_64bits_reset(&state_);
    } else {
      XXH3_128bits_reset(&state_);
    }
  }

 private:
  XXH3_state_t state_;
};

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return ToLower(x) == ToLower(y); });
}

Result<std::unique_ptr<Hasher>> NewHighway(std::span<const std::byte> key) {
  if (key.empty()) {
    key = std::as_bytes(std::span(kMinioHighwayHashKey));
  } else if (key.size() != 32) {
    std::string message = "highwayhash256 key must be 32 bytes, got ";
    message += std::to_string(key.size());
    return InvalidArgumentError(std::move(message));
  }
  internal::HighwayKey words{};
  for (size_t i = 0; i < 32; ++i) {
    words[i / 8] |= static_cast<uint64_t>(key[i]) << (8 * (i % 8));
  }
  return internal::NewHighwayHasher(words);
}

}  // namespace

std::span<const HashAlgorithm> AllHashAlgorithms() { return kAllAlgorithms; }

std::string_view HashName(HashAlgorithm algorithm) {
  return Info(algorithm).name;
}

size_t DigestSize(HashAlgorithm algorithm) {
  return Info(algorithm).digest_size;
}

Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (EqualsIgnoreCase(name, info.name)) return info.algorithm;
  }
  for (const Alias& alias : kAliases) {
    if (EqualsIgnoreCase(name, alias.name)) return alias.algorithm;
  }
  std::string message = "unknown hash algorithm \"";
  message += name;
  message += "\" (valid:";
  for (const AlgorithmInfo& info : kAlgorithms) {
    message += ' ';
    message += info.name;
  }
  message += ')';
  return InvalidArgumentError(std::move(message));
}

Result<std::vector<HashAlgorithm>> ParseHashAlgorithms(std::string_view list) {
  const std::string_view whole = list;
  std::vector<HashAlgorithm> out;
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    if (item.empty()) {
      std::string message = "empty item in hash algorithm list \"";
      message += whole;
      message += '"';
      return InvalidArgumentError(std::move(message));
    }
    STRATA_ASSIGN_OR_RETURN(HashAlgorithm algorithm, ParseHashAlgorithm(item));
    out.push_back(algorithm);
    if (comma == std::string_view::npos) return out;
    list.remove_prefix(comma + 1);
  }
}

Result<std::unique_ptr<Hasher>> NewHasher(HashAlgorithm algorithm,
                                          std::span<const std::byte> key) {
  switch (algorithm) {
    case HashAlgorithm::kCrc32:
      return std::unique_ptr<Hasher>(std::make_unique<Crc32Hasher>());
    case HashAlgorithm::kCrc32c:
      return std::unique_ptr<Hasher>(std::make_unique<Crc32cHasher>());
    case HashAlgorithm::kCrc64Nvme:
      return std::unique_ptr<Hasher>(std::make_unique<Crc64NvmeHasher>());
    case HashAlgorithm::kMd5:
    case HashAlgorithm::kSha1:
    case HashAlgorithm::kSha256:
      return internal::NewEvpHasher(algorithm);
    case HashAlgorithm::kXxh3:
      return std::unique_ptr<Hasher>(
          std::make_unique<Xxh3Hasher<HashAlgorithm::kXxh3>>());
    case HashAlgorithm::kXxh128:
      return std::unique_ptr<Hasher>(
          std::make_unique<Xxh3Hasher<HashAlgorithm::kXxh128>>());
    case HashAlgorithm::kHighwayHash256:
      return NewHighway(key);
  }
  return InvalidArgumentError("unknown hash algorithm value");
}

Digest HashBytes(HashAlgorithm algorithm, std::span<const std::byte> data) {
  Result<std::unique_ptr<Hasher>> hasher = NewHasher(algorithm);
  if (!hasher.ok()) std::abort();  // only OpenSSL without its defaults
  (*hasher)->Update(data);
  return (*hasher)->Finish();
}

}  // namespace strata::stream
