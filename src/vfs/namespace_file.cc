// Namespace Open: files are the backend's files, wrapped so that path()
// is the virtual path and a committed write updates the metadata cache.
#include <utility>

#include "strata/fs/forwarding.h"
#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
namespace {

bool Writes(const fs::OpenOptions& o) {
  return o.write || o.create || o.create_new || o.truncate || o.append;
}

// A backend file seen through the namespace. Close() of a file opened for
// writing stats the backend and records size/mtime/etag in the cache;
// Abort() leaves the cache as it was.
class VfsFile final : public fs::ForwardingFile {
 public:
  VfsFile(std::unique_ptr<fs::File> target, NamespaceCore* core, Resolved r,
          std::string vpath, bool writes)
      : ForwardingFile(std::move(target)),
        core_(core),
        resolved_(std::move(r)),
        vpath_(std::move(vpath)),
        writes_(writes) {}

  const std::string& path() const override { return vpath_; }

  // Every failure names the virtual path (the backend names its own).
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
    co_return NameVirtual(co_await target_->Write(src, options), vpath_);
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    co_return NameVirtual(co_await target_->WriteV(srcs, options), vpath_);
  }
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& options) override {
    co_return NameVirtual(co_await target_->WriteAt(src, offset, options),
                          vpath_);
  }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    co_return NameVirtual(co_await target_->Preallocate(offset, length),
                          vpath_);
  }
  Task<Status> Sync() override {
    co_return NameVirtual(co_await target_->Sync(), vpath_);
  }
  Task<Result<uint64_t>> Size() override {
    co_return Named(co_await target_->Size());
  }
  Task<Status> Abort() override {
    co_return NameVirtual(co_await target_->Abort(), vpath_);
  }

  Task<Status> Close() override {
    Status st = co_await target_->Close();
    if (!st.ok()) co_return NameVirtual(st, vpath_);
    if (!writes_ || committed_) co_return Status::OK();
    committed_ = true;
    auto refreshed = co_await core_->Refresh(resolved_, vpath_);
    if (!refreshed.ok() && refreshed.status().code() != StatusCode::kNotFound) {
      co_return refreshed.status();
    }
    co_return Status::OK();
  }

 private:
  template <typename T>
  Result<T> Named(Result<T> r) const {
    if (r.ok()) return r;
    return NameVirtual(r.status(), vpath_);
  }

  NamespaceCore* core_;
  Resolved resolved_;
  std::string vpath_;
  bool writes_;
  bool committed_ = false;
};

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
  auto file = co_await r->fs->Open(r->backend_path, std::move(options));
  if (!file.ok()) co_return NameVirtual(file.status(), vpath);
  co_return std::unique_ptr<fs::File>(std::make_unique<VfsFile>(
      std::move(file).value(), this, std::move(r).value(), vpath, writes));
}

}  // namespace strata::vfs::internal
