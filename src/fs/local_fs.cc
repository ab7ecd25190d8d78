#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "fs/local_blocking.h"
#include "fs/local_util.h"
#include "strata/fs/local.h"
#include "strata/fs/registry.h"
#include "strata/runtime/io.h"

namespace strata::fs {

using local::FileOpsLimit;
using local::PathError;

namespace {

Status ValidateOpen(const std::string& path, const OpenOptions& o) {
  if (!o.read && !o.write) {
    return InvalidArgumentError("open " + path +
                                ": neither read nor write requested");
  }
  if (!o.write && (o.create || o.create_new || o.truncate || o.append)) {
    return InvalidArgumentError(
        "open " + path + ": create/create_new/truncate/append need write");
  }
  return Status::OK();
}

int OpenFlags(const OpenOptions& o) {
  int flags = O_CLOEXEC;
  flags |= o.read && o.write ? O_RDWR : (o.write ? O_WRONLY : O_RDONLY);
  if (o.create) flags |= O_CREAT;
  if (o.create_new || o.if_none_match == "*") flags |= O_CREAT | O_EXCL;
  if (o.truncate) flags |= O_TRUNC;
  if (o.direct) flags |= O_DIRECT;
  return flags;
}

Task<Result<FileInfo>> StatPath(std::string path) {
  struct statx st {};
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::Statx(AT_FDCWD, path.c_str(), 0,
                                      STATX_BASIC_STATS, &st);
  if (r < 0) co_return PathError(r, "stat", path);
  co_return local::InfoFromStatx(path, st);
}

// if_match / etag-valued if_none_match, checked before opening.
Task<Status> CheckPreconditions(const std::string& path, const OpenOptions& o) {
  bool etag_none_match = o.if_none_match && *o.if_none_match != "*";
  if (!o.if_match && !etag_none_match) co_return Status::OK();
  auto info = co_await StatPath(path);
  if (!info.ok()) co_return info.status();
  if (o.if_match && info->etag != *o.if_match) {
    co_return FailedPreconditionError("open " + path + ": etag " + info->etag +
                                      " does not match " + *o.if_match);
  }
  if (etag_none_match && info->etag == *o.if_none_match) {
    co_return FailedPreconditionError("open " + path + ": etag matches " +
                                      *o.if_none_match);
  }
  co_return Status::OK();
}

}  // namespace

Capabilities LocalFileSystem::capabilities() const {
  Capabilities c;
  c.atomic_rename = c.rename_dir = c.append = c.conditional_put = true;
  c.directory_fsync = c.real_directories = c.direct_io = true;
  c.positional_write = c.sync = c.preallocate = true;
  return c;
}

Task<Result<std::unique_ptr<File>>> LocalFileSystem::Open(std::string path,
                                                          OpenOptions options) {
  auto f = co_await OpenLocal(std::move(path), std::move(options));
  if (!f.ok()) co_return f.status();
  co_return std::unique_ptr<File>(std::move(f).value());
}

Task<Result<std::unique_ptr<LocalFile>>> LocalFileSystem::OpenLocal(
    std::string path, OpenOptions options) {
  STRATA_CO_RETURN_IF_ERROR(ValidateOpen(path, options));
  STRATA_CO_RETURN_IF_ERROR(co_await CheckPreconditions(path, options));
  auto permit = co_await FileOpsLimit().Acquire();
  // Learn whether this open creates the file, so Abort() can remove it:
  // try exclusively first, then open the existing file.
  const int flags = OpenFlags(options);
  const bool may_create = (flags & O_CREAT) != 0;
  int64_t fd = co_await runtime::OpenAt(
      AT_FDCWD, path.c_str(), flags | (may_create ? O_EXCL : 0), 0644);
  bool created = may_create && fd >= 0;
  if (fd == -EEXIST && (flags & O_EXCL) == 0) {
    fd = co_await runtime::OpenAt(AT_FDCWD, path.c_str(), flags, 0644);
  }
  if (fd == -EINVAL && options.direct) {
    co_return InvalidArgumentError("open " + path +
                                   ": the file system refuses O_DIRECT");
  }
  if (fd < 0) co_return PathError(fd, "open", path);
  struct statx st {};
  int64_t r = co_await runtime::Statx(static_cast<int>(fd), "", AT_EMPTY_PATH,
                                      STATX_TYPE | STATX_SIZE, &st);
  if (r < 0 || S_ISDIR(st.stx_mode)) {
    (void)co_await runtime::Close(static_cast<int>(fd));
    if (r < 0) co_return PathError(r, "stat", path);
    co_return InvalidArgumentError("open " + path + ": is a directory");
  }
  permit.Release();
  auto file = std::make_unique<LocalFile>(
      static_cast<int>(fd), path, options.direct,
      options.append ? static_cast<uint64_t>(st.stx_size) : 0, created);
  if (created) {
    STRATA_CO_RETURN_IF_ERROR(
        co_await MaybeSyncParent(path, options.durable_create));
  }
  co_return file;
}

Task<Result<FileInfo>> LocalFileSystem::Stat(std::string path) {
  // By value: this forwarder is not a coroutine, so `path` dies on return.
  return StatPath(std::move(path));
}

Task<Status> LocalFileSystem::MaybeSyncParent(const std::string& path,
                                              bool requested) {
  if (!requested && !options_.sync_directories) co_return Status::OK();
  co_return co_await SyncDir(ParentPath(path));
}

Task<Status> LocalFileSystem::SyncDir(std::string path) {
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t fd = co_await runtime::OpenAt(AT_FDCWD, path.c_str(),
                                        O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) co_return PathError(fd, "open directory", path);
  int64_t r = co_await runtime::Fsync(static_cast<int>(fd), false);
  int64_t c = co_await runtime::Close(static_cast<int>(fd));
  if (r < 0) co_return PathError(r, "fsync directory", path);
  if (c < 0) co_return PathError(c, "close directory", path);
  co_return Status::OK();
}

Task<Status> LocalFileSystem::CreateDir(std::string path, bool recursive) {
  if (recursive) {
    auto make_dirs = [path] { return local::MakeDirs(path); };
    auto r = co_await runtime::RunBlocking(std::move(make_dirs));
    STRATA_CO_RETURN_IF_ERROR(r);
    co_return co_await MaybeSyncParent(path, false);
  }
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::MkdirAt(AT_FDCWD, path.c_str(), 0755);
  if (r < 0) co_return PathError(r, "mkdir", path);
  co_return co_await MaybeSyncParent(path, false);
}

Task<Status> LocalFileSystem::Remove(std::string path) {
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::UnlinkAt(AT_FDCWD, path.c_str(), 0);
  if (r == -EISDIR) {
    co_return InvalidArgumentError("remove " + path +
                                   ": is a directory (use RemoveDir)");
  }
  if (r < 0) co_return PathError(r, "remove", path);
  co_return co_await MaybeSyncParent(path, false);
}

Task<Status> LocalFileSystem::RemoveDir(std::string path, bool recursive) {
  if (recursive) {
    auto remove_tree = [path] { return local::RemoveTree(path); };
    auto r = co_await runtime::RunBlocking(std::move(remove_tree));
    STRATA_CO_RETURN_IF_ERROR(r);
    co_return co_await MaybeSyncParent(path, false);
  }
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::UnlinkAt(AT_FDCWD, path.c_str(), AT_REMOVEDIR);
  if (r == -ENOTEMPTY || r == -EEXIST) {
    co_return FailedPreconditionError("remove directory " + path +
                                      ": not empty");
  }
  if (r < 0) co_return PathError(r, "remove directory", path);
  co_return co_await MaybeSyncParent(path, false);
}

Task<Status> LocalFileSystem::Rename(std::string from, std::string to) {
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::RenameAt(AT_FDCWD, from.c_str(), AT_FDCWD,
                                         to.c_str(), 0);
  if (r < 0) co_return PathError(r, "rename", from + " to " + to);
  permit.Release();
  STRATA_CO_RETURN_IF_ERROR(co_await MaybeSyncParent(to, false));
  if (ParentPath(from) == ParentPath(to)) co_return Status::OK();
  co_return co_await MaybeSyncParent(from, false);
}

Task<Status> LocalFileSystem::Copy(std::string from, std::string to) {
  auto copy = [from, to] { return local::CopyFile(from, to); };
  auto r = co_await runtime::RunBlocking(std::move(copy));
  STRATA_CO_RETURN_IF_ERROR(r);
  co_return co_await MaybeSyncParent(to, false);
}

ListStream LocalFileSystem::List(std::string path, ListOptions options) {
  if (options.page_size == 0) {
    co_yield Result<ListPage>(InvalidArgumentError(
        "list " + path + ": ListOptions::page_size must be at least 1"));
    co_return;
  }
  auto scan = [path, options] { return local::ScanDirectory(path, options); };
  auto entries = co_await runtime::RunBlocking(std::move(scan));
  if (!entries.ok()) {
    co_yield Result<ListPage>(entries.status());
    co_return;
  }
  ListPage page;
  for (auto& e : *entries) {
    page.push_back(std::move(e));
    if (page.size() == options.page_size) {
      co_yield Result<ListPage>(std::move(page));
      page.clear();
    }
  }
  if (!page.empty()) co_yield Result<ListPage>(std::move(page));
}

std::shared_ptr<LocalFileSystem> NewLocalFileSystem(LocalOptions options) {
  return std::make_shared<LocalFileSystem>(options);
}

}  // namespace strata::fs
