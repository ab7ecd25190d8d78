// The input of `strata bench streams`: compressible blocks, and the same
// blocks pre-split into 12+4 erasure stripes.

#include <algorithm>
#include <cstring>
#include <string_view>

#include "cli/bench_streams.h"

namespace strata::cli {
namespace {

constexpr int kCorpusBlocks = 16;
constexpr size_t kStripeAlignment = 64;

// Appends `text` at `*at`, as much as fits.
void Append(std::span<std::byte> out, size_t* at, std::string_view text) {
  size_t n = std::min(text.size(), out.size() - *at);
  std::memcpy(out.data() + *at, text.data(), n);
  *at += n;
}

void AppendNumber(std::span<std::byte> out, size_t* at, uint64_t value) {
  char digits[20];
  size_t n = 0;
  do {
    digits[sizeof(digits) - ++n] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  Append(out, at, std::string_view(digits + sizeof(digits) - n, n));
}

}  // namespace

void FillCompressible(std::span<std::byte> out, uint64_t seed) {
  static constexpr std::string_view kWords[16] = {
      "GET ",  "PUT ",  "/bucket/", "object-",    " 200 ",  " 404 ",
      "INFO ", "WARN ", "strata ",  "layer=",     "bytes=", "key=",
      "\n",    " ok ",  "stream ",  "2026-11-22T"};
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  size_t at = 0;
  while (at < out.size()) {
    x ^= x << 13;  // xorshift64
    x ^= x >> 7;
    x ^= x << 17;
    Append(out, &at, kWords[x & 15]);
    if ((x >> 4) & 1) AppendNumber(out, &at, (x >> 8) % 100000);
  }
}

BenchCorpus BenchCorpus::Make() {
  BenchCorpus corpus;
  corpus.shard_size_ = (kBenchBlockSize + kBenchEcData - 1) / kBenchEcData;
  const size_t stripe_size =
      corpus.shard_size_ * (kBenchEcData + kBenchEcParity);
  for (int i = 0; i < kCorpusBlocks; ++i) {
    Buffer block = Buffer::Allocate(kBenchBlockSize);
    FillCompressible(block.span(), static_cast<uint64_t>(i) + 1);
    Buffer stripe = Buffer::Allocate(stripe_size, kStripeAlignment);
    std::memset(stripe.data(), 0, stripe_size);
    std::memcpy(stripe.data(), block.data(), kBenchBlockSize);
    corpus.blocks_.push_back(std::move(block));
    corpus.stripes_.push_back(std::move(stripe));
  }
  return corpus;
}

uint64_t BenchCorpus::Chunks(uint64_t size) {
  return (size + kBenchBlockSize - 1) / kBenchBlockSize;
}

std::span<const std::byte> BenchCorpus::Chunk(uint64_t index,
                                              uint64_t size) const {
  const Buffer& block = blocks_[index % blocks_.size()];
  uint64_t left = size - index * kBenchBlockSize;
  return block.const_span().first(
      static_cast<size_t>(std::min<uint64_t>(left, kBenchBlockSize)));
}

std::span<std::byte> BenchCorpus::Stripe(uint64_t index) {
  return stripes_[index % stripes_.size()].span();
}

}  // namespace strata::cli
