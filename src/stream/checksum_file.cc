// ChecksumWriter / ChecksumReader (checksum_file.h): pass-through layers that
// hash the plain bytes. The LayerFile subclass does the work; ChecksumFileImpl
// is the public ChecksumFile forwarding every call to it (LayerFile and
// ChecksumFile are both fs::Files, so one class cannot be both).
#include "strata/stream/checksum_file.h"

#include <string>
#include <utility>

#include "stream/layer_file.h"

namespace strata::stream {
namespace {

constexpr char kLayer[] = "checksum";

class Hashers {
 public:
  static Result<Hashers> Create(const std::vector<HashAlgorithm>& algorithms) {
    if (algorithms.empty()) {
      return InvalidArgumentError("checksum layer: no hash algorithms given");
    }
    Hashers out;
    for (HashAlgorithm algorithm : algorithms) {
      STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Hasher> hasher,
                              NewHasher(algorithm));
      out.hashers_.push_back(std::move(hasher));
    }
    return out;
  }

  void Update(std::span<const std::byte> data) {
    for (auto& hasher : hashers_) hasher->Update(data);
  }

  std::vector<ChecksumResult> Finish() {
    std::vector<ChecksumResult> out;
    for (auto& hasher : hashers_) {
      out.push_back(ChecksumResult{hasher->algorithm(), hasher->Finish()});
    }
    return out;
  }

 private:
  std::vector<std::unique_ptr<Hasher>> hashers_;
};

class ChecksumLayer final : public LayerFile {
 public:
  ChecksumLayer(Mode mode, std::unique_ptr<fs::File> inner, Hashers hashers,
                std::vector<ChecksumResult> expected)
      : LayerFile(kLayer, mode, std::move(inner)),
        hashers_(std::move(hashers)),
        expected_(std::move(expected)) {}

  const std::optional<std::vector<ChecksumResult>>& digests() const {
    return digests_;
  }

 protected:
  Task<Status> DoWrite(fs::ConstBytes src) override {
    hashers_.Update(src);
    co_return co_await inner().Write(src);
  }

  Task<Status> DoWriteV(std::span<const fs::ConstBytes> srcs) override {
    for (fs::ConstBytes src : srcs) hashers_.Update(src);
    co_return co_await inner().WriteV(srcs);
  }

  Task<Status> DoClose() override {
    digests_ = hashers_.Finish();
    co_return Status::OK();
  }

  Task<Result<size_t>> DoReadAt(fs::MutableBytes dst,
                                uint64_t offset) override {
    STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await inner().ReadAt(dst, offset));
    if (digests_.has_value()) {
      // A mismatch fails every read that reaches EOF, not just the first.
      if (n < dst.size() && !verdict_.ok()) co_return verdict_;
      co_return n;
    }
    if (offset != hashed_) co_return n;
    hashers_.Update(dst.first(n));
    hashed_ += n;
    bool at_eof = n < dst.size();
    if (!at_eof) {
      if (!size_.has_value()) {
        STRATA_CO_ASSIGN_OR_RETURN(size_, co_await inner().Size());
      }
      at_eof = hashed_ >= *size_;
    }
    if (!at_eof) co_return n;
    digests_ = hashers_.Finish();
    verdict_ = Verify();
    if (!verdict_.ok()) co_return verdict_;
    co_return n;
  }

  Task<Result<uint64_t>> DoSize() override {
    co_return co_await inner().Size();
  }

 private:
  // Compares digests_ with expected_ (algorithms missing from either side
  // are not compared).
  Status Verify() const {
    for (const ChecksumResult& want : expected_) {
      for (const ChecksumResult& got : *digests_) {
        if (got.algorithm != want.algorithm || got.digest == want.digest) {
          continue;
        }
        std::string message = Context("read");
        message += ": ";
        message += HashName(got.algorithm);
        message += " mismatch: expected ";
        message += ToHex(want.digest);
        message += ", computed ";
        message += ToHex(got.digest);
        return DataLossError(std::move(message));
      }
    }
    return Status::OK();
  }

  Hashers hashers_;
  std::vector<ChecksumResult> expected_;
  std::optional<std::vector<ChecksumResult>> digests_;
  uint64_t hashed_ = 0;           // reader: bytes hashed so far, from offset 0
  std::optional<uint64_t> size_;  // reader: the inner size, once asked
  Status verdict_;
};

class ChecksumFileImpl final : public ChecksumFile {
 public:
  explicit ChecksumFileImpl(std::unique_ptr<ChecksumLayer> layer)
      : layer_(std::move(layer)) {}

  std::optional<std::vector<ChecksumResult>> digests() const override {
    return layer_->digests();
  }
  const std::string& path() const override { return layer_->path(); }
  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options) override {
    return layer_->ReadAt(dst, offset, options);
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options) override {
    return layer_->ReadV(dsts, offset, options);
  }
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options) override {
    return layer_->Write(src, options);
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    return layer_->WriteV(srcs, options);
  }
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& options) override {
    return layer_->WriteAt(src, offset, options);
  }
  Task<Status> Sync() override { return layer_->Sync(); }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    return layer_->Preallocate(offset, length);
  }
  Task<Result<uint64_t>> Size() override { return layer_->Size(); }
  Task<Status> Close() override { return layer_->Close(); }
  Task<Status> Abort() override { return layer_->Abort(); }

 private:
  std::unique_ptr<ChecksumLayer> layer_;
};

Result<std::unique_ptr<ChecksumFile>> Make(
    LayerFile::Mode mode, std::unique_ptr<fs::File> inner,
    const std::vector<HashAlgorithm>& algorithms,
    std::vector<ChecksumResult> expected) {
  STRATA_ASSIGN_OR_RETURN(Hashers hashers, Hashers::Create(algorithms));
  auto layer = std::make_unique<ChecksumLayer>(
      mode, std::move(inner), std::move(hashers), std::move(expected));
  return std::unique_ptr<ChecksumFile>(
      std::make_unique<ChecksumFileImpl>(std::move(layer)));
}

}  // namespace

Result<std::unique_ptr<ChecksumFile>> NewChecksumWriter(
    std::unique_ptr<fs::File> inner, std::vector<HashAlgorithm> algorithms,
    LayerOptions options) {
  (void)options;  // the layer buffers nothing
  return Make(LayerFile::Mode::kWrite, std::move(inner), algorithms, {});
}

Result<std::unique_ptr<ChecksumFile>> NewChecksumReader(
    std::unique_ptr<fs::File> inner, std::vector<HashAlgorithm> algorithms,
    std::vector<ChecksumResult> expected, LayerOptions options) {
  (void)options;
  return Make(LayerFile::Mode::kRead, std::move(inner), algorithms,
              std::move(expected));
}

}  // namespace strata::stream
