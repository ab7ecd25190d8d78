// azure::Client block-blob staging (Put Block, Put Block List, Get Block
// List) and append blobs (Put Blob AppendBlob, Append Block).
#include <algorithm>

#include "azure/client_impl.h"
#include "azure/wire.h"

namespace strata::azure {
namespace {

std::string EtagOf(const http::Response& r) {
  auto v = r.header("etag");
  std::string e = v ? std::string(*v) : std::string();
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') {
    e = e.substr(1, e.size() - 2);
  }
  return e;
}

}  // namespace

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
  AddPutHeaders(options, call.headers);
  call.body = std::as_bytes(std::span<const char>(xml.data(), xml.size()));
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  PutResult out;
  out.etag = EtagOf(r);
  co_return out;
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
  AddPutHeaders(options, call.headers);
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  PutResult out;
  out.etag = EtagOf(r);
  co_return out;
}

Task<Result<PutResult>> ClientImpl::AppendBlock(
    std::string container, std::string blob, std::span<const std::byte> body,
    std::optional<uint64_t> append_position) {
  PutResult out;
  if (body.empty()) co_return out;  // the service rejects empty blocks
  size_t done = 0;
  do {
    size_t n = std::min<size_t>(body.size() - done, kMaxAppendBlock);
    Call call;
    call.method = "PUT";
    call.container = container;
    call.blob = blob;
    call.query.emplace_back("comp", "appendblock");
    if (append_position) {
      call.headers.emplace_back("x-ms-blob-condition-appendpos",
                                std::to_string(*append_position + done));
    }
    call.body = body.subspan(done, n);
    STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                               co_await Execute(std::move(call)));
    out.etag = EtagOf(r);
    done += n;
  } while (done < body.size());
  co_return out;
}

}  // namespace strata::azure
