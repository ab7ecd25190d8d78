// S3FileSystem: the FileSystem over S3 buckets. Open lives here; the
// namespace operations are in s3_fs_ops.cc, listings in s3_fs_list.cc.
#include "strata/s3/s3_fs.h"

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

Task<Result<std::unique_ptr<fs::File>>> OpenRead(ContextRef ctx, ObjectPath obj,
                                                 fs::OpenOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(ObjectInfo info, co_await HeadFile(ctx, obj));
  if (options.if_match && *options.if_match != info.etag) {
    co_return FailedPreconditionError(ctx->paths.Describe(obj) + ": etag is " +
                                      info.etag + ", not " + *options.if_match);
  }
  if (options.if_none_match &&
      (*options.if_none_match == "*" || *options.if_none_match == info.etag)) {
    co_return FailedPreconditionError(ctx->paths.Describe(obj) +
                                      ": if_none_match matches");
  }
  co_return NewS3ReadFile(ctx, std::move(obj), std::move(info));
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
  if (options.if_none_match && *options.if_none_match != "*") {
    co_return InvalidArgumentError(
        desc + ": writes support only if_none_match \"*\" (create-only)");
  }
  STRATA_CO_ASSIGN_OR_RETURN(bool is_dir, co_await DirExists(ctx, obj));
  if (is_dir) co_return InvalidArgumentError(desc + ": is a directory");
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
    c.append = true;
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
