#include "s3/s3_upload.h"

namespace strata::s3 {

Task<Result<CompletedPart>> UploadPartTask(ContextRef ctx, ObjectPath obj,
                                           std::string upload_id,
                                           int part_number,
                                           std::vector<std::byte> body) {
  std::span<const std::byte> bytes(body);
  co_return co_await ctx->client->UploadPart(obj.bucket, obj.key, upload_id,
                                             part_number, bytes);
}

Task<Result<CompletedPart>> CopyPartTask(ContextRef ctx, ObjectPath obj,
                                         std::string upload_id, int part_number,
                                         std::string src_etag) {
  std::optional<uint64_t> none;
  Result<CompletedPart> r = co_await ctx->client->UploadPartCopy(
      obj.bucket, obj.key, upload_id, part_number, obj.bucket, obj.key, none,
      none, src_etag);
  if (!r.ok() && r.status().code() == StatusCode::kFailedPrecondition) {
    co_return FailedPreconditionError(
        ctx->paths.Describe(obj) +
        ": the object changed while being appended to (etag " + src_etag + ")");
  }
  co_return r;
}

Task<Status> AbortUploadTask(ContextRef ctx, ObjectPath obj,
                             std::string upload_id,
                             std::vector<PartHandle> parts) {
  for (PartHandle& h : parts) {
    Result<CompletedPart> r = co_await h;
    r.status().IgnoreError();
  }
  if (upload_id.empty()) co_return Status::OK();
  co_return co_await ctx->client->AbortMultipartUpload(obj.bucket, obj.key,
                                                       upload_id);
}

Status NameObject(const Status& st, const std::string& desc) {
  if (st.ok() || st.message().find(desc) != std::string_view::npos) return st;
  return st.WithContext(desc);
}

Status MapCommitError(const Status& st, const std::string& desc,
                      bool create_only) {
  if (create_only && (st.code() == StatusCode::kFailedPrecondition ||
                      st.code() == StatusCode::kAlreadyExists)) {
    return AlreadyExistsError(desc + ": already exists (create-only write)");
  }
  if (st.code() == StatusCode::kFailedPrecondition) {
    return FailedPreconditionError(
        desc + ": precondition failed (the etag does not match): " +
        std::string(st.message()));
  }
  return NameObject(st, desc);
}

}  // namespace strata::s3
