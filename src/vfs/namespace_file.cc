// Namespace Open: files are the backend's files, wrapped so that path()
// is the virtual path and a committed write updates the metadata cache.
// An Overwrite on a backend with atomic rename goes to a hidden temporary
// sibling that Close renames over the target (all or nothing).
#include <cinttypes>
#include <cstdio>
#include <random>
#include <utility>

#include "strata/fs/forwarding.h"
#include "strata/fs/registry.h"
#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
namespace {

bool Writes(const fs::OpenOptions& o) {
  return o.write || o.create || o.create_new || o.truncate || o.append;
}

// "<dir>/.strata-tmp.<name>.<16 random hex digits>".
std::string TempSibling(std::string_view backend_path) {
  static thread_local std::mt19937_64 rng{std::random_device()()};
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016" PRIx64, rng());
  std::string name(kTempPrefix);
  name.append(fs::BaseName(backend_path));
  name.push_back('.');
  name.append(hex, 16);
  return fs::JoinPath(fs::ParentPath(backend_path), name);
}

// A backend file seen through the namespace. Close() of a file opened for
// writing (after renaming a temporary over the target, if any) stats the
// backend and records size/mtime/etag in the cache; Abort() drops the
// temporary, or re-reads the entry a Stat during the write may have cached.
class VfsFile final : public fs::ForwardingFile {
 public:
  VfsFile(std::unique_ptr<fs::File> target, NamespaceCore* core, Resolved r,
          std::string vpath, bool writes, std::string temp)
      : ForwardingFile(std::move(target)),
        core_(core),
        resolved_(std::move(r)),
        vpath_(std::move(vpath)),
        writes_(writes),
        temp_(std::move(temp)) {}

  const std::string& path() const override { return vpath_; }

  // Every failure names the virtual path (never the backend's).
  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options) override {
    co_return Named(co_await target_->ReadAt(dst, offset, options));
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options) override {
    co_return Named(co_await target_->ReadV(dsts, offset, options));
  }
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options) override {
    co_return Named(co_await target_->Write(src, options));
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    co_return Named(co_await target_->WriteV(srcs, options));
  }
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& options) override {
    co_return Named(co_await target_->WriteAt(src, offset, options));
  }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    co_return Named(co_await target_->Preallocate(offset, length));
  }
  Task<Status> Sync() override { co_return Named(co_await target_->Sync()); }
  Task<Result<uint64_t>> Size() override {
    co_return Named(co_await target_->Size());
  }

  Task<Status> Abort() override {
    Status st = Named(co_await target_->Abort());
    if (!writes_ || committed_) co_return st;
    committed_ = true;
    if (!temp_.empty()) {
      (co_await resolved_.fs->Remove(temp_)).IgnoreError();
    } else {
      // A Stat during the write may have cached a partial entry.
      auto refreshed = co_await core_->Refresh(resolved_, vpath_);
      if (!refreshed.ok() &&
          refreshed.status().code() != StatusCode::kNotFound) {
        co_await core_->CacheUpdateFailed(resolved_, vpath_,
                                          refreshed.status());
      }
    }
    co_return st;
  }

  Task<Status> Close() override {
    Status st = Named(co_await target_->Close());
    if (!writes_ || committed_) co_return st;
    committed_ = true;
    if (!temp_.empty()) {
      if (st.ok()) {
        st =
            Named(co_await resolved_.fs->Rename(temp_, resolved_.backend_path));
      }
      if (!st.ok()) (co_await resolved_.fs->Remove(temp_)).IgnoreError();
    }
    if (!st.ok()) co_return st;
    auto refreshed = co_await core_->Refresh(resolved_, vpath_);
    if (!refreshed.ok() && refreshed.status().code() != StatusCode::kNotFound) {
      co_await core_->CacheUpdateFailed(resolved_, vpath_, refreshed.status());
    }
    co_return Status::OK();
  }

 private:
  Status Named(const Status& st) const {
    if (st.ok() || temp_.empty()) {
      return BackendError(st, resolved_.backend_path, vpath_);
    }
    return BackendError(BackendError(st, temp_, vpath_), resolved_.backend_path,
                        vpath_);
  }
  template <typename T>
  Result<T> Named(Result<T> r) const {
    if (r.ok()) return r;
    return Named(r.status());
  }

  NamespaceCore* core_;
  Resolved resolved_;
  std::string vpath_;
  bool writes_;
  std::string temp_;  // backend path written instead of the target, or ""
  bool committed_ = false;
};

// Whether an open should write a temporary sibling: an Overwrite of a file
// (not a directory, no etag preconditions) on a backend whose rename
// atomically replaces.
Task<bool> UseTemp(Resolved r, fs::OpenOptions options) {
  if (!options.truncate || options.append || options.create_new ||
      options.if_match || options.if_none_match || r.relative == "/" ||
      !r.fs->capabilities().atomic_rename) {
    co_return false;
  }
  auto info = co_await r.fs->Stat(r.backend_path);
  if (info.ok()) co_return !info->is_dir;
  co_return options.create&& info.status().code() == StatusCode::kNotFound;
}

}  // namespace

Task<Result<std::unique_ptr<fs::File>>> NamespaceCore::Open(
    std::string path, fs::OpenOptions options) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  const bool writes = Writes(options);
  if (writes) STRATA_CO_RETURN_IF_ERROR(CheckWritable(*r, vpath));
  if (r->relative == "/" || !mounts_->MountedNamesUnder(vpath).empty()) {
    co_return InvalidArgumentError(vpath + ": is a directory");
  }
  std::string temp;
  bool use_temp = false;
  if (writes) use_temp = co_await UseTemp(*r, options);
  if (use_temp) {
    temp = TempSibling(r->backend_path);
    options.create = true;
  }
  auto file = co_await r->fs->Open(temp.empty() ? r->backend_path : temp,
                                   std::move(options));
  if (!file.ok()) {
    Status st = file.status();
    if (!temp.empty()) st = BackendError(st, temp, vpath);
    co_return BackendError(st, r->backend_path, vpath);
  }
  co_return std::unique_ptr<fs::File>(
      std::make_unique<VfsFile>(std::move(file).value(), this,
                                std::move(r).value(), vpath, writes, temp));
}

}  // namespace strata::vfs::internal
