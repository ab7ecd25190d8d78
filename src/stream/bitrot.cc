#include "strata/stream/bitrot.h"

#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "stream/bitrot_format.h"
#include "stream/layer_file.h"

namespace strata::stream {
namespace {

Result<BitrotLayout> LayoutFor(const BitrotOptions& options) {
  if (options.block_size == 0 || options.block_size > kMaxBitrotBlockSize) {
    std::string message =
        "bitrot: block_size must be between 1 and 256 MiB, got ";
    message += std::to_string(options.block_size);
    return InvalidArgumentError(std::move(message));
  }
  BitrotLayout layout;
  layout.block_size = options.block_size;
  layout.digest_size = DigestSize(options.algorithm);
  return layout;
}

class BitrotWriter final : public LayerFile {
 public:
  BitrotWriter(std::unique_ptr<fs::File> inner, BitrotLayout layout,
               std::unique_ptr<Hasher> hasher)
      : LayerFile("bitrot", Mode::kWrite, std::move(inner)),
        layout_(layout),
        hasher_(std::move(hasher)) {}

 protected:
  Task<Status> DoWrite(fs::ConstBytes src) override {
    co_return co_await Append(src);
  }
  Task<Status> DoWriteV(std::span<const fs::ConstBytes> srcs) override {
    for (fs::ConstBytes src : srcs) {
      STRATA_CO_RETURN_IF_ERROR(co_await Append(src));
    }
    co_return Status::OK();
  }
  Task<Status> DoClose() override {
    if (pending_.empty()) co_return Status::OK();
    co_return co_await EmitBlock(pending_);
  }

 private:
  // Whole blocks available in `src` go out without a copy.
  Task<Status> Append(fs::ConstBytes src) {
    const size_t block = layout_.block_size;
    while (!src.empty()) {
      if (pending_.empty() && src.size() >= block) {
        STRATA_CO_RETURN_IF_ERROR(co_await EmitBlock(src.first(block)));
        src = src.subspan(block);
        continue;
      }
      if (pending_.capacity() < block) pending_.reserve(block);
      const size_t take = std::min(block - pending_.size(), src.size());
      pending_.insert(pending_.end(), src.begin(), src.begin() + take);
      src = src.subspan(take);
      if (pending_.size() == block) {
        STRATA_CO_RETURN_IF_ERROR(co_await EmitBlock(pending_));
        pending_.clear();
      }
    }
    co_return Status::OK();
  }

  Task<Status> EmitBlock(fs::ConstBytes block) {
    hasher_->Reset();
    hasher_->Update(block);
    digest_ = hasher_->Finish();
    const std::array<fs::ConstBytes, 2> parts = {fs::ConstBytes(digest_),
                                                 block};
    co_return co_await inner().WriteV(parts);
  }

  BitrotLayout layout_;
  std::unique_ptr<Hasher> hasher_;
  std::vector<std::byte> pending_;
  Digest digest_;
};

class BitrotReader final : public LayerFile {
 public:
  BitrotReader(std::unique_ptr<fs::File> inner, BitrotLayout layout,
               HashAlgorithm algorithm, uint64_t plain_size)
      : LayerFile("bitrot", Mode::kRead, std::move(inner)),
        layout_(layout),
        algorithm_(algorithm),
        plain_size_(plain_size),
        digest_(layout.digest_size) {}

 protected:
  Task<Result<uint64_t>> DoSize() override { co_return plain_size_; }

  Task<Result<size_t>> DoReadAt(fs::MutableBytes dst,
                                uint64_t offset) override {
    if (offset >= plain_size_) co_return size_t{0};
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(dst.size(), plain_size_ - offset));
    size_t done = 0;
    while (done < want) {
      const uint64_t pos = offset + done;
      const uint64_t index = pos / layout_.block_size;
      const size_t in_block = pos % layout_.block_size;
      const size_t length = layout_.BlockLength(index, plain_size_);
      const size_t n = std::min(length - in_block, want - done);
      if (n == length && index != cached_) {
        // The whole block lands in dst: verify it there, no copy.
        STRATA_CO_RETURN_IF_ERROR(
            co_await LoadBlock(index, dst.subspan(done, n)));
      } else {
        STRATA_CO_RETURN_IF_ERROR(co_await CacheBlock(index, length));
        std::memcpy(dst.data() + done, cache_.data() + in_block, n);
      }
      done += n;
    }
    co_return want;
  }

 private:
  Task<Status> CacheBlock(uint64_t index, size_t length) {
    if (index == cached_) co_return Status::OK();
    cached_ = kNone;
    if (cache_.size() < layout_.block_size) cache_.resize(layout_.block_size);
    STRATA_CO_RETURN_IF_ERROR(
        co_await LoadBlock(index, fs::MutableBytes(cache_).first(length)));
    cached_ = index;
    co_return Status::OK();
  }

  // Reads block `index` (exactly out.size() bytes) and checks its hash.
  Task<Status> LoadBlock(uint64_t index, fs::MutableBytes out) {
    const std::array<fs::MutableBytes, 2> parts = {fs::MutableBytes(digest_),
                                                   out};
    Result<size_t> n =
        co_await inner().ReadV(parts, layout_.BlockOffset(index));
    if (!n.ok()) co_return n.status();
    if (*n != digest_.size() + out.size()) {
      std::memset(out.data(), 0, out.size());
      co_return DataLossError(BlockError(index, ": short read (truncated?)"));
    }
    if (HashBytes(algorithm_, out) != digest_) {
      std::memset(out.data(), 0, out.size());  // never hand out bad bytes
      co_return DataLossError(BlockError(index, ": hash mismatch (bitrot)"));
    }
    co_return Status::OK();
  }

  std::string BlockError(uint64_t index, const char* what) const {
    std::string out = Context("read");
    out += ": block ";
    out += std::to_string(index);
    out += what;
    return out;
  }

  static constexpr uint64_t kNone = ~uint64_t{0};
  BitrotLayout layout_;
  HashAlgorithm algorithm_;
  uint64_t plain_size_;
  Digest digest_;
  std::vector<std::byte> cache_;
  uint64_t cached_ = kNone;
};

}  // namespace

uint64_t BitrotEncodedSize(uint64_t plain_size, const BitrotOptions& options) {
  BitrotLayout layout;
  layout.block_size = std::max<uint64_t>(options.block_size, 1);
  layout.digest_size = DigestSize(options.algorithm);
  return layout.EncodedSize(plain_size);
}

Result<std::unique_ptr<fs::File>> NewBitrotWriter(
    std::unique_ptr<fs::File> inner, BitrotOptions options) {
  STRATA_ASSIGN_OR_RETURN(BitrotLayout layout, LayoutFor(options));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Hasher> hasher,
                          NewHasher(options.algorithm));
  return std::unique_ptr<fs::File>(
      new BitrotWriter(std::move(inner), layout, std::move(hasher)));
}

Task<Result<std::unique_ptr<fs::File>>> OpenBitrotReader(
    std::unique_ptr<fs::File> inner, BitrotOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(BitrotLayout layout, LayoutFor(options));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t encoded, co_await inner->Size());
  std::optional<uint64_t> plain = layout.PlainSize(encoded);
  if (!plain) {
    std::string message = "bitrot open ";
    message += inner->path();
    message += ": size ";
    message += std::to_string(encoded);
    message += " is not a valid bitrot encoded size";
    co_return DataLossError(std::move(message));
  }
  co_return std::unique_ptr<fs::File>(
      new BitrotReader(std::move(inner), layout, options.algorithm, *plain));
}

}  // namespace strata::stream
