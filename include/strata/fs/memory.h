// The in-memory backend: a POSIX-like file system held in process memory.
//
// MemoryFileSystem behaves like the local backend: real directories (a
// file's parent must exist), exclusive create, atomic rename of files and
// directories (a file target is replaced; a directory may replace an empty
// directory; moving a directory into itself is kInvalidArgument), recursive
// RemoveDir, sorted listings, append (O_APPEND: every write lands at the
// current end), truncate, positional writes, and the O_DIRECT alignment
// checks of OpenOptions::direct. The root "/" always exists and cannot be
// removed or moved. An open file keeps its data after its path is removed or
// replaced, as on POSIX.
//
// Every content change gives the file a new etag (rename keeps it; a copy
// gets a new one). if_none_match "*" is create-only (kAlreadyExists);
// if_none_match <etag> fails with kFailedPrecondition while that etag is
// current; if_match fails with kFailedPrecondition on another etag and
// kNotFound on a missing file.
//
// Files are contiguous buffers (holes are allocated) of at most 1 TiB;
// beyond that writes fail with EFBIG (kResourceExhausted). Errors are what
// the local backend reports: ErrnoToStatus with the errno POSIX would give
// (ENOENT → kNotFound, EEXIST → kAlreadyExists, EISDIR/ENOTDIR →
// kInvalidArgument, ENOTEMPTY → kFailedPrecondition), naming the path.
//
// Every operation completes without suspending, so it may be awaited from any
// coroutine (on a runtime or not). IoOptions::stop already requested makes a
// read or write fail with kCancelled.
//
// Thread-safety: MemoryFileSystem is safe for concurrent use (one mutex for
// the namespace, one reader/writer lock per file's data). MemoryFile follows
// File's rules: reads may run concurrently; writes, Sync, Close and Abort
// need external synchronization.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "strata/fs/file.h"
#include "strata/fs/file_system.h"

namespace strata::fs {

namespace memory_internal {
struct Data;  // a file's bytes and etag, shared by the tree and open files
class Tree;   // the namespace: every entry by path, behind one mutex
}  // namespace memory_internal

class MemoryFile final : public File {
 public:
  ~MemoryFile() override;

  const std::string& path() const override { return path_; }

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
  friend class MemoryFileSystem;
  struct Mode {
    bool read = false;
    bool write = false;
    bool append = false;
    bool direct = false;
  };

  // `created_in`: the tree this open created the file in (Abort removes it
  // there), or nullptr.
  MemoryFile(std::string path, std::shared_ptr<memory_internal::Data> data,
             Mode mode, memory_internal::Tree* created_in);

  Status CheckOpen(const char* op) const;
  Status CheckUsable(const char* op, bool writing,
                     const IoOptions& options) const;
  Status CheckAligned(const char* op, const void* data, size_t len,
                      uint64_t offset) const;
  Result<size_t> DoRead(std::span<const MutableBytes> dsts, uint64_t offset,
                        const IoOptions& options);
  Status DoWrite(const char* op, std::span<const ConstBytes> srcs,
                 std::optional<uint64_t> at, const IoOptions& options);

  std::string path_;
  std::shared_ptr<memory_internal::Data> data_;
  Mode mode_;
  uint64_t write_offset_ = 0;
  std::atomic<bool> closed_{false};
  memory_internal::Tree* created_in_;
};

class MemoryFileSystem final : public FileSystem {
 public:
  // The process-wide store called `name`, created empty on first use and
  // never destroyed; every caller (and every "mem://name/..." URI) shares it.
  static std::shared_ptr<MemoryFileSystem> Named(const std::string& name);
  // A fresh, private store, destroyed with its last reference.
  static std::shared_ptr<MemoryFileSystem> Create();

  MemoryFileSystem();
  ~MemoryFileSystem() override;
  MemoryFileSystem(const MemoryFileSystem&) = delete;
  MemoryFileSystem& operator=(const MemoryFileSystem&) = delete;

  std::string_view name() const override { return "memory"; }
  Capabilities capabilities() const override;

  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override;
  // The concrete type, for static dispatch.
  Task<Result<std::unique_ptr<MemoryFile>>> OpenMemory(std::string path,
                                                       OpenOptions options);
  Task<Result<FileInfo>> Stat(std::string path) override;
  // The listing is a snapshot taken at the first Next().
  ListStream List(std::string path, ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  // Checks that `path` is a directory; there is nothing to make durable.
  Task<Status> SyncDir(std::string path) override;

 private:
  std::unique_ptr<memory_internal::Tree> tree_;
};

}  // namespace strata::fs
