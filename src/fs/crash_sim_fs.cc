// CrashSimFileSystem: the coroutine front of CrashSimFileSystem::State
// (crash_sim_tree.cc, crash_sim_move.cc, crash_sim_crash.cc).

#include <algorithm>
#include <iterator>

#include "fs/crash_sim_state.h"
#include "fs/file_checks.h"

namespace strata::fs {

std::string_view CrashModeName(CrashMode mode) {
  switch (mode) {
    case CrashMode::kDropUnsynced:
      return "drop_unsynced";
    case CrashMode::kKeepRandomSubset:
      return "keep_random_subset";
    case CrashMode::kTearSector:
      return "tear_sector";
  }
  return "unknown";
}

CrashSimFileSystem::CrashSimFileSystem() : state_(std::make_shared<State>()) {}

CrashSimFileSystem::~CrashSimFileSystem() = default;

CrashReport CrashSimFileSystem::Crash(CrashMode mode, uint64_t seed) {
  return state_->Crash(mode, seed);
}

uint64_t CrashSimFileSystem::unsynced_bytes() const {
  return state_->UnsyncedBytes();
}

uint64_t CrashSimFileSystem::unsynced_entries() const {
  return state_->UnsyncedEntries();
}

uint64_t CrashSimFileSystem::crashes() const { return state_->epoch(); }

std::string_view CrashSimFileSystem::name() const { return "crashsim"; }

Capabilities CrashSimFileSystem::capabilities() const {
  Capabilities caps;
  caps.atomic_rename = true;
  caps.rename_dir = true;
  caps.append = true;
  caps.conditional_put = true;
  caps.directory_fsync = true;
  caps.real_directories = true;
  caps.direct_io = true;
  caps.positional_write = true;
  caps.sync = true;
  caps.preallocate = true;
  return caps;
}

Task<Result<std::unique_ptr<File>>> CrashSimFileSystem::Open(
    std::string path, OpenOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(State::Opened opened, state_->Open(path, options));
  co_return NewCrashSimFile(state_, std::move(opened), options);
}

Task<Result<FileInfo>> CrashSimFileSystem::Stat(std::string path) {
  co_return state_->Stat(path);
}

ListStream CrashSimFileSystem::List(std::string path, ListOptions options) {
  auto list = [target = state_, path = std::move(path), options] {
    return target->List(path, options);
  };
  return file_checks::PageEntries(std::move(list), options.page_size);
}

Task<Status> CrashSimFileSystem::CreateDir(std::string path, bool recursive) {
  co_return state_->CreateDir(path, recursive);
}

Task<Status> CrashSimFileSystem::Remove(std::string path) {
  co_return state_->Remove(path);
}

Task<Status> CrashSimFileSystem::RemoveDir(std::string path, bool recursive) {
  co_return state_->RemoveDir(path, recursive);
}

Task<Status> CrashSimFileSystem::Rename(std::string from, std::string to) {
  co_return state_->Rename(from, to);
}

Task<Status> CrashSimFileSystem::Copy(std::string from, std::string to) {
  co_return state_->Copy(from, to);
}

Task<Status> CrashSimFileSystem::SyncDir(std::string path) {
  co_return state_->SyncDir(path);
}

}  // namespace strata::fs
