// libFuzzer target for the erasure-set reader (erasure_set.h).
//
// Byte 0: k = 1 + b % 4; byte 1: m = 1 + b % 3; byte 2: block size
// 1 + b * 3; byte 3: flags. Two modes:
// - flags bit 0 clear, "damage": bytes 4.. minus a 16-byte script are the
//   plain data, written as a valid set; the script then flips bytes,
//   truncates or drops shard files. Invariant: when at most m shard files
//   were touched, the data reads back exactly and the heal report names
//   only touched shards; otherwise reads succeed or fail with kDataLoss.
// - flags bit 0 set, "raw": the rest is split into k+m shard bodies, each
//   behind a header with valid CRC whose fields come from the input
//   (object size, block size, shard index, hash; a trailer when bit 1 is
//   set). Invariant: open and reads succeed or fail with kDataLoss.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "strata/core/crc32c.h"
#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"
#include "strata/stream/erasure_set.h"
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

std::string ShardPath(size_t i) { return "/s" + std::to_string(i); }

Task<Result<std::vector<std::unique_ptr<fs::File>>>> OpenShards(
    fs::FileSystem& fs, size_t n, fs::OpenOptions options) {
  std::vector<std::unique_ptr<fs::File>> shards;
  for (size_t i = 0; i < n; ++i) {
    auto file = co_await fs.Open(ShardPath(i), options);
    shards.push_back(file.ok() ? std::move(*file) : nullptr);
  }
  co_return shards;
}

Task<Status> WriteSet(fs::FileSystem& fs, stream::ErasureSetOptions options,
                      const Bytes& data) {
  const size_t n = options.data_shards + options.parity_shards;
  STRATA_CO_ASSIGN_OR_RETURN(
      auto shards, co_await OpenShards(fs, n, fs::OpenOptions::Overwrite()));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto writer, stream::NewErasureSetWriter(std::move(shards), options));
  STRATA_CO_RETURN_IF_ERROR(co_await writer->Write(data));
  co_return co_await writer->Close();
}

// Opens the set (dropping shards in `absent`) and reads it all.
Task<Result<Bytes>> ReadSet(fs::FileSystem& fs, size_t n,
                            std::set<size_t> absent,
                            stream::HealReport* report) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto shards, co_await OpenShards(fs, n, fs::OpenOptions::ReadOnly()));
  for (size_t i : absent) shards[i] = nullptr;
  STRATA_CO_ASSIGN_OR_RETURN(
      auto reader, co_await stream::OpenErasureSetReader(std::move(shards)));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await reader->Size());
  if (size > (uint64_t{1} << 24)) co_return Bytes{};  // skip huge claims
  Bytes out(size);
  for (uint64_t at = 0; at < size; at += 777) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(777, size - at));
    STRATA_CO_ASSIGN_OR_RETURN(
        size_t got,
        co_await reader->ReadAt(std::span(out).subspan(at, want), at));
    if (got != want) Fail("short read inside the set");
  }
  *report = reader->heal_report();
  STRATA_CO_RETURN_IF_ERROR(co_await reader->Close());
  co_return out;
}

void ExpectOkOrDataLoss(const Status& s) {
  if (!s.ok() && s.code() != StatusCode::kDataLoss) {
    Fail("unexpected error " + s.ToString());
  }
}

void Put(Bytes& out, size_t at, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i)
    out[at + i] = std::byte((v >> (8 * i)) & 0xff);
}

// A 64-byte shard header (docs/stream-formats.md §7) with a valid CRC.
Bytes Header(uint8_t hash, size_t k, size_t m, size_t index, uint32_t block,
             uint64_t size) {
  Bytes h(64);
  std::memcpy(h.data(), "STRATAEC", 8);
  Put(h, 8, 1, 1);
  Put(h, 9, hash, 1);
  Put(h, 10, k, 2);
  Put(h, 12, m, 2);
  Put(h, 14, index, 2);
  Put(h, 16, block, 4);
  Put(h, 20, size, 8);
  Put(h, 60, strata::Crc32c(std::span(h).first(60)), 4);
  return h;
}

void RawMode(fs::FileSystem& fs, size_t k, size_t m, const uint8_t* data,
             size_t size) {
  if (size < 8) return;
  const size_t n = k + m;
  const uint8_t flags = data[0];
  const uint32_t block = 1 + data[1] * 7 + (flags & 4 ? (data[2] << 20) : 0);
  const uint64_t object = data[3] | (data[4] << 8) | (uint64_t{data[5]} << 16);
  const uint8_t hash = data[6] % 10;
  data += 8;
  size -= 8;
  for (size_t i = 0; i < n; ++i) {
    const size_t from = size * i / n, to = size * (i + 1) / n;
    const bool trailer = flags & 2;
    Bytes file = Header(hash, k, m, i, block, trailer ? ~uint64_t{0} : object);
    const auto* body = reinterpret_cast<const std::byte*>(data);
    file.insert(file.end(), body + from, body + to);
    if (trailer) {
      Bytes tail = Header(hash, k, m, i, block, object);
      file.insert(file.end(), tail.begin(), tail.end());
    }
    if (!Rt().BlockOn(Store(fs, ShardPath(i), file)).ok()) Fail("store");
  }
  stream::HealReport report;
  ExpectOkOrDataLoss(Rt().BlockOn(ReadSet(fs, n, {}, &report)).status());
}

void DamageMode(fs::FileSystem& fs, stream::ErasureSetOptions options,
                const uint8_t* data, size_t size) {
  if (size < 16) return;
  const uint8_t* script = data + size - 16;
  const auto* begin = reinterpret_cast<const std::byte*>(data);
  const Bytes plain(begin, begin + (size - 16));
  const size_t n = options.data_shards + options.parity_shards;
  if (!Rt().BlockOn(WriteSet(fs, options, plain)).ok()) Fail("write set");
  std::set<size_t> touched, absent;
  for (size_t op = 0; op < 5; ++op) {
    const uint8_t* s = script + op * 3;
    const size_t shard = s[0] % (n + 2);  // >= n: no-op
    if (shard >= n) continue;
    touched.insert(shard);
    if (s[1] == 0xff) {
      absent.insert(shard);
      continue;
    }
    Result<Bytes> bytes = Rt().BlockOn(Load(fs, ShardPath(shard)));
    if (!bytes.ok()) Fail("load");
    if (bytes->empty()) continue;
    const size_t at = (s[1] * 251 + s[2]) % bytes->size();
    if (s[1] == 0xfe) {
      bytes->resize(at);
    } else {
      (*bytes)[at] ^= std::byte(s[2] | 1);
    }
    if (!Rt().BlockOn(Store(fs, ShardPath(shard), *bytes)).ok()) Fail("store");
  }
  stream::HealReport report;
  Result<Bytes> got = Rt().BlockOn(ReadSet(fs, n, absent, &report));
  if (touched.size() > static_cast<size_t>(options.parity_shards)) {
    ExpectOkOrDataLoss(got.status());
    return;
  }
  if (!got.ok())
    Fail("lost data with <= m damaged shards: " + got.status().ToString());
  if (*got != plain) Fail("read back differs");
  for (int i : report.missing_shards) {
    if (!touched.count(i)) Fail("untouched shard reported missing");
  }
  for (int i : report.corrupt_shards) {
    if (!touched.count(i)) Fail("untouched shard reported corrupt");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  stream::ErasureSetOptions options;
  options.data_shards = 1 + data[0] % 4;
  options.parity_shards = 1 + data[1] % 3;
  options.block_size = 1 + data[2] * 3;
  options.bitrot = data[3] & 2 ? stream::HashAlgorithm::kHighwayHash256
                               : stream::HashAlgorithm::kCrc32c;
  auto fs = fs::MemoryFileSystem::Create();
  if (data[3] & 1) {
    RawMode(*fs, options.data_shards, options.parity_shards, data + 3,
            size - 3);
  } else {
    DamageMode(*fs, options, data + 4, size - 4);
  }
  return 0;
}
