// What the stream layer's libFuzzer targets share: aborting on a violated
// invariant, one process-wide runtime to drive coroutines, and storing and
// loading whole files of a FileSystem. Header-only: fuzz targets link only
// the library and their own source.
//
// Thread-safety: Rt() is initialised once (thread-safe static); the rest
// are as the FileSystem they use.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/fs/file_system.h"
#include "strata/runtime/runtime.h"

namespace strata::stream::fuzz {

using Bytes = std::vector<std::byte>;

// Reports a broken invariant and aborts, so libFuzzer records the input.
[[noreturn]] inline void Fail(std::string_view what) {
  std::fprintf(stderr, "invariant violated: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

// A one-reactor runtime that lives for the whole process.
inline runtime::Runtime& Rt() {
  static runtime::Runtime* rt = [] {
    runtime::RuntimeOptions options;
    options.reactor_threads = 1;
    return runtime::Runtime::Create(options).value().release();
  }();
  return *rt;
}

// Replaces `path` with `bytes`.
inline Task<Status> Store(fs::FileSystem& fs, std::string path,
                          std::span<const std::byte> bytes) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await fs.Open(path, fs::OpenOptions::Overwrite()));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Write(bytes));
  co_return co_await file->Close();
}

// The whole content of `path`.
inline Task<Result<Bytes>> Load(fs::FileSystem& fs, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await fs.Open(path, fs::OpenOptions::ReadOnly()));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await file->Size());
  Bytes out(size);
  STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await file->ReadAt(out, 0));
  out.resize(n);
  co_return out;
}

}  // namespace strata::stream::fuzz
