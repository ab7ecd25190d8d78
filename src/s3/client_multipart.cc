// Multipart uploads, UploadPartCopy, and Copy (single request up to the
// multipart-copy threshold, UploadPartCopy in parts above it).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "s3/client_impl.h"
#include "s3/s3_xml.h"
#include "strata/core/when_all.h"

namespace strata::s3 {
namespace {

std::string HeaderOr(const http::Response& r, std::string_view name) {
  auto v = r.header(name);
  return v ? std::string(*v) : std::string();
}

std::string CopySource(std::string_view bucket, std::string_view key) {
  return http::UriEncode(fmt::format("{}/{}", bucket, key),
                         /*keep_slash=*/true);
}

// Only the conditional headers of `options` (for CompleteMultipartUpload).
PutOptions ConditionsOnly(const PutOptions& options) {
  PutOptions out;
  out.if_none_match = options.if_none_match;
  out.if_match = options.if_match;
  return out;
}

}  // namespace

Task<Result<std::string>> ClientImpl::CreateMultipartUpload(
    std::string bucket, std::string key, PutOptions options) {
  S3Call call;
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploads", "");
  call.what = Describe("CreateMultipartUpload", bucket, key);
  Flavor flavor = options_.flavor;
  PutOptions headers_only = options;
  headers_only.if_none_match.clear();  // conditions apply at Complete
  headers_only.if_match.clear();
  STRATA_CO_RETURN_IF_ERROR(
      AddWriteHeaders(headers_only, flavor, &call.headers));
  STRATA_CO_RETURN_IF_ERROR(
      AddEncryptionHeaders(options.encryption.value_or(options_.encryption),
                           flavor, true, false, &call.headers));
  ChecksumAlgorithm alg = options.checksum.value_or(options_.checksum);
  if (alg != ChecksumAlgorithm::kNone && flavor != Flavor::kGcs) {
    call.headers.emplace_back("x-amz-checksum-algorithm",
                              std::string(ChecksumUpperName(alg)));
  }
  std::string what = call.what;
  // POST is retried like any request: a retry after a lost response may
  // leave an orphaned upload behind (bucket lifecycle rules clean those up).
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  co_return ParseUploadId(resp.body, what);
}

Task<Result<CompletedPart>> ClientImpl::UploadPart(
    std::string bucket, std::string key, std::string upload_id, int part_number,
    std::span<const std::byte> body) {
  S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("partNumber", std::to_string(part_number));
  call.query.emplace_back("uploadId", upload_id);
  call.what = Describe(fmt::format("UploadPart #{}", part_number), bucket, key);
  call.body = body;
  if (options_.encryption.mode == Encryption::Mode::kCustomerKey) {
    STRATA_CO_RETURN_IF_ERROR(AddEncryptionHeaders(
        options_.encryption, options_.flavor, false, false, &call.headers));
  }
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string checksum,
      AddChecksumHeaders(options_.checksum, options_.flavor, body,
                         &call.headers));
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  CompletedPart part;
  part.part_number = part_number;
  part.etag = StripQuotes(HeaderOr(resp, "etag"));
  part.checksum = std::move(checksum);
  co_return part;
}

Task<Result<CompletedPart>> ClientImpl::UploadPartCopy(
    std::string bucket, std::string key, std::string upload_id, int part_number,
    std::string src_bucket, std::string src_key, std::optional<uint64_t> offset,
    std::optional<uint64_t> length, std::string src_if_match) {
  if (options_.flavor == Flavor::kGcs) {
    co_return UnimplementedError(fmt::format(
        "UploadPartCopy {}: GCS's XML API has no multipart part copy",
        DescribeObject(options_.flavor, bucket, key)));
  }
  if (offset && !length) {
    STRATA_CO_ASSIGN_OR_RETURN(
        ObjectInfo src, co_await Head(src_bucket, src_key, GetOptions()));
    if (*offset >= src.size) {
      co_return OutOfRangeError(
          fmt::format("UploadPartCopy {}: offset {} is past the end ({} bytes)",
                      DescribeObject(options_.flavor, src_bucket, src_key),
                      *offset, src.size));
    }
    length = src.size - *offset;
  }
  S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("partNumber", std::to_string(part_number));
  call.query.emplace_back("uploadId", upload_id);
  call.what =
      Describe(fmt::format("UploadPartCopy #{}", part_number), bucket, key);
  call.error_in_200 = true;
  call.headers.emplace_back("x-amz-copy-source",
                            CopySource(src_bucket, src_key));
  if (length) {
    uint64_t first = offset.value_or(0);
    if (*length == 0) {
      co_return InvalidArgumentError(call.what + ": empty copy range");
    }
    call.headers.emplace_back(
        "x-amz-copy-source-range",
        fmt::format("bytes={}-{}", first, first + *length - 1));
  }
  if (!src_if_match.empty()) {
    call.headers.emplace_back("x-amz-copy-source-if-match",
                              StripQuotes(src_if_match));
  }
  if (options_.encryption.mode == Encryption::Mode::kCustomerKey) {
    STRATA_CO_RETURN_IF_ERROR(AddEncryptionHeaders(
        options_.encryption, options_.flavor, false, false, &call.headers));
    STRATA_CO_RETURN_IF_ERROR(AddEncryptionHeaders(
        options_.encryption, options_.flavor, false, true, &call.headers));
  }
  std::string what = call.what;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  CompletedPart part;
  part.part_number = part_number;
  STRATA_CO_ASSIGN_OR_RETURN(part.etag, ParseResultEtag(resp.body, what));
  part.checksum = ParseResultChecksum(resp.body, options_.checksum);
  co_return part;
}

Task<Result<PutResult>> ClientImpl::CompleteMultipartUpload(
    std::string bucket, std::string key, std::string upload_id,
    std::vector<CompletedPart> parts, PutOptions options) {
  std::sort(parts.begin(), parts.end(),
            [](const CompletedPart& a, const CompletedPart& b) {
              return a.part_number < b.part_number;
            });
  // GCS takes per-part x-goog-hash but no checksum elements in the XML.
  ChecksumAlgorithm alg = options_.flavor == Flavor::kGcs
                              ? ChecksumAlgorithm::kNone
                              : options.checksum.value_or(options_.checksum);
  std::string xml = BuildCompleteXml(parts, alg);
  S3Call call;
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploadId", upload_id);
  call.what = Describe("CompleteMultipartUpload", bucket, key);
  call.error_in_200 = true;
  call.body = std::as_bytes(std::span(xml));
  call.headers.emplace_back("Content-Type", "application/xml");
  STRATA_CO_RETURN_IF_ERROR(
      AddWriteHeaders(ConditionsOnly(options), options_.flavor, &call.headers));
  std::string what = call.what;
  bool unknown = false;
  auto sent = co_await ExecuteTracked(std::move(call), &unknown);
  if (!sent.ok() && MayBeOwnWrite(sent.status(), unknown)) {
    std::optional<std::string> expected;
    if (EtagIsMd5(options.encryption.value_or(options_.encryption))) {
      expected = MultipartEtag(parts);
    }
    co_return co_await ResolveByHead(std::move(bucket), std::move(key),
                                     std::move(expected), sent.status());
  }
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp, std::move(sent));
  PutResult result;
  STRATA_CO_ASSIGN_OR_RETURN(result.etag, ParseResultEtag(resp.body, what));
  result.version_id = HeaderOr(resp, "x-amz-version-id");
  if (result.etag.empty()) {
    // radosgw 16 answers the first Complete with an empty <ETag/>.
    STRATA_CO_ASSIGN_OR_RETURN(ObjectInfo info,
                               co_await Head(bucket, key, GetOptions()));
    result.etag = std::move(info.etag);
  }
  co_return result;
}

Task<Status> ClientImpl::AbortMultipartUpload(std::string bucket,
                                              std::string key,
                                              std::string upload_id) {
  S3Call call;
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploadId", upload_id);
  call.what = Describe("AbortMultipartUpload", bucket, key);
  auto r = co_await Execute(std::move(call));
  co_return r.status();
}

}  // namespace strata::s3
