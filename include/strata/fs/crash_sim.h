// CrashSimFileSystem: an in-memory file system that knows which bytes and
// which directory entries are durable, and can simulate a power loss.
//
// It models POSIX durability strictly (RocksDB's FaultInjectionTestFS,
// stricter than ext4):
// - File data written by Write/WriteV/WriteAt/Preallocate is *unsynced*
//   until File::Sync on some handle of that file (fdatasync: all of the
//   file's unsynced data becomes durable). A write with IoOptions::dsync
//   makes only its own bytes durable (RWF_DSYNC).
// - Namespace changes (creating a file or directory, Remove, RemoveDir,
//   Rename, Copy's new entry) are unsynced until SyncDir of the directory
//   that holds the entry (for Rename: both parents), or durable_create.
//   Syncing a file never makes its directory entry durable.
//
// Crash(mode, seed) turns the current state into what a machine would find
// after power loss, then the file system goes on working (the "reboot"):
// - kDropUnsynced: only durable data and entries survive.
// - kKeepRandomSubset: each unsynced write survives independently with
//   probability 1/2 (applied in the order they were made); a random prefix
//   of the unsynced namespace changes survives (metadata journals commit in
//   order).
// - kTearSector: a random prefix of each file's unsynced writes survives,
//   and the next write of that file is torn: a random subset of its 512-byte
//   sectors lands, one of which may land only partly. Namespace as in
//   kKeepRandomSubset.
//
// Details of the model:
// - Open with truncate is an unsynced size change to 0 and Preallocate an
//   unsynced extension with zeros; both are ordered with the file's writes
//   and counted with them in CrashReport. A dsync write also makes an earlier
//   truncate of its file durable (the size is metadata needed to read the
//   bytes back), and no older unsynced write can land over its bytes.
// - Torn writes use kCrashSimSectorSize sectors aligned to file offsets; a
//   sector that lands only partly gets a prefix of its new bytes. The file
//   grows only as far as the bytes that landed.
// - A file removed or replaced while its old entry is still durable keeps
//   its durable content: a crash that reverts the removal brings it back.
//   RemoveDir(recursive) unlinks every entry below, one change each.
// - A Rename is one change: both parents' edits survive a crash together,
//   unless one parent was synced on its own (that half is then durable).
//   This may leave a directory reachable twice, or in a cycle: only the
//   first path found walking from the root in name order is kept. A file
//   reachable twice is one file (a hard link).
// - An empty write never extends a file (pwrite of 0 bytes).
// - The etag of a file whose content a crash changed is new.
//
// Handles opened before the crash are dead: every call on them fails with
// kFailedPrecondition ("... lost in a simulated crash"), and their
// destruction does nothing. The same seed gives the same outcome.
//
// Combine with FaultInjectionFileSystem (wrapping this) to make operations
// fail before the crash.
//
// Capabilities: like a local disk (atomic rename, directory fsync, real
// directories, direct I/O with kDirectIoAlignment checks, positional write,
// sync, preallocate, append; conditional_put too).
//
// Thread-safety: safe for concurrent use (one mutex); files follow File's
// rules. Crash must not run concurrently with other calls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/fs/file_system.h"

namespace strata::fs {

enum class CrashMode { kDropUnsynced, kKeepRandomSubset, kTearSector };
// "drop_unsynced", "keep_random_subset", "tear_sector".
std::string_view CrashModeName(CrashMode mode);

// The unit kTearSector tears writes into.
inline constexpr uint64_t kCrashSimSectorSize = 512;

struct CrashReport {
  // Unsynced data ops (writes, truncates, extensions) of the files that are
  // reachable after the crash.
  uint64_t writes_dropped = 0;    // unsynced writes that did not survive
  uint64_t writes_kept = 0;       // unsynced writes that survived
  uint64_t writes_torn = 0;       // writes that landed in part
  uint64_t entries_reverted = 0;  // namespace changes that did not survive
};

class CrashSimFileSystem : public FileSystem {
 public:
  CrashSimFileSystem();
  ~CrashSimFileSystem() override;

  // Simulates a power loss and reboot (see above); open handles die.
  CrashReport Crash(CrashMode mode, uint64_t seed);

  // Bytes written but not yet durable, over all files.
  uint64_t unsynced_bytes() const;
  // Namespace changes not yet durable.
  uint64_t unsynced_entries() const;
  // Crashes simulated so far.
  uint64_t crashes() const;

  std::string_view name() const override;
  Capabilities capabilities() const override;
  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override;
  Task<Result<FileInfo>> Stat(std::string path) override;
  ListStream List(std::string path, ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

  class State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace strata::fs
