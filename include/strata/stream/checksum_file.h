// ChecksumWriter / ChecksumReader: pass-through layers that hash the bytes
// going through them with any set of algorithms (hash.h) — the "checksum"
// stage of a pipeline, on the plain data.
//
// The writer forwards Write and WriteV unchanged (no copy) and hashes them;
// digests() is valid after Close. The reader forwards ReadAt; it hashes the
// bytes of reads that continue exactly where the previous one ended from
// offset 0, so a sequential read of the whole stream yields digests(); with
// `expected` set, the read that reaches EOF fails with kDataLoss naming the
// algorithm when a digest differs.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/file.h"
#include "strata/stream/hash.h"
#include "strata/stream/layer.h"

namespace strata::stream {

struct ChecksumResult {
  HashAlgorithm algorithm;
  Digest digest;
};

class ChecksumFile : public fs::File {
 public:
  // The digests so far: complete after the writer's Close, or after the
  // reader has read sequentially to EOF (std::nullopt before then).
  virtual std::optional<std::vector<ChecksumResult>> digests() const = 0;
};

// kInvalidArgument for an empty algorithm list.
Result<std::unique_ptr<ChecksumFile>> NewChecksumWriter(
    std::unique_ptr<fs::File> inner, std::vector<HashAlgorithm> algorithms,
    LayerOptions options = {});

Result<std::unique_ptr<ChecksumFile>> NewChecksumReader(
    std::unique_ptr<fs::File> inner, std::vector<HashAlgorithm> algorithms,
    std::vector<ChecksumResult> expected = {}, LayerOptions options = {});

}  // namespace strata::stream
