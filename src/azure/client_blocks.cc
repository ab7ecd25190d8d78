// azure::Client block-blob staging (Put Block, Put Block List, Get Block
// List) and append blobs (Put Blob AppendBlob, Append Block).
#include <algorithm>

#include "azure/client_impl.h"
#include "azure/wire.h"

namespace strata::azure {
Task<Status> ClientImpl::PutBlock(std::string container, std::string blob,
                                  std::string block_id,
                                  std::span<const std::byte> body) {
  Call call;
  call.method = "PUT";
  call.container = std::move(container);
  call.blob = std::move(blob);
  call.query.emplace_back("comp", "block");
  call.query.emplace_back("blockid", std::move(block_id));
  call.body = body;
  Result<http::Response> r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Result<PutResult>> ClientImpl::PutBlockList(std::string container,
                                                 std::string blob,
                                                 std::vector<BlockRef> blocks,
                                                 PutOptions options) {
  std::string xml = wire::BlockListXml(blocks);
  Call call;
  call.method = "PUT";
  call.container = std::move(container);
  call.blob = std::move(blob);
  call.query.emplace_back("comp", "blocklist");
  call.headers.emplace_back("Content-Type", "application/xml");
  call.body = std::as_bytes(std::span<const char>(xml.data(), xml.size()));
  co_return co_await CommitOnce(std::move(call), std::move(options));
}

Task<Result<PutResult>> ClientImpl::CommitOnce(Call call, PutOptions options) {
  bool conditional =
      !options.if_none_match.empty() || !options.if_match.empty();
  std::string id;
  if (conditional) {
    id = NewWriteId();
    std::string name = "x-ms-meta-";
    name += kWriteIdMetadata;
    call.headers.emplace_back(std::move(name), id);
  }
  AddPutHeaders(options, call.headers);
  bool uncertain = false;
  call.uncertain = &uncertain;
  std::string container = call.container;
  std::string blob = call.blob;
  Result<http::Response> r = co_await Execute(std::move(call));
  PutResult out;
  if (r.ok()) {
    out.etag = EtagOf(*r);
    co_return out;
  }
  StatusCode code = r.status().code();
  if (!conditional || !uncertain ||
      (code != StatusCode::kAlreadyExists &&
       code != StatusCode::kFailedPrecondition)) {
    co_return r.status();
  }
  // An earlier attempt may have committed: it did if the blob carries our id.
  Result<BlobProperties> props = co_await GetProperties(container, blob);
  if (props.ok()) {
    auto it = props->metadata.find(std::string(kWriteIdMetadata));
    if (it != props->metadata.end() && it->second == id) {
      out.etag = props->etag;
      co_return out;
    }
  }
  co_return r.status();
}

Task<Result<std::vector<BlockInfo>>> ClientImpl::GetBlockList(
    std::string container, std::string blob) {
  const std::string uri = AzUri(container, blob);
  Call call;
  call.container = std::move(container);
  call.blob = std::move(blob);
  call.query.emplace_back("comp", "blocklist");
  call.query.emplace_back("blocklisttype", "committed");
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  Result<std::vector<BlockInfo>> parsed = wire::ParseBlockList(r.body);
  if (!parsed.ok())
    co_return parsed.status().WithContext("GET BLOCKLIST " + uri);
  co_return parsed;
}

Task<Result<PutResult>> ClientImpl::CreateAppendBlob(std::string container,
                                                     std::string blob,
                                                     PutOptions options) {
  Call call;
  call.method = "PUT";
  call.container = std::move(container);
  call.blob = std::move(blob);
  call.headers.emplace_back("x-ms-blob-type", "AppendBlob");
  co_return co_await CommitOnce(std::move(call), std::move(options));
}

Task<Result<PutResult>> ClientImpl::AppendBlock(
    std::string container, std::string blob, std::span<const std::byte> body,
    std::optional<uint64_t> append_position) {
  PutResult out;
  if (body.empty()) co_return out;  // the service rejects empty blocks
  if (!append_position) {
    Result<BlobProperties> props = co_await GetProperties(container, blob);
    if (!props.ok()) co_return props.status();
    append_position = props->size;
  }
  size_t done = 0;
  do {
    size_t n = std::min<size_t>(body.size() - done, kMaxAppendBlock);
    STRATA_CO_ASSIGN_OR_RETURN(
        out, co_await AppendOnce(container, blob, body.subspan(done, n),
                                 *append_position + done));
    done += n;
  } while (done < body.size());
  co_return out;
}

Task<Result<PutResult>> ClientImpl::AppendOnce(std::string container,
                                               std::string blob,
                                               std::span<const std::byte> body,
                                               uint64_t position) {
  Call call;
  call.method = "PUT";
  call.container = container;
  call.blob = blob;
  call.query.emplace_back("comp", "appendblock");
  call.headers.emplace_back("x-ms-blob-condition-appendpos",
                            std::to_string(position));
  call.body = body;
  bool uncertain = false;
  call.uncertain = &uncertain;
  Result<http::Response> r = co_await Execute(std::move(call));
  PutResult out;
  if (r.ok()) {
    out.etag = EtagOf(*r);
    co_return out;
  }
  if (r.status().code() != StatusCode::kFailedPrecondition || !uncertain) {
    co_return r.status();
  }
  // AppendPositionConditionNotMet after an unknown outcome: the earlier
  // attempt landed if the blob ends exactly where this block would.
  Result<BlobProperties> props = co_await GetProperties(container, blob);
  if (props.ok() && props->size == position + body.size()) {
    out.etag = props->etag;
    co_return out;
  }
  co_return r.status();
}

}  // namespace strata::azure
