// Helpers shared by the AtomicReplace tests (private to the tests).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"

namespace strata::journal::atomic_test {

// `size` bytes that differ, position by position, from any other tag's.
inline std::string Pattern(char tag, size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    s[i] = static_cast<char>(tag + static_cast<char>(i % 251));
  }
  return s;
}

inline fs::ConstBytes AsBytes(const std::string& s) {
  return std::as_bytes(std::span(s));
}

// The whole content of `path`, or nullopt if it does not exist.
inline Task<Result<std::optional<std::string>>> ReadWhole(fs::FileSystem* fs,
                                                          std::string path) {
  Result<fs::FileInfo> info = co_await fs->Stat(path);
  if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
    co_return std::optional<std::string>();
  }
  if (!info.ok()) co_return info.status();
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await fs->Open(path, fs::OpenOptions::ReadOnly()));
  std::string out(info->size, '\0');
  STRATA_CO_ASSIGN_OR_RETURN(
      size_t n,
      co_await file->ReadAt(std::as_writable_bytes(std::span(out)), 0));
  out.resize(n);
  STRATA_CO_RETURN_IF_ERROR(co_await file->Close());
  co_return std::optional<std::string>(std::move(out));
}

// Base names of the entries of `dir`, sorted.
inline Task<Result<std::vector<std::string>>> ListNames(fs::FileSystem* fs,
                                                        std::string dir) {
  fs::ListOptions options;
  fs::ListStream list = fs->List(dir, std::move(options));
  std::vector<std::string> names;
  while (std::optional<Result<fs::ListPage>> page = co_await list.Next()) {
    if (!page->ok()) co_return page->status();
    for (const fs::FileInfo& info : **page) {
      names.emplace_back(fs::BaseName(info.path));
    }
  }
  std::sort(names.begin(), names.end());
  co_return names;
}

// Writes `content` to `path` and makes it and its directory entry durable.
inline Task<Status> WriteDurably(fs::FileSystem* fs, std::string path,
                                 std::string content) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await fs->Open(path, fs::OpenOptions::Overwrite()));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Write(AsBytes(content)));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Sync());
  STRATA_CO_RETURN_IF_ERROR(co_await file->Close());
  co_return co_await fs->SyncDir(fs::ParentPath(path));
}

inline std::unique_ptr<runtime::Runtime> NewRuntime(
    std::optional<runtime::IoUringMode> io_uring = std::nullopt) {
  runtime::RuntimeOptions options;
  options.io_uring = io_uring;
  return std::move(runtime::Runtime::Create(options)).value();
}

}  // namespace strata::journal::atomic_test
