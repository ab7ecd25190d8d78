#include "strata/stream/pipeline.h"

#include <string>
#include <utility>

namespace strata::stream {
namespace {

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kChecksum:
      return "checksum";
    case Stage::kCompress:
      return "compress";
    case Stage::kEncrypt:
      return "encrypt";
    case Stage::kProtect:
      return "protect";
  }
  return "?";
}

// Why `later` may not follow `earlier` in write order.
std::string OrderProblem(Stage earlier, Stage later) {
  std::string why;
  if (earlier == later) {
    why = "a stage may appear only once";
  } else if (later == Stage::kChecksum) {
    why = "a checksum must describe the plain data, so it comes first";
  } else if (later == Stage::kCompress && earlier == Stage::kEncrypt) {
    why = "ciphertext does not compress: compress before encrypting";
  } else if (later == Stage::kCompress || later == Stage::kEncrypt) {
    why = "protect hashes the stored bytes, so it must be the last stage";
  }
  std::string out = "pipeline: ";
  out += StageName(later);
  out += " after ";
  out += StageName(earlier);
  out += ": ";
  out += why;
  out += " (order: checksum, compress, encrypt, protect)";
  return out;
}

Status CheckKeys(const std::optional<EncryptionKey>& master,
                 const std::optional<EncryptionKey>& raw, const char* side) {
  if (master.has_value() == raw.has_value()) {
    std::string out = "pipeline: encrypt stage (";
    out += side;
    out += ") needs exactly one of master_key and raw_key";
    return InvalidArgumentError(std::move(out));
  }
  return Status::OK();
}

template <typename Options>
Options WithPool(Options options, BufferPool* pool) {
  if (pool != nullptr && options.pool == nullptr) options.pool = pool;
  return options;
}

}  // namespace

Pipeline::Builder& Pipeline::Builder::Checksum(
    std::vector<HashAlgorithm> algorithms) {
  order_.push_back(Stage::kChecksum);
  checksums_ = std::move(algorithms);
  return *this;
}

Pipeline::Builder& Pipeline::Builder::Compress(CompressOptions options,
                                               DecompressOptions limits) {
  order_.push_back(Stage::kCompress);
  if (options.codec != Codec::kAuto) limits.codec = options.codec;
  compress_ = std::move(options);
  decompress_ = std::move(limits);
  return *this;
}

Pipeline::Builder& Pipeline::Builder::Encrypt(EncryptOptions writer,
                                              DecryptOptions reader) {
  order_.push_back(Stage::kEncrypt);
  encrypt_ = std::move(writer);
  decrypt_ = std::move(reader);
  return *this;
}

Pipeline::Builder& Pipeline::Builder::Protect(BitrotOptions options) {
  order_.push_back(Stage::kProtect);
  protect_ = std::move(options);
  return *this;
}

Pipeline::Builder& Pipeline::Builder::Pool(BufferPool* pool) {
  pool_ = pool;
  return *this;
}

Result<Pipeline> Pipeline::Builder::Build() const {
  for (size_t i = 1; i < order_.size(); ++i) {
    if (order_[i] <= order_[i - 1]) {
      return InvalidArgumentError(OrderProblem(order_[i - 1], order_[i]));
    }
  }
  if (!order_.empty() && order_.front() == Stage::kChecksum &&
      checksums_.empty()) {
    return InvalidArgumentError(
        "pipeline: checksum stage needs at least one algorithm");
  }
  if (encrypt_.has_value()) {
    STRATA_RETURN_IF_ERROR(
        CheckKeys(encrypt_->master_key, encrypt_->raw_key, "writer"));
    STRATA_RETURN_IF_ERROR(
        CheckKeys(decrypt_->master_key, decrypt_->raw_key, "reader"));
  }
  return Pipeline(*this);
}

bool Pipeline::Has(Stage stage) const {
  for (Stage s : builder_.order_) {
    if (s == stage) return true;
  }
  return false;
}

Result<std::unique_ptr<fs::File>> Pipeline::OpenWriter(
    std::unique_ptr<fs::File> sink) const {
  const Builder& b = builder_;
  std::unique_ptr<fs::File> file = std::move(sink);
  if (Has(Stage::kProtect)) {
    STRATA_ASSIGN_OR_RETURN(
        file, NewBitrotWriter(std::move(file), WithPool(*b.protect_, b.pool_)));
  }
  if (Has(Stage::kEncrypt)) {
    STRATA_ASSIGN_OR_RETURN(
        file,
        NewEncryptWriter(std::move(file), WithPool(*b.encrypt_, b.pool_)));
  }
  if (Has(Stage::kCompress)) {
    STRATA_ASSIGN_OR_RETURN(
        file,
        NewCompressWriter(std::move(file), WithPool(*b.compress_, b.pool_)));
  }
  if (Has(Stage::kChecksum)) {
    LayerOptions layer;
    layer.pool = b.pool_;
    STRATA_ASSIGN_OR_RETURN(
        auto checksum, NewChecksumWriter(std::move(file), b.checksums_, layer));
    file = std::move(checksum);
  }
  return file;
}

Result<std::unique_ptr<ChecksumFile>> Pipeline::OpenChecksumWriter(
    std::unique_ptr<fs::File> sink) const {
  if (!Has(Stage::kChecksum)) {
    return FailedPreconditionError("pipeline: no checksum stage");
  }
  STRATA_ASSIGN_OR_RETURN(auto file, OpenWriter(std::move(sink)));
  return std::unique_ptr<ChecksumFile>(
      static_cast<ChecksumFile*>(file.release()));
}

Task<Result<std::unique_ptr<fs::File>>> Pipeline::OpenReader(
    std::unique_ptr<fs::File> source) const {
  co_return co_await OpenLayers(std::move(source),
                                std::vector<ChecksumResult>());
}

Task<Result<std::unique_ptr<ChecksumFile>>> Pipeline::OpenChecksumReader(
    std::unique_ptr<fs::File> source,
    std::vector<ChecksumResult> expected) const {
  if (!Has(Stage::kChecksum)) {
    co_return FailedPreconditionError("pipeline: no checksum stage");
  }
  Result<std::unique_ptr<fs::File>> top =
      co_await OpenLayers(std::move(source), std::move(expected));
  if (!top.ok()) co_return top.status();
  // The top layer of a pipeline with a checksum stage is a ChecksumFile.
  co_return std::unique_ptr<ChecksumFile>(
      static_cast<ChecksumFile*>(std::move(top).value().release()));
}

// Opens the read side bottom-up.
Task<Result<std::unique_ptr<fs::File>>> Pipeline::OpenLayers(
    std::unique_ptr<fs::File> source,
    std::vector<ChecksumResult> expected) const {
  const Builder& b = builder_;
  std::unique_ptr<fs::File> file = std::move(source);
  if (Has(Stage::kProtect)) {
    BitrotOptions options = WithPool(*b.protect_, b.pool_);
    STRATA_CO_ASSIGN_OR_RETURN(
        file, co_await OpenBitrotReader(std::move(file), options));
  }
  if (Has(Stage::kEncrypt)) {
    DecryptOptions options = WithPool(*b.decrypt_, b.pool_);
    STRATA_CO_ASSIGN_OR_RETURN(
        file, co_await OpenDecryptReader(std::move(file), options));
  }
  if (Has(Stage::kCompress)) {
    DecompressOptions options = WithPool(*b.decompress_, b.pool_);
    STRATA_CO_ASSIGN_OR_RETURN(
        file, co_await OpenDecompressReader(std::move(file), options));
  }
  if (Has(Stage::kChecksum)) {
    LayerOptions layer;
    layer.pool = b.pool_;
    STRATA_CO_ASSIGN_OR_RETURN(auto checksum,
                               NewChecksumReader(std::move(file), b.checksums_,
                                                 std::move(expected), layer));
    file = std::move(checksum);
  }
  co_return file;
}

}  // namespace strata::stream
