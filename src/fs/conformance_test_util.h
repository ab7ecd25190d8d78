// Helpers shared by the conformance test files (test-only; not the
// reusable suite, which is src/fs/testing/conformance.h).
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stop_token>
#include <system_error>
#include <tuple>

#include "fs/testing/conformance.h"
#include "strata/core/when_all.h"
#include "strata/fs/local.h"
#include "strata/fs/memory.h"

namespace strata::fs::conformance {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

inline constexpr size_t kKiB = 1024;
inline constexpr size_t kMiB = 1024 * kKiB;
inline constexpr uint64_t kGiB = uint64_t{1} << 30;

// Concatenates streamable values (also sidesteps a GCC 12 -Wrestrict false
// positive on `"literal" + std::to_string(n)`).
template <typename... Args>
std::string Cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

// A failure that is not a crash: an error code a caller can act on, naming
// the path.
inline ::testing::AssertionResult FailsCleanly(const Status& st,
                                               const std::string& path) {
  if (st.ok()) return ::testing::AssertionFailure() << "unexpectedly OK";
  StatusCode c = st.code();
  if (c != StatusCode::kInvalidArgument &&
      c != StatusCode::kFailedPrecondition &&
      c != StatusCode::kPermissionDenied) {
    return ::testing::AssertionFailure()
           << "unexpected code: " << st.ToString();
  }
  if (Message(st).find(path) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message does not name " << path << ": " << st.ToString();
  }
  return ::testing::AssertionSuccess();
}

// ---- coroutines used by the tests ----------------------------------------

inline OpenOptions ReadWrite() {
  OpenOptions o = OpenOptions::Overwrite();
  o.read = true;
  return o;
}

// Creates, below `root`: a (3 bytes), b/ (dir), b-x (1), b/c (2), b/d/ (dir),
// b/d/e (4). In byte order "b-x" sorts between "b" and "b/c".
inline Task<Status> MakeListTree(FileSystem* fs, std::string root) {
  STRATA_CO_RETURN_IF_ERROR(co_await fs->CreateDir(Join(root, "b/d"), true));
  const std::pair<const char*, const char*> files[] = {
      {"a", "aaa"}, {"b-x", "x"}, {"b/c", "cc"}, {"b/d/e", "eeee"}};
  for (const auto& [name, data] : files) {
    STRATA_CO_RETURN_IF_ERROR(co_await WriteFile(fs, Join(root, name), data,
                                                 OpenOptions::Overwrite()));
  }
  co_return Status::OK();
}

// Reads `count` random ranges (some past EOF) and checks them against `data`.
inline Task<Status> CheckRandomReads(File* file, const std::string* data,
                                     int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string buf;
  const uint64_t size = data->size();
  for (int i = 0; i < count; ++i) {
    uint64_t offset = rng() % (size + 4 * kKiB);
    const uint64_t edges[] = {size - 1, size, 0};  // last byte, EOF, start
    if (i < 3) offset = edges[i];
    size_t len = rng() % (64 * kKiB + 1);
    buf.assign(len, '\xA5');
    auto n = co_await file->ReadAt(AsMutableBytes(buf), offset);
    if (!n.ok()) co_return n.status();
    size_t want = offset >= size ? 0 : std::min<uint64_t>(len, size - offset);
    std::string where = Cat("read #", i, " at ", offset, " len ", len);
    if (*n != want) {
      co_return DataLossError(Cat(where, " returned ", *n, ", want ", want));
    }
    if (buf.compare(0, want, *data, offset, want) != 0) {
      co_return DataLossError(where + ": bytes differ");
    }
  }
  co_return Status::OK();
}

// Writes a file of its own and reads it back.
inline Task<Status> WriteThenRead(FileSystem* fs, std::string path,
                                  uint64_t seed) {
  std::string data = RandomData(16 * kKiB + seed * 37, seed);
  STRATA_CO_RETURN_IF_ERROR(
      co_await WriteFile(fs, path, data, OpenOptions::Overwrite()));
  auto back = co_await ReadFile(fs, path);
  if (!back.ok()) co_return back.status();
  if (*back != data) co_return DataLossError(path + ": read back differs");
  co_return Status::OK();
}

// Reads all of a shared `file` in `chunk`-byte reads and compares.
inline Task<Status> ReadAndCompare(File* file, const std::string* data,
                                   size_t chunk) {
  auto back = co_await ReadToEnd(file, chunk);
  if (!back.ok()) co_return back.status();
  if (*back != *data) {
    co_return DataLossError(
        Cat(file->path(), ": concurrent read differs (chunk ", chunk, ")"));
  }
  co_return Status::OK();
}

inline Task<Result<size_t>> ReadWithStop(File* file, MutableBytes dst,
                                         uint64_t offset,
                                         std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  co_return co_await file->ReadAt(dst, offset, options);
}

inline Task<Result<size_t>> ReadVWithStop(File* file, MutableBytes dst,
                                          std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  MutableBytes dsts[] = {dst.first(dst.size() / 2),
                         dst.subspan(dst.size() / 2)};
  co_return co_await file->ReadV(dsts, 0, options);
}

inline Task<Status> WriteWithStop(File* file, std::string data,
                                  std::stop_token stop) {
  IoOptions options;
  options.stop = std::move(stop);
  co_return co_await file->Write(AsBytes(data), options);
}

inline Task<bool> RequestStop(std::stop_source* source) {
  co_return source->request_stop();
}

}  // namespace strata::fs::conformance
