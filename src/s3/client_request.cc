// Request execution: credentials, signing per attempt, error mapping and
// retries (see client_impl.h and retry.h).
#include <algorithm>
#include <utility>

#include "s3/client_impl.h"
#include "s3/retry.h"
#include "s3/s3_errors.h"
#include "s3/s3_xml.h"
#include "strata/runtime/io.h"
#include "strata/s3/sigv4.h"

namespace strata::s3 {
namespace {

std::string_view AsText(std::span<const std::byte> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()),
                          bytes.size());
}

}  // namespace

Task<Result<std::optional<Credentials>>> ClientImpl::CurrentCredentials() {
  if (!credentials_) co_return std::optional<Credentials>();
  STRATA_CO_ASSIGN_OR_RETURN(Credentials creds, co_await credentials_->Get());
  co_return std::optional<Credentials>(std::move(creds));
}

Result<http::Request> ClientImpl::BuildRequest(
    const S3Call& call, const std::optional<Credentials>& creds,
    std::string_view payload_hash) const {
  http::Request req;
  req.method = call.method;
  req.url = BuildUrl(endpoint_parsed_, path_style_, call.bucket, call.key,
                     call.query);
  req.headers = call.headers;
  req.body = call.body;
  req.response_into = call.response_into;
  if (creds) {
    SigningScope scope;
    scope.region = region_;
    scope.now = SigningNow();
    STRATA_RETURN_IF_ERROR(SignRequest(req, *creds, scope, payload_hash));
  }
  return req;
}

Task<Result<http::Response>> ClientImpl::AttemptOnce(S3Call call,
                                                     std::string payload_hash) {
  STRATA_CO_ASSIGN_OR_RETURN(std::optional<Credentials> creds,
                             co_await CurrentCredentials());
  STRATA_CO_ASSIGN_OR_RETURN(http::Request req,
                             BuildRequest(call, creds, payload_hash));
  auto sent = co_await http_->Send(std::move(req));
  if (!sent.ok()) {
    co_return sent.status().WithContext(call.what);
  }
  http::Response resp = std::move(sent).value();
  std::string_view body = resp.body;
  if (call.response_into) {
    size_t n = std::min<uint64_t>(resp.body_size, call.response_into->size());
    body = AsText(call.response_into->first(n));
  }
  if (!resp.ok()) {
    Status st = MapS3Response(resp, body, call.what);
    if (body.find("RequestTimeTooSkewed") != std::string_view::npos) {
      NoteClockSkew(resp);
    }
    co_return st;
  }
  if (call.error_in_200 && IsErrorDocument(body)) {
    co_return MapS3Response(resp, body, call.what);
  }
  co_return resp;
}

Task<Result<http::Response>> ClientImpl::Execute(S3Call call) {
  co_return co_await ExecuteTracked(std::move(call), nullptr);
}

Task<Result<http::Response>> ClientImpl::ExecuteTracked(S3Call call,
                                                        bool* outcome_unknown) {
  std::string payload_hash = options_.sign_payload
                                 ? Sha256Hex(call.body)
                                 : std::string(kUnsignedPayload);
  RetryState retry(options_.retry);
  for (;;) {
    auto result = co_await AttemptOnce(call, payload_hash);
    if (result.ok()) co_return result;
    auto delay = retry.NextDelay(result.status());
    if (!delay) co_return retry.Final(result.status());
    // A retried attempt may have been applied by the server (the response
    // was lost or was a 5xx after the write). Callers of conditional writes
    // resolve a later 412 / NoSuchUpload with ResolveByHead.
    if (outcome_unknown) *outcome_unknown = true;
    (co_await runtime::SleepFor(*delay)).IgnoreError();
  }
}

std::chrono::system_clock::time_point ClientImpl::SigningNow() const {
  return std::chrono::system_clock::now() +
         std::chrono::milliseconds(clock_offset_ms_.load());
}

void ClientImpl::NoteClockSkew(const http::Response& response) {
  auto date = response.header("date");
  if (!date) return;
  auto server = ParseHttpDate(*date);
  if (!server) return;
  auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(
      *server - std::chrono::system_clock::now());
  clock_offset_ms_.store(offset.count());
}

Task<Result<std::unique_ptr<http::ResponseBody>>> ClientImpl::OpenOnce(
    S3Call call, std::string payload_hash) {
  STRATA_CO_ASSIGN_OR_RETURN(std::optional<Credentials> creds,
                             co_await CurrentCredentials());
  STRATA_CO_ASSIGN_OR_RETURN(http::Request req,
                             BuildRequest(call, creds, payload_hash));
  auto opened = co_await http_->Open(std::move(req));
  if (!opened.ok()) co_return opened.status().WithContext(call.what);
  std::unique_ptr<http::ResponseBody> body = std::move(opened).value();
  if (body->response().ok()) co_return body;
  auto text = co_await body->ReadAll(64 << 10);
  std::string error_body = text.ok() ? std::move(text).value() : std::string();
  co_return MapS3Response(body->response(), error_body, call.what);
}

Task<Result<std::unique_ptr<http::ResponseBody>>> ClientImpl::ExecuteOpen(
    S3Call call) {
  std::string payload_hash = options_.sign_payload
                                 ? Sha256Hex(call.body)
                                 : std::string(kUnsignedPayload);
  RetryState retry(options_.retry);
  for (;;) {
    auto result = co_await OpenOnce(call, payload_hash);
    if (result.ok()) co_return result;
    auto delay = retry.NextDelay(result.status());
    if (!delay) co_return retry.Final(result.status());
    (co_await runtime::SleepFor(*delay)).IgnoreError();
  }
}

}  // namespace strata::s3
