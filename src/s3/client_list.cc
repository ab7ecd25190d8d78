// ListObjectsV2 and batched deletes (DeleteObjects; single DELETEs for GCS,
// whose XML API has no multi-object delete).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "s3/client_impl.h"
#include "s3/retry.h"
#include "s3/s3_xml.h"
#include "strata/core/when_all.h"
#include "strata/runtime/io.h"
#include "strata/stream/hash.h"

namespace strata::s3 {
namespace {

constexpr size_t kDeleteBatch = 1000;

}  // namespace

Task<Result<ListResult>> ClientImpl::List(std::string bucket,
                                          ListOptions options) {
  S3Call call;
  call.method = "GET";
  call.bucket = bucket;
  call.what = Describe("LIST", bucket, options.prefix);
  call.query.emplace_back("list-type", "2");
  if (!options.continuation_token.empty()) {
    call.query.emplace_back("continuation-token", options.continuation_token);
  }
  if (!options.delimiter.empty()) {
    call.query.emplace_back("delimiter", options.delimiter);
  }
  // GCS's XML API does not document encoding-type; keys arrive XML-escaped.
  if (options_.flavor != Flavor::kGcs) {
    call.query.emplace_back("encoding-type", "url");
  }
  if (options.max_keys > 0) {
    call.query.emplace_back("max-keys", std::to_string(options.max_keys));
  }
  if (!options.prefix.empty())
    call.query.emplace_back("prefix", options.prefix);
  if (!options.start_after.empty()) {
    call.query.emplace_back("start-after", options.start_after);
  }
  std::string what = call.what;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  co_return ParseListResult(resp.body, what);
}

Task<Status> ClientImpl::DeleteMany(std::string bucket,
                                    std::vector<std::string> keys) {
  for (size_t start = 0; start < keys.size(); start += kDeleteBatch) {
    size_t end = std::min(keys.size(), start + kDeleteBatch);
    std::vector<std::string> batch(keys.begin() + start, keys.begin() + end);
    Status st;
    if (options_.flavor == Flavor::kGcs) {
      st = co_await DeleteEach(bucket, std::move(batch));
    } else {
      st = co_await DeleteBatch(bucket, std::move(batch));
    }
    STRATA_CO_RETURN_IF_ERROR(st);
  }
  co_return Status::OK();
}

Task<Status> ClientImpl::DeleteBatch(std::string bucket,
                                     std::vector<std::string> keys) {
  // Keys failing with InternalError/SlowDown are resent, bounded by the
  // retry policy like a whole request.
  RetryState retry(options_.retry);
  for (;;) {
    STRATA_CO_ASSIGN_OR_RETURN(std::vector<std::string> again,
                               co_await DeleteBatchOnce(bucket, keys));
    if (again.empty()) co_return Status::OK();
    Status st = UnavailableError(fmt::format(
        "DELETE {}: the server asked to retry {} key(s)",
        DescribeObject(options_.flavor, bucket, again.front()), again.size()));
    auto delay = retry.NextDelay(st.WithRetryable(true));
    if (!delay) co_return retry.Final(st).WithRetryable(false);
    (co_await runtime::SleepFor(*delay)).IgnoreError();
    keys = std::move(again);
  }
}

Task<Result<std::vector<std::string>>> ClientImpl::DeleteBatchOnce(
    std::string bucket, std::vector<std::string> keys) {
  std::string xml = BuildDeleteXml(keys);
  auto body = std::as_bytes(std::span(xml));
  S3Call call;
  call.method = "POST";
  call.bucket = bucket;
  call.what = Describe("DeleteObjects", bucket, keys.front());
  call.query.emplace_back("delete", "");
  call.body = body;
  call.headers.emplace_back("Content-Type", "application/xml");
  call.headers.emplace_back(
      "Content-MD5",
      stream::ToBase64(stream::HashBytes(stream::HashAlgorithm::kMd5, body)));
  std::string what = call.what;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response resp,
                             co_await Execute(std::move(call)));
  STRATA_CO_ASSIGN_OR_RETURN(std::vector<DeleteError> errors,
                             ParseDeleteResult(resp.body, what));
  std::vector<std::string> again;
  for (const DeleteError& e : errors) {
    if (e.code == "NoSuchKey") continue;
    if (!e.key.empty() && (e.code == "InternalError" || e.code == "SlowDown")) {
      again.push_back(e.key);
      continue;
    }
    std::string obj = DescribeObject(options_.flavor, bucket, e.key);
    // Map the per-key code like a whole-request error of the same code.
    std::string doc =
        fmt::format("<Error><Code>{}</Code><Message>{}</Message></Error>",
                    XmlEscape(e.code), XmlEscape(e.message));
    co_return MapS3Error(200, doc, fmt::format("DELETE {}", obj))
        .WithRetryable(false);
  }
  co_return again;
}

Task<Status> ClientImpl::DeleteEach(std::string bucket,
                                    std::vector<std::string> keys) {
  size_t step = static_cast<size_t>(options_.delete_concurrency);
  for (size_t start = 0; start < keys.size(); start += step) {
    std::vector<Task<Status>> tasks;
    for (size_t i = start; i < std::min(keys.size(), start + step); ++i) {
      tasks.push_back(Delete(bucket, keys[i]));
    }
    std::vector<Status> results = co_await WhenAll(std::move(tasks));
    for (const Status& st : results) {
      if (!st.ok() && st.code() != StatusCode::kNotFound) co_return st;
    }
  }
  co_return Status::OK();
}

}  // namespace strata::s3
