// The raw library calls `strata bench streams` compares each layer with:
// ISA-L (crc32_iscsi, ec_encode_data), OpenSSL EVP AES-256-GCM, libzstd
// (ZSTD_compressCCtx) and HighwayHash, on the corpus blocks.

#include <isa-l/crc.h>
#include <isa-l/erasure_code.h>
#include <openssl/evp.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "cli/bench_streams.h"
#include "highwayhash/highwayhash_target.h"
#include "highwayhash/instruction_sets.h"
#include "strata/stream/erasure.h"
#include "strata/stream/hash.h"

namespace strata::cli {
namespace {

constexpr size_t kGcmPackage = size_t{64} << 10;  // DARE's package size
constexpr size_t kGcmTag = 16;
constexpr int kZstdLevel = 3;

// Keeps results alive so the compiler cannot drop the work.
volatile uint64_t g_sink = 0;

unsigned char* Bytes(const std::byte* p) {
  return reinterpret_cast<unsigned char*>(const_cast<std::byte*>(p));
}

// AES-256-GCM sealing in DARE-sized calls: one nonce, update, final and
// tag per 64 KiB package.
class GcmSealer {
 public:
  GcmSealer() : ctx_(EVP_CIPHER_CTX_new()) {
    std::array<unsigned char, 32> key{};
    key[0] = 1;
    ok_ =
        ctx_ != nullptr && EVP_EncryptInit_ex(ctx_, EVP_aes_256_gcm(), nullptr,
                                              key.data(), nullptr) == 1;
  }
  ~GcmSealer() { EVP_CIPHER_CTX_free(ctx_); }
  GcmSealer(const GcmSealer&) = delete;
  GcmSealer& operator=(const GcmSealer&) = delete;

  // Seals `data` package by package into `out` (kGcmPackage + tag bytes).
  // With `crc`, extends it (CRC32C) over each sealed package.
  Status Seal(std::span<const std::byte> data, std::span<std::byte> out,
              uint32_t* crc = nullptr) {
    for (size_t at = 0; ok_ && at < data.size(); at += kGcmPackage) {
      size_t n = std::min(kGcmPackage, data.size() - at);
      ++nonce_[0];
      int len = 0;
      int tail = 0;
      ok_ = EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr,
                               nonce_.data()) == 1 &&
            EVP_EncryptUpdate(ctx_, Bytes(out.data()), &len,
                              Bytes(data.data() + at),
                              static_cast<int>(n)) == 1 &&
            EVP_EncryptFinal_ex(ctx_, Bytes(out.data()) + len, &tail) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, kGcmTag,
                                Bytes(out.data()) + n) == 1;
      if (crc != nullptr) {
        *crc =
            crc32_iscsi(Bytes(out.data()), static_cast<int>(n + kGcmTag), *crc);
      }
    }
    return ok_ ? Status::OK() : InternalError("raw AES-256-GCM failed");
  }

 private:
  EVP_CIPHER_CTX* ctx_;
  std::array<unsigned char, 12> nonce_{};
  bool ok_ = false;
};

struct ZstdCtxFree {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};

// Compresses `src` into `dst`; the compressed size.
Result<size_t> CompressBlock(ZSTD_CCtx* ctx, std::span<const std::byte> src,
                             Buffer& dst) {
  size_t n = ZSTD_compressCCtx(ctx, dst.data(), dst.size(), src.data(),
                               src.size(), kZstdLevel);
  if (ZSTD_isError(n)) {
    return InternalError(std::string("raw zstd: ") + ZSTD_getErrorName(n));
  }
  return n;
}

// ec_init_tables over the parity rows of ReedSolomon's own matrix.
Result<std::vector<unsigned char>> EcTables() {
  STRATA_ASSIGN_OR_RETURN(
      auto rs, stream::ReedSolomon::Create(kBenchEcData, kBenchEcParity));
  std::vector<unsigned char> rows(
      rs->matrix().begin() + kBenchEcData * kBenchEcData, rs->matrix().end());
  std::vector<unsigned char> tables(32 * kBenchEcData * kBenchEcParity);
  ec_init_tables(kBenchEcData, kBenchEcParity, rows.data(), tables.data());
  return tables;
}

// Parity of one stripe of 12 + 4 shards.
void EncodeStripe(std::span<std::byte> stripe, size_t shard_size,
                  std::vector<unsigned char>& tables) {
  std::array<unsigned char*, kBenchEcData + kBenchEcParity> shards;
  for (size_t i = 0; i < shards.size(); ++i) {
    shards[i] = Bytes(stripe.data() + i * shard_size);
  }
  ec_encode_data(static_cast<int>(shard_size), kBenchEcData, kBenchEcParity,
                 tables.data(), shards.data(), shards.data() + kBenchEcData);
}

// MinIO's bitrot key as HighwayHash's four little-endian words.
void LoadMinioKey(highwayhash::HHKey key) {
  std::memcpy(key, stream::kMinioHighwayHashKey.data(),
              sizeof(highwayhash::HHKey));
}

uint64_t HighwayHash256(const highwayhash::HHKey& key,
                        std::span<const std::byte> data) {
  highwayhash::HHResult256 result;
  highwayhash::InstructionSets::Run<highwayhash::HighwayHash>(
      key, reinterpret_cast<const char*>(data.data()), data.size(), &result);
  return result[0];
}

}  // namespace

Status RawCrc32c(BenchCorpus& corpus, uint64_t size) {
  uint32_t crc = 0;
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    auto chunk = corpus.Chunk(i, size);
    crc = crc32_iscsi(Bytes(chunk.data()), static_cast<int>(chunk.size()), crc);
  }
  g_sink = g_sink + crc;
  return Status::OK();
}

Status RawZstd(BenchCorpus& corpus, uint64_t size) {
  std::unique_ptr<ZSTD_CCtx, ZstdCtxFree> ctx(ZSTD_createCCtx());
  Buffer dst = Buffer::Allocate(ZSTD_compressBound(kBenchBlockSize));
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    STRATA_ASSIGN_OR_RETURN(
        size_t n, CompressBlock(ctx.get(), corpus.Chunk(i, size), dst));
    g_sink = g_sink + n;
  }
  return Status::OK();
}

Status RawAesGcm(BenchCorpus& corpus, uint64_t size) {
  GcmSealer sealer;
  Buffer out = Buffer::Allocate(kGcmPackage + kGcmTag);
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    STRATA_RETURN_IF_ERROR(sealer.Seal(corpus.Chunk(i, size), out.span()));
  }
  return Status::OK();
}

Status RawEcEncode(BenchCorpus& corpus, uint64_t size) {
  STRATA_ASSIGN_OR_RETURN(auto tables, EcTables());
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    EncodeStripe(corpus.Stripe(i), corpus.shard_size(), tables);
  }
  return Status::OK();
}

Status RawErasureSet(BenchCorpus& corpus, uint64_t size) {
  STRATA_ASSIGN_OR_RETURN(auto tables, EcTables());
  const size_t shard = corpus.shard_size();
  const size_t total = kBenchEcData + kBenchEcParity;
  Buffer stripe = Buffer::Allocate(shard * total, 64);
  HH_ALIGNAS(32) highwayhash::HHKey key;
  LoadMinioKey(key);
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    auto chunk = corpus.Chunk(i, size);
    std::memcpy(stripe.data(), chunk.data(), chunk.size());
    std::memset(stripe.data() + chunk.size(), 0,
                shard * kBenchEcData - chunk.size());
    EncodeStripe(stripe.span(), shard, tables);
    for (size_t s = 0; s < total; ++s) {
      g_sink =
          g_sink + HighwayHash256(key, stripe.span().subspan(s * shard, shard));
    }
  }
  return Status::OK();
}

Status RawHighwayHash(BenchCorpus& corpus, uint64_t size) {
  HH_ALIGNAS(32) highwayhash::HHKey key;
  LoadMinioKey(key);
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    g_sink = g_sink + HighwayHash256(key, corpus.Chunk(i, size));
  }
  return Status::OK();
}

Status RawPipeline(BenchCorpus& corpus, uint64_t size) {
  std::unique_ptr<ZSTD_CCtx, ZstdCtxFree> ctx(ZSTD_createCCtx());
  Buffer compressed = Buffer::Allocate(ZSTD_compressBound(kBenchBlockSize));
  Buffer sealed = Buffer::Allocate(kGcmPackage + kGcmTag);
  GcmSealer sealer;
  uint32_t crc = 0;
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    auto chunk = corpus.Chunk(i, size);
    STRATA_ASSIGN_OR_RETURN(size_t n,
                            CompressBlock(ctx.get(), chunk, compressed));
    STRATA_RETURN_IF_ERROR(
        sealer.Seal(compressed.const_span().first(n), sealed.span(), &crc));
  }
  g_sink = g_sink + crc;
  return Status::OK();
}

}  // namespace strata::cli
