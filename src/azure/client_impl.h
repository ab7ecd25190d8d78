// The azure::Client implementation (private): request building, signing,
// the retry loop and the REST operations.
//
// Thread-safety: as azure::Client (immutable after Create; the http::Client
// is thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "strata/azure/client.h"
#include "strata/http/client.h"

namespace strata::azure {

// One REST call, before URL building and signing.
struct Call {
  Call() {}
  std::string method = "GET";
  std::string container;
  std::string blob;  // empty: a container-level request
  // Query parameters, unencoded (Execute encodes them).
  std::vector<std::pair<std::string, std::string>> query;
  http::Headers headers;
  std::span<const std::byte> body;
  std::optional<std::span<std::byte>> response_into;
  std::stop_token stop;
  // Set by Execute when an attempt's outcome was unknown (a transport error
  // or a 5xx answer): the request may have taken effect.
  bool* uncertain = nullptr;
};

class ClientImpl final : public Client {
 public:
  ClientImpl(ClientOptions options, Config config,
             std::shared_ptr<http::Client> http);

  Task<Status> CreateContainer(std::string container) override;
  Task<Status> DeleteContainer(std::string container) override;
  Task<Result<BlobProperties>> GetProperties(std::string container,
                                             std::string blob) override;
  Task<Result<GetResult>> Get(std::string container, std::string blob,
                              std::span<std::byte> dst,
                              GetOptions options) override;
  Task<Result<PutResult>> Put(std::string container, std::string blob,
                              std::span<const std::byte> body,
                              PutOptions options) override;
  Task<Status> Delete(std::string container, std::string blob,
                      DeleteOptions options) override;
  Task<Result<PutResult>> Copy(std::string src_container, std::string src_blob,
                               std::string dst_container, std::string dst_blob,
                               CopyOptions options) override;
  Task<Result<ListResult>> List(std::string container,
                                ListOptions options) override;
  Task<Status> PutBlock(std::string container, std::string blob,
                        std::string block_id,
                        std::span<const std::byte> body) override;
  Task<Result<PutResult>> PutBlockList(std::string container, std::string blob,
                                       std::vector<BlockRef> blocks,
                                       PutOptions options) override;
  Task<Result<std::vector<BlockInfo>>> GetBlockList(std::string container,
                                                    std::string blob) override;
  Task<Result<PutResult>> CreateAppendBlob(std::string container,
                                           std::string blob,
                                           PutOptions options) override;
  Task<Result<PutResult>> AppendBlock(
      std::string container, std::string blob, std::span<const std::byte> body,
      std::optional<uint64_t> append_position) override;
  std::string BlobUrl(std::string_view container,
                      std::string_view blob) const override;

  // Sends `call` with retries; a non-2xx answer becomes the mapped Status.
  Task<Result<http::Response>> Execute(Call call);

 private:
  Result<http::Request> Build(const Call& call) const;
  std::string Describe(const Call& call) const;  // "PUT az://c/b"
  // Sends a conditional commit `call` tagged with a fresh write id; a 409/412
  // after an unknown outcome is resolved by reading the blob's properties.
  Task<Result<PutResult>> CommitOnce(Call call, PutOptions options);
  // One Append Block at `position`, resolved the same way by the blob size.
  Task<Result<PutResult>> AppendOnce(std::string container, std::string blob,
                                     std::span<const std::byte> body,
                                     uint64_t position);
  Task<Result<PutResult>> CopyWait(std::string dst_container,
                                   std::string dst_blob, std::string status);

  ClientOptions options_;
  std::shared_ptr<http::Client> http_;
};

// Properties from Get/Head response headers.
BlobProperties PropertiesFromHeaders(const http::Headers& headers,
                                     std::string name);
// Adds content headers, x-ms-meta-* and conditions from `options`
// (metadata under Client::kWriteIdMetadata is left out).
void AddPutHeaders(const PutOptions& options, http::Headers& headers);
// "az://container/blob".
// The etag header without quotes.
std::string EtagOf(const http::Response& r);
// A random 128-bit id, 32 hex digits.
std::string NewWriteId();
std::string AzUri(std::string_view container, std::string_view blob);

}  // namespace strata::azure
