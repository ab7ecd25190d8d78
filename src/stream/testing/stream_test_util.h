// Shared test scaffolding for stream layers: a fixture with a runtime and an
// in-memory FileSystem, data generators, and the generic layer round-trip
// property check every layer and pipeline runs (sizes 0, 1, block-1, block,
// block+1, many blocks; random chunked writes, WriteV, and random ranged
// reads against the plain bytes).
//
// Coroutine bodies are free functions taking their inputs as parameters
// (GCC 12 rules; see scripts/check-coroutine-rules.sh).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"

namespace strata::stream::testing {

using fs::conformance::IsOk;
using fs::conformance::StatusIs;

using Bytes = std::vector<std::byte>;

// Uniformly random bytes (incompressible).
Bytes RandomBytes(size_t size, uint64_t seed);
// Text-like bytes that compress roughly 3-5x.
Bytes CompressibleBytes(size_t size, uint64_t seed);
std::string AsString(std::span<const std::byte> bytes);
Bytes FromString(std::string_view s);

// The sizes every layer is tested at for a given block size.
std::vector<size_t> InterestingSizes(size_t block_size, size_t many_blocks = 5);

// Builds a writer layer over `inner` (an empty file open for write).
using WriterFactory = std::function<Result<std::unique_ptr<fs::File>>(
    std::unique_ptr<fs::File> inner)>;
// Opens a reader layer over `inner` (open for read). Runs on the runtime.
using ReaderFactory = std::function<Task<Result<std::unique_ptr<fs::File>>>(
    std::unique_ptr<fs::File> inner)>;

// Writes `data` through a writer in chunks chosen by `seed` (mixing Write and
// WriteV), then closes it.
Task<Status> WriteThrough(fs::File& writer, std::span<const std::byte> data,
                          uint64_t seed);
// Reads [offset, offset + n) from a file (n may reach past EOF).
Task<Result<Bytes>> ReadRange(fs::File& file, uint64_t offset, size_t n);
// Reads all of a file with reads of `chunk` bytes until EOF.
Task<Result<Bytes>> ReadAll(fs::File& file, size_t chunk = 100000);

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  // A fresh file in the memory FS, open for write (create/truncate).
  std::unique_ptr<fs::File> NewFile(const std::string& path);
  // The file at `path`, open for read.
  std::unique_ptr<fs::File> OpenFile(const std::string& path);
  // Raw stored bytes of `path` / replaces them (for tampering tests).
  Bytes Stored(const std::string& path);
  void Store(const std::string& path, std::span<const std::byte> bytes);

  // Encodes `data` into `path` through `writer` (chunking by `seed`).
  Status Encode(const std::string& path, std::span<const std::byte> data,
                const WriterFactory& writer, uint64_t seed = 1);
  // Opens `path` through `reader`.
  Result<std::unique_ptr<fs::File>> Decode(const std::string& path,
                                           const ReaderFactory& reader);

  // The property check: for every size in `sizes`, encode random and
  // compressible data, check Size(), a full sequential read, and
  // `ranged_reads` random ranged reads (plus reads at and past EOF) against
  // the plain bytes. Failures are reported with the size and range.
  void CheckRoundTrips(const WriterFactory& writer, const ReaderFactory& reader,
                       const std::vector<size_t>& sizes, int ranged_reads = 20);

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<fs::MemoryFileSystem> fs_;
};

}  // namespace strata::stream::testing
