// Test-only: the fixture of crash_sim_fs_test.cc and crash_sim_data_test.cc.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "fs/testing/conformance.h"
#include "strata/fs/crash_sim.h"
#include "strata/runtime/runtime.h"

namespace strata::fs::crash_sim_test {

using conformance::AsBytes;
using conformance::AsMutableBytes;
using conformance::IsOk;
using conformance::Message;
using conformance::RandomData;
using conformance::ReadFile;
using conformance::StatusIs;
using conformance::WriteFile;
using ::testing::HasSubstr;

// Opens `path`, writes `data`, syncs the file (not its directory), closes.
inline Task<Status> WriteAndSync(FileSystem* fs, std::string path,
                                 std::string data, OpenOptions options) {
  auto file = co_await fs->Open(path, options);
  if (!file.ok()) co_return file.status();
  Status st = co_await (*file)->Write(AsBytes(data));
  if (st.ok()) st = co_await (*file)->Sync();
  Status closed = co_await (*file)->Close();
  co_return st.ok() ? closed : st;
}

// Read and write, neither creating nor truncating.
inline OpenOptions ReadWriteExisting() {
  OpenOptions o;
  o.write = true;
  return o;
}

inline IoOptions Dsync() {
  IoOptions o;
  o.dsync = true;
  return o;
}

// `data` written into `image` at `offset` (growing it with zeros).
inline void Patch(std::string& image, uint64_t offset,
                  const std::string& data) {
  if (image.size() < offset + data.size()) image.resize(offset + data.size());
  image.replace(offset, data.size(), data);
}

class CrashSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.reactor_threads = 1;
    auto rt = Runtime::Create(options);
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  // Unsynced: data and entry.
  Status Write(const std::string& path, std::string data,
               OpenOptions options = OpenOptions::Overwrite()) {
    return Run(WriteFile(fs_.get(), path, std::move(data), options));
  }
  // Data synced, entry not.
  Status WriteSynced(const std::string& path, std::string data,
                     OpenOptions options = OpenOptions::Overwrite()) {
    return Run(WriteAndSync(fs_.get(), path, std::move(data), options));
  }
  // Data and the entry in its parent synced.
  void WriteDurable(const std::string& path, std::string data) {
    ASSERT_THAT(WriteSynced(path, std::move(data)), IsOk()) << path;
    ASSERT_THAT(SyncDir(std::string(ParentOf(path))), IsOk()) << path;
  }
  Status SyncDir(const std::string& path) { return Run(fs_->SyncDir(path)); }
  Result<std::string> Read(const std::string& path) {
    return Run(ReadFile(fs_.get(), path));
  }
  // The content, or "<error>" with the status.
  std::string Content(const std::string& path) {
    auto data = Read(path);
    if (data.ok()) return *data;
    std::string error = "<";  // not "<" + ...: GCC 12 -Wrestrict
    error += data.status().ToString();
    error += ">";
    return error;
  }
  bool Exists(const std::string& path) { return Run(fs_->Stat(path)).ok(); }
  std::unique_ptr<File> OpenOrFail(const std::string& path,
                                   OpenOptions options) {
    auto file = Run(fs_->Open(path, options));
    EXPECT_THAT(file, IsOk()) << path;
    return file.ok() ? std::move(file).value() : nullptr;
  }
  Status WriteAt(File& file, const std::string& data, uint64_t offset,
                 IoOptions options = IoOptions()) {
    return Run(file.WriteAt(AsBytes(data), offset, options));
  }
  // A fresh file system (same runtime).
  void Reset() { fs_ = std::make_shared<CrashSimFileSystem>(); }

  static std::string_view ParentOf(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == 0 ? std::string_view("/") : path.substr(0, slash);
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<CrashSimFileSystem> fs_ =
      std::make_shared<CrashSimFileSystem>();
};

}  // namespace strata::fs::crash_sim_test
