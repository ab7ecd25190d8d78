// s3::Client: the S3 REST API (and S3-compatible services: Ceph radosgw,
// MinIO, R2, GCS's XML API) over http::Client.
//
// One request per method, plus the composite operations users otherwise get
// wrong (multipart copy > 5 GiB, batched deletes). Every method:
// - signs with SigV4 (credentials from the provider, refreshed as needed);
// - retries what is retryable (5xx, 429/SlowDown/Throttling, timeouts,
//   connection resets), never another 4xx, with exponential backoff and full
//   jitter, bounded by attempts and total time (RetryOptions); after
//   RequestTimeTooSkewed later requests are signed with the server's clock
//   (from its Date header); a conditional PUT or CompleteMultipartUpload
//   whose retry meets 412 / NoSuchUpload after an attempt with an unknown
//   outcome checks by HEAD whether the object is its own write (ETag = body
//   MD5 / multipart ETag) and then succeeds; where ETags are not MD5s
//   (SSE-KMS, SSE-C) that is kAborted, not retryable, "outcome is unknown";
// - maps errors once (MapS3Error): NoSuchKey/NoSuchBucket/404 → kNotFound,
//   PreconditionFailed/412 → kFailedPrecondition, AccessDenied/403 →
//   kPermissionDenied, BucketAlreadyOwnedByYou → kAlreadyExists, 416 →
//   kOutOfRange, 5xx/429 → kUnavailable (retryable), ... with the method,
//   bucket and key in the message and S3's code and request id appended.
//
// Thread-safety: safe for concurrent use from any reactor thread. Buffers
// passed in must outlive the returned task.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/http/client.h"
#include "strata/http/retry.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {

// Backoff and budget of retries (see strata/http/retry.h).
using RetryOptions = http::RetryOptions;

enum class ChecksumAlgorithm { kNone, kCrc32c, kCrc64Nvme, kSha256 };
// "crc32c", "crc64nvme", "sha256", "none"; kInvalidArgument otherwise.
Result<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);

// Server-side encryption headers for writes (and SSE-C for reads).
struct Encryption {
  enum class Mode { kNone, kS3, kKms, kCustomerKey };
  Mode mode = Mode::kNone;
  std::string kms_key_id;    // kKms (optional: the default key)
  std::string customer_key;  // kCustomerKey: the raw 32-byte key
};

// Which service the endpoint speaks for; presets adjust defaults.
enum class Flavor { kAws, kGcs, kGeneric };

struct ClientOptions {
  ClientOptions() {}
  // Empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1.
  std::string region;
  // "http(s)://host[:port]". Empty: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
  // the profile's endpoint_url, then https://s3.<region>.amazonaws.com
  // (https://storage.googleapis.com for kGcs).
  std::string endpoint;
  // Unset: path-style for custom endpoints, virtual-hosted for AWS.
  std::optional<bool> path_style;
  Flavor flavor = Flavor::kAws;
  // Credentials: explicit ones win; else the default chain (see
  // credentials.h) with `chain`. `anonymous` sends unsigned requests.
  std::optional<Credentials> credentials;
  std::shared_ptr<CredentialsProvider> credentials_provider;
  ChainOptions chain;
  bool anonymous = false;
  // Sign the payload hash (true) or send UNSIGNED-PAYLOAD (false).
  bool sign_payload = false;
  // Checksum sent with uploads and verified on full-object downloads.
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kNone;
  Encryption encryption;
  RetryOptions retry;
  // Copy(): objects larger than this are copied with UploadPartCopy in
  // parts of `multipart_copy_part_size`, `copy_concurrency` at a time.
  uint64_t multipart_copy_threshold = 5ull << 30;
  uint64_t multipart_copy_part_size = 512ull << 20;
  int copy_concurrency = 4;
  // Flavor::kGcs has no DeleteObjects: DeleteMany sends this many single
  // DELETEs at a time instead.
  int delete_concurrency = 16;
  http::ClientOptions http;
  std::shared_ptr<http::Client> http_client;  // shared pool; else a new one
};

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // as the server sent it, quotes stripped
  std::chrono::system_clock::time_point last_modified{};
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-*, names lower
  std::string storage_class;
  std::string version_id;
  // x-amz-checksum-* values received (algorithm name → base64).
  std::map<std::string, std::string> checksums;
};

struct GetOptions {
  GetOptions() {}
  // Byte range: [offset, offset + length); length unset = to the end.
  std::optional<uint64_t> offset;
  std::optional<uint64_t> length;
  // Last `suffix_length` bytes (bytes=-N); exclusive with offset.
  std::optional<uint64_t> suffix_length;
  std::string if_match;          // etag; mismatch → kFailedPrecondition
  std::string if_none_match;     // etag; match → kFailedPrecondition (304)
  Encryption encryption;         // SSE-C key for reading
  bool verify_checksum = false;  // full-object GET: check x-amz-checksum-*
};

struct GetResult {
  ObjectInfo info;           // from the response headers
  size_t bytes_read = 0;     // bytes written into the caller's buffer
  uint64_t object_size = 0;  // whole object (from Content-Range if ranged)
};

struct PutOptions {
  PutOptions() {}
  std::string content_type;
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-*
  // "*" = create only (If-None-Match: *); else an etag for If-Match.
  std::string if_none_match;
  std::string if_match;
  // Copy() only: copy only if the source's etag is this
  // (x-amz-copy-source-if-match, also on each UploadPartCopy); otherwise
  // kFailedPrecondition. Empty: no condition on the source.
  std::string src_if_match;
  std::optional<ChecksumAlgorithm> checksum;  // unset: the client default
  std::optional<Encryption> encryption;       // unset: the client default
};

struct PutResult {
  std::string etag;
  std::string version_id;
};

struct ListOptions {
  ListOptions() {}
  std::string prefix;
  std::string delimiter;
  std::string continuation_token;
  std::string start_after;
  int max_keys = 1000;
};

struct ListResult {
  std::vector<ObjectInfo> objects;  // key, size, etag, last_modified
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
  std::string checksum;  // base64, when a checksum algorithm is in use
};

class Client {
 public:
  // Resolves region, endpoint, addressing and credentials (from the options
  // and the environment); kInvalidArgument names a bad option.
  static Result<std::shared_ptr<Client>> Create(ClientOptions options = {});
  virtual ~Client() = default;

  const std::string& region() const { return region_; }
  const std::string& endpoint() const { return endpoint_; }
  bool path_style() const { return path_style_; }
  // The server family it speaks to (ClientOptions::flavor).
  Flavor flavor() const { return flavor_; }

  // Buckets.
  virtual Task<Status> CreateBucket(std::string bucket) = 0;
  virtual Task<Status> DeleteBucket(std::string bucket) = 0;
  virtual Task<Status> HeadBucket(std::string bucket) = 0;

  // Objects.
  virtual Task<Result<ObjectInfo>> Head(std::string bucket, std::string key,
                                        GetOptions options = {}) = 0;
  // GET into `dst` (ranged when the options say so). A body longer than
  // `dst` is kOutOfRange.
  virtual Task<Result<GetResult>> Get(std::string bucket, std::string key,
                                      std::span<std::byte> dst,
                                      GetOptions options = {}) = 0;
  // GET streamed: the caller reads the body. Status mapping as for Get; no
  // retry once the body has started.
  virtual Task<Result<std::unique_ptr<http::ResponseBody>>> GetStream(
      std::string bucket, std::string key, GetOptions options = {}) = 0;
  virtual Task<Result<PutResult>> Put(std::string bucket, std::string key,
                                      std::span<const std::byte> body,
                                      PutOptions options = {}) = 0;
  virtual Task<Status> Delete(std::string bucket, std::string key) = 0;
  // DeleteObjects in batches of 1000; missing keys are not errors. The
  // first per-key error fails the call, naming the key.
  virtual Task<Status> DeleteMany(std::string bucket,
                                  std::vector<std::string> keys) = 0;
  // Server-side copy; objects over `multipart_copy_threshold` (5 GiB) are
  // copied with UploadPartCopy in parts. Metadata is copied.
  virtual Task<Result<PutResult>> Copy(std::string src_bucket,
                                       std::string src_key,
                                       std::string dst_bucket,
                                       std::string dst_key,
                                       PutOptions options = {}) = 0;
  virtual Task<Result<ListResult>> List(std::string bucket,
                                        ListOptions options = {}) = 0;

  // Multipart upload. Part numbers are 1..10000; every part but the last
  // must be >= 5 MiB.
  virtual Task<Result<std::string>> CreateMultipartUpload(
      std::string bucket, std::string key, PutOptions options = {}) = 0;
  virtual Task<Result<CompletedPart>> UploadPart(
      std::string bucket, std::string key, std::string upload_id,
      int part_number, std::span<const std::byte> body) = 0;
  // Copies [offset, offset+length) of src (all of it when length is unset).
  virtual Task<Result<CompletedPart>> UploadPartCopy(
      std::string bucket, std::string key, std::string upload_id,
      int part_number, std::string src_bucket, std::string src_key,
      std::optional<uint64_t> offset, std::optional<uint64_t> length,
      std::string src_if_match = "") = 0;
  // `options` carries the conditional headers (if_none_match/if_match) that
  // the completion is made under, where the server supports them.
  virtual Task<Result<PutResult>> CompleteMultipartUpload(
      std::string bucket, std::string key, std::string upload_id,
      std::vector<CompletedPart> parts, PutOptions options = {}) = 0;
  virtual Task<Status> AbortMultipartUpload(std::string bucket, std::string key,
                                            std::string upload_id) = 0;

  // A presigned URL (GET or PUT) valid for `expires`.
  virtual Task<Result<std::string>> Presign(std::string method,
                                            std::string bucket, std::string key,
                                            std::chrono::seconds expires) = 0;

  // The URL of bucket/key for this client's endpoint and addressing.
  virtual std::string ObjectUrl(std::string_view bucket,
                                std::string_view key) const = 0;

  static constexpr uint64_t kMinPartSize = 5ull << 20;
  static constexpr uint64_t kMaxPartSize = 5ull << 30;
  static constexpr int kMaxParts = 10000;

 protected:
  Client() = default;
  std::string region_;
  std::string endpoint_;
  bool path_style_ = true;
  Flavor flavor_ = Flavor::kAws;
};

// The one S3 error mapping: HTTP status + S3 error document → Status.
// `what` names the operation and object ("GET s3://b/k").
Status MapS3Error(int http_status, std::string_view body,
                  std::string_view what);

}  // namespace strata::s3
