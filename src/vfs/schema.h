// The namespace's metadata schema (docs/metadata-schema.md): key builders,
// the records stored under them, and the inode allocator.
//
// Keys (bytewise sorted, inode numbers as 16 lower-case hex digits so that
// byte order is numeric order):
//   meta/version                  {"version":2}
//   meta/next_ino                 {"next":N}
//   dent/<parent ino>/<name>      Entry (binary, vfs/record_codec.h)
//   dir/<ino>                     DirState (binary)
// The meta/ values are JSON objects. Entries and directory records are
// binary since version 2; version-1 (JSON) ones are still read. Decoders
// turn anything malformed into kDataLoss naming the key, never a crash.
//
// Thread-safety: the free functions are pure; InodeAllocator may be used
// concurrently from any thread.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/types.h"
#include "strata/runtime/semaphore.h"
#include "strata/vfs/meta_store.h"

namespace strata::vfs::schema {

// 1: JSON entries; 2: binary entries and directory records. A version-1
// store is upgraded on open.
inline constexpr uint64_t kSchemaVersion = 2;
inline constexpr std::string_view kVersionKey = "meta/version";
inline constexpr std::string_view kNextInoKey = "meta/next_ino";
inline constexpr std::string_view kDentPrefix = "dent/";
inline constexpr std::string_view kDirPrefix = "dir/";
// The first inode number handed out (0 means "none").
inline constexpr uint64_t kFirstIno = 1;
// Inodes reserved per compare-and-set on meta/next_ino.
inline constexpr uint64_t kInoBlock = 64;

// "dent/<parent:016x>/<name>".
std::string DentKey(uint64_t parent, std::string_view name);
// "dent/<parent:016x>/": every entry of directory `parent`.
std::string DentPrefix(uint64_t parent);
// "dir/<ino:016x>".
std::string DirKey(uint64_t ino);

// A cached directory entry (value of dent/<parent>/<name>).
struct Entry {
  uint64_t ino = 0;
  bool dir = false;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // since the Unix epoch
  std::string etag;
  int64_t synced_ns = 0;  // last confirmed against the backend

  friend bool operator==(const Entry&, const Entry&) = default;
};

// Sync state of a directory (value of dir/<ino>).
struct DirState {
  int64_t listed_ns = 0;  // when the full listing was last taken

  friend bool operator==(const DirState&, const DirState&) = default;
};

std::string EncodeEntry(const Entry& entry);
// kDataLoss naming `key` when `value` is not a valid entry record.
Result<Entry> DecodeEntry(std::string_view key, std::string_view value);

std::string EncodeDirState(const DirState& state);
// kDataLoss naming `key` when `value` is not a valid directory record.
Result<DirState> DecodeDirState(std::string_view key, std::string_view value);

// Conversions between cached entries and FileInfo (path left to the caller
// / ignored).
fs::FileInfo EntryToInfo(const Entry& entry, std::string path);
// An entry describing `info` (ino and synced left to the caller).
Entry InfoToEntry(const fs::FileInfo& info);
// True when `a` and `b` describe the same object (kind, size, mtime, etag).
bool SameObject(const Entry& a, const Entry& b);

int64_t ToUnixNanos(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point FromUnixNanos(int64_t ns);
int64_t NowUnixNanos();

// Writes meta/version on a new store and upgrades an older one;
// kFailedPrecondition when the store was written by a newer schema;
// kDataLoss when the record is corrupt.
Task<Status> EnsureSchemaVersion(std::shared_ptr<MetaStore> store);

// Hands out unique inode numbers. Numbers are reserved kInoBlock at a time
// by compare-and-set on meta/next_ino and handed out from memory, so most
// allocations touch no store; numbers of a block left unused at exit are
// skipped, never reused. One block is reserved at a time (callers that find
// the block exhausted wait for the one reservation in flight).
class InodeAllocator {
 public:
  explicit InodeAllocator(std::shared_ptr<MetaStore> store)
      : store_(std::move(store)) {}

  // A fresh inode number, or the store's error (kDataLoss for a corrupt
  // meta/next_ino; kAborted after too many conflicting writers).
  Task<Result<uint64_t>> Allocate();

 private:
  bool TakeLocal(uint64_t* ino);
  Task<Result<uint64_t>> ReserveBlock();

  std::shared_ptr<MetaStore> store_;
  runtime::Semaphore reserving_{1};  // single-flights ReserveBlock
  std::mutex mu_;
  uint64_t next_ = 0;  // guarded by mu_; [next_, end_) is free
  uint64_t end_ = 0;
};

}  // namespace strata::vfs::schema
