// azure::Client: the Azure Blob Storage REST API (and Azurite) over
// http::Client.
//
// One method per REST operation, plus the composite ones callers get wrong
// (Append Block split into 4 MiB blocks, Copy Blob polled to completion).
// Every method:
// - authenticates with SharedKey or SAS (see config.h / shared_key.h);
// - retries what is retryable (5xx except 501, 429, ServerBusy,
//   OperationTimedOut, transport timeouts and resets), never another 4xx,
//   with exponential backoff and full jitter, bounded by attempts and total
//   time (RetryOptions);
// - maps errors once (MapAzureError): BlobNotFound/ContainerNotFound/404 →
//   kNotFound, ConditionNotMet/412 → kFailedPrecondition, BlobAlreadyExists/
//   ContainerAlreadyExists/409 → kAlreadyExists, AuthenticationFailed/
//   AuthorizationFailure/403 → kPermissionDenied, InvalidRange/416 →
//   kOutOfRange, 5xx/429/ServerBusy/OperationTimedOut → kUnavailable
//   (retryable), with "az://container/blob", the service's error code and
//   request id in the message.
//
// Conditional commits (Put, Put Block List, Create Append Blob with
// if_none_match / if_match) carry the reserved metadata key
// kWriteIdMetadata ("strata_write_id", a random 128-bit hex id per call; Azure
// metadata names must be C# identifiers, hence '_' not '-'). When an attempt's
// outcome was unknown (transport error or 5xx) and the retry then fails with
// 409/412, the client reads the blob's properties: if they carry this call's
// id, the earlier attempt committed and the call succeeds. Callers' own
// metadata under that key is replaced. Append Block always sends
// x-ms-blob-condition-appendpos, so a retry cannot append twice; an
// AppendPositionConditionNotMet after an unknown outcome succeeds when the
// blob's size shows the block landed.
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
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "strata/azure/config.h"
#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/http/client.h"
#include "strata/http/retry.h"

namespace strata::azure {

// Backoff and budget of retries (see strata/http/retry.h).
using RetryOptions = http::RetryOptions;

struct ClientOptions {
  ClientOptions() {}
  Settings settings;  // account, credentials, endpoint (see config.h)
  RetryOptions retry;
  http::ClientOptions http;
  std::shared_ptr<http::Client> http_client;  // shared pool; else a new one
  // Copy Blob polling: interval and overall limit while x-ms-copy-status is
  // "pending".
  std::chrono::milliseconds copy_poll_interval{200};
  std::chrono::milliseconds copy_timeout{600'000};
};

enum class BlobType { kBlock, kAppend, kPage };
std::string_view BlobTypeName(BlobType type);  // "BlockBlob", ...

struct BlobProperties {
  std::string name;
  uint64_t size = 0;
  std::string etag;  // quotes stripped
  std::chrono::system_clock::time_point last_modified{};
  std::string content_type;
  std::string content_encoding;
  std::string content_language;
  std::string content_disposition;
  std::string cache_control;
  std::map<std::string, std::string> metadata;  // x-ms-meta-*, names lower
  BlobType type = BlobType::kBlock;
};

struct GetOptions {
  GetOptions() {}
  // Byte range [offset, offset + length); length unset = to the end.
  std::optional<uint64_t> offset;
  std::optional<uint64_t> length;
  std::string if_match;  // etag; mismatch → kFailedPrecondition
  std::stop_token stop;  // cancels the request (kCancelled)
};

struct GetResult {
  BlobProperties properties;  // from the response headers
  size_t bytes_read = 0;      // bytes written into the caller's buffer
  uint64_t blob_size = 0;     // whole blob (from Content-Range if ranged)
};

struct PutOptions {
  PutOptions() {}
  // Sent as x-ms-blob-content-type / -encoding / -language / -disposition /
  // x-ms-blob-cache-control when non-empty.
  std::string content_type;
  std::string content_encoding;
  std::string content_language;
  std::string content_disposition;
  std::string cache_control;
  std::map<std::string, std::string> metadata;  // sent as x-ms-meta-*
  // "*" = create only (If-None-Match: *); else an etag for If-Match.
  std::string if_none_match;
  std::string if_match;
};

struct PutResult {
  std::string etag;
};

// Conditions of Copy Blob / Delete Blob (etags, quotes stripped).
struct CopyOptions {
  CopyOptions() {}
  std::string source_if_match;  // x-ms-source-if-match
};
struct DeleteOptions {
  DeleteOptions() {}
  std::string if_match;  // If-Match
};

struct ListOptions {
  ListOptions() {}
  std::string prefix;
  std::string delimiter;
  std::string marker;
  int max_results = 5000;
};

struct ListResult {
  std::vector<BlobProperties> blobs;  // name, size, etag, type, ...
  std::vector<std::string> prefixes;  // BlobPrefix names
  std::string next_marker;            // empty at the end
};

// One entry of a Put Block List request.
struct BlockRef {
  enum class List { kCommitted, kUncommitted, kLatest };
  std::string id;  // base64 block id, as sent to Put Block
  List list = List::kLatest;
};

struct BlockInfo {
  std::string id;
  uint64_t size = 0;
};

class Client {
 public:
  // Resolves the configuration (kInvalidArgument names a bad field).
  static Result<std::shared_ptr<Client>> Create(ClientOptions options = {});
  virtual ~Client() = default;

  const Config& config() const { return config_; }

  // Containers. Create on an existing one is kAlreadyExists.
  virtual Task<Status> CreateContainer(std::string container) = 0;
  virtual Task<Status> DeleteContainer(std::string container) = 0;

  // Get Blob Properties (HEAD).
  virtual Task<Result<BlobProperties>> GetProperties(std::string container,
                                                     std::string blob) = 0;
  // Get Blob into `dst` (ranged when the options say so). A body longer than
  // `dst` is kOutOfRange; a range starting at or past the end is
  // kOutOfRange (InvalidRange).
  virtual Task<Result<GetResult>> Get(std::string container, std::string blob,
                                      std::span<std::byte> dst,
                                      GetOptions options = {}) = 0;
  // Put Blob (BlockBlob) in one request.
  virtual Task<Result<PutResult>> Put(std::string container, std::string blob,
                                      std::span<const std::byte> body,
                                      PutOptions options = {}) = 0;
  // A failed If-Match is kFailedPrecondition.
  virtual Task<Status> Delete(std::string container, std::string blob,
                              DeleteOptions options = {}) = 0;
  // Copy Blob within the account; waits while the copy is pending. A failed
  // source_if_match is kFailedPrecondition.
  virtual Task<Result<PutResult>> Copy(std::string src_container,
                                       std::string src_blob,
                                       std::string dst_container,
                                       std::string dst_blob,
                                       CopyOptions options = {}) = 0;
  virtual Task<Result<ListResult>> List(std::string container,
                                        ListOptions options = {}) = 0;

  // Block blobs: stage blocks, then commit a list of them.
  virtual Task<Status> PutBlock(std::string container, std::string blob,
                                std::string block_id,
                                std::span<const std::byte> body) = 0;
  virtual Task<Result<PutResult>> PutBlockList(std::string container,
                                               std::string blob,
                                               std::vector<BlockRef> blocks,
                                               PutOptions options = {}) = 0;
  // The committed blocks (kNotFound for a missing blob).
  virtual Task<Result<std::vector<BlockInfo>>> GetBlockList(
      std::string container, std::string blob) = 0;

  // Append blobs: create (empty) and append. AppendBlock splits `body` into
  // blocks of at most kMaxAppendBlock bytes, each sent with
  // x-ms-blob-condition-appendpos (its running position), so a concurrent
  // writer makes it fail with kFailedPrecondition instead of interleaving,
  // and a retried block is never appended twice. Without `append_position`
  // the blob's current size (Get Blob Properties) is the start position.
  virtual Task<Result<PutResult>> CreateAppendBlob(std::string container,
                                                   std::string blob,
                                                   PutOptions options = {}) = 0;
  virtual Task<Result<PutResult>> AppendBlock(
      std::string container, std::string blob, std::span<const std::byte> body,
      std::optional<uint64_t> append_position = std::nullopt) = 0;

  // The URL of container/blob on this client's endpoint (without SAS).
  virtual std::string BlobUrl(std::string_view container,
                              std::string_view blob) const = 0;

  static constexpr uint64_t kMaxAppendBlock = 4ull << 20;
  static constexpr uint64_t kMaxPutBlob = 256ull << 20;  // single-shot limit
  // Reserved metadata key of conditional commits (see the top comment).
  static constexpr std::string_view kWriteIdMetadata = "strata_write_id";

 protected:
  Client() = default;
  Config config_;
};

// A fixed-width block id: base64 of "%016llx-%010u" (writer, index). All ids
// of one blob must have the same length; a random `writer` per upload keeps
// new ids distinct from the blocks a blob already has.
std::string BlockId(uint64_t writer, uint32_t index);

// The one Azure error mapping: HTTP status + x-ms-error-code header (or the
// <Error><Code> of the body) → Status. `what` names the operation and
// object ("GET az://c/b"); `request_id` is x-ms-request-id.
Status MapAzureError(int http_status, std::string_view error_code,
                     std::string_view body, std::string_view what,
                     std::string_view request_id);

}  // namespace strata::azure
