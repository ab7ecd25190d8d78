// Single-object operations: HEAD, GET (buffered and streamed), PUT, DELETE.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "s3/client_impl.h"
#include "s3/s3_xml.h"

namespace strata::s3 {
namespace {

// Below this a GET body is collected and copied (so an error document never
// overflows a tiny caller buffer); above, it is written straight into dst.
constexpr size_t kDirectGetThreshold = 64 << 10;

std::string HeaderOr(const http::Response& r, std::string_view name) {
  auto v = r.header(name);
  return v ? std::string(*v) : std::string();
}

// A 206 answers exactly the requested range: it starts at the requested
// offset and holds min(length, size - offset) bytes, all of them received.
// Anything else is a retryable kUnavailable, never a short success.
Status CheckRange(const GetOptions& options, const ContentRange& range,
                  size_t bytes_read, std::string_view what) {
  uint64_t offset = options.offset.value_or(0);
  if (options.suffix_length) {
    offset = range.total - std::min(*options.suffix_length, range.total);
  }
  uint64_t want = range.total > offset ? range.total - offset : 0;
  if (options.length) want = std::min(want, *options.length);
  uint64_t got = range.last - range.first + 1;
  if (range.first == offset && got == want && bytes_read == want) {
    return Status::OK();
  }
  return Status(StatusCode::kUnavailable,
                fmt::format("{}: asked for {} bytes at offset {}, the server "
                            "sent bytes {}-{}/{} ({} bytes received)",
                            what, want, offset, range.first, range.last,
                            range.total, bytes_read),
                0, /*retryable=*/true);
}

}  // namespace

Status ClientImpl::AddReadHeaders(const GetOptions& options,
                                  bool want_checksums,
                                  http::Headers* headers) const {
  if (!options.if_match.empty()) {
    headers->emplace_back("If-Match",
                          fmt::format("\"{}\"", StripQuotes(options.if_match)));
  }
  if (!options.if_none_match.empty()) {
    std::string v =
        options.if_none_match == "*"
            ? std::string("*")
            : fmt::format("\"{}\"", StripQuotes(options.if_none_match));
    headers->emplace_back("If-None-Match", std::move(v));
  }
  const Encryption& enc = options.encryption.mode == Encryption::Mode::kNone
                              ? options_.encryption
                              : options.encryption;
  if (enc.mode == Encryption::Mode::kCustomerKey) {
    STRATA_RETURN_IF_ERROR(
        AddEncryptionHeaders(enc, options_.flavor, false, false, headers));
  }
  if (want_checksums && options_.flavor != Flavor::kGcs) {
    headers->emplace_back("x-amz-checksum-mode", "ENABLED");
  }
  return Status::OK();
}

Task<Result<ObjectInfo>> ClientImpl::Head(std::string bucket, std::string key,
                                          GetOptions options) {
  S3Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  call.key = key;
  call.what = Describe("HEAD", bucket, key);
  STRATA_CO_RETURN_IF_ERROR(AddReadHeaders(options, true, &call.headers));
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  co_return InfoFromHeaders(resp, key);
}

Task<Result<GetResult>> ClientImpl::Get(std::string bucket, std::string key,
                                        std::span<std::byte> dst,
                                        GetOptions options) {
  if (options.length && *options.length == 0 && !options.suffix_length) {
    // An empty range has no HTTP form: report the object's size instead.
    STRATA_CO_ASSIGN_OR_RETURN(ObjectInfo info,
                               co_await Head(bucket, key, options));
    GetResult result;
    result.object_size = info.size;
    result.info = std::move(info);
    co_return result;
  }
  co_return co_await GetOnce(std::move(bucket), std::move(key), dst,
                             std::move(options));
}

Task<Result<GetResult>> ClientImpl::GetOnce(std::string bucket, std::string key,
                                            std::span<std::byte> dst,
                                            GetOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(std::string range, RangeHeader(options));
  S3Call call;
  call.method = "GET";
  call.bucket = bucket;
  call.key = key;
  call.what = Describe("GET", bucket, key);
  bool verify = options.verify_checksum && range.empty();
  STRATA_CO_RETURN_IF_ERROR(AddReadHeaders(options, verify, &call.headers));
  if (!range.empty()) call.headers.emplace_back("Range", range);
  bool direct = dst.size() >= kDirectGetThreshold;
  if (direct) call.response_into = dst;
  std::string what = call.what;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  GetResult result;
  if (direct) {
    result.bytes_read = static_cast<size_t>(resp.body_size);
  } else {
    if (resp.body.size() > dst.size()) {
      co_return OutOfRangeError(
          fmt::format("{}: body of {} bytes exceeds the {}-byte buffer", what,
                      resp.body.size(), dst.size()));
    }
    std::memcpy(dst.data(), resp.body.data(), resp.body.size());
    result.bytes_read = resp.body.size();
  }
  result.info = InfoFromHeaders(resp, key);
  if (resp.status == 206) {
    auto range = ParseContentRange(HeaderOr(resp, "content-range"));
    if (!range) {
      co_return InternalError(
          fmt::format("{}: 206 response without a usable Content-Range", what));
    }
    STRATA_CO_RETURN_IF_ERROR(
        CheckRange(options, *range, result.bytes_read, what));
    result.info.size = range->total;
  } else if (!range.empty() &&
             (options.offset.value_or(0) > 0 || options.suffix_length)) {
    co_return InternalError(
        fmt::format("{}: server ignored the Range header ({})", what, range));
  }
  result.object_size = result.info.size;
  if (verify) {
    STRATA_CO_RETURN_IF_ERROR(
        VerifyChecksums(result.info, dst.first(result.bytes_read), what));
  }
  co_return result;
}

Task<Result<std::unique_ptr<http::ResponseBody>>> ClientImpl::GetStream(
    std::string bucket, std::string key, GetOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(std::string range, RangeHeader(options));
  S3Call call;
  call.method = "GET";
  call.bucket = bucket;
  call.key = key;
  call.what = Describe("GET", bucket, key);
  STRATA_CO_RETURN_IF_ERROR(AddReadHeaders(options, false, &call.headers));
  if (!range.empty()) call.headers.emplace_back("Range", range);
  co_return co_await ExecuteOpen(std::move(call));
}

Task<Result<PutResult>> ClientImpl::Put(std::string bucket, std::string key,
                                        std::span<const std::byte> body,
                                        PutOptions options) {
  S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.what = Describe("PUT", bucket, key);
  call.body = body;
  Flavor flavor = options_.flavor;
  STRATA_CO_RETURN_IF_ERROR(AddWriteHeaders(options, flavor, &call.headers));
  STRATA_CO_RETURN_IF_ERROR(
      AddEncryptionHeaders(options.encryption.value_or(options_.encryption),
                           flavor, true, false, &call.headers));
  auto checksum =
      AddChecksumHeaders(options.checksum.value_or(options_.checksum), flavor,
                         body, &call.headers);
  STRATA_CO_RETURN_IF_ERROR(checksum);
  bool unknown = false;
  auto sent = co_await ExecuteTracked(std::move(call), &unknown);
  bool conditional =
      !options.if_none_match.empty() || !options.if_match.empty();
  if (!sent.ok() && conditional && MayBeOwnWrite(sent.status(), unknown)) {
    std::optional<std::string> expected;
    if (EtagIsMd5(options.encryption.value_or(options_.encryption))) {
      expected = SinglePutEtag(body);
    }
    co_return co_await ResolveByHead(std::move(bucket), std::move(key),
                                     std::move(expected), sent.status());
  }
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp, std::move(sent));
  PutResult result;
  result.etag = StripQuotes(HeaderOr(resp, "etag"));
  result.version_id = HeaderOr(resp, "x-amz-version-id");
  co_return result;
}

Task<Status> ClientImpl::Delete(std::string bucket, std::string key) {
  S3Call call;
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.what = Describe("DELETE", bucket, key);
  auto r = co_await Execute(std::move(call));
  co_return r.status();
}

}  // namespace strata::s3
