// S3FileSystem's namespace operations: Stat, CreateDir, Remove, RemoveDir,
// Copy and Rename (copy + delete: not atomic).
#include "s3/s3_fs_internal.h"

namespace strata::s3 {
namespace {

constexpr const char* kDirContentType = "application/x-directory";

fs::FileInfo DirInfo(const ContextRef& ctx, const ObjectPath& obj) {
  fs::FileInfo info;
  info.path = ctx->paths.PathOf(obj.bucket, obj.key);
  info.is_dir = true;
  return info;
}

Task<Status> PutMarker(ContextRef ctx, std::string bucket, std::string key) {
  PutOptions o;
  o.content_type = kDirContentType;
  std::span<const std::byte> empty;
  Result<PutResult> r = co_await ctx->client->Put(bucket, key + "/", empty, o);
  co_return r.status();
}

// Lists up to `max_keys` keys below obj's directory prefix.
Task<Result<ListResult>> ListBelow(ContextRef ctx, ObjectPath obj,
                                   int max_keys) {
  ListOptions o;
  o.prefix = obj.DirPrefix();
  o.max_keys = max_keys;
  co_return co_await ctx->client->List(obj.bucket, o);
}

Task<Result<ObjectPath>> ParseFile(ContextRef ctx, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, ctx->paths.Parse(path));
  if (obj.bucket.empty() || obj.key.empty()) {
    co_return InvalidArgumentError(path + ": is a directory");
  }
  co_return obj;
}

}  // namespace

Task<Result<bool>> DirExists(ContextRef ctx, ObjectPath obj) {
  if (obj.bucket.empty()) co_return true;
  if (obj.key.empty()) {
    Status st = co_await ctx->client->HeadBucket(obj.bucket);
    if (st.code() == StatusCode::kNotFound) co_return false;
    if (!st.ok()) co_return st;
    co_return true;
  }
  STRATA_CO_ASSIGN_OR_RETURN(ListResult r, co_await ListBelow(ctx, obj, 1));
  co_return !r.objects.empty() || !r.common_prefixes.empty();
}

Task<Status> MissingFileError(ContextRef ctx, ObjectPath obj) {
  const std::string desc = ctx->paths.Describe(obj);
  STRATA_CO_ASSIGN_OR_RETURN(bool is_dir, co_await DirExists(ctx, obj));
  if (is_dir) co_return InvalidArgumentError(desc + ": is a directory");
  co_return NotFoundError(desc + ": no such object");
}

Task<Result<ObjectInfo>> HeadFile(ContextRef ctx, ObjectPath obj) {
  GetOptions o;
  Result<ObjectInfo> head = co_await ctx->client->Head(obj.bucket, obj.key, o);
  if (head.ok()) co_return head;
  if (head.status().code() != StatusCode::kNotFound) {
    co_return NameObject(head.status(), ctx->paths.Describe(obj));
  }
  co_return co_await MissingFileError(ctx, std::move(obj));
}

Task<Result<fs::FileInfo>> StatS3(ContextRef ctx, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, ctx->paths.Parse(path));
  const std::string desc = ctx->paths.Describe(obj);
  if (!obj.key.empty()) {
    GetOptions o;
    Result<ObjectInfo> head =
        co_await ctx->client->Head(obj.bucket, obj.key, o);
    if (head.ok()) {
      fs::FileInfo info;
      info.path = ctx->paths.PathOf(obj.bucket, obj.key);
      info.size = head->size;
      info.mtime = head->last_modified;
      info.etag = head->etag;
      co_return info;
    }
    if (head.status().code() != StatusCode::kNotFound) {
      co_return NameObject(head.status(), desc);
    }
  }
  STRATA_CO_ASSIGN_OR_RETURN(bool is_dir, co_await DirExists(ctx, obj));
  if (!is_dir) co_return NotFoundError(desc + ": no such file or directory");
  co_return DirInfo(ctx, obj);
}

Task<Status> CreateDirS3(ContextRef ctx, std::string path, bool recursive) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, ctx->paths.Parse(path));
  const std::string desc = ctx->paths.Describe(obj);
  if (obj.bucket.empty()) {
    co_return recursive ? Status::OK()
                        : AlreadyExistsError(desc + ": the root exists");
  }
  if (obj.key.empty()) {
    Status st = co_await ctx->client->HeadBucket(obj.bucket);
    if (st.ok()) {
      co_return recursive ? Status::OK()
                          : AlreadyExistsError(desc + ": bucket exists");
    }
    if (st.code() != StatusCode::kNotFound) co_return NameObject(st, desc);
    co_return NameObject(co_await ctx->client->CreateBucket(obj.bucket), desc);
  }
  Result<fs::FileInfo> existing = co_await StatS3(ctx, path);
  if (existing.ok()) {
    if (!existing->is_dir) co_return AlreadyExistsError(desc + ": is a file");
    if (!recursive) co_return AlreadyExistsError(desc + ": already exists");
    co_return Status::OK();
  }
  if (existing.status().code() != StatusCode::kNotFound) {
    co_return existing.status();
  }
  if (!recursive) {
    ObjectPath parent{obj.bucket, ParentKey(obj.key)};
    STRATA_CO_ASSIGN_OR_RETURN(bool ok, co_await DirExists(ctx, parent));
    if (!ok) co_return NotFoundError(desc + ": the parent does not exist");
  }
  // Markers for every ancestor too, so they outlive their contents.
  for (size_t slash = obj.key.find('/'); slash != std::string::npos;
       slash = obj.key.find('/', slash + 1)) {
    if (!recursive) break;
    Status st = co_await PutMarker(ctx, obj.bucket, obj.key.substr(0, slash));
    if (!st.ok()) co_return NameObject(st, desc);
  }
  co_return NameObject(co_await PutMarker(ctx, obj.bucket, obj.key), desc);
}

Task<Status> RemoveS3(ContextRef ctx, std::string path) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, co_await ParseFile(ctx, path));
  STRATA_CO_RETURN_IF_ERROR(co_await HeadFile(ctx, obj));
  co_return NameObject(co_await ctx->client->Delete(obj.bucket, obj.key),
                       ctx->paths.Describe(obj));
}

Task<Status> RemoveDirS3(ContextRef ctx, std::string path, bool recursive) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, ctx->paths.Parse(path));
  const std::string desc = ctx->paths.Describe(obj);
  if (obj.key.empty()) {
    co_return InvalidArgumentError(desc + ": removing a bucket or the root " +
                                   "is not supported");
  }
  GetOptions head_options;
  Result<ObjectInfo> head =
      co_await ctx->client->Head(obj.bucket, obj.key, head_options);
  if (head.ok()) co_return InvalidArgumentError(desc + ": is not a directory");
  STRATA_CO_ASSIGN_OR_RETURN(ListResult first, co_await ListBelow(ctx, obj, 2));
  if (first.objects.empty()) {
    co_return NotFoundError(desc + ": no such directory");
  }
  const std::string marker = obj.DirPrefix();
  const bool only_marker =
      first.objects.size() == 1 && first.objects[0].key == marker;
  if (!only_marker && !recursive) {
    co_return FailedPreconditionError(desc + ": directory not empty");
  }
  std::vector<std::string> keys;
  ListOptions o;
  o.prefix = marker;
  for (;;) {
    STRATA_CO_ASSIGN_OR_RETURN(ListResult page,
                               co_await ctx->client->List(obj.bucket, o));
    for (ObjectInfo& info : page.objects) keys.push_back(std::move(info.key));
    if (!page.truncated) break;
    o.continuation_token = page.next_continuation_token;
  }
  co_return NameObject(co_await ctx->client->DeleteMany(obj.bucket, keys),
                       desc);
}

namespace {

// The second half of a rename: deletes the source only if it still has
// the etag seen before the copy. (A write between this HEAD and the DELETE
// can still be lost; S3 has no conditional DELETE everywhere.)
Task<Status> DeleteIfUnchanged(ContextRef ctx, ObjectPath src, ObjectPath dst,
                               std::string etag) {
  const std::string desc = ctx->paths.Describe(src);
  GetOptions o;
  Result<ObjectInfo> now = co_await ctx->client->Head(src.bucket, src.key, o);
  if (!now.ok()) {
    // Already gone (as a DELETE of a missing key would also report).
    if (now.status().code() == StatusCode::kNotFound) co_return Status::OK();
    co_return NameObject(now.status(), desc);
  }
  if (now->etag != etag) {
    co_return AbortedError(desc +
                           ": source changed during rename; the copy at " +
                           ctx->paths.Describe(dst) + " holds the old version");
  }
  co_return NameObject(co_await ctx->client->Delete(src.bucket, src.key), desc);
}

}  // namespace

Task<Status> CopyS3(ContextRef ctx, std::string from, std::string to,
                    bool remove_source) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath src, co_await ParseFile(ctx, from));
  STRATA_CO_ASSIGN_OR_RETURN(ObjectPath dst, co_await ParseFile(ctx, to));
  Result<ObjectInfo> head = co_await HeadFile(ctx, src);
  if (!head.ok()) {
    if (remove_source && head.status().code() == StatusCode::kInvalidArgument) {
      co_return InvalidArgumentError(
          ctx->paths.Describe(src) +
          ": renaming directories is not supported (Capabilities::rename_dir)");
    }
    co_return head.status();
  }
  PutOptions o;
  Result<PutResult> r =
      co_await ctx->client->Copy(src.bucket, src.key, dst.bucket, dst.key, o);
  if (!r.ok()) {
    co_return NameObject(r.status(), ctx->paths.Describe(src) + " → " +
                                         ctx->paths.Describe(dst));
  }
  if (!remove_source) co_return Status::OK();
  co_return co_await DeleteIfUnchanged(ctx, src, dst, head->etag);
}

}  // namespace strata::s3
