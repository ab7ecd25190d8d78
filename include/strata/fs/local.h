// The local file system backend, over the runtime's io_uring ring or its
// worker pool (whichever the calling reactor uses).
//
// Buffered and O_DIRECT I/O (OpenOptions::direct; misaligned buffers,
// offsets or lengths fail with kInvalidArgument naming kDirectIoAlignment),
// fdatasync on Sync(), files beyond 4 GiB, and directory fsync after
// create/rename/remove when LocalOptions::sync_directories (or
// OpenOptions::durable_create) asks for it. Paths are absolute host paths.
//
// Thread-safety: LocalFileSystem is safe for concurrent use; LocalFile
// follows File's rules. Operations must be awaited on a runtime thread.
#pragma once

#include <memory>
#include <string>

#include "strata/fs/file.h"
#include "strata/fs/file_system.h"

namespace strata::fs {

struct LocalOptions {
  LocalOptions() {}  // non-aggregate: see strata/fs/types.h
  // fsync the parent directory after every create, rename and remove.
  bool sync_directories = false;
};

class LocalFile final : public File {
 public:
  // Takes ownership of `fd`. `remove_on_abort`: this open created the file,
  // so Abort() unlinks it.
  LocalFile(int fd, std::string path, bool direct, uint64_t write_offset,
            bool remove_on_abort = false);
  ~LocalFile() override;

  const std::string& path() const override { return path_; }
  int fd() const { return fd_; }

  Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                              const IoOptions& options = {}) override;
  Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                             uint64_t offset,
                             const IoOptions& options = {}) override;
  Task<Status> Write(ConstBytes src, const IoOptions& options = {}) override;
  Task<Status> WriteV(std::span<const ConstBytes> srcs,
                      const IoOptions& options = {}) override;
  Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                       const IoOptions& options = {}) override;
  Task<Status> Sync() override;
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override;
  Task<Result<uint64_t>> Size() override;
  Task<Status> Close() override;
  Task<Status> Abort() override;

 private:
  Status CheckOpen() const;
  Status WriteAtInline(ConstBytes src, uint64_t offset, int flags) const;
  Status CheckAligned(const void* data, size_t len, uint64_t offset) const;
  Status IoError(int neg_errno, const char* op) const;

  int fd_;
  std::string path_;
  bool direct_;
  uint64_t write_offset_;
  bool remove_on_abort_;
};

class LocalFileSystem final : public FileSystem {
 public:
  explicit LocalFileSystem(LocalOptions options = {}) : options_(options) {}

  std::string_view name() const override { return "local"; }
  Capabilities capabilities() const override;

  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override;
  // The concrete type, for static dispatch.
  Task<Result<std::unique_ptr<LocalFile>>> OpenLocal(std::string path,
                                                     OpenOptions options);
  Task<Result<FileInfo>> Stat(std::string path) override;
  ListStream List(std::string path, ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

 private:
  Task<Status> MaybeSyncParent(const std::string& path, bool requested);

  LocalOptions options_;
};

std::shared_ptr<LocalFileSystem> NewLocalFileSystem(LocalOptions options = {});

}  // namespace strata::fs
