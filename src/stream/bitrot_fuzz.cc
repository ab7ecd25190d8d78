// libFuzzer target for the bitrot reader (bitrot.h).
//
// Byte 0 picks the hash algorithm, byte 1 the block size (1..256); the rest
// is stored as a bitrot stream and opened. Invariants (abort on violation):
// - open fails only with kDataLoss (bad size); reads fail only with
//   kDataLoss;
// - when every block verifies, re-encoding the plain bytes gives back the
//   input exactly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"
#include "strata/stream/bitrot.h"
#include "stream/testing/fuzz_util.h"

namespace {

using strata::Result;
using strata::Status;
using strata::StatusCode;
using strata::Task;
using strata::stream::fuzz::Fail;
using strata::stream::fuzz::Load;
using strata::stream::fuzz::Rt;
using strata::stream::fuzz::Store;
using Bytes = std::vector<std::byte>;
namespace fs = strata::fs;
namespace stream = strata::stream;

// Reads the whole plain stream in uneven chunks; kDataLoss is expected.
Task<Result<Bytes>> ReadPlain(fs::FileSystem& fs, stream::BitrotOptions options,
                              size_t chunk) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto inner, co_await fs.Open("/in", fs::OpenOptions::ReadOnly()));
  STRATA_CO_ASSIGN_OR_RETURN(auto reader, co_await stream::OpenBitrotReader(
                                              std::move(inner), options));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await reader->Size());
  Bytes out(size);
  for (uint64_t at = 0; at < size; at += chunk) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk, size - at));
    auto dst = std::span(out).subspan(at, n);
    STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await reader->ReadAt(dst, at));
    if (got != n) Fail("short read inside the stream");
  }
  co_return out;
}

Task<Status> Reencode(fs::FileSystem& fs, stream::BitrotOptions options,
                      const Bytes& plain) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto inner, co_await fs.Open("/out", fs::OpenOptions::Overwrite()));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto writer, stream::NewBitrotWriter(std::move(inner), options));
  STRATA_CO_RETURN_IF_ERROR(co_await writer->Write(plain));
  co_return co_await writer->Close();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  auto algorithms = stream::AllHashAlgorithms();
  stream::BitrotOptions options;
  options.algorithm = algorithms[data[0] % algorithms.size()];
  options.block_size = 1 + data[1];
  const size_t chunk = 1 + data[2] % 97;
  const auto* begin = reinterpret_cast<const std::byte*>(data + 3);
  const Bytes input(begin, begin + (size - 3));
  auto fs = fs::MemoryFileSystem::Create();
  if (!Rt().BlockOn(Store(*fs, "/in", input)).ok()) Fail("store");
  Result<Bytes> plain = Rt().BlockOn(ReadPlain(*fs, options, chunk));
  if (!plain.ok()) {
    if (plain.status().code() != StatusCode::kDataLoss) {
      Fail("unexpected error " + plain.status().ToString());
    }
    return 0;
  }
  if (!Rt().BlockOn(Reencode(*fs, options, *plain)).ok()) Fail("re-encode");
  Result<Bytes> again = Rt().BlockOn(Load(*fs, "/out"));
  if (!again.ok() || *again != input) Fail("re-encoding differs from input");
  return 0;
}
