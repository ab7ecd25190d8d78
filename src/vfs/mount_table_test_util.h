// Shared fixture for the MountTable tests: a runtime (STRATA_IO_URING
// decides which), an in-memory MetaStore, an inode counter, a fresh mem://
// root per test, and openers that count opens or inject failures.
//
// Thread-safety: one fixture per test thread; coroutines run on the
// runtime's reactors.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strata/fs/forwarding.h"
#include "strata/fs/memory.h"
#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/mount_table.h"

namespace strata::vfs::testing {

// A process-unique name (mem:// stores are process-wide).
inline std::string UniqueName(const std::string& base) {
  static std::atomic<int> counter{0};
  return base + std::to_string(counter.fetch_add(1));
}

inline Task<Result<uint64_t>> NextIno(
    std::shared_ptr<std::atomic<uint64_t>> counter) {
  co_return counter->fetch_add(1);
}

// A backend without real directories (as an object store): an empty
// prefix is a valid mount.
class NoDirsFileSystem final : public fs::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  fs::Capabilities capabilities() const override {
    fs::Capabilities caps = target()->capabilities();
    caps.real_directories = false;
    return caps;
  }
};

// Records every open, then delegates to the default behaviour (or fails
// with `fail` when set).
class CountingOpener {
 public:
  FileSystemOpener AsOpener() {
    return [this](const std::string& uri, const MountOptions& options) {
      return Open(uri, options);
    };
  }
  Result<fs::FileSystemRef> Open(const std::string& uri,
                                 const MountOptions& options) {
    std::lock_guard lock(mu_);
    opened_.push_back(uri);
    if (!fail.ok()) return fail;
    fs::Uri parsed = fs::Uri::Parse(uri).value();
    if (parsed.scheme == "mem" || parsed.scheme == "file") {
      return fs::OpenFileSystem(uri);
    }
    // Any other scheme (s3, s3a, az, ...): one in-memory store without
    // real directories per authority and endpoint, no network.
    auto it = options.backend.find("endpoint");
    std::string endpoint = it == options.backend.end() ? "" : it->second;
    auto store = fs::MemoryFileSystem::Named("fake-" + parsed.scheme + "-" +
                                             parsed.authority + "-" + endpoint);
    return fs::FileSystemRef{std::make_shared<NoDirsFileSystem>(store),
                             parsed.path};
  }
  std::vector<std::string> opened() const {
    std::lock_guard lock(mu_);
    return opened_;
  }
  Status fail;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> opened_;
};

class MountTableFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    rt_ = runtime::Runtime::Create().value();
    store_ = NewMemoryMetaStore();
    root_name_ = UniqueName("mtroot");
    root_uri_ = "mem://" + root_name_ + "/";
  }

  std::function<Task<Result<uint64_t>>()> Allocator() {
    std::shared_ptr<std::atomic<uint64_t>> counter = inos_;
    return [counter]() { return NextIno(counter); };
  }

  Result<std::unique_ptr<MountTable>> OpenTable(
      FileSystemOpener opener = nullptr) {
    return rt_->BlockOn(
        MountTable::Open(store_, root_uri_, Allocator(), std::move(opener)));
  }

  // Opens the table into table_ (fails the test otherwise).
  void OpenOrDie(FileSystemOpener opener = nullptr) {
    auto table = OpenTable(std::move(opener));
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    table_ = std::move(table).value();
  }

  Result<MountPoint> Mount(const std::string& path, const std::string& uri,
                           MountOptions options = MountOptions()) {
    return rt_->BlockOn(table_->Mount(path, uri, std::move(options)));
  }
  Status Unmount(const std::string& path) {
    return rt_->BlockOn(table_->Unmount(path));
  }

  // Makes directory `path` in mem store `store`.
  void MakeDir(const std::string& store, const std::string& path) {
    auto fs = fs::MemoryFileSystem::Named(store);
    Status st = rt_->BlockOn(fs->CreateDir(path, true));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // A fresh mem:// store holding directory `path`; returns its URI.
  std::string MemDir(const std::string& path = "/") {
    std::string name = UniqueName("mtstore");
    MakeDir(name, path);
    return "mem://" + name + path;
  }

  std::vector<std::string> MountPaths() const {
    std::vector<std::string> out;
    for (const MountPoint& m : table_->List()) out.push_back(m.path);
    return out;
  }

  std::unique_ptr<runtime::Runtime> rt_;
  std::shared_ptr<MetaStore> store_;
  std::shared_ptr<std::atomic<uint64_t>> inos_ =
      std::make_shared<std::atomic<uint64_t>>(100);
  std::string root_name_;
  std::string root_uri_;
  std::unique_ptr<MountTable> table_;
};

// Status matcher: code and a message substring.
MATCHER_P2(StatusIs, code, substring, "") {
  const Status& st = arg;
  if (st.code() != code) {
    *result_listener << "status is " << st.ToString();
    return false;
  }
  if (std::string(st.message()).find(substring) == std::string::npos) {
    *result_listener << "message is '" << st.message() << "'";
    return false;
  }
  return true;
}

}  // namespace strata::vfs::testing
