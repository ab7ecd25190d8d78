// Pipeline: composes the stream layers in a validated order. Stages are
// named in write order from the plain side:
//
//   checksum  → compress → encrypt → protect (bitrot)   → backend file
//
// Each stage is optional and appears at most once; any other order is
// rejected by Build() with kInvalidArgument explaining why (compressing
// ciphertext gains nothing; protecting before encrypting would hash
// plaintext into the stored bytes; a checksum below compression would hash
// encoded bytes while claiming to describe the data).
//
// OpenWriter wraps a sink so Write takes plain bytes; OpenReader wraps a
// source so ReadAt serves plain bytes at any offset (each stage random-
// access). Memory stays bounded by a few blocks per stage.
//
// Thread-safety: a built Pipeline is immutable and may open many streams
// concurrently; the opened files are as layer.h.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/stream/bitrot.h"
#include "strata/stream/checksum_file.h"
#include "strata/stream/compress.h"
#include "strata/stream/encrypt.h"

namespace strata::stream {

enum class Stage { kChecksum, kCompress, kEncrypt, kProtect };

class Pipeline {
 public:
  class Builder {
   public:
    Builder& Checksum(std::vector<HashAlgorithm> algorithms);
    // `limits` bounds decompression on read (codec: the writer's, or
    // detected when the writer's is kAuto).
    Builder& Compress(CompressOptions options,
                      DecompressOptions limits = DecompressOptions());
    Builder& Encrypt(EncryptOptions writer, DecryptOptions reader);
    Builder& Protect(BitrotOptions options);
    Builder& Pool(BufferPool* pool);
    // Validates the order (each stage once, in write order) and the options
    // (an encrypt stage needs exactly one key on each side, the checksum
    // stage at least one algorithm). kInvalidArgument explains the problem.
    Result<Pipeline> Build() const;

   private:
    friend class Pipeline;
    std::vector<Stage> order_;
    std::vector<HashAlgorithm> checksums_;
    std::optional<CompressOptions> compress_;
    std::optional<DecompressOptions> decompress_;
    std::optional<EncryptOptions> encrypt_;
    std::optional<DecryptOptions> decrypt_;
    std::optional<BitrotOptions> protect_;
    BufferPool* pool_ = nullptr;
    Status error_;  // the first misuse seen while adding stages
  };

  // Write side: returns the top layer. When a checksum stage is present the
  // result is a ChecksumFile (see checksum_file.h) — use OpenChecksumWriter
  // to get it typed.
  Result<std::unique_ptr<fs::File>> OpenWriter(
      std::unique_ptr<fs::File> sink) const;
  Result<std::unique_ptr<ChecksumFile>> OpenChecksumWriter(
      std::unique_ptr<fs::File> sink) const;

  Task<Result<std::unique_ptr<fs::File>>> OpenReader(
      std::unique_ptr<fs::File> source) const;
  // With `expected`, the read that reaches EOF sequentially fails with
  // kDataLoss when a digest differs (see checksum_file.h).
  Task<Result<std::unique_ptr<ChecksumFile>>> OpenChecksumReader(
      std::unique_ptr<fs::File> source,
      std::vector<ChecksumResult> expected = {}) const;

  const std::vector<Stage>& stages() const { return builder_.order_; }

 private:
  explicit Pipeline(Builder builder) : builder_(std::move(builder)) {}
  bool Has(Stage stage) const;
  Task<Result<std::unique_ptr<fs::File>>> OpenLayers(
      std::unique_ptr<fs::File> source,
      std::vector<ChecksumResult> expected) const;
  Builder builder_;
};

}  // namespace strata::stream
