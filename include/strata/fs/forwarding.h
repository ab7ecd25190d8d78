// ForwardingFileSystem and ForwardingFile: wrappers that forward every call
// to a wrapped target, so a concrete wrapper (metrics, fault injection,
// retry, sub-tree, ...) overrides only what it changes (leveldb's EnvWrapper).
//
// A forwarded call returns the target's own task, so forwarding adds no
// coroutine frame. name() and capabilities() are the target's.
//
// Thread-safety: that of the target. Lifetime: a ForwardingFileSystem keeps
// its target alive (shared ownership); a ForwardingFile owns its target. The
// caller's buffers and IoOptions must outlive the returned task, exactly as
// for the target.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "strata/fs/file.h"
#include "strata/fs/file_system.h"

namespace strata::fs {

class ForwardingFile : public File {
 public:
  // `target` must not be null.
  explicit ForwardingFile(std::unique_ptr<File> target)
      : target_(std::move(target)) {}

  File* target() const { return target_.get(); }

  const std::string& path() const override { return target_->path(); }
  Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                              const IoOptions& options = {}) override {
    return target_->ReadAt(dst, offset, options);
  }
  Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                             uint64_t offset,
                             const IoOptions& options = {}) override {
    return target_->ReadV(dsts, offset, options);
  }
  Task<Status> Write(ConstBytes src, const IoOptions& options = {}) override {
    return target_->Write(src, options);
  }
  Task<Status> WriteV(std::span<const ConstBytes> srcs,
                      const IoOptions& options = {}) override {
    return target_->WriteV(srcs, options);
  }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    return target_->Preallocate(offset, length);
  }
  Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                       const IoOptions& options = {}) override {
    return target_->WriteAt(src, offset, options);
  }
  Task<Status> Sync() override { return target_->Sync(); }
  Task<Result<uint64_t>> Size() override { return target_->Size(); }
  Task<Status> Close() override { return target_->Close(); }
  Task<Status> Abort() override { return target_->Abort(); }

 protected:
  std::unique_ptr<File> target_;
};

class ForwardingFileSystem : public FileSystem {
 public:
  // `target` must not be null.
  explicit ForwardingFileSystem(std::shared_ptr<FileSystem> target)
      : target_(std::move(target)) {}

  const std::shared_ptr<FileSystem>& target() const { return target_; }

  std::string_view name() const override { return target_->name(); }
  Capabilities capabilities() const override { return target_->capabilities(); }
  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override {
    return target_->Open(std::move(path), std::move(options));
  }
  Task<Result<FileInfo>> Stat(std::string path) override {
    return target_->Stat(std::move(path));
  }
  ListStream List(std::string path, ListOptions options) override {
    return target_->List(std::move(path), std::move(options));
  }
  Task<Status> CreateDir(std::string path, bool recursive) override {
    return target_->CreateDir(std::move(path), recursive);
  }
  Task<Status> Remove(std::string path) override {
    return target_->Remove(std::move(path));
  }
  Task<Status> RemoveDir(std::string path, bool recursive) override {
    return target_->RemoveDir(std::move(path), recursive);
  }
  Task<Status> Rename(std::string from, std::string to) override {
    return target_->Rename(std::move(from), std::move(to));
  }
  Task<Status> Copy(std::string from, std::string to) override {
    return target_->Copy(std::move(from), std::move(to));
  }
  Task<Status> SyncDir(std::string path) override {
    return target_->SyncDir(std::move(path));
  }

 protected:
  std::shared_ptr<FileSystem> target_;
};

}  // namespace strata::fs
