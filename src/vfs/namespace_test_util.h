// Test fixture shared by the Namespace tests: a runtime, a memory MetaStore,
// a Namespace whose root is a fresh mem:// store, temp dirs for file://
// mounts, and helpers that drive coroutines with BlockOn.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/fs/forwarding.h"
#include "strata/fs/registry.h"
#include "strata/runtime/io.h"
#include "strata/runtime/runtime.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/namespace.h"

namespace strata::vfs::testing {

using fs::conformance::AsBytes;
using fs::conformance::IsOk;
using fs::conformance::Message;
using fs::conformance::ReadFile;
using fs::conformance::StatusIs;
using fs::conformance::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A name unique in this process and across runs.
inline std::string UniqueName(std::string_view stem) {
  static std::atomic<uint64_t> counter{0};
  return std::string(stem) + "-" + std::to_string(getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + "-" +
         std::to_string(std::random_device()());
}

// "mem://<unique>/": a fresh named memory store.
inline std::string MemUri(std::string_view stem = "t") {
  std::string uri("mem://");
  uri.append(UniqueName(stem));
  uri.push_back('/');
  return uri;
}

// Drains a listing into one vector; the first error wins.
inline Task<Result<std::vector<fs::FileInfo>>> ListAll(fs::FileSystem* fs,
                                                       std::string path,
                                                       fs::ListOptions opts) {
  fs::ListStream stream = fs->List(path, opts);
  std::vector<fs::FileInfo> out;
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return page->status();
    for (auto& info : **page) out.push_back(std::move(info));
  }
  co_return out;
}

// A MetaStore over another with test knobs: failing commits, suspending
// Gets (so concurrent callers interleave), and the largest commit seen.
class KnobMetaStore final : public MetaStore {
 public:
  explicit KnobMetaStore(std::shared_ptr<MetaStore> inner)
      : inner_(std::move(inner)) {}

  std::atomic<bool> fail_commits{false};
  std::atomic<bool> suspend_gets{false};
  std::atomic<size_t> max_commit_ops{0};

  std::string_view name() const override { return inner_->name(); }
  Task<Result<std::optional<KeyValue>>> Get(std::string key) override {
    if (suspend_gets) {
      (co_await runtime::SleepFor(std::chrono::microseconds(200)))
          .IgnoreError();
    }
    co_return co_await inner_->Get(std::move(key));
  }
  Task<Result<uint64_t>> Put(std::string key, std::string value) override {
    return inner_->Put(std::move(key), std::move(value));
  }
  Task<Result<bool>> Delete(std::string key) override {
    return inner_->Delete(std::move(key));
  }
  Task<Result<std::vector<KeyValue>>> Scan(std::string prefix,
                                           ScanOptions options) override {
    return inner_->Scan(std::move(prefix), std::move(options));
  }
  Task<Result<TxnResult>> Commit(Txn txn) override {
    if (fail_commits) return FailedCommit(txn.ops.size());
    size_t seen = max_commit_ops.load();
    while (txn.ops.size() > seen &&
           !max_commit_ops.compare_exchange_weak(seen, txn.ops.size())) {
    }
    return inner_->Commit(std::move(txn));
  }
  Task<Result<uint64_t>> Revision() override { return inner_->Revision(); }

 private:
  static Task<Result<TxnResult>> FailedCommit(size_t ops) {
    co_return UnavailableError("injected commit failure (" +
                               std::to_string(ops) + " ops)");
  }
  std::shared_ptr<MetaStore> inner_;
};

// Holds one backend listing (taken already) until released.
struct ListGate {
  std::atomic<bool> armed{false};     // the next List is held
  std::atomic<bool> entered{false};   // it took its listing and waits
  std::atomic<bool> released{false};  // let it go
};

inline fs::ListStream GatedList(ListGate* gate, fs::ListStream inner) {
  std::vector<Result<fs::ListPage>> pages;
  while (auto page = co_await inner.Next()) pages.push_back(std::move(*page));
  gate->entered = true;
  while (!gate->released) {
    (co_await runtime::SleepFor(std::chrono::microseconds(200))).IgnoreError();
  }
  for (auto& page : pages) co_yield std::move(page);
}

// Forwards to a backend, holding listings at a ListGate. The overrides are
// coroutines so that the path arguments live until the backend's task is
// done (some backends keep a reference to their by-value parameter).
class GatedFileSystem final : public fs::ForwardingFileSystem {
 public:
  GatedFileSystem(std::shared_ptr<fs::FileSystem> target, ListGate* gate)
      : ForwardingFileSystem(std::move(target)), gate_(gate) {}
  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override {
    co_return co_await target_->Open(path, options);
  }
  Task<Result<fs::FileInfo>> Stat(std::string path) override {
    co_return co_await target_->Stat(path);
  }
  Task<Status> CreateDir(std::string path, bool recursive) override {
    co_return co_await target_->CreateDir(path, recursive);
  }
  Task<Status> Remove(std::string path) override {
    co_return co_await target_->Remove(path);
  }
  Task<Status> RemoveDir(std::string path, bool recursive) override {
    co_return co_await target_->RemoveDir(path, recursive);
  }
  Task<Status> Rename(std::string from, std::string to) override {
    co_return co_await target_->Rename(from, to);
  }
  Task<Status> Copy(std::string from, std::string to) override {
    co_return co_await target_->Copy(from, to);
  }
  Task<Status> SyncDir(std::string path) override {
    co_return co_await target_->SyncDir(path);
  }
  fs::ListStream List(std::string path, fs::ListOptions options) override {
    fs::ListStream inner = target_->List(std::move(path), std::move(options));
    if (!gate_->armed.exchange(false)) return inner;
    return GatedList(gate_, std::move(inner));
  }

 private:
  ListGate* gate_;
};

// An opener whose backends hold their listings at `gate` when armed.
inline FileSystemOpener GatedOpener(ListGate* gate) {
  return [gate](const std::string& uri,
                const MountOptions&) -> Result<fs::FileSystemRef> {
    auto ref = fs::OpenFileSystem(uri);
    if (!ref.ok()) return ref;
    ref->fs = std::make_shared<GatedFileSystem>(ref->fs, gate);
    return ref;
  };
}

class NamespaceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.reactor_threads = 2;
    auto rt = Runtime::Create(options);
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
    store_ = NewMemoryMetaStore();
    root_uri_ = MemUri();
  }

  void TearDown() override {
    ns_.reset();
    rt_.reset();
    for (const std::string& dir : temp_dirs_) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }

  // (Re)creates the namespace over store_ with `options` (root_uri_ unless
  // set).
  void Open(NamespaceOptions options = NamespaceOptions()) {
    if (options.root_uri == NamespaceOptions().root_uri) {
      options.root_uri = root_uri_;
    }
    ns_.reset();
    auto ns = Run(Namespace::Create(store_, options));
    ASSERT_THAT(ns, IsOk());
    ns_ = std::move(ns).value();
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  // A backend FileSystem and path for `uri` (shares mem:// stores).
  fs::FileSystemRef Backend(const std::string& uri) {
    auto ref = fs::OpenFileSystem(uri);
    EXPECT_THAT(ref, IsOk()) << uri;
    return ref.ok() ? *ref : fs::FileSystemRef();
  }
  std::shared_ptr<fs::FileSystem> RootBackend() {
    return Backend(root_uri_).fs;
  }

  std::string TempDir() {
    std::string dir =
        (std::filesystem::temp_directory_path() / "strata-vfs-XXXXXX").string();
    EXPECT_NE(mkdtemp(dir.data()), nullptr);
    temp_dirs_.push_back(dir);
    return dir;
  }

  Result<MountPoint> Mount(const std::string& path, const std::string& uri,
                           MountOptions options = MountOptions()) {
    return Run(ns_->Mount(path, uri, options));
  }

  // Creates the parent directories (mkdir -p) and writes `data`.
  Status Write(fs::FileSystem* fs, const std::string& path, std::string data) {
    Status st = Run(fs->CreateDir(fs::ParentPath(path), true));
    if (!st.ok()) return st;
    return Run(
        WriteFile(fs, path, std::move(data), fs::OpenOptions::Overwrite()));
  }
  Status Write(const std::string& path, std::string data) {
    return Write(ns_.get(), path, std::move(data));
  }
  Result<std::string> Read(fs::FileSystem* fs, const std::string& path) {
    return Run(ReadFile(fs, path));
  }
  Result<std::string> Read(const std::string& path) {
    return Read(ns_.get(), path);
  }
  Result<fs::FileInfo> Stat(const std::string& path) {
    return Run(ns_->Stat(path));
  }
  Result<std::vector<fs::FileInfo>> List(
      const std::string& path, fs::ListOptions opts = fs::ListOptions()) {
    return Run(ListAll(ns_.get(), path, opts));
  }
  // Base names of a namespace listing; empty on error (with a failure).
  std::vector<std::string> Ls(const std::string& path) {
    auto list = List(path);
    EXPECT_THAT(list, IsOk()) << path;
    std::vector<std::string> names;
    if (!list.ok()) return names;
    for (const auto& e : *list) names.emplace_back(fs::BaseName(e.path));
    return names;
  }
  std::vector<std::string> BackendLs(fs::FileSystem* fs,
                                     const std::string& path) {
    auto list = Run(ListAll(fs, path, fs::ListOptions()));
    EXPECT_THAT(list, IsOk()) << path;
    std::vector<std::string> names;
    if (!list.ok()) return names;
    for (const auto& e : *list) names.emplace_back(fs::BaseName(e.path));
    return names;
  }
  // Keys in the MetaStore starting with `prefix`.
  std::vector<std::string> Keys(const std::string& prefix) {
    auto kvs = Run(store_->Scan(prefix, ScanOptions()));
    EXPECT_THAT(kvs, IsOk());
    std::vector<std::string> keys;
    if (!kvs.ok()) return keys;
    for (const auto& kv : *kvs) keys.push_back(kv.key);
    return keys;
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<MetaStore> store_;
  std::string root_uri_;
  std::unique_ptr<Namespace> ns_;
  std::vector<std::string> temp_dirs_;
};

}  // namespace strata::vfs::testing
