// MemoryFileSystem: coroutine front of memory_internal::Tree, and the
// process-wide named stores.

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>

#include "fs/file_checks.h"
#include "fs/memory_tree.h"
#include "strata/fs/memory.h"

namespace strata::fs {
namespace {

// Named stores live for the whole process (never destroyed, so files opened
// from them stay valid during static destruction).
class NamedStores {
 public:
  static NamedStores& Get() {
    static NamedStores* stores = new NamedStores();
    return *stores;
  }

  std::shared_ptr<MemoryFileSystem> Find(const std::string& name) {
    std::lock_guard lock(mu_);
    auto& fs = stores_[name];
    if (fs == nullptr) fs = MemoryFileSystem::Create();
    return fs;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemoryFileSystem>> stores_;
};

}  // namespace

std::shared_ptr<MemoryFileSystem> MemoryFileSystem::Named(
    const std::string& name) {
  return NamedStores::Get().Find(name);
}

std::shared_ptr<MemoryFileSystem> MemoryFileSystem::Create() {
  return std::make_shared<MemoryFileSystem>();
}

MemoryFileSystem::MemoryFileSystem()
    : tree_(std::make_unique<memory_internal::Tree>()) {}

MemoryFileSystem::~MemoryFileSystem() = default;

Capabilities MemoryFileSystem::capabilities() const {
  Capabilities caps;
  caps.atomic_rename = true;
  caps.rename_dir = true;
  caps.append = true;
  caps.conditional_put = true;
  caps.directory_fsync = false;
  caps.real_directories = true;
  caps.direct_io = true;
  caps.positional_write = true;
  caps.preallocate = true;
  caps.sync = true;
  return caps;
}

Task<Result<std::unique_ptr<MemoryFile>>> MemoryFileSystem::OpenMemory(
    std::string path, OpenOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(memory_internal::Opened opened,
                             tree_->Open(path, options));
  MemoryFile::Mode mode;
  mode.read = options.read || !options.write;
  mode.write = options.write;
  mode.append = options.append;
  mode.direct = options.direct;
  co_return std::unique_ptr<MemoryFile>(
      new MemoryFile(std::move(opened.path), std::move(opened.data), mode,
                     opened.created ? tree_.get() : nullptr));
}

Task<Result<std::unique_ptr<File>>> MemoryFileSystem::Open(
    std::string path, OpenOptions options) {
  Result<std::unique_ptr<MemoryFile>> file =
      co_await OpenMemory(std::move(path), std::move(options));
  if (!file.ok()) co_return file.status();
  co_return std::unique_ptr<File>(std::move(file).value());
}

Task<Result<FileInfo>> MemoryFileSystem::Stat(std::string path) {
  co_return tree_->Stat(path);
}

ListStream MemoryFileSystem::List(std::string path, ListOptions options) {
  auto list = [target = tree_.get(), path = std::move(path), options] {
    return target->List(path, options);
  };
  return file_checks::PageEntries(std::move(list), options.page_size);
}

Task<Status> MemoryFileSystem::CreateDir(std::string path, bool recursive) {
  co_return tree_->CreateDir(path, recursive);
}

Task<Status> MemoryFileSystem::Remove(std::string path) {
  co_return tree_->Remove(path);
}

Task<Status> MemoryFileSystem::RemoveDir(std::string path, bool recursive) {
  co_return tree_->RemoveDir(path, recursive);
}

Task<Status> MemoryFileSystem::Rename(std::string from, std::string to) {
  co_return tree_->Rename(from, to);
}

Task<Status> MemoryFileSystem::Copy(std::string from, std::string to) {
  co_return tree_->Copy(from, to);
}

Task<Status> MemoryFileSystem::SyncDir(std::string path) {
  co_return tree_->SyncDir(path);
}

}  // namespace strata::fs
