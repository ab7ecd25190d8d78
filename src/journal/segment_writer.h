// SegmentWriter: the segment file appends go to, and segment creation
// (temp file, header, preallocation, fdatasync, rename, directory fsync).
//
// Thread-safety: used by the journal's current leader only.
#pragma once

#include <memory>
#include <string>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file_system.h"
#include "strata/journal/format.h"
#include "strata/journal/journal.h"

namespace strata::journal {

class SegmentWriter {
 public:
  SegmentWriter(fs::FileSystem* fs, std::string dir,
                const JournalOptions* options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  // Creates segment `id` with base `base` durably and makes it current.
  Task<Status> Create(uint64_t id, Lsn base);
  // Makes the existing segment at `path` current for appending after its
  // valid data ends at file offset `data_end`.
  Task<Status> Reopen(uint64_t id, Lsn base, std::string path,
                      uint64_t data_end);

  // Writes `bytes` at `offset`; with `dsync` the bytes are durable on return.
  Task<Status> WriteAt(std::span<const std::byte> bytes, uint64_t offset,
                       bool dsync, bool inline_blocking);
  Task<Status> Sync();
  Task<Status> Close();

  uint64_t id() const { return id_; }
  Lsn base() const { return base_; }
  const std::string& path() const { return path_; }
  bool open() const { return file_ != nullptr; }

 private:
  Task<Status> OpenForAppend();
  Task<Status> WriteHeader(fs::File& file, uint64_t id, Lsn base);

  fs::FileSystem* fs_;
  std::string dir_;
  const JournalOptions* options_;
  std::unique_ptr<fs::File> file_;
  uint64_t id_ = 0;
  Lsn base_ = 0;
  std::string path_;
};

}  // namespace strata::journal
