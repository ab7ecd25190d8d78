// S3FileSystem: the FileSystem over S3 buckets. Open lives here; the
// namespace operations are in s3_fs_ops.cc, listings in s3_fs_list.cc.
#include "strata/s3/s3_fs.h"

#include <algorithm>

#include "s3/s3_fs_internal.h"
#include "strata/runtime/runtime.h"

namespace strata::s3 {
namespace {

// Reads a small existing object whole (the head of an append).
Task<Result<std::vector<std::byte>>> ReadWhole(ContextRef ctx, ObjectPath obj,
                                               ObjectInfo info) {
  std::vector<std::byte> data(info.size);
  if (info.size == 0) co_return data;
  GetOptions o;
  o.if_match = info.etag;
  Result<GetResult> r = co_await ctx->client->Get(obj.bucket, obj.key, data, o);
  if (!r.ok()) co_return NameObject(r.status(), ctx->paths.Describe(obj));
  if (r->bytes_read != info.size) {
    co_return UnavailableError(ctx->paths.Describe(obj) +
                               ": short read of an object being appended to");
  }
  co_return data;
}

// What opening for reading learned: the object's metadata and its first
// bytes (empty when they were not fetched).
struct OpenedObject {
  ObjectInfo info;
  std::vector<std::byte> head;
};

// Opening with one request: a ranged GET of the first `min_readahead` bytes
// yields size (Content-Range), etag and the first readahead window. A 416
// (an empty object: bytes=0-... is unsatisfiable) or a body larger than
// asked (a server ignoring Range) falls back to HEAD; a 404 tells a
// directory from a missing object.
Task<Result<OpenedObject>> FetchHead(ContextRef ctx, ObjectPath obj) {
  OpenedObject out;
  const size_t want = ctx->options.min_readahead;
  if (want == 0) {
    STRATA_CO_ASSIGN_OR_RETURN(out.info, co_await HeadFile(ctx, obj));
    co_return out;
  }
  out.head.resize(want);
  GetOptions o;
  o.offset = 0;
  o.length = want;
  Result<GetResult> r =
      co_await ctx->client->Get(obj.bucket, obj.key, out.head, o);
  if (r.ok()) {
    out.head.resize(std::min<uint64_t>(r->bytes_read, r->object_size));
    if (out.head.size() < want / 2) out.head.shrink_to_fit();
    out.info = std::move(r->info);
    out.info.size = r->object_size;
    co_return out;
  }
  out.head = {};
  if (r.status().code() == StatusCode::kOutOfRange) {
    STRATA_CO_ASSIGN_OR_RETURN(out.info, co_await HeadFile(ctx, obj));
    co_return out;
  }
  if (r.status().code() != StatusCode::kNotFound) {
    co_return NameObject(r.status(), ctx->paths.Describe(obj));
  }
  co_return co_await MissingFileError(ctx, std::move(obj));
}

Task<Result<std::unique_ptr<fs::File>>> OpenRead(ContextRef ctx, ObjectPath obj,
                                                 fs::OpenOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(OpenedObject opened, co_await FetchHead(ctx, obj));
  const ObjectInfo& info = opened.info;
  if (options.if_match && *options.if_match != info.etag) {
    co_return FailedPreconditionError(ctx->paths.Describe(obj) + ": etag is " +
                                      info.etag + ", not " + *options.if_match);
  }
  if (options.if_none_match &&
      (*options.if_none_match == "*" || *options.if_none_match == info.etag)) {
    co_return FailedPreconditionError(ctx->paths.Describe(obj) +
                                      ": if_none_match matches");
  }
  co_return NewS3ReadFile(ctx, std::move(obj), std::move(opened.info),
                          std::move(opened.head));
}

// Append: HEAD the object; a missing one is created (when allowed).
Task<Status> PrepareAppend(ContextRef ctx, fs::OpenOptions options,
                           WriteSetup* setup) {
  Result<ObjectInfo> head = co_await HeadFile(ctx, setup->obj);
  if (!head.ok()) {
    if (head.status().code() != StatusCode::kNotFound ||
        !(options.create || options.create_new)) {
      co_return head.status();
    }
    co_return Status::OK();
  }
  if (options.create_new) {
    co_return AlreadyExistsError(ctx->paths.Describe(setup->obj) +
                                 ": already exists (create_new)");
  }
  setup->append_existing = true;
  setup->existing = *head;
  if (head->size < Client::kMinPartSize) {
    STRATA_CO_ASSIGN_OR_RETURN(setup->head,
                               co_await ReadWhole(ctx, setup->obj, *head));
  }
  co_return Status::OK();
}

Task<Result<std::unique_ptr<fs::File>>> OpenWrite(ContextRef ctx,
                                                  ObjectPath obj,
                                                  fs::OpenOptions options) {
  const std::string desc = ctx->paths.Describe(obj);
  if (options.append && ctx->client->flavor() == Flavor::kGcs) {
    co_return UnimplementedError(
        desc +
        ": append is not supported on GCS (its XML API has neither "
        "UploadPartCopy nor ETag If-Match writes; Capabilities::append is "
        "false)");
  }
  if (options.if_none_match && *options.if_none_match != "*") {
    co_return InvalidArgumentError(
        desc + ": writes support only if_none_match \"*\" (create-only)");
  }
  if (ctx->options.check_directory_on_write) {
    STRATA_CO_ASSIGN_OR_RETURN(bool is_dir, co_await DirExists(ctx, obj));
    if (is_dir) co_return InvalidArgumentError(desc + ": is a directory");
  }
  WriteSetup setup;
  setup.obj = obj;
  setup.create_only = options.create_new || options.if_none_match.has_value();
  setup.if_match = options.if_match.value_or("");
  setup.runtime = runtime::Runtime::Current();
  if (options.append) {
    STRATA_CO_RETURN_IF_ERROR(co_await PrepareAppend(ctx, options, &setup));
  } else if (!options.create && !options.create_new) {
    // Writing an existing object only: it must be there.
    STRATA_CO_RETURN_IF_ERROR(co_await HeadFile(ctx, obj));
  }
  co_return NewS3WriteFile(ctx, std::move(setup));
}

class S3FileSystem final : public fs::FileSystem {
 public:
  explicit S3FileSystem(ContextRef ctx) : ctx_(std::move(ctx)) {}

  std::string_view name() const override { return "s3"; }

  fs::Capabilities capabilities() const override {
    fs::Capabilities c;
    // GCS's XML API has neither UploadPartCopy nor If-Match writes.
    c.append = ctx_->client->flavor() != Flavor::kGcs;
    c.conditional_put = true;
    c.real_directories = true;
    return c;
  }

  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override {
    STRATA_CO_ASSIGN_OR_RETURN(ObjectPath obj, ctx_->paths.Parse(path));
    if (obj.bucket.empty() || obj.key.empty()) {
      co_return InvalidArgumentError(
          path + ": is a directory (" +
          (obj.bucket.empty() ? "the root" : "a bucket") + ")");
    }
    if (options.direct) {
      co_return InvalidArgumentError(path +
                                     ": object stores take no direct I/O");
    }
    if (!options.write) co_return co_await OpenRead(ctx_, obj, options);
    co_return co_await OpenWrite(ctx_, obj, options);
  }

  Task<Result<fs::FileInfo>> Stat(std::string path) override {
    return StatS3(ctx_, std::move(path));
  }
  fs::ListStream List(std::string path, fs::ListOptions options) override {
    return ListS3(ctx_, std::move(path), std::move(options));
  }
  Task<Status> CreateDir(std::string path, bool recursive) override {
    return CreateDirS3(ctx_, std::move(path), recursive);
  }
  Task<Status> Remove(std::string path) override {
    return RemoveS3(ctx_, std::move(path));
  }
  Task<Status> RemoveDir(std::string path, bool recursive) override {
    return RemoveDirS3(ctx_, std::move(path), recursive);
  }
  Task<Status> Rename(std::string from, std::string to) override {
    return CopyS3(ctx_, std::move(from), std::move(to), true);
  }
  Task<Status> Copy(std::string from, std::string to) override {
    return CopyS3(ctx_, std::move(from), std::move(to), false);
  }
  Task<Status> SyncDir(std::string path) override {
    (void)path;
    co_return Status::OK();
  }

 private:
  ContextRef ctx_;
};

}  // namespace

std::shared_ptr<fs::FileSystem> MakeS3FileSystem(std::shared_ptr<Client> client,
                                                 FileSystemOptions options) {
  auto ctx =
      std::make_shared<const S3Context>(std::move(client), std::move(options));
  return std::make_shared<S3FileSystem>(std::move(ctx));
}

}  // namespace strata::s3
