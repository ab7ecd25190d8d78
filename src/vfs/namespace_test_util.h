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
#include "strata/fs/registry.h"
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
