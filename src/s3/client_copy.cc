// Server-side Copy: one CopyObject up to the multipart-copy threshold,
// CreateMultipartUpload + concurrent UploadPartCopy ranges + Complete above
// it (aborting the upload on failure so nothing half-visible remains).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "s3/client_impl.h"
#include "s3/s3_xml.h"
#include "strata/core/when_all.h"

namespace strata::s3 {

Task<Result<PutResult>> ClientImpl::Copy(std::string src_bucket,
                                         std::string src_key,
                                         std::string dst_bucket,
                                         std::string dst_key,
                                         PutOptions options) {
  GetOptions head;
  head.if_match = options.src_if_match;  // fail early on a changed source
  STRATA_CO_ASSIGN_OR_RETURN(ObjectInfo src,
                             co_await Head(src_bucket, src_key, head));
  if (src.size > options_.multipart_copy_threshold &&
      options_.flavor != Flavor::kGcs) {
    co_return co_await CopyMultipart(std::move(src_bucket), std::move(src_key),
                                     std::move(dst_bucket), std::move(dst_key),
                                     std::move(options), std::move(src));
  }
  Flavor flavor = options_.flavor;
  std::string_view x = flavor == Flavor::kGcs ? "x-goog-" : "x-amz-";
  S3Call call;
  call.method = "PUT";
  call.bucket = dst_bucket;
  call.key = dst_key;
  call.what =
      fmt::format("COPY {} to {}", DescribeObject(flavor, src_bucket, src_key),
                  DescribeObject(flavor, dst_bucket, dst_key));
  call.error_in_200 = true;
  call.headers.emplace_back(
      fmt::format("{}copy-source", x),
      http::UriEncode(fmt::format("{}/{}", src_bucket, src_key), true));
  if (!options.src_if_match.empty()) {
    call.headers.emplace_back(fmt::format("{}copy-source-if-match", x),
                              StripQuotes(options.src_if_match));
  }
  bool replace = !options.content_type.empty() || !options.metadata.empty();
  call.headers.emplace_back(fmt::format("{}metadata-directive", x),
                            replace ? "REPLACE" : "COPY");
  STRATA_CO_RETURN_IF_ERROR(AddWriteHeaders(options, flavor, &call.headers));
  STRATA_CO_RETURN_IF_ERROR(
      AddEncryptionHeaders(options.encryption.value_or(options_.encryption),
                           flavor, true, false, &call.headers));
  if (options_.encryption.mode == Encryption::Mode::kCustomerKey) {
    STRATA_CO_RETURN_IF_ERROR(AddEncryptionHeaders(options_.encryption, flavor,
                                                   false, true, &call.headers));
  }
  std::string what = call.what;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  PutResult result;
  STRATA_CO_ASSIGN_OR_RETURN(result.etag, ParseResultEtag(resp.body, what));
  if (auto v = resp.header("x-amz-version-id")) result.version_id = *v;
  co_return result;
}

Task<Result<PutResult>> ClientImpl::CopyMultipart(
    std::string src_bucket, std::string src_key, std::string dst_bucket,
    std::string dst_key, PutOptions options, ObjectInfo src) {
  PutOptions create = options;
  if (create.content_type.empty() && create.metadata.empty()) {
    create.content_type = src.content_type;
    create.metadata = src.metadata;
  }
  create.checksum = ChecksumAlgorithm::kNone;  // copied parts carry none
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string upload_id,
      co_await CreateMultipartUpload(dst_bucket, dst_key, std::move(create)));
  auto parts = co_await CopyParts(src_bucket, src_key, dst_bucket, dst_key,
                                  upload_id, std::move(src));
  Result<PutResult> done = InternalError("copy: no parts");
  if (!parts.ok()) {
    done = parts.status();
  } else {
    PutOptions complete = options;
    complete.checksum = ChecksumAlgorithm::kNone;
    done = co_await CompleteMultipartUpload(dst_bucket, dst_key, upload_id,
                                            std::move(parts).value(),
                                            std::move(complete));
  }
  if (!done.ok()) {
    (co_await AbortMultipartUpload(dst_bucket, dst_key, upload_id))
        .IgnoreError();
  }
  co_return done;
}

Task<Result<std::vector<CompletedPart>>> ClientImpl::CopyParts(
    std::string src_bucket, std::string src_key, std::string dst_bucket,
    std::string dst_key, std::string upload_id, ObjectInfo src) {
  uint64_t part_size = options_.multipart_copy_part_size;
  uint64_t max_parts = static_cast<uint64_t>(kMaxParts);
  part_size = std::max(part_size, (src.size + max_parts - 1) / max_parts);
  uint64_t count =
      std::max<uint64_t>(1, (src.size + part_size - 1) / part_size);
  std::vector<CompletedPart> parts;
  size_t step = static_cast<size_t>(options_.copy_concurrency);
  for (uint64_t first = 0; first < count; first += step) {
    std::vector<Task<Result<CompletedPart>>> tasks;
    for (uint64_t i = first; i < std::min<uint64_t>(count, first + step); ++i) {
      uint64_t offset = i * part_size;
      uint64_t length = std::min(part_size, src.size - offset);
      tasks.push_back(UploadPartCopy(dst_bucket, dst_key, upload_id,
                                     static_cast<int>(i + 1), src_bucket,
                                     src_key, offset, length, src.etag));
    }
    std::vector<Result<CompletedPart>> done =
        co_await WhenAll(std::move(tasks));
    for (auto& r : done) {
      STRATA_CO_RETURN_IF_ERROR(r);
      parts.push_back(std::move(r).value());
    }
  }
  co_return parts;
}

}  // namespace strata::s3
