// AzureFileSystem: open, stat, directories, remove, rename, copy, and the
// factory and URI scheme (see strata/azure/azure_fs.h).
#include "azure/azure_fs_impl.h"
#include "strata/fs/registry.h"

namespace strata::azure {
namespace {

fs::FileInfo FileInfoOf(std::string path, const BlobProperties& p) {
  fs::FileInfo info;
  info.path = std::move(path);
  info.size = p.size;
  info.mtime = p.last_modified;
  info.etag = p.etag;
  return info;
}

fs::FileInfo DirInfo(std::string path) {
  fs::FileInfo info;
  info.path = std::move(path);
  info.is_dir = true;
  return info;
}

bool IsNotFound(const Status& st) { return st.code() == StatusCode::kNotFound; }

}  // namespace

BlobPath SplitPath(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  size_t slash = path.find('/');
  BlobPath out;
  out.container = std::string(path.substr(0, slash));
  if (slash != std::string_view::npos)
    out.blob = std::string(path.substr(slash + 1));
  return out;
}

Status ClosedError(std::string_view op, std::string_view path) {
  return FailedPreconditionError(std::string(op) + " " + std::string(path) +
                                 ": file is closed");
}

AzureFileSystem::AzureFileSystem(std::shared_ptr<Client> client,
                                 AzureFileSystemOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (options_.block_size == 0) options_.block_size = 8 << 20;
  if (options_.upload_concurrency == 0) options_.upload_concurrency = 1;
}

fs::Capabilities AzureFileSystem::capabilities() const {
  fs::Capabilities c;
  c.append = true;
  c.conditional_put = true;
  return c;
}

Task<Result<std::unique_ptr<fs::File>>> AzureFileSystem::Open(
    std::string path, fs::OpenOptions options) {
  BlobPath w = SplitPath(path);
  if (w.container.empty() || w.blob.empty()) {
    co_return InvalidArgumentError("open " + path +
                                   ": not a blob path (/<container>/<blob>)");
  }
  if (options.write || options.append || options.create || options.create_new ||
      options.truncate) {
    co_return co_await OpenForWrite(std::move(path), std::move(options));
  }
  Result<BlobProperties> props =
      co_await client_->GetProperties(w.container, w.blob);
  if (IsNotFound(props.status())) {
    Result<bool> dir = co_await DirExists(w.container, w.blob);
    if (dir.ok() && *dir) {
      co_return InvalidArgumentError("open " + path + ": is a directory");
    }
  }
  if (!props.ok()) co_return props.status().WithContext("open " + path);
  if (options.if_match && *options.if_match != props->etag) {
    co_return FailedPreconditionError("open " + path + ": etag is " +
                                      props->etag + ", not " +
                                      *options.if_match);
  }
  co_return NewReadFile(this, std::move(path), std::move(props).value());
}

Task<Result<std::unique_ptr<fs::File>>> AzureFileSystem::OpenForWrite(
    std::string path, fs::OpenOptions options) {
  BlobPath w = SplitPath(path);
  bool must_exist = !options.create && !options.create_new;
  bool need_head = options.append || must_exist ||
                   options.if_match.has_value() || options.create_new;
  std::optional<BlobProperties> existing;
  if (need_head) {
    Result<BlobProperties> r =
        co_await client_->GetProperties(w.container, w.blob);
    if (r.ok()) {
      existing = std::move(r).value();
    } else if (!IsNotFound(r.status()) || must_exist) {
      co_return r.status().WithContext("open " + path);
    }
  }
  bool create_only = options.create_new || options.if_none_match == "*";
  if (existing && create_only) {
    co_return AlreadyExistsError("open " + path + ": already exists");
  }
  if (options.if_match && (!existing || existing->etag != *options.if_match)) {
    co_return FailedPreconditionError(
        "open " + path + ": etag does not match " + *options.if_match);
  }
  WriteSetup setup;
  setup.path = path;
  setup.options = options;
  if (create_only) setup.put.if_none_match.assign(1, '*');
  if (options.if_match) setup.put.if_match = *options.if_match;
  if (options.append && existing && !options.truncate) {
    if (existing->type == BlobType::kPage) {
      co_return FailedPreconditionError("open " + path +
                                        ": cannot append to a page blob");
    }
    setup.put.content_type = existing->content_type;
    setup.put.content_encoding = existing->content_encoding;
    setup.put.content_language = existing->content_language;
    setup.put.content_disposition = existing->content_disposition;
    setup.put.cache_control = existing->cache_control;
    setup.put.metadata = existing->metadata;
    if (setup.put.if_match.empty()) setup.put.if_match = existing->etag;
    setup.existing = std::move(existing);
  }
  Result<std::unique_ptr<fs::File>> file =
      co_await NewWriteFile(this, std::move(setup));
  if (!file.ok()) co_return file.status().WithContext("open " + path);
  co_return file;
}

Task<Result<fs::FileInfo>> AzureFileSystem::Stat(std::string path) {
  BlobPath w = SplitPath(path);
  if (w.container.empty()) co_return DirInfo("/");
  if (w.blob.empty()) {
    ListOptions probe;
    probe.max_results = 1;
    Result<ListResult> r = co_await client_->List(w.container, probe);
    if (!r.ok()) co_return r.status().WithContext("stat " + path);
    co_return DirInfo(std::move(path));
  }
  Result<BlobProperties> props =
      co_await client_->GetProperties(w.container, w.blob);
  if (props.ok()) co_return FileInfoOf(std::move(path), *props);
  if (!IsNotFound(props.status()))
    co_return props.status().WithContext("stat " + path);
  STRATA_CO_ASSIGN_OR_RETURN(bool dir, co_await DirExists(w.container, w.blob));
  if (dir) co_return DirInfo(std::move(path));
  co_return NotFoundError("stat " + path + ": no such blob or directory");
}

Task<Status> AzureFileSystem::CreateDir(std::string path, bool recursive) {
  BlobPath w = SplitPath(path);
  if (w.container.empty())
    co_return InvalidArgumentError("mkdir /: not a container");
  if (w.blob.empty()) {
    Status st = co_await client_->CreateContainer(w.container);
    if (st.code() == StatusCode::kAlreadyExists && recursive)
      co_return Status::OK();
    co_return st;
  }
  STRATA_CO_RETURN_IF_ERROR(co_await CreateDirChecks(path, recursive));
  std::span<const std::byte> empty;
  std::string marker = w.blob;
  marker.push_back('/');
  Result<PutResult> r = co_await client_->Put(w.container, marker, empty);
  if (!r.ok()) co_return r.status().WithContext("mkdir " + path);
  co_return Status::OK();
}

// A file in the way is kAlreadyExists; without `recursive`, so is an existing
// directory, and a missing parent is kNotFound.
Task<Status> AzureFileSystem::CreateDirChecks(std::string path,
                                              bool recursive) {
  BlobPath w = SplitPath(path);
  Result<BlobProperties> file =
      co_await client_->GetProperties(w.container, w.blob);
  if (file.ok()) co_return AlreadyExistsError("mkdir " + path + ": is a file");
  if (!IsNotFound(file.status()))
    co_return file.status().WithContext("mkdir " + path);
  if (recursive) co_return Status::OK();
  STRATA_CO_ASSIGN_OR_RETURN(bool exists,
                             co_await DirExists(w.container, w.blob));
  if (exists)
    co_return AlreadyExistsError("mkdir " + path + ": already exists");
  std::string parent = fs::ParentPath(path);
  if (!SplitPath(parent).blob.empty()) {
    Result<fs::FileInfo> info = co_await Stat(parent);
    if (!info.ok() || !info->is_dir) {
      co_return NotFoundError("mkdir " + path + ": parent " + parent +
                              " is not a directory");
    }
  }
  co_return Status::OK();
}

Task<Status> AzureFileSystem::Remove(std::string path) {
  BlobPath w = SplitPath(path);
  if (w.blob.empty())
    co_return InvalidArgumentError("remove " + path + ": not a blob");
  Status st = co_await client_->Delete(w.container, w.blob);
  if (IsNotFound(st)) {
    Result<bool> dir = co_await DirExists(w.container, w.blob);
    if (dir.ok() && *dir) {
      co_return InvalidArgumentError("remove " + path + ": is a directory");
    }
  }
  if (!st.ok()) co_return st.WithContext("remove " + path);
  co_return Status::OK();
}

Task<Status> AzureFileSystem::RemoveDir(std::string path, bool recursive) {
  BlobPath w = SplitPath(path);
  std::vector<std::string> blobs;
  STRATA_CO_RETURN_IF_ERROR(co_await ListForRemove(path, recursive, &blobs));
  STRATA_CO_RETURN_IF_ERROR(co_await DeleteAll(w.container, std::move(blobs)));
  if (w.blob.empty()) {
    Status st = co_await client_->DeleteContainer(w.container);
    if (!st.ok()) co_return st.WithContext("rmdir " + path);
  }
  co_return Status::OK();
}

Task<Status> AzureFileSystem::Copy(std::string from, std::string to) {
  Result<std::string> etag = co_await CopyFrom(from, to);
  co_return etag.status();
}

// Copies `from` to `to` under x-ms-source-if-match of the source's current
// etag; returns that etag.
Task<Result<std::string>> AzureFileSystem::CopyFrom(std::string from,
                                                    std::string to) {
  BlobPath src = SplitPath(from);
  BlobPath dst = SplitPath(to);
  if (src.blob.empty() || dst.blob.empty()) {
    co_return InvalidArgumentError("copy " + from + " to " + to +
                                   ": not blobs");
  }
  Result<BlobProperties> props =
      co_await client_->GetProperties(src.container, src.blob);
  if (!props.ok()) co_return props.status().WithContext("copy " + from);
  CopyOptions copy;
  copy.source_if_match = props->etag;
  Result<PutResult> r = co_await client_->Copy(src.container, src.blob,
                                               dst.container, dst.blob, copy);
  if (!r.ok()) co_return r.status().WithContext("copy " + from + " to " + to);
  co_return props->etag;
}

// Copy + delete, both pinned to the source etag: a concurrent overwrite of
// the source makes the rename fail instead of being deleted unseen.
Task<Status> AzureFileSystem::Rename(std::string from, std::string to) {
  STRATA_CO_ASSIGN_OR_RETURN(std::string etag, co_await CopyFrom(from, to));
  BlobPath src = SplitPath(from);
  DeleteOptions del;
  del.if_match = etag;
  Status st = co_await client_->Delete(src.container, src.blob, del);
  if (st.ok() || IsNotFound(st)) co_return Status::OK();
  if (st.code() == StatusCode::kFailedPrecondition) {
    co_return FailedPreconditionError(
        "rename " + from + " to " + to + ": " + from +
        " changed during the rename; it was kept and " + to +
        " holds its earlier content (" + std::string(st.message()) + ")");
  }
  co_return st.WithContext("rename " + from + " to " + to);
}

Task<Status> AzureFileSystem::SyncDir(std::string) { co_return Status::OK(); }

Result<std::shared_ptr<fs::FileSystem>> NewAzureFileSystem(
    AzureFileSystemOptions options) {
  std::shared_ptr<Client> client = options.shared_client;
  if (!client) {
    STRATA_ASSIGN_OR_RETURN(client, Client::Create(options.client));
  }
  return std::shared_ptr<fs::FileSystem>(
      new AzureFileSystem(std::move(client), std::move(options)));
}

// RegisterSchemes (az://) lives in azure_registry.cc.

}  // namespace strata::azure
