// azure::Client REST operations: containers, blobs, listing, copy.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "azure/client_impl.h"
#include "azure/wire.h"
#include "strata/azure/shared_key.h"
#include "strata/runtime/io.h"

namespace strata::azure {
namespace {

// Whole-blob size from "bytes a-b/total".
std::optional<uint64_t> TotalFromContentRange(std::string_view v) {
  size_t slash = v.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= v.size()) {
    return std::nullopt;
  }
  std::string total(v.substr(slash + 1));
  if (total == "*") return std::nullopt;
  return std::strtoull(total.c_str(), nullptr, 10);
}

std::string RangeHeader(const GetOptions& o) {
  std::string v = "bytes=" + std::to_string(o.offset.value_or(0)) + "-";
  if (o.length) {
    uint64_t len = std::max<uint64_t>(*o.length, 1);
    v += std::to_string(o.offset.value_or(0) + len - 1);
  }
  return v;
}

}  // namespace

Task<Status> ClientImpl::CreateContainer(std::string container) {
  Call call;
  call.method = "PUT";
  call.container = std::move(container);
  call.query.emplace_back("restype", "container");
  Result<http::Response> r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Status> ClientImpl::DeleteContainer(std::string container) {
  Call call;
  call.method = "DELETE";
  call.container = std::move(container);
  call.query.emplace_back("restype", "container");
  Result<http::Response> r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Result<BlobProperties>> ClientImpl::GetProperties(std::string container,
                                                       std::string blob) {
  Call call;
  call.method = "HEAD";
  call.container = std::move(container);
  call.blob = blob;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  co_return PropertiesFromHeaders(r.headers, std::move(blob));
}

Task<Result<GetResult>> ClientImpl::Get(std::string container, std::string blob,
                                        std::span<std::byte> dst,
                                        GetOptions options) {
  const std::string uri = AzUri(container, blob);
  Call call;
  call.container = std::move(container);
  call.blob = blob;
  if (options.offset || options.length) {
    if (options.length && *options.length == 0) {
      co_return InvalidArgumentError("GET " + uri + ": zero-length range");
    }
    call.headers.emplace_back("x-ms-range", RangeHeader(options));
  }
  if (!options.if_match.empty()) {
    call.headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
  }
  call.stop = options.stop;
  // Small buffers collect the body, so an error document always fits.
  bool direct = dst.size() >= 4096;
  if (direct) call.response_into = dst;
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  GetResult out;
  out.properties = PropertiesFromHeaders(r.headers, std::move(blob));
  if (direct) {
    out.bytes_read = static_cast<size_t>(r.body_size);
  } else {
    if (r.body.size() > dst.size()) {
      co_return OutOfRangeError("GET " + uri + ": body larger than the buffer");
    }
    std::memcpy(dst.data(), r.body.data(), r.body.size());
    out.bytes_read = r.body.size();
  }
  out.blob_size = out.properties.size;
  if (auto cr = r.header("content-range")) {
    if (auto total = TotalFromContentRange(*cr)) out.blob_size = *total;
  }
  out.properties.size = out.blob_size;
  co_return out;
}

Task<Result<PutResult>> ClientImpl::Put(std::string container, std::string blob,
                                        std::span<const std::byte> body,
                                        PutOptions options) {
  Call call;
  call.method = "PUT";
  call.container = std::move(container);
  call.blob = std::move(blob);
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  call.body = body;
  co_return co_await CommitOnce(std::move(call), std::move(options));
}

Task<Status> ClientImpl::Delete(std::string container, std::string blob,
                                DeleteOptions options) {
  Call call;
  call.method = "DELETE";
  call.container = std::move(container);
  call.blob = std::move(blob);
  if (!options.if_match.empty()) {
    call.headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
  }
  Result<http::Response> r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Result<ListResult>> ClientImpl::List(std::string container,
                                          ListOptions options) {
  Call call;
  call.container = container;
  call.query.emplace_back("restype", "container");
  call.query.emplace_back("comp", "list");
  if (!options.prefix.empty())
    call.query.emplace_back("prefix", options.prefix);
  if (!options.delimiter.empty()) {
    call.query.emplace_back("delimiter", options.delimiter);
  }
  if (!options.marker.empty())
    call.query.emplace_back("marker", options.marker);
  call.query.emplace_back("maxresults", std::to_string(options.max_results));
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  Result<ListResult> parsed = wire::ParseListBlobs(r.body);
  if (!parsed.ok())
    co_return parsed.status().WithContext("LIST " + AzUri(container, ""));
  co_return parsed;
}

Task<Result<PutResult>> ClientImpl::Copy(std::string src_container,
                                         std::string src_blob,
                                         std::string dst_container,
                                         std::string dst_blob,
                                         CopyOptions options) {
  Call call;
  call.method = "PUT";
  call.container = dst_container;
  call.blob = dst_blob;
  std::string source = BlobUrl(src_container, src_blob);
  if (config_.key.empty()) source = AppendSas(source, config_.sas_token);
  call.headers.emplace_back("x-ms-copy-source", std::move(source));
  if (!options.source_if_match.empty()) {
    call.headers.emplace_back("x-ms-source-if-match",
                              "\"" + options.source_if_match + "\"");
  }
  STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                             co_await Execute(std::move(call)));
  auto status = r.header("x-ms-copy-status");
  std::string s = status ? std::string(*status) : std::string("success");
  if (s == "success") {
    PutResult out;
    out.etag = EtagOf(r);
    co_return out;
  }
  co_return co_await CopyWait(std::move(dst_container), std::move(dst_blob),
                              std::move(s));
}

// Polls the destination while x-ms-copy-status is "pending".
Task<Result<PutResult>> ClientImpl::CopyWait(std::string dst_container,
                                             std::string dst_blob,
                                             std::string status) {
  const std::string what = "COPY " + AzUri(dst_container, dst_blob);
  auto deadline = std::chrono::steady_clock::now() + options_.copy_timeout;
  while (status == "pending") {
    if (std::chrono::steady_clock::now() > deadline) {
      co_return DeadlineExceededError(what + ": copy still pending");
    }
    (co_await runtime::SleepFor(options_.copy_poll_interval)).IgnoreError();
    Call call;
    call.method = "HEAD";
    call.container = dst_container;
    call.blob = dst_blob;
    STRATA_CO_ASSIGN_OR_RETURN(http::Response r,
                               co_await Execute(std::move(call)));
    auto v = r.header("x-ms-copy-status");
    status = v ? std::string(*v) : std::string("success");
    if (status == "success") {
      PutResult out;
      out.etag = EtagOf(r);
      co_return out;
    }
  }
  co_return AbortedError(what + ": copy ended with status '" + status + "'");
}

}  // namespace strata::azure
