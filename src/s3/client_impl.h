// ClientImpl: the implementation of s3::Client (strata/s3/client.h).
//
// Every operation describes its request as an S3Call and hands it to
// Execute(), which fetches credentials, builds the URL, signs (a fresh date
// per attempt), sends, maps failures with MapS3Error and retries what is
// retryable (retry.h). Header building for writes, SSE and checksums lives
// in client_headers.cc; the operations are split over client_objects.cc,
// client_list.cc and client_multipart.cc.
//
// Thread-safety: as Client (immutable after construction but for the
// atomic clock offset).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s3/endpoint.h"
#include "strata/http/client.h"
#include "strata/s3/client.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {

// One S3 request before authentication.
struct S3Call {
  S3Call() {}
  std::string method;
  std::string bucket;
  std::string key;
  QueryParams query;
  http::Headers headers;
  std::span<const std::byte> body;
  std::optional<std::span<std::byte>> response_into;
  std::string what;           // "GET s3://b/k", for messages
  bool error_in_200 = false;  // a 200 may carry an <Error> document
};

// "s3://bucket/key" ("gs://" for kGcs).
std::string DescribeObject(Flavor flavor, std::string_view bucket,
                           std::string_view key);

// --- headers (client_headers.cc) -------------------------------------------
// SSE headers. `write` adds SSE-S3/SSE-KMS (write-only); SSE-C is always
// added. `copy_source` uses the x-amz-copy-source-... SSE-C names.
Status AddEncryptionHeaders(const Encryption& enc, Flavor flavor, bool write,
                            bool copy_source, http::Headers* headers);
// Content-Type, user metadata and the conditional headers of a write.
// If-Match is sent unquoted (radosgw accepts only that form).
Status AddWriteHeaders(const PutOptions& options, Flavor flavor,
                       http::Headers* headers);
// x-amz-checksum-<alg> (base64 of the big-endian digest of `body`) and
// x-amz-sdk-checksum-algorithm; for kGcs crc32c goes in x-goog-hash.
// Returns the base64 value ("" for kNone).
Result<std::string> AddChecksumHeaders(ChecksumAlgorithm algorithm,
                                       Flavor flavor,
                                       std::span<const std::byte> body,
                                       http::Headers* headers);
// ObjectInfo from HEAD/GET response headers (size = Content-Length).
ObjectInfo InfoFromHeaders(const http::Response& response, std::string key);
// Checks a full-object body against the x-amz-checksum-*/x-goog-hash values
// in `info`; kDataLoss on a mismatch, OK when there is nothing to check.
Status VerifyChecksums(const ObjectInfo& info, std::span<const std::byte> body,
                       std::string_view what);
// "bytes=a-b" / "bytes=a-" / "bytes=-N" or "" for the whole object;
// kInvalidArgument for contradictory options.
Result<std::string> RangeHeader(const GetOptions& options);
// Total object size from "bytes a-b/total" (nullopt for "*" or garbage).
std::optional<uint64_t> ParseContentRangeTotal(std::string_view value);
// "bytes a-b/total" → {a, b, total}; nullopt unless all three parse and
// a <= b < total.
struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t total = 0;
};
std::optional<ContentRange> ParseContentRange(std::string_view value);

// --- unknown write outcomes (client_outcome.cc) -----------------------------
// The ETag S3 gives a single PUT of `body` (hex MD5), and a multipart upload
// of `parts` (hex MD5 of the concatenated binary part MD5s + "-N"); the
// latter is nullopt when a part ETag is not 32 hex digits.
std::string SinglePutEtag(std::span<const std::byte> body);
std::optional<std::string> MultipartEtag(std::span<const CompletedPart> parts);
// Whether ETags are content MD5s under `enc` (not under SSE-KMS / SSE-C).
bool EtagIsMd5(const Encryption& enc);
// A 412 / NoSuchUpload after an attempt whose outcome is unknown: the
// conflict may be our own write.
bool MayBeOwnWrite(const Status& failure, bool outcome_unknown);
// `failure` as kAborted, not retryable, saying the outcome is unknown.
Status UnknownOutcome(const Status& failure);

class ClientImpl final : public Client {
 public:
  ClientImpl(ClientOptions options, ResolvedConfig config,
             std::shared_ptr<http::Client> http,
             std::shared_ptr<CredentialsProvider> credentials);

  Task<Status> CreateBucket(std::string bucket) override;
  Task<Status> DeleteBucket(std::string bucket) override;
  Task<Status> HeadBucket(std::string bucket) override;
  Task<Result<ObjectInfo>> Head(std::string bucket, std::string key,
                                GetOptions options) override;
  Task<Result<GetResult>> Get(std::string bucket, std::string key,
                              std::span<std::byte> dst,
                              GetOptions options) override;
  Task<Result<std::unique_ptr<http::ResponseBody>>> GetStream(
      std::string bucket, std::string key, GetOptions options) override;
  Task<Result<PutResult>> Put(std::string bucket, std::string key,
                              std::span<const std::byte> body,
                              PutOptions options) override;
  Task<Status> Delete(std::string bucket, std::string key) override;
  Task<Status> DeleteMany(std::string bucket,
                          std::vector<std::string> keys) override;
  Task<Result<PutResult>> Copy(std::string src_bucket, std::string src_key,
                               std::string dst_bucket, std::string dst_key,
                               PutOptions options) override;
  Task<Result<ListResult>> List(std::string bucket,
                                ListOptions options) override;
  Task<Result<std::string>> CreateMultipartUpload(std::string bucket,
                                                  std::string key,
                                                  PutOptions options) override;
  Task<Result<CompletedPart>> UploadPart(
      std::string bucket, std::string key, std::string upload_id,
      int part_number, std::span<const std::byte> body) override;
  Task<Result<CompletedPart>> UploadPartCopy(
      std::string bucket, std::string key, std::string upload_id,
      int part_number, std::string src_bucket, std::string src_key,
      std::optional<uint64_t> offset, std::optional<uint64_t> length,
      std::string src_if_match) override;
  Task<Result<PutResult>> CompleteMultipartUpload(
      std::string bucket, std::string key, std::string upload_id,
      std::vector<CompletedPart> parts, PutOptions options) override;
  Task<Status> AbortMultipartUpload(std::string bucket, std::string key,
                                    std::string upload_id) override;
  Task<Result<std::string>> Presign(std::string method, std::string bucket,
                                    std::string key,
                                    std::chrono::seconds expires) override;
  std::string ObjectUrl(std::string_view bucket,
                        std::string_view key) const override;

  const ClientOptions& options() const { return options_; }

  // Sends `call` (signed, retried); a non-2xx response is the mapped error.
  Task<Result<http::Response>> Execute(S3Call call);
  // As Execute; `*outcome_unknown` is set when an attempt failed in a way
  // that leaves open whether the server applied it (a retryable failure:
  // transport error or 5xx after sending; conservatively all of them).
  Task<Result<http::Response>> ExecuteTracked(S3Call call,
                                              bool* outcome_unknown);
  // As Execute, but returns once the headers of a 2xx response are in.
  Task<Result<std::unique_ptr<http::ResponseBody>>> ExecuteOpen(S3Call call);

 private:
  // The signed http::Request for one attempt of `call`.
  Result<http::Request> BuildRequest(const S3Call& call,
                                     const std::optional<Credentials>& creds,
                                     std::string_view payload_hash) const;
  // Current credentials (nullopt when anonymous).
  Task<Result<std::optional<Credentials>>> CurrentCredentials();
  Task<Result<http::Response>> AttemptOnce(S3Call call,
                                           std::string payload_hash);
  Task<Result<std::unique_ptr<http::ResponseBody>>> OpenOnce(
      S3Call call, std::string payload_hash);
  std::string Describe(std::string_view method, std::string_view bucket,
                       std::string_view key) const;
  // Headers common to reads (SSE-C, conditionals, range).
  Status AddReadHeaders(const GetOptions& options, bool want_checksums,
                        http::Headers* headers) const;
  Task<Result<GetResult>> GetOnce(std::string bucket, std::string key,
                                  std::span<std::byte> dst, GetOptions options);
  Task<Status> DeleteBatch(std::string bucket, std::vector<std::string> keys);
  // One DeleteObjects request: the keys that failed with a retryable
  // per-key code (InternalError, SlowDown), or the first other failure.
  Task<Result<std::vector<std::string>>> DeleteBatchOnce(
      std::string bucket, std::vector<std::string> keys);
  Task<Status> DeleteEach(std::string bucket, std::vector<std::string> keys);
  // After MayBeOwnWrite: HEADs bucket/key and returns success when its
  // ETag is `expected` (nullopt: cannot tell → UnknownOutcome(failure)).
  Task<Result<PutResult>> ResolveByHead(std::string bucket, std::string key,
                                        std::optional<std::string> expected,
                                        Status failure);
  // The signing time: the local clock plus the offset learnt from a
  // RequestTimeTooSkewed response.
  std::chrono::system_clock::time_point SigningNow() const;
  // Learns the clock offset from the Date header of `response`.
  void NoteClockSkew(const http::Response& response);
  Task<Result<PutResult>> CopyMultipart(std::string src_bucket,
                                        std::string src_key,
                                        std::string dst_bucket,
                                        std::string dst_key, PutOptions options,
                                        ObjectInfo src);
  Task<Result<std::vector<CompletedPart>>> CopyParts(
      std::string src_bucket, std::string src_key, std::string dst_bucket,
      std::string dst_key, std::string upload_id, ObjectInfo src);

  ClientOptions options_;
  Endpoint endpoint_parsed_;
  std::shared_ptr<http::Client> http_;
  std::shared_ptr<CredentialsProvider> credentials_;  // null = anonymous
  // Server clock minus local clock (ms), from RequestTimeTooSkewed.
  std::atomic<int64_t> clock_offset_ms_{0};
};

}  // namespace strata::s3
