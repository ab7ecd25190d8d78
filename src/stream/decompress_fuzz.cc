// libFuzzer target for the decompression readers (compress.h): arbitrary
// bytes opened as each codec and as kAuto, with small limits.
//
// Byte 0 holds flags:
//   bits 0-1  codec (zstd, lz4, gzip, auto)
//   bit 2     encode mode: the body is plain data that strata compresses
//             (bit 3: with a seek table); the next 8 bytes then give up to
//             four byte flips applied to the result, so the readers see
//             plausible, slightly damaged files
//   bit 4     a 64 KiB plain limit (else 1 MiB via max_expansion)
// Invariants (abort on violation): failures are kDataLoss,
// kInvalidArgument or kResourceExhausted; an opened file never yields more
// than the limit; Size() equals what a full read returns; random ranged
// reads return the same bytes as the full read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"
#include "strata/stream/compress.h"
#include "stream/testing/fuzz_util.h"

namespace {

using strata::Result;
using strata::Status;
using strata::StatusCode;
using strata::Task;
using strata::stream::Codec;
using strata::stream::fuzz::Fail;
using strata::stream::fuzz::Rt;
using Bytes = std::vector<std::byte>;

constexpr char kPath[] = "/f";

void CheckCode(const Status& s, const char* where) {
  const StatusCode c = s.code();
  if (c != StatusCode::kDataLoss && c != StatusCode::kInvalidArgument &&
      c != StatusCode::kResourceExhausted) {
    Fail(std::string(where) + ": unexpected " + s.ToString());
  }
}

Task<Status> WriteFile(strata::fs::FileSystem* fs, Bytes bytes) {
  auto options = strata::fs::OpenOptions::Overwrite();
  STRATA_CO_ASSIGN_OR_RETURN(auto file, co_await fs->Open(kPath, options));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Write(bytes));
  co_return co_await file->Close();
}

Task<Result<Bytes>> Encode(strata::fs::FileSystem* fs, Bytes plain, Codec codec,
                           bool table) {
  auto options = strata::fs::OpenOptions::Overwrite();
  STRATA_CO_ASSIGN_OR_RETURN(auto file, co_await fs->Open(kPath, options));
  strata::stream::CompressOptions o;
  o.codec = codec == Codec::kAuto ? Codec::kZstd : codec;
  o.block_size = size_t{64} << 10;
  o.seek_table = table;
  STRATA_CO_ASSIGN_OR_RETURN(
      auto w, strata::stream::NewCompressWriter(std::move(file), o));
  STRATA_CO_RETURN_IF_ERROR(co_await w->Write(plain));
  STRATA_CO_RETURN_IF_ERROR(co_await w->Close());
  STRATA_CO_ASSIGN_OR_RETURN(
      auto r, co_await fs->Open(kPath, strata::fs::OpenOptions::ReadOnly()));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await r->Size());
  Bytes out(size);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await r->ReadAt(out, 0));
  out.resize(got);
  co_return out;
}

// Opens, sizes, reads all, then checks `reads` ranged reads.
Task<Status> Exercise(strata::fs::FileSystem* fs,
                      strata::stream::DecompressOptions options, uint64_t limit,
                      Bytes reads) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto in, co_await fs->Open(kPath, strata::fs::OpenOptions::ReadOnly()));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file,
      co_await strata::stream::OpenDecompressReader(std::move(in), options));
  Bytes all;
  Bytes chunk(7000);
  while (true) {
    STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                               co_await file->ReadAt(chunk, all.size()));
    all.insert(all.end(), chunk.begin(),
               chunk.begin() + static_cast<long>(got));
    if (all.size() > limit) Fail("read more than the limit");
    if (got < chunk.size()) break;
  }
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await file->Size());
  if (size != all.size()) Fail("Size() differs from a full read");
  for (size_t i = 0; i + 4 <= reads.size(); i += 4) {
    const uint64_t off = (uint64_t{static_cast<uint8_t>(reads[i])} << 8 |
                          static_cast<uint8_t>(reads[i + 1])) *
                         31 % (size + 2);
    Bytes dst(1 + (static_cast<size_t>(reads[i + 2]) << 8 |
                   static_cast<size_t>(reads[i + 3])));
    STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await file->ReadAt(dst, off));
    const size_t want =
        off >= size ? 0 : std::min<size_t>(dst.size(), size - off);
    if (got != want ||
        !std::equal(
            dst.begin(), dst.begin() + static_cast<long>(got),
            all.begin() + static_cast<long>(std::min<uint64_t>(off, size)))) {
      Fail("ranged read differs from the full read");
    }
  }
  co_return co_await file->Close();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const Codec codec = static_cast<Codec>(flags & 3);
  Bytes body(reinterpret_cast<const std::byte*>(data) + 1,
             reinterpret_cast<const std::byte*>(data) + size);
  auto fs = strata::fs::MemoryFileSystem::Create();
  Bytes reads;
  if (flags & 4) {
    Bytes flips(body.begin(), body.begin() + std::min<size_t>(8, body.size()));
    body.erase(body.begin(), body.begin() + static_cast<long>(flips.size()));
    auto encoded =
        Rt().BlockOn(Encode(fs.get(), body, codec, (flags & 8) != 0));
    if (!encoded.ok()) Fail("encode: " + encoded.status().ToString());
    body = std::move(*encoded);
    for (size_t i = 0; i + 2 <= flips.size() && !body.empty(); i += 2) {
      const size_t at = (static_cast<size_t>(flips[i]) * 257) % body.size();
      body[at] ^= flips[i + 1];
    }
    reads = Bytes(16, std::byte{0x5a});
  } else {
    reads.assign(body.begin(),
                 body.begin() + std::min<size_t>(16, body.size()));
  }
  Status written = Rt().BlockOn(WriteFile(fs.get(), body));
  if (!written.ok()) Fail("write: " + written.ToString());
  strata::stream::DecompressOptions options;
  options.codec = codec;
  uint64_t limit = std::max<uint64_t>(1000 * body.size(), 1 << 20);
  if (flags & 16) {
    options.max_plain_size = 64 << 10;
    limit = std::min<uint64_t>(limit, options.max_plain_size);
  }
  Status s = Rt().BlockOn(Exercise(fs.get(), options, limit, reads));
  if (!s.ok()) CheckCode(s, "decode");
  return 0;
}
