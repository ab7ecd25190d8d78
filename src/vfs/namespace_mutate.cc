// Namespace mutations: CreateDir, Remove, RemoveDir, Copy. Each applies to
// the backend first (the source of truth), then updates the cache.
#include <utility>

#include "vfs/namespace_core.h"

namespace strata::vfs::internal {
namespace {

constexpr size_t kCopyChunk = 1 << 20;

std::span<const std::byte> Prefix(const std::string& buf, size_t n) {
  return std::as_bytes(std::span<const char>(buf.data(), n));
}

// Streams file `from` into `to` (replacing it) between two backends.
Task<Status> StreamCopy(fs::FileSystem* src_fs, std::string src,
                        fs::FileSystem* dst_fs, std::string dst) {
  auto in = co_await src_fs->Open(src, fs::OpenOptions::ReadOnly());
  if (!in.ok()) co_return in.status();
  auto out = co_await dst_fs->Open(dst, fs::OpenOptions::Overwrite());
  if (!out.ok()) {
    (co_await (*in)->Close()).IgnoreError();
    co_return out.status();
  }
  std::string buf(kCopyChunk, '\0');
  Status st;
  for (uint64_t offset = 0;;) {
    auto n = co_await (*in)->ReadAt(
        std::as_writable_bytes(std::span<char>(buf.data(), buf.size())),
        offset);
    if (!n.ok()) {
      st = n.status();
      break;
    }
    if (*n == 0) break;
    st = co_await (*out)->Write(Prefix(buf, *n));
    if (!st.ok()) break;
    offset += *n;
  }
  (co_await (*in)->Close()).IgnoreError();
  if (!st.ok()) {
    (co_await (*out)->Abort()).IgnoreError();
    co_return st;
  }
  co_return co_await (*out)->Close();
}

}  // namespace

Task<Status> NamespaceCore::ForgetAfterWrite(Resolved r, std::string vpath) {
  Status st = co_await Forget(r);
  if (!st.ok()) co_await CacheUpdateFailed(std::move(r), vpath, st);
  co_return Status::OK();
}

Task<Status> NamespaceCore::RefreshAfterWrite(Resolved r, std::string vpath) {
  auto found = co_await Refresh(r, vpath);
  if (!found.ok() && found.status().code() != StatusCode::kNotFound) {
    co_await CacheUpdateFailed(std::move(r), vpath, found.status());
  }
  co_return Status::OK();
}

Task<Status> NamespaceCore::CreateDir(std::string path, bool recursive) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  if (r->relative == "/" || !mounts_->MountedNamesUnder(vpath).empty()) {
    if (recursive) co_return Status::OK();
    co_return AlreadyExistsError(vpath + ": directory exists (a mount point)");
  }
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*r, vpath));
  Status st = co_await r->fs->CreateDir(r->backend_path, recursive);
  if (!st.ok()) co_return BackendError(st, r->backend_path, vpath);
  fs::FileInfo info;
  info.path = vpath;
  info.is_dir = true;
  info.mtime = schema::FromUnixNanos(Now());
  auto recorded = co_await Record(*r, std::move(info));
  if (!recorded.ok()) {
    co_await CacheUpdateFailed(std::move(r).value(), vpath, recorded.status());
  }
  co_return Status::OK();
}

Task<Status> NamespaceCore::Remove(std::string path) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  STRATA_CO_RETURN_IF_ERROR(CheckNotMountPath(vpath, *r));
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*r, vpath));
  Status st = co_await r->fs->Remove(r->backend_path);
  if (!st.ok()) {
    if (st.code() == StatusCode::kNotFound) {
      (co_await Forget(*r)).IgnoreError();
    }
    co_return BackendError(st, r->backend_path, vpath);
  }
  co_return co_await ForgetAfterWrite(std::move(r).value(), vpath);
}

Task<Status> NamespaceCore::RemoveDir(std::string path, bool recursive) {
  std::string vpath;
  auto r = ResolvePath(path, &vpath);
  if (!r.ok()) co_return r.status();
  STRATA_CO_RETURN_IF_ERROR(CheckNotMountPath(vpath, *r));
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*r, vpath));
  Status st = co_await r->fs->RemoveDir(r->backend_path, recursive);
  if (!st.ok()) {
    if (st.code() == StatusCode::kNotFound) {
      (co_await Forget(*r)).IgnoreError();
    }
    co_return BackendError(st, r->backend_path, vpath);
  }
  co_return co_await ForgetAfterWrite(std::move(r).value(), vpath);
}

Task<Status> NamespaceCore::Copy(std::string from, std::string to) {
  std::string vfrom;
  std::string vto;
  auto rf = ResolvePath(from, &vfrom);
  if (!rf.ok()) co_return rf.status();
  auto rt = ResolvePath(to, &vto);
  if (!rt.ok()) co_return rt.status();
  STRATA_CO_RETURN_IF_ERROR(CheckNotMountPath(vto, *rt));
  STRATA_CO_RETURN_IF_ERROR(CheckWritable(*rt, vto));
  if (rf->relative == "/" || !mounts_->MountedNamesUnder(vfrom).empty()) {
    co_return InvalidArgumentError(vfrom + ": is a directory");
  }
  Status st;
  if (rf->mount->id == rt->mount->id) {
    st = co_await rf->fs->Copy(rf->backend_path, rt->backend_path);
  } else {
    st = co_await StreamCopy(rf->fs.get(), rf->backend_path, rt->fs.get(),
                             rt->backend_path);
  }
  if (!st.ok()) {
    // The error may name either side.
    co_return BackendError(BackendError(st, rt->backend_path, vto),
                           rf->backend_path, vfrom);
  }
  co_return co_await RefreshAfterWrite(std::move(rt).value(), vto);
}

}  // namespace strata::vfs::internal
