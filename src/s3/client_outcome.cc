// Resolving conditional writes whose first attempt had an unknown outcome
// (see client_impl.h): a retry that fails with 412 or NoSuchUpload may be
// failing because of our own, already applied, earlier attempt.
#include <fmt/format.h>

#include <utility>

#include "s3/client_impl.h"
#include "strata/stream/hash.h"

namespace strata::s3 {

std::string SinglePutEtag(std::span<const std::byte> body) {
  return stream::ToHex(stream::HashBytes(stream::HashAlgorithm::kMd5, body));
}

std::optional<std::string> MultipartEtag(std::span<const CompletedPart> parts) {
  std::vector<std::byte> md5s;
  for (const CompletedPart& part : parts) {
    if (part.etag.size() != 32) return std::nullopt;
    auto bytes = stream::FromHex(part.etag);
    if (!bytes.ok() || bytes->size() != 16) return std::nullopt;
    md5s.insert(md5s.end(), bytes->begin(), bytes->end());
  }
  std::string etag =
      stream::ToHex(stream::HashBytes(stream::HashAlgorithm::kMd5, md5s));
  etag += '-';
  etag += std::to_string(parts.size());
  return etag;
}

bool EtagIsMd5(const Encryption& enc) {
  return enc.mode == Encryption::Mode::kNone ||
         enc.mode == Encryption::Mode::kS3;
}

bool MayBeOwnWrite(const Status& failure, bool outcome_unknown) {
  if (!outcome_unknown) return false;
  if (failure.code() == StatusCode::kFailedPrecondition) return true;
  return failure.code() == StatusCode::kNotFound &&
         failure.message().find("NoSuchUpload") != std::string_view::npos;
}

Status UnknownOutcome(const Status& failure) {
  std::string msg(failure.message());
  msg +=
      "; an earlier attempt's outcome is unknown (the response was lost), so "
      "this conflict may be the client's own write";
  return Status(StatusCode::kAborted, std::move(msg), 0, false);
}

Task<Result<PutResult>> ClientImpl::ResolveByHead(
    std::string bucket, std::string key, std::optional<std::string> expected,
    Status failure) {
  if (!expected) co_return UnknownOutcome(failure);
  auto info = co_await Head(bucket, key, GetOptions());
  if (!info.ok()) co_return UnknownOutcome(failure);
  if (info->etag != *expected) co_return failure;
  PutResult result;
  result.etag = std::move(info->etag);
  result.version_id = std::move(info->version_id);
  co_return result;
}

}  // namespace strata::s3
