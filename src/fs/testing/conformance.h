// The FileSystem conformance suite: one set of GoogleTest tests that every
// FileSystem backend runs, under every runtime kind (Arrow's
// GenericFileSystemTest is the model).
//
// The tests themselves are TEST_Ps of FileSystemConformanceTest, defined in
// src/fs/conformance_{io,namespace,errors}_test.cc (helpers in
// conformance_test_util.h). They know nothing about backends: each test
// branches on the backend's Capabilities (as adjusted by the param's
// overrides) and calls GTEST_SKIP() with the reason when a capability it needs
// is missing — a test never passes silently for a backend that cannot run it.
//
// A backend joins the suite with one ConformanceParam per configuration and an
// INSTANTIATE_TEST_SUITE_P in any test file linked into the same binary (every
// src/fs/*_test.cc is part of strata_fs_test):
//
//   #include "fs/testing/conformance.h"
//
//   namespace strata::fs::conformance {
//   namespace {
//   ConformanceParam S3Param(runtime::IoUringMode mode, std::string name) {
//     ConformanceParam p;
//     p.name = std::move(name);
//     p.runtime.io_uring = mode;
//     // Called once per test: a fresh FileSystem and a fresh root inside it.
//     p.factory = [](Runtime& rt) -> Result<ConformanceTarget> {
//       STRATA_ASSIGN_OR_RETURN(auto fs, NewS3FileSystemForTests(rt));
//       std::string root = "/bucket/" + UniqueName();
//       return ConformanceTarget{std::move(fs), root,
//                                [root](Runtime&, FileSystem&) { ... }};
//     };
//     // Only where the backend's own capabilities() would mislead the suite.
//     p.overrides.sparse_files = false;
//     return p;
//   }
//   INSTANTIATE_TEST_SUITE_P(
//       S3, FileSystemConformanceTest,
//       ::testing::Values(S3Param(runtime::IoUringMode::kOn, "s3_io_uring"),
//                         S3Param(runtime::IoUringMode::kOff, "s3_poll")),
//       ConformanceParamName());
//   }  // namespace
//   }  // namespace strata::fs::conformance
//
// A test binary outside strata_fs_test compiles those three files and omits
// src/fs/conformance_test.cc (the built-in local/memory instantiations), or
// compiles it with STRATA_CONFORMANCE_NO_BUILTIN_INSTANCES defined.
//
// The fixture creates the Runtime from the param (skipping the test, with the
// reason, when io_uring is asked for but unavailable or disabled by
// STRATA_IO_URING=off), then the target, and tears both down after the test.
// Test bodies are ordinary functions that drive coroutines with Run() (that
// is, Runtime::BlockOn); coroutine bodies are free functions taking their
// inputs as parameters, never capturing lambdas.
//
// Thread-safety: a fixture belongs to one test thread; the coroutines it runs
// execute on the runtime's reactor threads.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/status.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/fs/file_system.h"
#include "strata/fs/types.h"
#include "strata/runtime/runtime.h"

namespace strata::fs::conformance {

// Capabilities as the suite sees them: the backend's own flags plus
// suite-only ones that no FileSystem reports about itself.
struct SuiteCapabilities : Capabilities {
  // Holes are cheap: writing at offsets beyond 4 GiB does not allocate the
  // gap. Defaults to `positional_write`.
  bool sparse_files = false;
};

// Per-capability overrides; unset fields keep the backend's value. Use them
// to switch off what a configuration cannot do (e.g. sparse files on a
// backend that allocates holes), not to hide bugs.
struct CapabilityOverrides {
  std::optional<bool> atomic_rename;
  std::optional<bool> rename_dir;
  std::optional<bool> append;
  std::optional<bool> conditional_put;
  std::optional<bool> directory_fsync;
  std::optional<bool> real_directories;
  std::optional<bool> direct_io;
  std::optional<bool> positional_write;
  std::optional<bool> sync;
  std::optional<bool> sparse_files;
};

inline SuiteCapabilities ResolveCapabilities(const Capabilities& backend,
                                             const CapabilityOverrides& o) {
  SuiteCapabilities c;
  static_cast<Capabilities&>(c) = backend;
  c.sparse_files = backend.positional_write;
  auto apply = [](bool& field, const std::optional<bool>& value) {
    if (value) field = *value;
  };
  apply(c.atomic_rename, o.atomic_rename);
  apply(c.rename_dir, o.rename_dir);
  apply(c.append, o.append);
  apply(c.conditional_put, o.conditional_put);
  apply(c.directory_fsync, o.directory_fsync);
  apply(c.real_directories, o.real_directories);
  apply(c.direct_io, o.direct_io);
  apply(c.positional_write, o.positional_write);
  apply(c.sync, o.sync);
  apply(c.sparse_files, o.sparse_files);
  return c;
}

// What a factory hands the fixture for one test.
struct ConformanceTarget {
  std::shared_ptr<FileSystem> fs;
  // A fresh, existing, empty directory inside `fs` (absolute, normalised).
  std::string root;
  // Run after the test, before the FileSystem is released (may be empty).
  std::function<void(Runtime&, FileSystem&)> cleanup;
};

struct ConformanceParam {
  // Instantiation name: [A-Za-z0-9_]+, e.g. "local_io_uring".
  std::string name;
  // Called once per test, after the runtime is created.
  std::function<Result<ConformanceTarget>(Runtime&)> factory;
  RuntimeOptions runtime;
  CapabilityOverrides overrides;
};

inline void PrintTo(const ConformanceParam& p, std::ostream* os) {
  *os << p.name;
}

// Name generator for INSTANTIATE_TEST_SUITE_P.
struct ConformanceParamName {
  std::string operator()(
      const ::testing::TestParamInfo<ConformanceParam>& info) const {
    return info.param.name;
  }
};

// ---- status matchers ---------------------------------------------------

// EXPECT_THAT(status_or_result, IsOk());
MATCHER(IsOk, "is OK") {
  const Status& st = ::strata::AsStatus(arg);
  if (!st.ok()) *result_listener << "status is " << st.ToString();
  return st.ok();
}

// EXPECT_THAT(status_or_result, StatusIs(StatusCode::kNotFound));
MATCHER_P(StatusIs, code,
          std::string(negation ? "isn't " : "is ") +
              std::string(::strata::StatusCodeName(code))) {
  const Status& st = ::strata::AsStatus(arg);
  *result_listener << "status is " << st.ToString();
  return st.code() == code;
}

// ---- path and data helpers ---------------------------------------------

// Joins an absolute directory and a relative name: ("/a", "b/c") → "/a/b/c".
inline std::string Join(std::string_view dir, std::string_view rel) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += rel;
  return out;
}

// A status's message as a std::string, for matchers.
inline std::string Message(const Status& st) {
  return std::string(st.message());
}

inline ConstBytes AsBytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
inline MutableBytes AsMutableBytes(std::string& s) {
  return std::as_writable_bytes(std::span<char>(s.data(), s.size()));
}

// `n` pseudo-random bytes, reproducible from `seed`.
inline std::string RandomData(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    for (int b = 0; b < 8; ++b) out[i + b] = static_cast<char>(v >> (8 * b));
  }
  uint64_t v = rng();
  for (; i < n; ++i, v >>= 8) out[i] = static_cast<char>(v);
  return out;
}

// A heap buffer aligned for O_DIRECT (kDirectIoAlignment).
class AlignedBuffer {
 public:
  explicit AlignedBuffer(size_t size)
      : size_(size),
        data_(static_cast<std::byte*>(
            std::aligned_alloc(kDirectIoAlignment, RoundUp(size)))) {}
  std::byte* data() const { return data_.get(); }
  size_t size() const { return size_; }
  MutableBytes span() const { return {data_.get(), size_}; }

 private:
  struct Free {
    void operator()(std::byte* p) const { std::free(p); }
  };
  static size_t RoundUp(size_t n) {
    size_t a = kDirectIoAlignment;
    return n == 0 ? a : (n + a - 1) / a * a;
  }
  size_t size_;
  std::unique_ptr<std::byte, Free> data_;
};

// ---- coroutine helpers (free functions: no capturing coroutine lambdas) --

// Opens `path` with `options`, writes `data` in one Write and closes. The
// first failure wins (object stores may report conflicts only at Close); a
// failed write aborts the file.
inline Task<Status> WriteFile(FileSystem* fs, std::string path,
                              std::string data, OpenOptions options) {
  auto file = co_await fs->Open(path, options);
  if (!file.ok()) co_return file.status();
  Status st = co_await (*file)->Write(AsBytes(data));
  if (!st.ok()) {
    (co_await (*file)->Abort()).IgnoreError();
    co_return st;
  }
  co_return co_await (*file)->Close();
}

// Reads all of `file` from offset 0 until ReadAt returns 0, in `chunk`-byte
// reads.
inline Task<Result<std::string>> ReadToEnd(File* file, size_t chunk) {
  std::string out;
  std::string buf(chunk, '\0');
  for (;;) {
    auto n = co_await file->ReadAt(AsMutableBytes(buf), out.size());
    if (!n.ok()) co_return n.status();
    if (*n == 0) break;
    if (*n > chunk) co_return InternalError("ReadAt returned more than asked");
    out.append(buf.data(), *n);
  }
  co_return out;
}

// Opens `path` read-only, reads all of it and closes.
inline Task<Result<std::string>> ReadFile(FileSystem* fs, std::string path) {
  auto file = co_await fs->Open(path, OpenOptions::ReadOnly());
  if (!file.ok()) co_return file.status();
  auto data = co_await ReadToEnd(file->get(), 256 * 1024);
  Status closed = co_await (*file)->Close();
  if (!data.ok()) co_return data.status();
  if (!closed.ok()) co_return closed;
  co_return data;
}

// Drains List(path, options) into its pages; the first error wins.
inline Task<Result<std::vector<ListPage>>> ListPages(FileSystem* fs,
                                                     std::string path,
                                                     ListOptions options) {
  ListStream stream = fs->List(path, options);
  std::vector<ListPage> pages;
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return page->status();
    pages.push_back(std::move(*page).value());
  }
  co_return pages;
}

// ---- the fixture -------------------------------------------------------

class FileSystemConformanceTest
    : public ::testing::TestWithParam<ConformanceParam> {
 protected:
  void SetUp() override {
    const ConformanceParam& p = GetParam();
    std::optional<runtime::IoUringMode> mode = p.runtime.io_uring;
    if (mode == runtime::IoUringMode::kOn) {
      auto env = runtime::IoUringModeFromEnv();
      if (env.ok() && *env == runtime::IoUringMode::kOff) {
        GTEST_SKIP() << "STRATA_IO_URING=off disables the io_uring runtime";
      }
    }
    auto rt = Runtime::Create(p.runtime);
    if (!rt.ok() && mode == runtime::IoUringMode::kOn &&
        rt.status().code() == StatusCode::kUnavailable) {
      GTEST_SKIP() << "io_uring unavailable: " << rt.status().ToString();
    }
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
    if (mode == runtime::IoUringMode::kOn) {
      ASSERT_EQ(rt_->kind(), RuntimeKind::kIoUring);
    } else if (mode == runtime::IoUringMode::kOff) {
      ASSERT_EQ(rt_->kind(), RuntimeKind::kPoll);
    }
    ASSERT_TRUE(static_cast<bool>(p.factory))
        << "ConformanceParam " << p.name << " has no factory";
    auto target = p.factory(*rt_);
    ASSERT_THAT(target, IsOk());
    target_ = std::move(target).value();
    ASSERT_NE(target_.fs, nullptr);
    ASSERT_FALSE(target_.root.empty());
    caps_ = ResolveCapabilities(target_.fs->capabilities(), p.overrides);
  }

  void TearDown() override {
    if (target_.cleanup && target_.fs && rt_) {
      target_.cleanup(*rt_, *target_.fs);
    }
    target_ = {};
    rt_.reset();
  }

  Runtime& rt() { return *rt_; }
  FileSystem& fs() { return *target_.fs; }
  const std::string& root() const { return target_.root; }
  const SuiteCapabilities& caps() const { return caps_; }
  std::string_view backend() const { return target_.fs->name(); }

  // The path of `rel` below the test's root directory.
  std::string P(std::string_view rel) const { return Join(target_.root, rel); }
  // `full` relative to `dir` ("<dir>/a/b" → "a/b"); unchanged if not below.
  static std::string Rel(std::string_view full, std::string_view dir) {
    std::string prefix = Join(dir, "");
    if (full.substr(0, prefix.size()) == prefix) {
      full.remove_prefix(prefix.size());
    }
    return std::string(full);
  }
  // The entries' paths relative to `dir`, in listing order; directories are
  // left out when `files_only`.
  static std::vector<std::string> Names(const std::vector<FileInfo>& entries,
                                        std::string_view dir,
                                        bool files_only = false) {
    std::vector<std::string> out;
    for (const FileInfo& e : entries) {
      if (!(files_only && e.is_dir)) out.push_back(Rel(e.path, dir));
    }
    return out;
  }

  // Drives `task` to completion on the runtime (blocking this thread).
  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  Status Write(const std::string& path, std::string data,
               OpenOptions options = OpenOptions::Overwrite()) {
    return Run(WriteFile(&fs(), path, std::move(data), options));
  }
  Result<std::string> Read(const std::string& path) {
    return Run(ReadFile(&fs(), path));
  }
  Result<std::unique_ptr<File>> Open(const std::string& path,
                                     OpenOptions options) {
    return Run(fs().Open(path, options));
  }
  Result<FileInfo> Stat(const std::string& path) {
    return Run(fs().Stat(path));
  }
  Result<std::vector<ListPage>> Pages(const std::string& path,
                                      ListOptions options) {
    return Run(ListPages(&fs(), path, options));
  }
  // All entries of a listing, flattened.
  Result<std::vector<FileInfo>> List(const std::string& path,
                                     ListOptions options = {}) {
    auto pages = Pages(path, options);
    if (!pages.ok()) return pages.status();
    std::vector<FileInfo> out;
    for (auto& page : *pages) {
      for (auto& info : page) out.push_back(std::move(info));
    }
    return out;
  }

 private:
  std::unique_ptr<Runtime> rt_;
  ConformanceTarget target_;
  SuiteCapabilities caps_;
};

}  // namespace strata::fs::conformance

// Skips the current test unless the suite capability `cap` is present.
#define STRATA_CONFORMANCE_REQUIRE(cap)                                 \
  do {                                                                  \
    if (!caps().cap) {                                                  \
      GTEST_SKIP() << "backend '" << backend()                          \
                   << "' lacks capability '" #cap "' (with overrides)"; \
    }                                                                   \
  } while (0)
